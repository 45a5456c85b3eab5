package dev.acp.engine;

import dev.acp.cache.ArtifactCache;
import dev.acp.cache.CacheEntry;
import dev.acp.cache.CacheKey;
import dev.acp.cache.CacheMode;
import dev.acp.cache.MetadataPaths;
import dev.acp.cache.SideObject;
import dev.acp.cache.SingleFlight;
import dev.acp.error.ErrorKind;
import dev.acp.provider.ProviderResult;
import dev.acp.util.Hashing;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One task's way through the artifact cache: the lookup before a call (waiting for an identical
 * step of this run that is already making the result), serving a hit into place for nothing, and
 * storing a new result. Holds the single-flight claim while this step is the one making it.
 */
final class CacheGate {
    private final StepRun s;
    private final OutputPlacer out;
    private SingleFlight.@Nullable Claim claim;

    /**
     * What the cache said about an attempt.
     *
     * @param key the step's cache key, also its fingerprint in the journal
     * @param hit the stored result to serve, or null
     * @param reason why the step is not served from the cache, for the report
     * @param cached whether the result is to be stored in the cache
     */
    record Lookup(CacheKey key, @Nullable CacheEntry hit, @Nullable String reason, boolean cached) {
        Lookup damaged() {
            return new Lookup(key, null, "the cached output was damaged or removed", true);
        }
    }

    CacheGate(StepRun s, OutputPlacer out) {
        this.s = s;
        this.out = out;
    }

    Lookup lookUp(Map<String, Object> params) throws IOException, InterruptedException {
        Execution x = s.x;
        ArtifactCache cache = x.request.cache();
        CacheMode mode = x.request.cacheMode();
        // Computed even without a cache: it is the fingerprint a resume compares (see Execution).
        CacheKey key = x.cacheKey(s.t, s.provider, params);
        if (cache == null || mode == CacheMode.OFF || s.prior != null) {
            // A resumed job is collected, not looked up: it is already paid for.
            return new Lookup(key, null, mode == CacheMode.OFF ? "--no-cache" : null, false);
        }
        x.keyParts.put(s.t.id(), key.parts());
        String reason = mode == CacheMode.REFRESH ? "--refresh" : whyNotCached(key);
        while (true) {
            Optional<CacheEntry> hit = acceptable(key) ? cache.lookup(key.hash()) : Optional.empty();
            if (hit.isPresent()) {
                return new Lookup(key, hit.get(), null, true);
            }
            SingleFlight.Claim c = cache.singleFlight().claim(key.hash());
            if (c.leader()) {
                claim = c;
                // Another process (or the leader just before us) may have stored it just now.
                hit = acceptable(key) ? cache.lookup(key.hash()) : Optional.empty();
                if (hit.isPresent()) {
                    releaseClaim();
                    return new Lookup(key, hit.get(), null, true);
                }
                return new Lookup(key, null, reason, true);
            }
            // An identical step of this run is executing: wait for it, then read its result.
            c.awaitLeader();
        }
    }

    /** With --refresh, only a result that an identical step made during this run counts. */
    private boolean acceptable(CacheKey key) {
        return s.x.request.cacheMode() == CacheMode.USE || s.x.storedThisRun.contains(key.hash());
    }

    private String whyNotCached(CacheKey key) {
        Map<String, String> previous = s.x.previousKeyParts.get(s.t.id());
        if (previous == null) {
            return "not in the cache";
        }
        String change = key.explainChange(previous);
        return change == null ? "not in the cache (cleared, or the earlier run did not finish it)"
                : "changed since the previous run: " + change;
    }

