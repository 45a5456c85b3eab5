package dev.acp.engine;

import java.time.Duration;

/**
 * When to ask about a job next: a quarter of the time it has been running, between
 * {@link #MIN} and {@link #MAX}. A job is then noticed at most about 25% after it finished (a
 * one-second image within a quarter second, a five-minute video within five seconds), and a long
 * job costs a poll every few seconds, not every few hundred milliseconds. Providers that say when
 * to ask again ({@code Pending.pollAfter}) are followed instead.
 */
record PollSchedule(Duration min, Duration max) {
    static final Duration MIN = Duration.ofMillis(250);
    static final Duration MAX = Duration.ofSeconds(5);
    static final PollSchedule DEFAULT = new PollSchedule(MIN, MAX);

    /** The wait before the next poll of a job that has been running for {@code running}. */
    Duration next(Duration running) {
        Duration quarter = running.dividedBy(4);
        return quarter.compareTo(min) < 0 ? min : quarter.compareTo(max) > 0 ? max : quarter;
    }
}
