package dev.acp.temporal;

import dev.acp.cost.Estimator;
import dev.acp.cost.StepEstimate;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedForEach;
import dev.acp.plan.PlannedGroup;
import dev.acp.plan.PlannedStep;
import dev.acp.plan.PlannedTask;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The plan as the workflow sees it: its top-level nodes (standalone tasks, parallel groups with
 * their members, for_each blocks), their dependencies between each other and what each may cost.
 * Computed once by the submitter, so that the workflow never plans (planning reads files and the
 * environment, which a workflow must not).
 */
public final class PlanShape {
    private PlanShape() {}

    /**
     * @param billed whether a provider's calls cost money
     * @param estimator prices each task; null when nothing is billed
     */
    public static List<NodeSpec> of(ExecutionPlan plan, @Nullable Estimator estimator, Predicate<String> billed) {
        Map<String, PlannedStep> byId = plan.byId();
        List<NodeSpec> nodes = new ArrayList<>();
        for (PlannedStep s : plan.steps()) {
            if (s instanceof PlannedTask t && t.groupId() != null) {
                continue; // runs with its group
            }
            Set<String> deps = new LinkedHashSet<>();
            for (String d : s.dependencies()) {
                deps.add(byId.get(d) instanceof PlannedTask t && t.groupId() != null ? t.groupId() : d);
            }
            List<NodeSpec.StepStub> stubs = new ArrayList<>();
            List<PlannedTask> priced = new ArrayList<>();
            switch (s) {
                case PlannedTask t -> {
                    stubs.add(stub(t));
                    priced.add(t);
                }
                case PlannedGroup g -> {
                    stubs.add(new NodeSpec.StepStub(g.id(), g.typeName(), null, null, null));
                    for (String m : g.memberIds()) {
                        PlannedTask t = (PlannedTask) byId.get(m);
                        stubs.add(stub(t));
                        priced.add(t);
                    }
                }
                case PlannedForEach f -> {
                    stubs.add(new NodeSpec.StepStub(f.id(), f.typeName(), null, null, null));
                    // Its item count is known only when it runs: its cost is unknown here.
                    priced = null;
                }
            }
            nodes.add(new NodeSpec(s.id(), List.copyOf(deps), stubs, estimate(priced, estimator, billed)));
        }
        return nodes;
    }

    private static NodeSpec.StepStub stub(PlannedTask t) {
        return new NodeSpec.StepStub(t.id(), t.typeName(), t.groupId(), t.providerId(), t.model());
    }

    /** The highest estimate of the tasks together; zero when none is billed; null when any is unknown. */
    private static @Nullable BigDecimal estimate(@Nullable List<PlannedTask> tasks, @Nullable Estimator estimator,
            Predicate<String> billed) {
        if (tasks == null) {
            return null;
        }
        BigDecimal sum = BigDecimal.ZERO;
        for (PlannedTask t : tasks) {
            if (!t.enabled() || !billed.test(t.providerId())) {
                continue;
            }
            if (estimator == null || !(estimator.estimate(t).cost() instanceof StepEstimate.Range r)) {
                return null;
            }
            sum = sum.add(r.high());
        }
        return sum;
    }
}