    /**
     * The step's result from the cache, or null when the cached output is damaged or gone. Served
     * for nothing: the caller has released the reservation; a paid step records a zero cost.
     */
    @Nullable StepResult serve(Lookup lookup) {
        Execution x = s.x;
        CacheEntry e = lookup.hit();
        Path output = null;
        Settlement free = s.costsMoney ? new Settlement(BigDecimal.ZERO, Settlement.CACHE, null) : null;
        List<WrittenSideFile> sides = List.of();
        try {
            Path tmp = out.newTemporary();
            if (e.objectSha256() != null && !x.request.cache().restore(e, tmp)) {
                out.discardTemporary();
                return null;
            }
            if (e.objectSha256() != null || e.text() != null) {
                sides = out.restoreSideFiles(e);
                if (sides == null) {
                    out.discardTemporary();
                    return null;
                }
            }
            if (e.objectSha256() != null) {
                output = out.moveIntoPlace();
                x.hashes.remember(output, e.objectSha256());
                x.request.recorder().outputWritten(s.t, output, e.objectSha256(), Files.size(output),
                        lookup.key().hash(), free, false, sides);
            } else if (e.text() != null) {
                output = out.writeText(e.text());
                x.request.recorder().outputWritten(s.t, output, Hashing.sha256(e.text()), Files.size(output),
                        lookup.key().hash(), free, false, sides);
            } else if (free != null) {
                x.request.recorder().costSettled(s.t, free, false);
            }
        } catch (IOException ex) {
            return s.failed(ErrorInfo.of(ErrorKind.LOCAL, "cannot restore the cached output: " + ex.getMessage()));
        }
        x.request.cache().recordHit(e);
        String note = e.deterministic() ? null
                : "cached result of a step without a seed: a new call would give a different output (--refresh makes one)";
        CacheInfo cache = new CacheInfo(CacheInfo.Status.HIT, e.key(), note, e.cost(), e.deterministic());
        // Paths of the output and side files as this step placed them, not as the cached step did.
        Map<String, Object> metadata = new LinkedHashMap<>(MetadataPaths.concrete(e.metadata(), output,
                sidePaths(sides)));
        metadata.put("provider_reason", s.t.providerReason());
        metadata.put("cached_at", e.created().toString());
        if (!e.requestIds().isEmpty()) {
            metadata.put("cached_from_request_ids", e.requestIds());
        }
        return new StepResult(s.t.id(), s.t.typeName(), s.t.groupId(), s.provider.id(), s.modelOf(),
                StepStatus.SUCCEEDED, output, e.text(), metadata, null, null, s.startedAt, x.elapsed(s.startedAt),
                s.attempt, BigDecimal.ZERO, BigDecimal.ZERO, cache, s.provider.preview(), e.qualityScore(), List.of(),
                sides.stream().map(WrittenSideFile::path).toList());
    }

    /** Stores a new result (when the lookup says so) and lets waiting identical steps read it. */
    @Nullable CacheInfo store(ProviderResult result, Lookup lookup, OutputPlacer.Placed placed,
            @Nullable BigDecimal actual) {
        Execution x = s.x;
        CacheMode mode = x.request.cacheMode();
        if (!lookup.cached()) {
            return mode == CacheMode.OFF ? new CacheInfo(CacheInfo.Status.OFF, null, "--no-cache", null, false) : null;
        }
        boolean deterministic = s.provider.deterministic(s.t.capability(), s.t.spec().config());
        Path output = placed.output();
        try {
            x.request.cache().store(lookup.key(), result.wroteFile() ? output : null,
                    result.wroteFile() ? placed.sha256() : null, result.text(), extension(s.t.outputPath()),
                    MetadataPaths.abstracted(result.metadata(), output, sidePaths(placed.sides())), actual,
                    deterministic, s.provider.id(), s.modelOf(), result.qualityScore(), result.requestIds(),
                    sideObjects(placed.sides()));
            x.storedThisRun.add(lookup.key().hash());
        } catch (IOException | RuntimeException e) {
            // The step succeeded; a full disk in ACP_HOME only costs a future cache hit.
        } finally {
            releaseClaim();
        }
        return new CacheInfo(mode == CacheMode.REFRESH ? CacheInfo.Status.REFRESHED : CacheInfo.Status.MISS,
                lookup.key().hash(), lookup.reason(), null, deterministic);
    }

    /** Lets identical steps waiting on this one go on (this attempt will not store a result). */
    void releaseClaim() {
        if (claim != null) {
            claim.close();
            claim = null;
        }
    }

    /** The lower-case extension of a file name, without the dot ("" when it has none). */
    static String extension(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static Map<SideObject, Path> sideObjects(List<WrittenSideFile> sides) {
        Map<SideObject, Path> m = new LinkedHashMap<>();
        sides.forEach(f -> m.put(f.content(), f.path()));
        return m;
    }

    /** Where each side file was placed, by its suffix. */
    private static Map<String, Path> sidePaths(List<WrittenSideFile> sides) {
        Map<String, Path> m = new LinkedHashMap<>();
        for (WrittenSideFile f : sides) {
            m.put(f.content().suffix(), f.path());
        }
        return m;
    }
}
