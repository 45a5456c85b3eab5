package dev.acp.engine;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * When to ask about a job next. Once jobs of the same kind have finished in this session
 * ({@link JobDurations}), the next poll aims at the expected end, so that a job is seen done in
 * one or two polls. Before that, and once a job has run longer than expected, a quarter of the
 * time it has been running, between {@link #MIN} and {@link #MAX}: a job is then noticed at most
 * about 25% after it finished, and a long job costs a poll every few seconds. The first poll of a
 * job of a kind not seen yet comes soon ({@link #FIRST}, as fal's own client polls). Every wait
 * gets up to 10% more at random, so that jobs submitted together do not poll together; never less,
 * so that a poll aimed at the expected end does not come before it. Providers that say when to ask
 * again ({@code Pending.pollAfter}) are followed instead.
 */
record PollSchedule(Duration first, Duration min, Duration max) {
    static final Duration FIRST = Duration.ofMillis(100);
    static final Duration MIN = Duration.ofMillis(250);
    static final Duration MAX = Duration.ofSeconds(5);
    /** The shortest wait when aiming at an expected end that is close. */
    static final Duration AIM_MIN = Duration.ofMillis(20);
    static final double JITTER = 0.1;
    static final PollSchedule DEFAULT = new PollSchedule(FIRST, MIN, MAX);

    /**
     * The wait before the next poll of a job that has been running for {@code running}, when jobs
     * of its kind take {@code expected} (null: not known yet), before jitter.
     */
    Duration next(Duration running, @Nullable Duration expected) {
        if (expected != null && running.compareTo(expected) < 0) {
            Duration left = expected.minus(running);
            return clamp(left, AIM_MIN, max);
        }
        if (expected == null && running.isZero()) {
            return first;
        }
        return clamp(running.dividedBy(4), min, max);
    }

    /** {@link #next} with up to {@link #JITTER} more, never above {@link #max}. */
    Duration next(Duration running, @Nullable Duration expected, RandomGenerator random) {
        Duration d = next(running, expected);
        long extra = (long) (d.toNanos() * JITTER * random.nextDouble());
        return clamp(d.plusNanos(extra), Duration.ZERO, max);
    }

    private static Duration clamp(Duration d, Duration low, Duration high) {
        return d.compareTo(low) < 0 ? low : d.compareTo(high) > 0 ? high : d;
    }
}
