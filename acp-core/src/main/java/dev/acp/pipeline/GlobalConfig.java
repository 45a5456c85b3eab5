package dev.acp.pipeline;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * The pipeline's {@code global_config}.
 *
 * @param parallelEnabled whether parallel groups run their members side by side
 * @param costLimit the most the run may spend in US dollars, or null for no limit
 * @param confirmAbove the estimate above which a run asks for confirmation, or null for default
 * @param defaultProvider the provider for steps that name none, or null to infer from the model
 * @param timeouts the time limit of steps of a kind that set none of their own, by kind; wins over
 *     {@code ACP_HOME/config.yaml} and the built-in defaults
 */
public record GlobalConfig(
        boolean parallelEnabled,
        @Nullable BigDecimal costLimit,
        @Nullable BigDecimal confirmAbove,
        @Nullable String defaultProvider,
        java.util.Map<dev.acp.pipeline.Capability, java.time.Duration> timeouts) {

    public GlobalConfig {
        timeouts = java.util.Map.copyOf(timeouts);
    }

    public GlobalConfig(boolean parallelEnabled, @Nullable BigDecimal costLimit, @Nullable BigDecimal confirmAbove,
            @Nullable String defaultProvider) {
        this(parallelEnabled, costLimit, confirmAbove, defaultProvider, java.util.Map.of());
    }

    public static GlobalConfig defaults() {
        return new GlobalConfig(false, null, null, null);
    }
}
