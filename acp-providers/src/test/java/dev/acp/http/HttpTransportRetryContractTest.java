package dev.acp.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SAFE calls: which statuses are retried, how long the transport waits, and how the governor slows down. */
class HttpTransportRetryContractTest extends AbstractTransportContractTest {

    @Test
    void should_retry_a_safe_get_on_503_502_and_500_with_growing_backoff_until_200() throws Exception {
        stubSequence("GET", "/jobs/1", status(503), status(502), status(500), ok("{\"status\":\"done\"}"));

        HttpResult r = transport.execute(safeGet("/jobs/1"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("{\"status\":\"done\"}");
        assertThat(requestsTo("/jobs/1")).isEqualTo(4);
        assertThat(sleeps).hasSize(3);
        for (int i = 0; i < sleeps.size(); i++) {
            Duration[] window = backoffWindow(i + 1);
            assertThat(sleeps.get(i)).as("backoff before retry %s", i + 1).isBetween(window[0], window[1]);
        }
        assertThat(sleeps).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void should_give_up_a_safe_get_after_5_attempts_as_transient() {
        wm.stubFor(get("/jobs/1").willReturn(status(503).withBody("overloaded")));

        ProviderException e = failure(() -> transport.execute(safeGet("/jobs/1")));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.retryable()).as("the engine may still retry it later").isTrue();
        assertThat(e.getMessage()).contains("test:").contains("HTTP 503").contains("overloaded");
        assertThat(requestsTo("/jobs/1")).isEqualTo(HttpTransport.MAX_ATTEMPTS).isEqualTo(5);
        assertThat(sleeps).hasSize(4);
        assertThat(sleeps.get(3)).isLessThanOrEqualTo(POLICY.maxDelay());
    }

    /** The statuses {@link ErrorMapper#byStatus} says are the caller's fault: answered once, never retried. */
    @ParameterizedTest(name = "HTTP {0} is {1}")
    @CsvSource({
        "400, VALIDATION",
        "401, AUTH",
        "402, QUOTA",
        "403, AUTH",
        "404, NOT_FOUND",
        "410, NOT_FOUND",
        "413, VALIDATION",
        "418, VALIDATION",
        "422, VALIDATION",
        "451, CONTENT_POLICY",
    })
    void should_not_retry_a_status_that_is_not_retryable(int status, ErrorKind kind) {
        wm.stubFor(get("/models/x").willReturn(status(status).withBody("{\"detail\":\"no\"}")));

        ProviderException e = failure(() -> transport.execute(safeGet("/models/x")));

        assertThat(ErrorMapper.byStatus(status)).isEqualTo(kind);
        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("HTTP " + status).contains("{\"detail\":\"no\"}");
        assertThat(requestsTo("/models/x")).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    /** The statuses {@link ErrorMapper#byStatus} says may pass: retried, then a success. */
    @ParameterizedTest(name = "HTTP {0} is retried")
    @ValueSource(ints = {408, 409, 425, 429, 500, 502, 503, 504, 599})
    void should_retry_a_retryable_status(int status) throws Exception {
        stubSequence("GET", "/jobs/1", status(status), ok());

        assertThat(transport.execute(safeGet("/jobs/1")).status()).isEqualTo(200);
        assertThat(requestsTo("/jobs/1")).isEqualTo(2);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void should_wait_exactly_the_retry_after_seconds_of_a_429() throws Exception {
        stubSequence("GET", "/jobs/1", status(429).withHeader("Retry-After", "3"), ok());

        transport.execute(safeGet("/jobs/1"));

        assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
        assertThat(requestsTo("/jobs/1")).isEqualTo(2);
    }

    @Test
    void should_wait_until_the_http_date_of_a_429_by_the_injected_clock() throws Exception {
        // The clock says 2026-01-01T00:00:00Z; the server's own clock does not matter.
        assertThat(clock.instant()).isEqualTo(NOW);
        stubSequence("GET", "/jobs/1", status(429).withHeader("Retry-After", "Thu, 01 Jan 2026 00:00:07 GMT"), ok());

        transport.execute(safeGet("/jobs/1"));

        assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void should_honour_retry_after_ms() throws Exception {
        stubSequence("GET", "/jobs/1", status(429).withHeader("retry-after-ms", "1500"), ok());

        transport.execute(safeGet("/jobs/1"));

        assertThat(sleeps).containsExactly(Duration.ofMillis(1500));
    }

    @Test
    void should_use_the_policy_backoff_for_a_429_without_retry_after() throws Exception {
        stubSequence("GET", "/jobs/1", status(429), ok());

        transport.execute(safeGet("/jobs/1"));

        Duration[] window = backoffWindow(1);
        assertThat(sleeps).hasSize(1);
        assertThat(sleeps.get(0)).isBetween(window[0], window[1]);
    }

    @Test
    void should_return_the_retry_after_of_the_last_429_when_giving_up() {
        wm.stubFor(get("/jobs/1").willReturn(status(429).withHeader("Retry-After", "2")));

        ProviderException e = failure(() -> transport.execute(safeGet("/jobs/1")));

        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(sleeps).hasSize(4).containsOnly(Duration.ofSeconds(2));
        assertThat(governor.rateLimitedCount()).isEqualTo(5);
    }

    @Test
    void should_halve_the_governor_rate_on_each_429_and_climb_back_after_successes() throws Exception {
        stubSequence("GET", "/jobs/1", status(429), status(429), ok());
        wm.stubFor(get("/jobs/2").willReturn(ok()));
        double configured = governor.settings().requestsPerSecond();

        transport.execute(safeGet("/jobs/1"));

        assertThat(governor.rateLimitedCount()).isEqualTo(2);
        assertThat(governor.rate()).as("halved twice, then one success").isEqualTo(configured / 4 + configured / 20);
        double before = governor.rate();
        transport.execute(safeGet("/jobs/2"));
        assertThat(governor.rate()).isGreaterThan(before);
        for (int i = 0; i < 20; i++) {
            transport.execute(safeGet("/jobs/2"));
        }
        assertThat(governor.rate()).isEqualTo(configured);
    }

    @Test
    void should_not_slow_the_governor_down_for_a_5xx() throws Exception {
        stubSequence("GET", "/jobs/1", status(503), ok());

        transport.execute(safeGet("/jobs/1"));

        assertThat(governor.rateLimitedCount()).isZero();
        assertThat(governor.rate()).isEqualTo(governor.settings().requestsPerSecond());
        wm.verify(2, getRequestedFor(urlPathEqualTo("/jobs/1")));
    }

    @Test
    void should_retry_a_safe_get_whose_connection_was_reset() throws Exception {
        stubSequence("GET", "/jobs/1",
                aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER), ok());

        assertThat(transport.execute(safeGet("/jobs/1")).status()).isEqualTo(200);
        assertThat(requestsTo("/jobs/1")).isEqualTo(2);
    }

    @Test
    void should_retry_a_safe_get_that_timed_out() throws Exception {
        // A second is short enough for a fast test and long enough for the second, prompt answer.
        stubSequence("GET", "/jobs/1", ok().withFixedDelay(3_000), ok());

        HttpResult r = transport.execute(safeGet("/jobs/1").withTimeout(Duration.ofSeconds(1)));

        assertThat(r.status()).isEqualTo(200);
        assertThat(requestsTo("/jobs/1")).isEqualTo(2);
    }
}
