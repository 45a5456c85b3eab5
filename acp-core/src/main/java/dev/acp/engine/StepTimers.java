package dev.acp.engine;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A run's timer thread for step and group timeouts: every step schedules one when it starts and
 * cancels it when it ends.
 *
 * <p>Cancelled timers are purged from the queue in bulk, every {@value #PURGE_EVERY}
 * cancellations, not removed one by one. Removing each at once emptied the queue after every
 * step, so the next step's timer became the queue's head and woke the timer thread: a thread
 * switch per step, about as much as the rest of a free step's engine work (the engine benchmark's
 * chain went from 12.7 to 17.8 µs per step). Left in the queue, a cancelled timer stays the
 * head and later timers queue behind it without a wake-up; purging in bulk still keeps the
 * queue bounded by the timers of the steps in flight plus {@value #PURGE_EVERY}, which is
 * what removing them at once was for (a large run's finished steps piling up).
 */
final class StepTimers {
    static final int PURGE_EVERY = 256;

    private final ScheduledThreadPoolExecutor executor;
    private final AtomicInteger cancelled = new AtomicInteger();

    StepTimers(ThreadFactory threads) {
        this.executor = new ScheduledThreadPoolExecutor(1, threads);
    }

    /** Runs {@code action} after {@code delayNanos} unless the returned timer is cancelled first. */
    Timer schedule(Runnable action, long delayNanos) {
        return new Timer(executor.schedule(action, delayNanos, TimeUnit.NANOSECONDS));
    }

    /** The executor itself, for the few repeating tasks (re-interrupting a step that ignores it). */
    ScheduledExecutorService executor() {
        return executor;
    }

    void shutdownNow() {
        executor.shutdownNow();
    }

    /** Timers in the queue, cancelled ones not yet purged included. */
    int queued() {
        return executor.getQueue().size();
    }

    /** One scheduled timeout. */
    final class Timer {
        private final ScheduledFuture<?> future;

        private Timer(ScheduledFuture<?> future) {
            this.future = future;
        }

        /** Cancels the timer if it has not run; a no-op after that. */
        void cancel() {
            if (future.cancel(false) && cancelled.incrementAndGet() % PURGE_EVERY == 0) {
                executor.purge();
            }
        }
    }
}
