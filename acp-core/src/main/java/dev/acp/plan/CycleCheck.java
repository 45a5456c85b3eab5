package dev.acp.plan;

import dev.acp.pipeline.ForEachStepSpec;
import dev.acp.pipeline.GroupStepSpec;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.StepSpec;
import dev.acp.pipeline.TaskStepSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The cycle pass: reports each dependency cycle once, at the step where the search closes it. */
final class CycleCheck {
    private final PipelineSpec spec;
    private final StepIndex steps;
    private final Findings findings;

    CycleCheck(PipelineSpec spec, StepIndex steps, Findings findings) {
        this.spec = spec;
        this.steps = steps;
        this.findings = findings;
    }

    void check(DependencyGraph.Dependencies deps) {
        // Edges: node -> what it waits for. A group or block also waits for its members to finish.
        Map<String, List<String>> edges = new LinkedHashMap<>();
        deps.of().forEach((id, d) -> edges.put(id, new ArrayList<>(d)));
        for (StepSpec s : spec.steps()) {
            List<TaskStepSpec> members = switch (s) {
                case TaskStepSpec t -> List.of();
                case GroupStepSpec g -> g.steps();
                case ForEachStepSpec f -> f.steps();
            };
            members.forEach(m -> edges.get(s.id()).add(m.id()));
        }
        Map<String, Integer> state = new HashMap<>();
        Set<String> reported = new HashSet<>();
        for (String start : edges.keySet()) {
            if (state.getOrDefault(start, 0) == 0) {
                search(start, edges, state, new ArrayList<>(), reported);
            }
        }
    }

    /** Iterative depth-first search; reports each cycle once. 0 = new, 1 = on stack, 2 = done. */
    private void search(String start, Map<String, List<String>> edges, Map<String, Integer> state,
            List<String> stack, Set<String> reported) {
        record Frame(String id, int next) {}
        List<Frame> frames = new ArrayList<>();
        frames.add(new Frame(start, 0));
        state.put(start, 1);
        stack.add(start);
        while (!frames.isEmpty()) {
            Frame f = frames.remove(frames.size() - 1);
            List<String> out = edges.getOrDefault(f.id(), List.of());
            if (f.next() < out.size()) {
                frames.add(new Frame(f.id(), f.next() + 1));
                String n = out.get(f.next());
                int st = state.getOrDefault(n, 0);
                if (st == 0) {
                    state.put(n, 1);
                    stack.add(n);
                    frames.add(new Frame(n, 0));
                } else if (st == 1) {
                    List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(n), stack.size()));
                    if (reported.add(String.join(",", new TreeSet<>(cycle)))) {
                        List<String> waits = new ArrayList<>(cycle);
                        waits.add(n);
                        StepSpec s = steps.step(n);
                        findings.error(s.locations().self(), n, "dependency cycle: " + String.join(" waits for ", waits),
                                "remove one of these dependencies (depends_on, a {{steps...}} reference, or the"
                                        + " default order of steps)");
                    }
                }
            } else {
                state.put(f.id(), 2);
                stack.remove(stack.size() - 1);
            }
        }
    }
}
