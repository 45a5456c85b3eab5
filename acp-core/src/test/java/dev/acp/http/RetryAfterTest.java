package dev.acp.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    private Optional<Duration> of(Map<String, List<String>> headers) {
        return RetryAfter.of(new HttpResult(429, headers, new byte[0]), clock);
    }

    private static String httpDate(Instant at) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atOffset(ZoneOffset.UTC));
    }

    @Test
    void should_read_seconds() {
        assertThat(of(Map.of("Retry-After", List.of("3")))).contains(Duration.ofSeconds(3));
        assertThat(of(Map.of("retry-after", List.of(" 1.5 ")))).contains(Duration.ofMillis(1500));
        assertThat(of(Map.of("Retry-After", List.of("0")))).contains(Duration.ZERO);
    }

    @Test
    void should_read_an_http_date_relative_to_the_clock() {
        assertThat(of(Map.of("Retry-After", List.of(httpDate(NOW.plusSeconds(7)))))).contains(Duration.ofSeconds(7));
        assertThat(of(Map.of("Retry-After", List.of("Thu, 01 Jan 2026 00:01:00 GMT")))).contains(Duration.ofMinutes(1));
    }

    @Test
    void should_read_a_date_in_the_past_as_no_wait() {
        assertThat(of(Map.of("Retry-After", List.of(httpDate(NOW.minusSeconds(30)))))).contains(Duration.ZERO);
    }

    @Test
    void should_prefer_retry_after_ms() {
        assertThat(of(Map.of("retry-after-ms", List.of("250"), "Retry-After", List.of("9"))))
                .contains(Duration.ofMillis(250));
        assertThat(of(Map.of("retry-after-ms", List.of("soon"), "Retry-After", List.of("9"))))
                .as("a bad retry-after-ms falls back on Retry-After").contains(Duration.ofSeconds(9));
    }

    @Test
    void should_cap_long_waits_at_ten_minutes() {
        assertThat(of(Map.of("Retry-After", List.of("86400")))).contains(Duration.ofMinutes(10));
        assertThat(of(Map.of("Retry-After", List.of(httpDate(NOW.plusSeconds(86_400)))))).contains(Duration.ofMinutes(10));
        assertThat(of(Map.of("retry-after-ms", List.of("999999999")))).contains(Duration.ofMinutes(10));
    }

    @Test
    void should_ignore_missing_negative_or_unreadable_values() {
        assertThat(of(Map.of())).isEmpty();
        assertThat(of(Map.of("Retry-After", List.of("-5")))).isEmpty();
        assertThat(of(Map.of("Retry-After", List.of("tomorrow")))).isEmpty();
    }
}
