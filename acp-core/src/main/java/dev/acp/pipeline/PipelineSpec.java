package dev.acp.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A loaded pipeline file: the seed format plus ACP's additive extensions.
 *
 * @param outputDirectory the folder for outputs as written (relative to the working directory)
 * @param baseDirectory the folder relative paths inside the pipeline (input files) resolve against
 * @param source the file it was loaded from, for messages
 * @param locations where the top-level keys were written ({@code output_directory}, ...)
 */
public record PipelineSpec(
        String name,
        @Nullable String description,
        String outputDirectory,
        GlobalConfig global,
        Map<String, InputSpec> inputs,
        List<StepSpec> steps,
        Path baseDirectory,
        String source,
        Locations locations) {

    public PipelineSpec {
        Objects.requireNonNull(name, "name");
        inputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inputs));
        steps = List.copyOf(steps);
        Objects.requireNonNull(locations, "locations");
    }

    /** A pipeline whose top-level keys have no recorded locations (messages name the file alone). */
    public PipelineSpec(String name, @Nullable String description, String outputDirectory, GlobalConfig global,
            Map<String, InputSpec> inputs, List<StepSpec> steps, Path baseDirectory, String source) {
        this(name, description, outputDirectory, global, inputs, steps, baseDirectory, source,
                new Locations(SourceLocation.unknown(source), Map.of()));
    }

    /** Every task step, including members of groups and for_each blocks, in file order. */
    public List<TaskStepSpec> tasks() {
        List<TaskStepSpec> out = new ArrayList<>();
        for (StepSpec s : steps) {
            switch (s) {
                case TaskStepSpec t -> out.add(t);
                case GroupStepSpec g -> out.addAll(g.steps());
                case ForEachStepSpec f -> out.addAll(f.steps());
            }
        }
        return out;
    }

    /** Every step and group, members after their group, in file order. */
    public List<StepSpec> allSteps() {
        List<StepSpec> out = new ArrayList<>();
        for (StepSpec s : steps) {
            out.add(s);
            if (s instanceof GroupStepSpec g) {
                out.addAll(g.steps());
            } else if (s instanceof ForEachStepSpec f) {
                out.addAll(f.steps());
            }
        }
        return out;
    }
}
