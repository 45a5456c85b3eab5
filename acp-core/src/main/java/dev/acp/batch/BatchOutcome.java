package dev.acp.batch;

import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How a session of a batch ended.
 *
 * @param progress the counts and money at the end
 * @param interrupted whether Ctrl-C or a signal stopped it (resumable)
 * @param stopReason why no more rows were started before the end (too many failures, the batch
 *     limit reached), or null
 * @param resultsJson {@code DIR/batch.json}, or null when it could not be written (see resultsError)
 * @param resultsCsv {@code DIR/batch.csv}, or null
 * @param resultsError why the results could not be written, or null
 * @param summary the batch as {@code batch.json} describes it before its rows (counts by status
 *     over all sessions, money, how to resume), for {@code --format json}
 */
public record BatchOutcome(String batchId, BatchProgress progress, boolean interrupted, @Nullable String stopReason,
        @Nullable Path resultsJson, @Nullable Path resultsCsv, @Nullable String resultsError,
        Map<String, Object> summary) {

    public BatchOutcome {
        summary = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(summary));
    }

    /** Rows of the batch that ended with {@code status}, over all its sessions. */
    public long count(RowStatus status) {
        return summary.get(status.wireName()) instanceof Number n ? n.longValue() : 0;
    }

    /** Whether every row of the batch succeeded and the results were written. */
    public boolean clean() {
        return !interrupted && count(RowStatus.SUCCEEDED) == progress.rows() && resultsError == null;
    }
}
