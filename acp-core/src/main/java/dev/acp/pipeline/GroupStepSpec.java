package dev.acp.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@code parallel_group}: members that run side by side, limited by {@code max_workers}, whose
 * results are merged by a {@link MergeStrategy}.
 *
 * @param outputDirectory a sub-folder of the pipeline's output folder for the members' files
 */
public record GroupStepSpec(
        String id,
        boolean idExplicit,
        MergeStrategy mergeStrategy,
        @Nullable Integer maxWorkers,
        @Nullable Duration timeout,
        List<TaskStepSpec> steps,
        boolean enabled,
        @Nullable List<String> dependsOn,
        @Nullable String outputDirectory,
        Locations locations)
        implements StepSpec {

    public static final String TYPE_NAME = "parallel_group";

    public GroupStepSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(mergeStrategy, "mergeStrategy");
        steps = List.copyOf(steps);
        dependsOn = dependsOn == null ? null : List.copyOf(dependsOn);
    }

    @Override
    public String typeName() {
        return TYPE_NAME;
    }
}
