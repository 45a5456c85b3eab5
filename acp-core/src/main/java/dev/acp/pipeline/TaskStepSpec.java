package dev.acp.pipeline;

import dev.acp.pipeline.Capability;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A step that asks one provider for one capability.
 *
 * @param config the step's parameters as plain values, after {@code ${NAME}} substitution and
 *     before {@code {{...}}} templating, which happens when the step runs
 * @param outputFilename the file name relative to the output folder, or null for the default
 * @param timeout the deadline for the whole step including retries, or null for none
 * @param retryCount how many times a retryable failure is retried (0 = one attempt)
 * @param provider the provider named with {@code provider:}, or null to infer it
 * @param maxCost the most this step may spend in US dollars ({@code max_cost}), or null for no step limit
 * @param fallback the alternatives tried in order when the provider fails for a reason another
 *     provider can fix; empty when the step has none
 */
public record TaskStepSpec(
        String id,
        boolean idExplicit,
        Capability capability,
        Map<String, Object> config,
        @Nullable String outputFilename,
        boolean enabled,
        @Nullable Duration timeout,
        int retryCount,
        @Nullable List<String> dependsOn,
        @Nullable String provider,
        @Nullable String description,
        Locations locations,
        @Nullable BigDecimal maxCost,
        List<FallbackSpec> fallback)
        implements StepSpec {

    /** A step without alternatives. */
    public TaskStepSpec(String id, boolean idExplicit, Capability capability, Map<String, Object> config,
            @Nullable String outputFilename, boolean enabled, @Nullable Duration timeout, int retryCount,
            @Nullable List<String> dependsOn, @Nullable String provider, @Nullable String description,
            Locations locations, @Nullable BigDecimal maxCost) {
        this(id, idExplicit, capability, config, outputFilename, enabled, timeout, retryCount, dependsOn, provider,
                description, locations, maxCost, List.of());
    }

    /** A step without a limit of its own. */
    public TaskStepSpec(String id, boolean idExplicit, Capability capability, Map<String, Object> config,
            @Nullable String outputFilename, boolean enabled, @Nullable Duration timeout, int retryCount,
            @Nullable List<String> dependsOn, @Nullable String provider, @Nullable String description,
            Locations locations) {
        this(id, idExplicit, capability, config, outputFilename, enabled, timeout, retryCount, dependsOn, provider,
                description, locations, null, List.of());
    }

    public TaskStepSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(capability, "capability");
        config = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
        dependsOn = dependsOn == null ? null : List.copyOf(dependsOn);
        fallback = fallback == null ? List.of() : List.copyOf(fallback);
        if (retryCount < 0) {
            throw new IllegalArgumentException("retryCount must be >= 0");
        }
    }

    /** The model named in {@code config.model}, if any. */
    public @Nullable String model() {
        Object m = config.get("model");
        return m instanceof String s && !s.isBlank() ? s : null;
    }

    @Override
    public String typeName() {
        return capability.wireName();
    }
}
