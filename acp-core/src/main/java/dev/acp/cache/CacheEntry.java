package dev.acp.cache;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A stored step result.
 *
 * @param objectSha256 the content hash of the stored output file, or null for text-only results
 * @param extension the output file's extension (the cached object has none)
 * @param cost what the call that produced it cost, the saving of every later hit; null if unknown
 * @param deterministic whether a new call would give the same output
 * @param sideFiles files and folders stored with the output, restored beside it on a hit
 */
public record CacheEntry(
        String key,
        Map<String, String> parts,
        @Nullable String objectSha256,
        @Nullable String text,
        String extension,
        Map<String, Object> metadata,
        @Nullable BigDecimal cost,
        boolean deterministic,
        String provider,
        @Nullable String model,
        @Nullable Double qualityScore,
        List<String> requestIds,
        Instant created,
        List<SideObject> sideFiles) {

    public CacheEntry {
        parts = Map.copyOf(parts);
        metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
        requestIds = List.copyOf(requestIds);
        sideFiles = List.copyOf(sideFiles);
    }

    /** An entry without side files. */
    public CacheEntry(String key, Map<String, String> parts, @Nullable String objectSha256, @Nullable String text,
            String extension, Map<String, Object> metadata, @Nullable BigDecimal cost, boolean deterministic,
            String provider, @Nullable String model, @Nullable Double qualityScore, List<String> requestIds,
            Instant created) {
        this(key, parts, objectSha256, text, extension, metadata, cost, deterministic, provider, model, qualityScore,
                requestIds, created, List.of());
    }
}
