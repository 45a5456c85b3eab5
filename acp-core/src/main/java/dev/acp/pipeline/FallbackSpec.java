package dev.acp.pipeline;

import org.jspecify.annotations.Nullable;

/**
 * One alternative of a step's {@code fallback:} list: another provider and/or model for the same
 * capability, tried in order when the one before it failed for a reason another provider can
 * fix (an outage, a rate limit beyond the step's wait budget, exhausted credits).
 *
 * @param provider the provider named with {@code provider:}, or null to infer it from the model
 * @param model the model, or null for the provider's default
 * @param index the alternative's position in the list, from 1
 * @param locations where the alternative and its keys ({@code provider}, {@code model}) were written
 */
public record FallbackSpec(@Nullable String provider, @Nullable String model, int index, Locations locations) {

    /** How reports and errors name it: {@code fallback 2 (runware/runware:101@1)}. */
    public String label() {
        return "fallback " + index;
    }
}
