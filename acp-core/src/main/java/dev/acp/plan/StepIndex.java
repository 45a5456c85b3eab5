package dev.acp.plan;

import dev.acp.pipeline.ForEachStepSpec;
import dev.acp.pipeline.GroupStepSpec;
import dev.acp.pipeline.MergeStrategy;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.StepSpec;
import dev.acp.pipeline.TaskStepSpec;
import dev.acp.util.Suggestions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The first pass: every step by id, what contains each member, and which steps never run (their
 * own {@code enabled: false}, their container's, or a container all of whose members are off).
 *
 * @param byId every step, top-level and inner, the first of each id (the loader reports repeats)
 * @param groupOf the parallel group of each member
 * @param blockOf the for_each block of each inner step
 * @param disabled the steps that never run
 */
record StepIndex(Map<String, StepSpec> byId, Map<String, String> groupOf, Map<String, ForEachStepSpec> blockOf,
        Set<String> disabled) {

    static StepIndex of(PipelineSpec spec) {
        Map<String, StepSpec> byId = new LinkedHashMap<>();
        Map<String, String> groupOf = new HashMap<>();
        Map<String, ForEachStepSpec> blockOf = new HashMap<>();
        Set<String> disabled = new HashSet<>();
        for (StepSpec s : spec.allSteps()) {
            byId.putIfAbsent(s.id(), s);
            if (!s.enabled()) {
                disabled.add(s.id());
            }
            switch (s) {
                case TaskStepSpec t -> { }
                case GroupStepSpec g -> {
                    for (TaskStepSpec m : g.steps()) {
                        groupOf.put(m.id(), g.id());
                        if (!g.enabled()) {
                            disabled.add(m.id());
                        }
                    }
                }
                case ForEachStepSpec f -> {
                    for (TaskStepSpec m : f.steps()) {
                        blockOf.put(m.id(), f);
                        if (!f.enabled()) {
                            disabled.add(m.id());
                        }
                    }
                }
            }
        }
        for (StepSpec s : spec.steps()) {
            List<TaskStepSpec> members = switch (s) {
                case TaskStepSpec t -> List.of();
                case GroupStepSpec g -> g.steps();
                case ForEachStepSpec f -> f.steps();
            };
            if (!members.isEmpty() && members.stream().allMatch(m -> disabled.contains(m.id()))) {
                disabled.add(s.id());
            }
        }
        return new StepIndex(byId, groupOf, blockOf, disabled);
    }

    @Nullable StepSpec step(String id) {
        return byId.get(id);
    }

    boolean isDisabled(String id) {
        return disabled.contains(id);
    }

    /** The group a member belongs to, or null. */
    @Nullable String groupOf(String id) {
        return groupOf.get(id);
    }

    /** The for_each block an inner step belongs to, or null. */
    @Nullable ForEachStepSpec blockOf(String id) {
        return blockOf.get(id);
    }

    /** The first_success group {@code id} belongs to, or null. */
    @Nullable String firstSuccessGroup(String id) {
        String g = groupOf.get(id);
        return g != null && byId.get(g) instanceof GroupStepSpec gs && gs.mergeStrategy() == MergeStrategy.FIRST_SUCCESS
                ? g : null;
    }

    /** The fix for an unknown step id: the nearest id, or all of them. */
    String suggestStep(String id) {
        return Suggestions.nearest(id, byId.keySet()).map(x -> "did you mean '" + x + "'?")
                .orElse("step ids in this pipeline: " + String.join(", ", byId.keySet()));
    }
}
