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

    public static Optional<Duration> of(HttpResult r, Clock clock) {
        Optional<String> ms = r.header("retry-after-ms");
        if (ms.isPresent()) {
            try {
                return Optional.of(cap(Duration.ofMillis(Math.max(0, (long) Double.parseDouble(ms.get().trim())))));
            } catch (NumberFormatException e) {
                // fall through to Retry-After
            }
        }
        return r.header("Retry-After").flatMap(v -> parse(v, clock));
    }

    static Optional<Duration> parse(String value, Clock clock) {
        String v = value.trim();
        try {
            double seconds = Double.parseDouble(v);
            return seconds < 0 ? Optional.empty() : Optional.of(cap(Duration.ofMillis((long) (seconds * 1000))));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return Optional.of(cap(d.isNegative() ? Duration.ZERO : d));
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    private static Duration cap(Duration d) {
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
