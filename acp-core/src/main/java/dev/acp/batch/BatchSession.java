package dev.acp.batch;

import dev.acp.pipeline.InputSpec;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What one session of a batch works with: its rows (the selection made by the check), what
 * earlier sessions finished, its settings, and its journal, where it records each row's start and
 * end (the offset of each row's latest record kept for the results).
 *
 * @param selected the rows the batch runs, in file order, with their lines
 * @param prior what earlier sessions left each row at (empty for a new batch)
 * @param latest the offset of each row's latest record in the journal; updated as rows end
 * @param maxFailures failed rows after which no new row starts, or null
 */
record BatchSession(String batchId, int number, BatchSource source, Map<String, InputSpec> inputs,
        Map<String, Long> selected, Map<String, BatchHistory.RowState> prior, Map<String, Long> latest,
        int concurrency, @Nullable Integer maxFailures, boolean retryFailed, BatchJournal journal, Clock clock,
        BatchListener listener, Consumer<String> notices) {

    /** Whether an earlier session finished the row (a resume leaves it alone). */
    boolean finishedBefore(String rowId) {
        BatchHistory.RowState st = prior.get(rowId);
        return st != null && st.status().finished(retryFailed);
    }

    long succeededBefore() {
        return selected.keySet().stream().filter(id -> prior.containsKey(id)
                && prior.get(id).status() == RowStatus.SUCCEEDED).count();
    }

    long failedBefore() {
        return retryFailed ? 0 : selected.keySet().stream().filter(id -> prior.containsKey(id)
                && prior.get(id).status() == RowStatus.FAILED).count();
    }

    void started(BatchRow row, String runId) throws IOException {
        long at = journal.append(new BatchRecord.RowStarted(row.id(), row.line(), runId, number,
                clock.instant().toString()));
        latest.put(row.id(), at);
    }

    void finished(RowOutcome o) throws IOException {
        long at = journal.append(new BatchRecord.RowFinished(o.row().id(), o.row().line(), o.runId(),
                o.status().wireName(), o.estimated(), o.settled(), o.outputDirectory().toString(), o.outputs(),
                o.error(), clock.instant().toString()));
        latest.put(o.row().id(), at);
    }

    void notice(String line) {
        notices.accept(line);
    }
}
