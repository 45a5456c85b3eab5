package dev.acp.cache;

/** How a run uses the artifact cache. */
public enum CacheMode {
    /** Serve identical steps from the cache; store new results. The default. */
    USE,
    /** {@code --refresh}: call providers again and replace the cached results. */
    REFRESH,
    /** {@code --no-cache}: neither read nor write the cache. */
    OFF
}
