package dev.acp.http;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Reads how long a server asks to wait: {@code retry-after-ms}, {@code Retry-After} in seconds or as an HTTP date. */
public final class RetryAfter {
    /** Longer waits are capped: a step has its own deadline, and a bad header must not park it for days. */
    static final Duration MAX = Duration.ofMinutes(10);

    private RetryAfter() {}

    /** The wait asked for, capped at {@link #MAX}. */
    public static Optional<Duration> of(HttpResult r, Clock clock) {
        return asked(r, clock).map(RetryAfter::cap);
    }

    /**
     * A note for the failure's message when the server asked for more than {@link #MAX}:
     * "it asked to wait 999999999 s (about 31 years); ACP waits at most 600 s".
     */
    static Optional<String> capNote(HttpResult r, Clock clock) {
        return asked(r, clock).filter(d -> d.compareTo(MAX) > 0).map(d -> "it asked to wait " + d.toSeconds() + " s"
                + (d.toDays() >= 365 ? " (about " + d.toDays() / 365 + " years)" : d.toDays() >= 2 ? " (about "
                        + d.toDays() + " days)" : "")
                + "; ACP waits at most " + MAX.toSeconds() + " s, and no longer than the step's timeout");
    }

    /** The wait asked for, uncapped. */
    private static Optional<Duration> asked(HttpResult r, Clock clock) {
        Optional<String> ms = r.header("retry-after-ms");
        if (ms.isPresent()) {
            try {
                return Optional.of(millis(Double.parseDouble(ms.get().trim())));
            } catch (NumberFormatException e) {
                // fall through to Retry-After
            }
        }
        return r.header("Retry-After").flatMap(v -> parseUncapped(v, clock));
    }

    static Optional<Duration> parse(String value, Clock clock) {
        return parseUncapped(value, clock).map(RetryAfter::cap);
    }

    private static Optional<Duration> parseUncapped(String value, Clock clock) {
        String v = value.trim();
        try {
            double seconds = Double.parseDouble(v);
            return seconds < 0 || Double.isNaN(seconds) ? Optional.empty() : Optional.of(millis(seconds * 1000));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    /** Whole milliseconds, at least 0; a huge or infinite number is the longest a Duration of millis holds. */
    private static Duration millis(double ms) {
        return Duration.ofMillis(Double.isNaN(ms) || ms <= 0 ? 0 : ms >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) ms);
    }

    private static Duration cap(Duration d) {
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
