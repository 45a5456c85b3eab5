package dev.acp.batch;

import java.math.BigDecimal;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Where a batch stands at one moment, for the progress line and logs.
 *
 * @param rows the rows the batch runs
 * @param succeeded rows that succeeded, in this session or earlier ones
 * @param failed rows that failed, in this session or earlier ones
 * @param budget rows whose steps a limit skipped, this session
 * @param interrupted rows stopped by Ctrl-C or a signal, this session
 * @param running rows running now
 * @param finishedThisSession rows that ended in this session, for the throughput
 * @param spent what the batch has spent, over all its sessions
 * @param reserved what rows in flight hold against the limit now
 * @param limit the batch's limit, or null
 * @param elapsed time since this session started
 */
public record BatchProgress(long rows, long succeeded, long failed, long budget, long interrupted, long running,
        long finishedThisSession, BigDecimal spent, BigDecimal reserved, @Nullable BigDecimal limit,
        Duration elapsed) {

    /** Rows not started, or started in an earlier session and not finished. */
    public long pending() {
        return Math.max(0, rows - succeeded - failed - budget - interrupted - running);
    }

    /** Rows finished per second in this session, or 0 before the first. */
    public double throughput() {
        double seconds = elapsed.toMillis() / 1000.0;
        return seconds <= 0 ? 0 : finishedThisSession / seconds;
    }

    /** The time the rows still to run may take at this session's pace, or null before that is known. */
    public @Nullable Duration eta() {
        double t = throughput();
        if (t <= 0) {
            return null;
        }
        return Duration.ofMillis((long) ((pending() + running) / t * 1000));
    }
}
