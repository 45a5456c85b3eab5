package dev.acp.plan;

import dev.acp.pipeline.TaskStepSpec;
import dev.acp.provider.Capability;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A task ready to run: its spec, the provider chosen for it and why, and where its output goes.
 *
 * @param providerReason how the provider was chosen, for reports ("--offline", "model flux-dev")
 * @param outputPath the absolute final path of the step's main output
 * @param groupId the parallel group this task belongs to, or null
 */
public record PlannedTask(
        TaskStepSpec spec,
        String providerId,
        String providerReason,
        @Nullable String model,
        Path outputPath,
        @Nullable String groupId,
        List<String> dependencies,
        boolean enabled)
        implements PlannedStep {

    public PlannedTask {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(providerId, "providerId");
        dependencies = List.copyOf(dependencies);
    }

    @Override
    public String id() {
        return spec.id();
    }

    public Capability capability() {
        return spec.capability();
    }

    @Override
    public String typeName() {
        return spec.typeName();
    }
}
