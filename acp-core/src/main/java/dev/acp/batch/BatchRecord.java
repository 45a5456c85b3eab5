package dev.acp.batch;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One line of a batch's journal ({@code ACP_HOME/batches/<id>/journal.jsonl}). The batch journal
 * says which rows started and how each ended; the money is kept in each row's own run journal,
 * which is what a resume trusts to re-attach jobs and never pay twice. So these records are
 * flushed to the operating system at once (a killed process loses none) but not synced: a row
 * whose end a machine crash lost is resumed through its run's journal, which reuses what it did.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = BatchRecord.SessionStarted.class, name = "session_started"),
    @JsonSubTypes.Type(value = BatchRecord.RowStarted.class, name = "row_started"),
    @JsonSubTypes.Type(value = BatchRecord.RowFinished.class, name = "row_finished"),
    @JsonSubTypes.Type(value = BatchRecord.SessionEnded.class, name = "session_ended")
})
sealed interface BatchRecord {

    String at();

    /**
     * A session of the batch began: the first, or a resume.
     *
     * @param costLimit the batch's limit in this session, or null for none
     * @param maxFailures failed rows after which no new row starts, or null for no such limit
     */
    record SessionStarted(int session, boolean resumed, @Nullable BigDecimal costLimit, int concurrency,
            @Nullable Integer maxFailures, boolean retryFailed, String at) implements BatchRecord {}

    /** A row is about to run (or to go on, in a resume) as run {@code runId}. */
    record RowStarted(String row, long line, String runId, int session, String at) implements BatchRecord {}

    /**
     * How a row ended in a session.
     *
     * @param status a {@link RowStatus} wire name
     * @param estimated what its steps were estimated at when dispatched, or null
     * @param settled what its run has spent over all its sessions
     * @param outputDir the row's output folder
     * @param outputs the files its steps made, relative to {@code outputDir}
     * @param error why it failed, one line, or null
     */
    record RowFinished(String row, long line, String runId, String status, @Nullable BigDecimal estimated,
            BigDecimal settled, String outputDir, List<String> outputs, @Nullable String error, String at)
            implements BatchRecord {
        public RowFinished {
            outputs = List.copyOf(outputs);
        }
    }

    /**
     * A session ended.
     *
     * @param status {@code completed}, {@code stopped} (max failures, or the batch limit reached) or
     *     {@code interrupted}
     * @param reason why it stopped early, or null
     */
    record SessionEnded(String status, @Nullable String reason, String at) implements BatchRecord {}
}
