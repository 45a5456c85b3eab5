package dev.acp.http;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.acp.util.RetryPolicy;
import dev.acp.util.Sleeper;
import dev.acp.error.ProviderException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/**
 * One WireMock server per test class (dynamic port, reset before each test, no unmatched
 * request allowed after it) and a transport whose sleeper records the waits instead of waiting.
 */
@Timeout(30)
abstract class AbstractTransportContractTest {
    /** The call's secret: it must never appear in a message. */
    static final String SECRET = "canary-key-123456789";
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final RetryPolicy POLICY = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(5));

    static WireMockServer wm;

    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    /** What the transport would have slept, in order. */
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    final Sleeper sleeper = sleeps::add;
    HttpClient client;
    Governor governor;
    HttpTransport transport;

    @BeforeAll
    static void startServer() {
        wm = new WireMockServer(wireMockConfig().dynamicPort());
        wm.start();
    }

    @AfterAll
    static void stopServer() {
        wm.stop();
    }

    @BeforeEach
    void newTransport() {
        wm.resetAll();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // The mock is the provider's base URL: it may receive the key, and loopback may be called.
        governor = new Governor("test", Governor.Settings.defaults(), clock, d -> {}).withBaseUrls(wm.baseUrl());
        transport = new HttpTransport(client, clock, sleeper, new Random(1), POLICY);
    }

    @AfterEach
    void noUnmatchedRequests() {
        client.shutdownNow();
        assertThat(wm.findAllUnmatchedRequests()).as("requests no stub matched").isEmpty();
    }

    static URI uri(String pathAndQuery) {
        return URI.create(wm.baseUrl() + pathAndQuery);
    }

    /** A SAFE GET (a read, a poll, a download). */
    HttpCall safeGet(String pathAndQuery) {
        return HttpCall.get(uri(pathAndQuery), Map.of(), governor, ErrorMapper.STANDARD, List.of(SECRET));
    }

    /** The time limit of a call that must time out: the stub answers later than this. */
    static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

    /** A ONCE POST (a paid submission). */
    HttpCall paidPost(String pathAndQuery) {
        return new HttpCall("POST", uri(pathAndQuery), Map.of("Content-Type", "application/json"),
                HttpRequest.BodyPublishers.ofString("{\"text\":\"hello\"}"), Duration.ofSeconds(10),
                HttpCall.Retry.ONCE, ErrorMapper.STANDARD, governor, List.of(SECRET));
    }

    /**
     * Answers the requests of {@code method} to {@code path} with {@code responses} in order; the
     * last one answers every later request too.
     */
    static void stubSequence(String method, String path, ResponseDefinitionBuilder... responses) {
        String scenario = method + " " + path;
        for (int i = 0; i < responses.length; i++) {
            var mapping = request(method, urlPathEqualTo(path)).inScenario(scenario)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer " + i).willReturn(responses[i]);
            if (i < responses.length - 1) {
                mapping = mapping.willSetStateTo("answer " + (i + 1));
            }
            wm.stubFor(mapping);
        }
    }

    /** How many requests reached {@code path}, whatever their method. */
    static int requestsTo(String path) {
        return wm.countRequestsMatching(anyRequestedFor(urlPathEqualTo(path)).build()).getCount();
    }

    static ProviderException failure(ThrowingCallable call) {
        ProviderException e = catchThrowableOfType(ProviderException.class, call);
        assertThat(e).as("a ProviderException").isNotNull();
        return e;
    }

    /** A port nothing listens on. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The exponential backoff of retry {@code n} (1 for the first): between half and all of its cap. */
    static Duration[] backoffWindow(int n) {
        Duration cap = POLICY.baseDelay().multipliedBy(1L << (n - 1));
        cap = cap.compareTo(POLICY.maxDelay()) > 0 ? POLICY.maxDelay() : cap;
        return new Duration[] {cap.dividedBy(2), cap};
    }
}
