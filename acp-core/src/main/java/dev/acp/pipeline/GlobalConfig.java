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
 */
public record GlobalConfig(
        boolean parallelEnabled,
        @Nullable BigDecimal costLimit,
        @Nullable BigDecimal confirmAbove,
        @Nullable String defaultProvider) {

    public static GlobalConfig defaults() {
        return new GlobalConfig(false, null, null, null);
    }
}
