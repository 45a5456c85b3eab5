package dev.acp.plan;

import dev.acp.pipeline.TaskStepSpec;
import dev.acp.pipeline.Capability;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A task ready to run: its spec, the provider chosen for it and why, and where its output goes.
 *
 * @param providerReason how the provider was chosen, for reports ("--offline", "model flux-dev")
 * @param outputPath the absolute final path of the step's main output
 * @param groupId the parallel group this task belongs to, or null
 * @param fallbacks the step's validated alternatives, in the order they are tried; empty for none
 */
public record PlannedTask(
        TaskStepSpec spec,
        String providerId,
        String providerReason,
        @Nullable String model,
        Path outputPath,
        @Nullable String groupId,
        List<String> dependencies,
        boolean enabled,
        List<Fallback> fallbacks)
        implements PlannedStep {

    /**
     * One alternative, resolved: the provider that serves it and the model it asks for.
     *
     * @param index its position in the step's {@code fallback:} list, from 1
     */
    public record Fallback(int index, String providerId, @Nullable String model, String reason) {
        public Fallback {
            Objects.requireNonNull(providerId, "providerId");
        }

        /** {@code provider/model}, or the provider alone. */
        public String label() {
            return model == null ? providerId : providerId + "/" + model;
        }
    }

    /** A task without alternatives. */
    public PlannedTask(TaskStepSpec spec, String providerId, String providerReason, @Nullable String model,
            Path outputPath, @Nullable String groupId, List<String> dependencies, boolean enabled) {
        this(spec, providerId, providerReason, model, outputPath, groupId, dependencies, enabled, List.of());
    }

    public PlannedTask {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(providerId, "providerId");
        dependencies = List.copyOf(dependencies);
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
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

    /** {@code provider/model} of the primary, or the provider alone. */
    public String label() {
        return model == null ? providerId : providerId + "/" + model;
    }

    /**
     * The same step served by one of its alternatives: the alternative's provider, and its model
     * in {@code config.model} (removed when it names none, so that the provider uses its
     * default). Cost estimates, cache keys and requests of the alternative follow from it.
     */
    public PlannedTask on(Fallback alternative) {
        Map<String, Object> config = new LinkedHashMap<>(spec.config());
        if (alternative.model() == null) {
            config.remove("model");
        } else {
            config.put("model", alternative.model());
        }
        TaskStepSpec s = new TaskStepSpec(spec.id(), spec.idExplicit(), spec.capability(), config,
                spec.outputFilename(), spec.enabled(), spec.timeout(), spec.retryCount(), spec.dependsOn(),
                alternative.providerId(), spec.description(), spec.locations(), spec.maxCost(), spec.fallback());
        return new PlannedTask(s, alternative.providerId(), alternative.reason(), alternative.model(), outputPath,
                groupId, dependencies, enabled, fallbacks);
    }
}
