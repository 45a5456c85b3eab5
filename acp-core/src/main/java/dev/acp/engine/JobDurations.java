package dev.acp.engine;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long jobs of each kind (provider, model and capability) have been running in this session,
 * learned from the jobs that finished, so that the polls of the next ones aim at their end
 * instead of asking every few hundred milliseconds ({@link PollSchedule}).
 *
 * <p>A finished job only says it ended between its last "still running" answer and its "done"
 * one. A job found done at its first poll gives a little less than that poll's time, so that an
 * estimate that is too long comes down (else every first poll would confirm it); a job that was
 * still running once gives the middle of the two answers. Estimates are smoothed (the latest
 * counts for 30%), so one slow job moves them only part of the way.
 */
final class JobDurations {
    /** A first poll that found the job done: the job ended somewhat before it. */
    private static final double FOUND_DONE_AT_ONCE = 0.9;
    private static final double WEIGHT = 0.3;

    private final Map<String, Duration> expected = new ConcurrentHashMap<>();

    /** The expected running time of a job of {@code kind}, once one has finished. */
    Optional<Duration> expected(String kind) {
        return Optional.ofNullable(expected.get(kind));
    }

    /**
     * A job of {@code kind} that ran from its start (or last seen queued) was last seen running
     * {@code lastRunning} later (null: never), and done {@code done} later.
     */
    void finished(String kind, Duration lastRunning, boolean seenRunning, Duration done) {
        Duration sample = seenRunning
                ? lastRunning.plus(done).dividedBy(2)
                : Duration.ofNanos((long) (done.toNanos() * FOUND_DONE_AT_ONCE));
        expected.merge(kind, sample, (old, s) -> Duration.ofNanos(
                (long) ((1 - WEIGHT) * old.toNanos() + WEIGHT * s.toNanos())));
    }
}
