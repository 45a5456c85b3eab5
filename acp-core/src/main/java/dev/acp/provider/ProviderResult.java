package dev.acp.provider;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a provider returns for a successful call.
 *
 * @param wroteFile true when the provider wrote {@link ProviderRequest#outputFile()}
 * @param text the textual result of text capabilities (prompt, description), else null. A result
 *     with neither a file nor text is a step with nothing to keep (see {@link #nothing}).
 * @param metadata facts for the report (sizes, durations, model details); JSON-friendly values
 * @param qualityScore a score in [0, 1] when the provider can judge its output, else null
 * @param actualCost the cost the provider reported for this call in US dollars, else null
 * @param requestIds the provider's request or job ids, for tracing with the provider
 * @param sideFiles files or folders written beside the main output, each got from
 *     {@link ProviderRequest#sideFile(String)} and complete at its temporary name; the engine moves
 *     them into place with the main output, journals and caches them
 * @param outputSha256 the SHA-256 (lower-case hex) of {@link ProviderRequest#outputFile()} as the
 *     provider finished writing it, computed while writing (see
 *     {@link dev.acp.http.HttpTransport#downloadFile}), or null; spares the engine a second read
 *     of the file. A provider that sets it must not touch the file afterwards.
 * @param usage what the call delivered or was billed in the provider's units (images and their
 *     sizes, seconds, characters, credits, tokens), when the provider says; the engine prices it
 *     with the model's tariff when {@code actualCost} is null
 */
public record ProviderResult(
        boolean wroteFile,
        @Nullable String text,
        Map<String, Object> metadata,
        @Nullable Double qualityScore,
        @Nullable BigDecimal actualCost,
        List<String> requestIds,
        List<SideFile> sideFiles,
        @Nullable String outputSha256,
        @Nullable Usage usage) {

    public ProviderResult {
        metadata = Map.copyOf(metadata);
        requestIds = List.copyOf(requestIds);
        sideFiles = List.copyOf(sideFiles);
        if (outputSha256 != null && (!wroteFile || !outputSha256.matches("[0-9a-f]{64}"))) {
            throw new IllegalArgumentException("an output hash needs a written file and 64 lower-case hex digits, was "
                    + outputSha256);
        }
        if (qualityScore != null && (qualityScore < 0 || qualityScore > 1 || qualityScore.isNaN())) {
            throw new IllegalArgumentException("quality score must be in [0, 1], was " + qualityScore);
        }
    }

    /** A result without side files. */
    public ProviderResult(boolean wroteFile, @Nullable String text, Map<String, Object> metadata,
            @Nullable Double qualityScore, @Nullable BigDecimal actualCost, List<String> requestIds) {
        this(wroteFile, text, metadata, qualityScore, actualCost, requestIds, List.of(), null, null);
    }

    /** A result whose main output is the file the provider wrote. */
    public static ProviderResult file(Map<String, Object> metadata) {
        return new ProviderResult(true, null, metadata, null, null, List.of());
    }

    /** A result whose main output is text; the engine writes it to the output file. */
    public static ProviderResult text(String text, Map<String, Object> metadata) {
        Objects.requireNonNull(text, "text");
        return new ProviderResult(false, text, metadata, null, null, List.of());
    }

    /**
     * A result with no output to keep, for steps run only for their effect (and for the
     * benchmark's no-op provider, which measures the engine without file I/O). A provider that
     * returns it must not have written {@link ProviderRequest#outputFile()}.
     */
    public static ProviderResult nothing(Map<String, Object> metadata) {
        return new ProviderResult(false, null, metadata, null, null, List.of());
    }

    public ProviderResult withQualityScore(double score) {
        return new ProviderResult(wroteFile, text, metadata, score, actualCost, requestIds, sideFiles, outputSha256, usage);
    }

    public ProviderResult withActualCost(BigDecimal cost) {
        return new ProviderResult(wroteFile, text, metadata, qualityScore, cost, requestIds, sideFiles, outputSha256, usage);
    }

    public ProviderResult withRequestIds(List<String> ids) {
        return new ProviderResult(wroteFile, text, metadata, qualityScore, actualCost, ids, sideFiles, outputSha256, usage);
    }

    /** This result with the side files the provider wrote (see {@link ProviderRequest#sideFile}). */
    public ProviderResult withSideFiles(List<SideFile> files) {
        return new ProviderResult(wroteFile, text, metadata, qualityScore, actualCost, requestIds, files, outputSha256, usage);
    }

    /** This result with more metadata (a key given again replaces the earlier value). */
    public ProviderResult withMetadata(Map<String, Object> more) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(metadata);
        m.putAll(more);
        return new ProviderResult(wroteFile, text, m, qualityScore, actualCost, requestIds, sideFiles, outputSha256,
                usage);
    }

    /** This result with what the call delivered or was billed, in the provider's units. */
    public ProviderResult withUsage(Usage value) {
        return new ProviderResult(wroteFile, text, metadata, qualityScore, actualCost, requestIds, sideFiles,
                outputSha256, value);
    }

    /** This result with the hash of the output file as the provider wrote it (see {@link #outputSha256}). */
    public ProviderResult withOutputSha256(String sha256) {
        return new ProviderResult(wroteFile, text, metadata, qualityScore, actualCost, requestIds, sideFiles, sha256, usage);
    }
}
