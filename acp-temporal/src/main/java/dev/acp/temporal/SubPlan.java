package dev.acp.temporal;

import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedGroup;
import dev.acp.plan.PlannedStep;
import dev.acp.plan.PlannedTask;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of a plan one activity runs: a node and everything it depends on, transitively (with
 * the members of groups among them). Everything upstream is handed to the engine as finished, so
 * the local engine runs exactly the node, with the template values of its upstream steps.
 */
final class SubPlan {
    private SubPlan() {}

    static ExecutionPlan of(ExecutionPlan plan, String nodeId) {
        Map<String, PlannedStep> byId = plan.byId();
        if (!byId.containsKey(nodeId)) {
            throw new IllegalArgumentException("the plan has no step '" + nodeId + "'");
        }
        Set<String> keep = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(nodeId));
        while (!todo.isEmpty()) {
            String id = todo.poll();
            if (!keep.add(id)) {
                continue;
            }
            PlannedStep s = byId.get(id);
            todo.addAll(s.dependencies());
            if (s instanceof PlannedGroup g) {
                todo.addAll(g.memberIds());
            }
            if (s instanceof PlannedTask t && t.groupId() != null) {
                todo.add(t.groupId());
            }
        }
        List<PlannedStep> steps = plan.steps().stream().filter(s -> keep.contains(s.id())).toList();
        // The same files may be read as by the whole plan.
        return new ExecutionPlan(plan.spec(), plan.outputDirectory(), plan.parallel(), plan.inputs(), steps,
                plan.warnings(), plan.reads());
    }
}
