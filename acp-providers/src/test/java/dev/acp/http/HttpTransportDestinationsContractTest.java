package dev.acp.http;

import static dev.acp.testkit.hostile.HostileServer.bytes;
import static dev.acp.testkit.hostile.HostileServer.json;
import static dev.acp.testkit.hostile.HostileServer.redirect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.testkit.hostile.HostileServer;
import dev.acp.util.RetryPolicy;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the transport lets a request go, against servers that lie (issue 18): the key only to the
 * provider's configured origin, never to another port, scheme or host, nor across a redirect;
 * no loopback or private address unless the provider itself lives on one; redirects checked at
 * every hop. Asserted on what the servers received.
 */
@Timeout(60)
class HttpTransportDestinationsContractTest {
    private static final String KEY = "hostile-canary-key-0123456789";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final RetryPolicy POLICY = new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(5));

    @TempDir
    Path dir;

    /** The provider's own server (its base URL), and another port of the same host. */
    private final HostileServer base = HostileServer.start();
    private final HostileServer other = HostileServer.start();
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final HttpTransport local = new HttpTransport(HttpClient.newBuilder().build(), CLOCK, sleeps::add,
            new Random(1), POLICY);
    private final Governor localGovernor = new Governor("fal", Governor.Settings.defaults(), CLOCK, d -> {})
            .withBaseUrls(base.baseUrl());

    @AfterEach
    void stop() {
        base.close();
        other.close();
    }

    private HttpCall get(Governor governor, String url) {
        return HttpCall.get(URI.create(url), Map.of("Authorization", "Key " + KEY), governor, ErrorMapper.STANDARD,
                List.of(KEY));
    }

    private static ProviderException failure(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return catchThrowableOfType(ProviderException.class, call);
    }

    private void assertNoFileIn(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            assertThat(files).as("files left behind").isEmpty();
        }
    }

    // ---- the key goes to the configured origin only --------------------------------------------

    @Test
    void the_key_goes_to_the_configured_origin() throws Exception {
        base.on("/status", json("{}"));

        local.execute(get(localGovernor, base.baseUrl() + "/status"));

        assertThat(base.received("/status")).singleElement().satisfies(r -> assertThat(r.carries(KEY)).isTrue());
    }

    @Test
    void a_call_with_the_key_to_another_port_of_the_same_host_is_refused_and_never_sent() {
        other.on("/status", json("{}"));

        ProviderException e = failure(() -> local.execute(get(localGovernor, other.baseUrl() + "/status")));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).isEqualTo("fal: refusing to send fal's credentials to " + other.baseUrl()
                + ", which is not a configured fal base URL (" + base.baseUrl() + ")");
        assertThat(other.received()).isEmpty();
    }

    @Test
    void a_call_with_the_key_in_another_scheme_is_refused_and_never_sent() {
        String https = base.baseUrl().replace("http://", "https://") + "/status";

        // Short: were it sent, a TLS greeting to a plain HTTP server would wait for ever.
        ProviderException e = failure(() -> local.execute(get(localGovernor, https).withTimeout(Duration.ofSeconds(2))));

        assertThat(e.getMessage()).startsWith("fal: refusing to send fal's credentials to https://127.0.0.1:");
        assertThat(base.received()).isEmpty();
    }

    @Test
    void a_download_from_another_origin_is_sent_without_the_key_in_headers_or_query() throws Exception {
        other.on("/m/a.png", bytes("image/png", HostileServer.png()));
        HttpCall call = get(localGovernor, other.baseUrl() + "/m/a.png?sig=abc&key=" + KEY);

        local.download(call, dir.resolve("a.png"), 1 << 20, List.of("image/"));

        assertThat(other.received("/m/a.png")).singleElement().satisfies(r -> {
            assertThat(r.carries(KEY)).as("the key").isFalse();
            assertThat(r.uri().getQuery()).isEqualTo("sig=abc");
        });
    }

    @Test
    void a_redirect_to_another_origin_drops_the_key_for_the_rest_of_the_way() throws Exception {
        base.on("/same", redirect(302, "/status"));
        base.on("/status", json("{}"));
        base.on("/away", redirect(307, other.baseUrl() + "/bounce"));
        other.on("/bounce", redirect(302, base.baseUrl() + "/back"));
        base.on("/back", json("{}"));

        local.execute(get(localGovernor, base.baseUrl() + "/same"));
        local.execute(get(localGovernor, base.baseUrl() + "/away"));

        assertThat(base.received("/status")).singleElement().satisfies(r -> assertThat(r.carries(KEY)).isTrue());
        assertThat(other.received("/bounce")).singleElement().satisfies(r -> assertThat(r.carries(KEY)).isFalse());
        assertThat(base.received("/back")).as("back on the base after leaving it: still without")
                .singleElement().satisfies(r -> assertThat(r.carries(KEY)).isFalse());
    }

    @Test
    void a_redirect_between_two_configured_origins_still_drops_the_key() throws Exception {
        Governor both = new Governor("fal", Governor.Settings.defaults(), CLOCK, d -> {})
                .withBaseUrls(base.baseUrl(), other.baseUrl());
        base.on("/queue/result", redirect(302, other.baseUrl() + "/storage/result"));
        other.on("/storage/result", json("{}"));

        local.execute(get(both, base.baseUrl() + "/queue/result"));

        assertThat(base.received("/queue/result")).singleElement().satisfies(r -> assertThat(r.carries(KEY)).isTrue());
        assertThat(other.received("/storage/result")).as("never across a redirect to another origin")
                .singleElement().satisfies(r -> assertThat(r.carries(KEY)).isFalse());
    }

    // ---- redirects -----------------------------------------------------------------------------

    @Test
    void a_redirect_loop_is_refused_without_retrying() {
        base.on("/loop/a", redirect(302, "/loop/b"));
        base.on("/loop/b", redirect(302, "/loop/a"));

        ProviderException e = failure(() -> local.download(get(localGovernor, base.baseUrl() + "/loop/a"),
                dir.resolve("a.png"), 1 << 20, List.of("image/")));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).isEqualTo("fal: " + base.baseUrl() + "/loop/a redirects in a loop (back to "
                + base.baseUrl() + "/loop/a)");
        assertThat(base.received()).hasSize(2);
    }

    @Test
    void more_than_five_redirects_are_refused() {
        for (int i = 0; i < 8; i++) {
            base.on("/hop/" + i, redirect(302, "/hop/" + (i + 1)));
        }

        ProviderException e = failure(() -> local.execute(get(localGovernor, base.baseUrl() + "/hop/0")));

        assertThat(e.getMessage()).isEqualTo("fal: " + base.baseUrl() + "/hop/0 redirects more than 5 times");
        assertThat(base.received()).as("the first request and five redirects").hasSize(6);
    }

    @Test
    void a_redirect_to_a_file_url_is_refused() {
        base.on("/m/a.png", redirect(302, "file:///etc/passwd"));

        ProviderException e = failure(() -> local.download(get(localGovernor, base.baseUrl() + "/m/a.png"),
                dir.resolve("a.png"), 1 << 20, List.of("image/")));

        assertThat(e.getMessage()).endsWith("to file:///etc/passwd: only http and https URLs are fetched");
    }

    // ---- addresses -----------------------------------------------------------------------------

    /**
     * A provider whose base URL is public ({@code http://api.hostile.test}): made-up names resolve
     * without DNS, and every request goes through {@code base} as a proxy, so that names reach it.
     */
    private HttpTransport publicTransport() {
        HttpClient client = HttpClient.newBuilder().proxy(base.proxy()).build();
        return new HttpTransport(client, CLOCK, sleeps::add, new Random(1), POLICY, host -> switch (host) {
            case "internal.hostile.test" -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {(byte) 192,
                    (byte) 168, 7, 7})};
            default -> host.endsWith(".hostile.test")
                    ? new InetAddress[] {InetAddress.getByAddress(host, new byte[] {(byte) 203, 0, 113, 10})}
                    : InetAddress.getAllByName(host);
        });
    }

    private Governor publicGovernor(boolean privateAllowed) {
        return new Governor("fal", Governor.Settings.defaults(), CLOCK, d -> {}, privateAllowed)
                .withBaseUrls("http://api.hostile.test");
    }

    @Test
    void result_urls_on_loopback_private_and_link_local_addresses_are_refused_before_connecting() {
        HttpTransport transport = publicTransport();
        Governor governor = publicGovernor(false);
        base.on("/m/a.png", bytes("image/png", HostileServer.png()));
        Map<String, String> refusals = Map.of(
                "http://127.0.0.1:" + other.port() + "/m/a.png", "127.0.0.1 is a loopback address",
                "http://[::1]:" + other.port() + "/m/a.png", "::1 is a loopback address",
                "http://10.0.0.7/m/a.png", "10.0.0.7 is a private address",
                "http://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local address",
                "http://internal.hostile.test/m/a.png", "internal.hostile.test resolves to 192.168.7.7, a private"
                        + " address");

        refusals.forEach((url, why) -> {
            ProviderException e = failure(() -> transport.download(HttpCall.get(URI.create(url), Map.of(), governor,
                    ErrorMapper.STANDARD, List.of(KEY)), dir.resolve("a.png"), 1 << 20, List.of("image/")));
            assertThat(e.kind()).as(url).isEqualTo(ErrorKind.VALIDATION);
            assertThat(e.getMessage()).as(url).isEqualTo("fal: refusing to fetch " + url + ": " + why + " (fal's base"
                    + " URL is not; set ACP_ALLOW_PRIVATE_URLS=1 to allow private addresses)");
        });
        assertThat(base.received()).isEmpty();
        assertThat(other.received()).isEmpty();
    }

    @Test
    void a_redirect_from_a_public_host_to_loopback_is_refused_at_the_hop() {
        HttpTransport transport = publicTransport();
        base.on("/m/a.png", redirect(302, "http://127.0.0.1:" + other.port() + "/m/a.png"));

        ProviderException e = failure(() -> transport.download(HttpCall.get(URI.create(
                "http://cdn.hostile.test/m/a.png"), Map.of(), publicGovernor(false), ErrorMapper.STANDARD, List.of()),
                dir.resolve("a.png"), 1 << 20, List.of("image/")));

        assertThat(e.getMessage()).startsWith("fal: refusing to fetch http://127.0.0.1:" + other.port()
                + "/m/a.png: 127.0.0.1 is a loopback address");
        assertThat(base.received()).singleElement().satisfies(r -> assertThat(r.origin())
                .isEqualTo("http://cdn.hostile.test"));
        assertThat(other.received()).isEmpty();
    }

    @Test
    void acp_allow_private_urls_lets_a_private_result_url_through_without_the_key() throws Exception {
        base.on("/m/a.png", bytes("image/png", HostileServer.png()));
        String url = "http://127.0.0.1:" + other.port() + "/m/a.png";

        publicTransport().download(get(publicGovernor(true), url), dir.resolve("a.png"), 1 << 20, List.of("image/"));

        // Through the proxy: the request names the loopback origin, and carries no key.
        assertThat(base.received("/m/a.png")).singleElement().satisfies(r -> {
            assertThat(r.origin()).isEqualTo("http://127.0.0.1:" + other.port());
            assertThat(r.carries(KEY)).isFalse();
        });
    }

    @Test
    void a_cross_origin_call_to_a_public_host_is_refused_and_the_key_stays_home() {
        HttpTransport transport = publicTransport();
        base.on("/status", json("{}"));

        ProviderException e = failure(() -> transport.execute(get(publicGovernor(false),
                "http://evil.hostile.test/status")));

        assertThat(e.getMessage()).isEqualTo("fal: refusing to send fal's credentials to http://evil.hostile.test,"
                + " which is not a configured fal base URL (http://api.hostile.test:80)");
        assertThat(base.received()).isEmpty();
    }

    // ---- bodies --------------------------------------------------------------------------------

    @Test
    void an_endless_api_answer_fails_at_the_limit_and_is_not_asked_again() {
        base.on("/status", HostileServer.endless("application/json", "{\"status\":\"".getBytes()));

        ProviderException e = failure(() -> local.execute(get(localGovernor, base.baseUrl() + "/status")));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).isEqualTo("fal: the answer of " + base.baseUrl() + "/status is over the limit of"
                + " 32 MB");
        assertThat(base.received()).hasSize(1);
    }

    @Test
    void an_endless_or_oversized_download_fails_at_once_and_leaves_no_file() throws Exception {
        base.on("/m/endless.png", HostileServer.endless("image/png", HostileServer.png()));
        base.on("/m/huge.png", HostileServer.announcing("image/png", 5L << 30, HostileServer.png()));

        ProviderException endless = failure(() -> local.download(get(localGovernor, base.baseUrl() + "/m/endless.png"),
                dir.resolve("endless.png"), 1 << 20, List.of("image/")));
        ProviderException huge = failure(() -> local.download(get(localGovernor, base.baseUrl() + "/m/huge.png"),
                dir.resolve("huge.png"), 1 << 20, List.of("image/")));

        assertThat(endless.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(endless.getMessage()).endsWith("/m/endless.png is over the limit of 1 MB");
        assertThat(huge.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(huge.getMessage()).endsWith("/m/huge.png is 5120 MB, over the limit of 1 MB");
        assertThat(base.received("/m/endless.png")).hasSize(1);
        assertThat(base.received("/m/huge.png")).hasSize(1);
        assertNoFileIn(dir);
    }

    @Test
    void a_retry_after_of_31_years_is_capped_and_said_so_and_left_to_the_engine() {
        base.on("/status", HostileServer.status(429, Map.of("Retry-After", "999999999"), "{\"detail\":\"slow down\"}"));

        ProviderException e = failure(() -> local.execute(get(localGovernor, base.baseUrl() + "/status")));

        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(e.retryAfter()).contains(Duration.ofMinutes(10));
        assertThat(e.getMessage()).contains("it asked to wait 999999999 s (about 31 years); ACP waits at most 600 s,"
                + " and no longer than the step's timeout");
        assertThat(sleeps).as("no wait inside the call").isEmpty();
        assertThat(base.received()).hasSize(1);
    }
}
