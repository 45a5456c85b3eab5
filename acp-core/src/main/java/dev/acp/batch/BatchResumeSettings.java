package dev.acp.batch;

import dev.acp.cache.CacheMode;
import dev.acp.error.UsageException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A resumed batch runs the same pipeline over the same rows with the same settings. Settings given
 * again are accepted when they are the batch's own and refused, naming the one that differs, when
 * they are not. Money and pace may change: {@code --cost-limit}, {@code --concurrency},
 * {@code --max-failures}.
 */
final class BatchResumeSettings {
    private BatchResumeSettings() {}

    static void check(BatchMeta meta, BatchRunner r) {
        String batch = "batch " + meta.batchId();
        if (r.givenPipeline != null && !r.givenPipeline.equals(Path.of(meta.pipelineFile()))) {
            throw differs("--config " + r.givenPipeline, batch + " runs " + meta.pipelineFile());
        }
        if (r.givenInputs != null && !r.givenInputs.equals(Path.of(meta.inputsFile()))) {
            throw differs("--inputs " + r.givenInputs, batch + " reads " + meta.inputsFile());
        }
        if (r.offline && !meta.offline()) {
            throw differs("--offline", batch + " started without it");
        }
        if (r.parallel && !meta.parallel()) {
            throw differs("--parallel", batch + " started without it");
        }
        if (r.outputDirectory != null && !r.outputDirectory.equals(Path.of(meta.outputDirectory()))) {
            throw differs("--output-dir " + r.outputDirectory, batch + " writes to " + meta.outputDirectory());
        }
        if (r.limitRows != null && !Objects.equals(r.limitRows, meta.limitRows())) {
            throw differs("--limit-rows " + r.limitRows, batch + " runs " + (meta.limitRows() == null ? "all its rows"
                    : "its first " + meta.limitRows()));
        }
        if (!r.only.isEmpty() && !r.only.equals(meta.only())) {
            throw differs("--only " + String.join(",", r.only), batch + " runs " + (meta.only().isEmpty() ? "all its"
                    + " rows" : "rows " + String.join(",", meta.only())));
        }
        if (!Objects.equals(r.engineName, meta.engine())) {
            // A row's paid jobs are recorded where its engine keeps them (the run's journal, or the
            // node journals of a Temporal run); another engine would not find them and pay again.
            throw new UsageException(batch + " ran its rows " + (meta.engine() == null ? "on the local engine"
                    : "with --engine " + meta.engine()) + "; resume it the same way (" + (meta.engine() == null
                    ? "without --engine" : "--engine " + meta.engine()) + "), so that its rows' jobs are found and not"
                    + " paid twice");
        }
        if (r.cacheMode != null && r.cacheMode != CacheMode.valueOf(meta.cacheMode())) {
            throw differs("the cache setting", batch + " started with cache mode " + meta.cacheMode().toLowerCase(
                    java.util.Locale.ROOT));
        }
    }

    private static UsageException differs(String given, String fact) {
        return new UsageException(given + " differs from the batch being resumed (" + fact + "); a resume continues"
                + " with the batch's own settings: drop it, or start a new batch");
    }
}
