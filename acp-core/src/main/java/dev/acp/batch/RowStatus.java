package dev.acp.batch;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Where a row of a batch stands. */
public enum RowStatus {
    /** Every step succeeded. */
    SUCCEEDED,
    /** A step failed, or the row could not start; a resume leaves it as it is unless asked to retry failed rows. */
    FAILED,
    /** Steps were skipped because a limit (the batch's, the row's, a daily one) had no room; a resume continues it. */
    BUDGET,
    /** Stopped by Ctrl-C or a signal; a resume continues it, re-attaching its jobs. */
    INTERRUPTED,
    /** Running now, or was running when the process died; a resume continues it. */
    RUNNING,
    /** Not started yet. */
    PENDING;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<RowStatus> fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst();
    }

    /** Whether a resume leaves the row alone (failed rows too, unless it retries them). */
    public boolean finished(boolean retryFailed) {
        return this == SUCCEEDED || this == FAILED && !retryFailed;
    }
}
