package dev.acp.plan;

import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.Problem;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated pipeline with every decision made: dependencies, providers, output paths and
 * input values. The engine runs plans, never raw specs.
 *
 * @param steps every node in file order (a group before its members)
 * @param inputs the value of every declared input
 * @param warnings validation findings that do not stop the run
 * @param reads the local files its steps may read (the engine checks what templates render)
 */
public record ExecutionPlan(
        PipelineSpec spec,
        Path outputDirectory,
        boolean parallel,
        Map<String, Object> inputs,
        List<PlannedStep> steps,
        List<Problem> warnings,
        ReadPolicy reads) {

    public ExecutionPlan {
        java.util.Objects.requireNonNull(reads, "reads");
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        steps = List.copyOf(steps);
        warnings = List.copyOf(warnings);
    }

    public List<PlannedTask> tasks() {
        return steps.stream().filter(PlannedTask.class::isInstance).map(PlannedTask.class::cast).toList();
    }

    public Map<String, PlannedStep> byId() {
        Map<String, PlannedStep> m = new LinkedHashMap<>();
        steps.forEach(s -> m.put(s.id(), s));
        return m;
    }
}
