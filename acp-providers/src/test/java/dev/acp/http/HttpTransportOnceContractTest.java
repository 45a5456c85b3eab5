package dev.acp.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.created;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** ONCE calls (paid submissions): sent exactly once, whatever happens. */
class HttpTransportOnceContractTest extends AbstractTransportContractTest {

    @Test
    void should_send_a_paid_post_once_and_return_its_answer() throws Exception {
        wm.stubFor(post("/v1/submit").willReturn(created().withBody("{\"request_id\":\"r-1\"}")));

        HttpResult r = transport.execute(paidPost("/v1/submit"));

        assertThat(r.status()).isEqualTo(201);
        wm.verify(1, postRequestedFor(urlPathEqualTo("/v1/submit")).withRequestBody(equalToJson("{\"text\":\"hello\"}")));
    }

    @Test
    void should_answer_a_503_once_as_retryable_transient_without_sending_it_again() {
        wm.stubFor(post("/v1/submit").willReturn(status(503).withBody("busy")));

        ProviderException e = failure(() -> transport.execute(paidPost("/v1/submit")));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.retryable()).as("the server answered, nothing was billed: the engine may retry").isTrue();
        assertThat(e.getMessage()).contains("HTTP 503").contains("busy");
        assertThat(requestsTo("/v1/submit")).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void should_answer_a_429_once_with_its_retry_after_and_slow_the_governor_down() {
        wm.stubFor(post("/v1/submit").willReturn(status(429).withHeader("Retry-After", "4")));

        ProviderException e = failure(() -> transport.execute(paidPost("/v1/submit")));

        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(4));
        assertThat(governor.rateLimitedCount()).isEqualTo(1);
        assertThat(requestsTo("/v1/submit")).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void should_not_retry_a_paid_post_refused_as_invalid() {
        wm.stubFor(post("/v1/submit").willReturn(status(422).withBody("{\"detail\":[{\"msg\":\"text too long\"}]}")));

        ProviderException e = failure(() -> transport.execute(paidPost("/v1/submit")));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).contains("text too long");
        assertThat(requestsTo("/v1/submit")).isEqualTo(1);
    }

    @Test
    void should_give_unknown_outcome_after_exactly_one_request_when_the_connection_is_reset() {
        wm.stubFor(post("/v1/submit").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        ProviderException e = failure(() -> transport.execute(paidPost("/v1/submit")));

        assertUnknownOutcome(e);
        assertThat(requestsTo("/v1/submit")).isEqualTo(1);
    }

    @Test
    void should_give_unknown_outcome_after_exactly_one_request_when_the_connection_closes_without_an_answer() {
        wm.stubFor(post("/v1/submit").willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

        ProviderException e = failure(() -> transport.execute(paidPost("/v1/submit")));

        assertUnknownOutcome(e);
        assertThat(requestsTo("/v1/submit")).isEqualTo(1);
    }

    @Test
    void should_give_unknown_outcome_after_exactly_one_request_when_the_answer_is_late() {
        wm.stubFor(post("/v1/submit").willReturn(created().withBody("{}").withFixedDelay(1_500)));

        ProviderException e = failure(() -> transport.execute(paidPost("/v1/submit").withTimeout(SHORT_TIMEOUT)));

        assertUnknownOutcome(e);
        assertThat(e.getMessage()).contains("no answer within");
        assertThat(requestsTo("/v1/submit")).isEqualTo(1);
    }

    @Test
    void should_give_retryable_transient_when_the_connection_is_refused() throws Exception {
        HttpCall call = paidPost("/v1/submit");
        HttpCall refused = new HttpCall(call.method(), URI.create("http://127.0.0.1:" + closedPort() + "/v1/submit"),
                call.headers(), call.body(), call.timeout(), call.retry(), call.errors(), call.governor(),
                call.secrets());

        ProviderException e = failure(() -> transport.execute(refused));

        assertThat(e.kind()).as("nothing was sent, nothing was billed").isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("cannot connect to 127.0.0.1");
        assertThat(sleeps).as("a ONCE call is not retried by the transport").isEmpty();
    }

    static void assertUnknownOutcome(ProviderException e) {
        assertUnknownOutcomeKind(e);
        assertThat(e.getMessage()).contains("POST " + wm.baseUrl() + "/v1/");
    }

    /** Not retryable, and the message says why. */
    static void assertUnknownOutcomeKind(ProviderException e) {
        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("may have reached test and been billed").contains("not repeated");
    }
}
