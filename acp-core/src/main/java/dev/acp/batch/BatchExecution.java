package dev.acp.batch;

import dev.acp.engine.RunListener;
import dev.acp.run.RunGroup;
import dev.acp.run.RunHandle;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One session of a batch: the second pass over the rows, which runs them. Rows stream from the
 * inputs file and start as slots free up, at most {@code concurrency} at once, so memory follows
 * the rows in flight and not the rows in the file. A failed row stops nothing but itself; the
 * session stops starting rows after {@code maxFailures} failed ones, once the batch's limit has
 * refused a step (what is left would not fit), or when it is cancelled, and then waits for the
 * rows in flight (cancelled ones stop as Ctrl-C stops a run: paid jobs are left to be collected).
 */
final class BatchExecution {
    private final BatchSession s;
    private final RowRun rows;
    private final RunGroup group;
    private final Clock clock;
    private final Instant started;
    private final Semaphore slots;
    private final Map<String, RunHandle> running = new ConcurrentHashMap<>();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong failedNow = new AtomicLong();
    private final AtomicLong budget = new AtomicLong();
    private final AtomicLong interrupted = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong finishedNow = new AtomicLong();
    private volatile boolean cancelled;
    private volatile @Nullable String stopReason;

    BatchExecution(BatchSession session, RowRun rows, RunGroup group, Clock clock) {
        this.s = session;
        this.rows = rows;
        this.group = group;
        this.clock = clock;
        this.started = clock.instant();
        this.slots = new Semaphore(session.concurrency());
        succeeded.set(session.succeededBefore());
        failed.set(session.failedBefore());
    }

    /** Runs the session's rows; returns why it stopped early, or null when every row ran. */
    @Nullable String run() throws IOException {
        try (RowSource source = s.source().open()) {
            RowChecker checker = s.source().checker(s.inputs());
            RawRow raw;
            while (!cancelled && stopReason() == null && (raw = source.next()) != null) {
                RowChecker.Checked c = checker.check(raw, source.columns());
                String id = c.row() != null ? c.row().id() : null;
                if (id == null || !s.selected().containsKey(id) || s.finishedBefore(id)) {
                    continue; // not this batch's row, or done in an earlier session
                }
                if (!acquire()) {
                    break;
                }
                BatchRow row = c.row();
                Thread.ofVirtual().name("acp-row-" + id).start(() -> runRow(row));
            }
        } finally {
            // The rows in flight end (cancelled ones quickly) before the session does.
            slots.acquireUninterruptibly(s.concurrency());
            slots.release(s.concurrency());
        }
        return cancelled ? null : stopReason();
    }

    /** Takes a slot for the next row; false (holding none) when no more rows may start. */
    private boolean acquire() {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            return false;
        }
        if (cancelled || stopReason() != null) {
            slots.release();
            return false;
        }
        return true;
    }

    private void runRow(BatchRow row) {
        inFlight.incrementAndGet();
        boolean counted = false;
        try {
            String runId = RowRun.runId(s.batchId(), row.id());
            s.started(row, runId);
            s.listener().rowStarted(row, runId);
            RowOutcome outcome = rows.run(row, RunListener.NONE, handle -> {
                running.put(row.id(), handle);
                if (cancelled) {
                    handle.cancel();
                }
            });
            count(outcome.status());
            // Counted out of the rows in flight before anyone hears of its end, so that progress
            // shown on rowFinished never has a row both done and running.
            inFlight.decrementAndGet();
            finishedNow.incrementAndGet();
            counted = true;
            s.finished(outcome);
            s.listener().rowFinished(outcome);
        } catch (IOException | RuntimeException e) {
            // The row's run is journaled on its own; only the batch's record of its end is lost, and
            // a resume finds the run by its id. Nothing else stops for one row.
            failed.incrementAndGet();
            failedNow.incrementAndGet();
            s.notice("row '" + row.id() + "': " + e.getMessage());
        } finally {
            running.remove(row.id());
            if (!counted) {
                inFlight.decrementAndGet();
                finishedNow.incrementAndGet();
            }
            slots.release();
        }
    }

    private void count(RowStatus status) {
        switch (status) {
            case SUCCEEDED -> succeeded.incrementAndGet();
            case FAILED -> {
                failed.incrementAndGet();
                failedNow.incrementAndGet();
            }
            case BUDGET -> budget.incrementAndGet();
            case INTERRUPTED, RUNNING, PENDING -> interrupted.incrementAndGet();
        }
    }

    private @Nullable String stopReason() {
        if (stopReason != null) {
            return stopReason;
        }
        Integer max = s.maxFailures();
        if (max != null && failedNow.get() >= max) {
            stopReason = failedNow.get() + " row" + (failedNow.get() == 1 ? "" : "s") + " failed (--max-failures "
                    + max + "); the rows not started are pending";
        } else if (group.ledger().limitRefusals() > 0) {
            stopReason = "the batch's limit of " + dev.acp.cost.Money.format(group.ledger().runLimit()) + " is reached"
                    + " (a step did not fit); the rows not started are pending";
        }
        return stopReason;
    }

    /** Stops starting rows and stops the rows in flight, as Ctrl-C stops a run. */
    void cancel() {
        cancelled = true;
        running.values().forEach(RunHandle::cancel);
    }

    boolean cancelled() {
        return cancelled;
    }

    BatchProgress progress() {
        BigDecimal spent = group.ledger().settled();
        return new BatchProgress(s.selected().size(), succeeded.get(), failed.get(), budget.get(), interrupted.get(),
                inFlight.get(), finishedNow.get(), spent, group.ledger().reserved(), group.ledger().runLimit(),
                Duration.between(started, clock.instant()));
    }
}
