package dev.acp.util;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for retryable failures: the n-th retry waits a random time
 * between half and all of {@code min(maxDelay, baseDelay * 2^(n-1))} ("equal jitter", so that
 * parallel steps hitting the same limit do not retry in lockstep). A provider's Retry-After wins
 * when it asks for longer.
 */
public record RetryPolicy(Duration baseDelay, Duration maxDelay) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30));

    public RetryPolicy {
        if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= baseDelay <= maxDelay");
        }
    }

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public Duration delay(int retry, Optional<Duration> retryAfter, RandomGenerator random) {
        double cap = Math.min(maxDelay.toNanos(), baseDelay.toNanos() * Math.pow(2, Math.max(0, retry - 1)));
        long nanos = (long) (cap / 2 + random.nextDouble() * cap / 2);
        Duration backoff = Duration.ofNanos(nanos);
        return retryAfter.filter(ra -> ra.compareTo(backoff) > 0).orElse(backoff);
    }
}
