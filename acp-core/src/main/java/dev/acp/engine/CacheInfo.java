package dev.acp.engine;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * How the artifact cache served a step.
 *
 * @param key the step's cache key (a SHA-256 of what determines its output), or null when the
 *     step was not looked up
 * @param reason why the step ran instead of coming from the cache ("prompt changed since the
 *     previous run", "--refresh"), or a note on a hit; null when there is nothing to say
 * @param saving what the hit saved: the cost of the call that produced the cached output
 * @param deterministic false when a new call would give a different output (no seed)
 */
public record CacheInfo(Status status, @Nullable String key, @Nullable String reason, @Nullable BigDecimal saving,
        boolean deterministic) {

    /** What the cache did for a step. */
    public enum Status {
        /** Served from the cache at no cost. */
        HIT,
        /** Not in the cache; the provider was called and the result stored. */
        MISS,
        /** --refresh: the provider was called and the cached result replaced. */
        REFRESHED,
        /** --no-cache: the cache was neither read nor written. */
        OFF;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean hit() {
        return status == Status.HIT;
    }
}
