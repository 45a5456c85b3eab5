package dev.acp.providers;

import static dev.acp.testkit.hostile.HostileServer.announcing;
import static dev.acp.testkit.hostile.HostileServer.bytes;
import static dev.acp.testkit.hostile.HostileServer.endless;
import static dev.acp.testkit.hostile.HostileServer.json;
import static dev.acp.testkit.hostile.HostileServer.redirect;
import static dev.acp.testkit.hostile.HostileServer.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.Acp;
import dev.acp.config.AcpConfig;
import dev.acp.engine.LocalEngine;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.env.Environment;
import dev.acp.error.ErrorKind;
import dev.acp.http.Destinations;
import dev.acp.http.Governors;
import dev.acp.http.HttpTransport;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import dev.acp.providers.elevenlabs.ElevenLabsProviderFactory;
import dev.acp.providers.fal.FalProviderFactory;
import dev.acp.testkit.hostile.HostileServer;
import dev.acp.util.RetryPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, "hold up in a hostile world": fal (a job provider whose status, response and media
 * URLs come from its answers) and ElevenLabs (a synchronous provider answering with the media
 * itself) run through the engine against servers that lie. For every lie: the step's outcome, no
 * key received anywhere but at the provider's configured origin (asserted on what the servers
 * received), and nothing left in the output folder but the outputs of steps that succeeded.
 *
 * <p>Two worlds: <em>local</em>, the provider's base URL on {@code 127.0.0.1} (as in every test and
 * for local servers), where loopback result URLs are fine but other ports must not get the key;
 * and <em>public</em>, the base URL a made-up public name ({@code http://fal.hostile.test},
 * resolved without DNS and reached through the server as a proxy), where loopback, private and
 * link-local result URLs are refused.
 */
@Timeout(120)
final class HostileProviderTest {
    private static final String FAL_KEY = "fal-hostile-0123456789:secret";
    private static final String XI_KEY = "xi-hostile-key-0123456789";
    private static final String REQUESTS = "/fal-ai/flux/requests/r-1";

    @TempDir
    Path dir;

    private final HostileServer server = HostileServer.start();
    private final HostileServer other = HostileServer.start();
    private final List<Duration> engineSleeps = new CopyOnWriteArrayList<>();
    private final AtomicInteger lookups = new AtomicInteger();

    @AfterEach
    void stop() {
        server.close();
        other.close();
    }

    // ---- running -------------------------------------------------------------------------------

    /** Made-up names: *.hostile.test are public (TEST-NET-3), a few are not; nothing else resolves. */
    private InetAddress[] resolve(String host) throws UnknownHostException {
        lookups.incrementAndGet();
        if (host.matches("[0-9.]+") || host.contains(":")) {
            return InetAddress.getAllByName(host); // a literal: no DNS
        }
        return switch (host) {
            case "internal.hostile.test" -> new InetAddress[] {address(host, 192, 168, 7, 7)};
            case "metadata.hostile.test" -> new InetAddress[] {address(host, 169, 254, 169, 254)};
            default -> {
                if (!host.endsWith(".hostile.test")) {
                    throw new UnknownHostException(host);
                }
                yield new InetAddress[] {address(host, 203, 0, 113, 10)};
            }
        };
    }

    private static InetAddress address(String host, int a, int b, int c, int d) throws UnknownHostException {
        return InetAddress.getByAddress(host, new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    }

    private Acp acp(Map<String, String> environment, boolean throughProxy, ProviderFactory... factories) {
        Map<String, String> env = new HashMap<>(environment);
        env.put("ACP_HOME", dir.resolve("home").toString());
        Environment e = Environment.of(env);
        Clock clock = Clock.systemUTC();
        HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        if (throughProxy) {
            client.proxy(server.proxy());
        }
        HttpTransport transport = new HttpTransport(client.build(), clock, d -> { }, new Random(7),
                new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(5)), this::resolve);
        ProviderContext context = new ProviderContext(e, dir.resolve("home"), clock, transport,
                new Governors(e, AcpConfig.empty(), clock, d -> { }), AcpConfig.empty());
        return Acp.create(e, ProviderRegistry.of(context, factories), LocalEngine.Options.defaults(e)
                .withSleeper(engineSleeps::add).withRetryPolicy(new RetryPolicy(Duration.ofMillis(1),
                        Duration.ofMillis(5))));
    }

    private Path pipeline(String yaml) {
        try {
            return Files.writeString(dir.resolve("pipeline.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private StepResult run(Acp acp, String yaml) {
        Path file = pipeline(yaml);
        RunResult r = acp.unguardedEngine().run(acp.plan(file, RunSettings.run(dir)), RunListener.NONE,
                new RunControl());
        return r.steps().get(0);
    }

    private static final String IMAGE = """
            pipeline_name: hostile
            output_directory: out
            global_config: { timeouts: { text_to_image: 20 } }
            steps:
              - { id: hero, step_type: text_to_image, config: { prompt: "a lighthouse", model: flux-dev }, output_filename: hero.png }
            """;

    private static final String SPEECH = """
            pipeline_name: hostile
            output_directory: out
            global_config: { timeouts: { text_to_speech: 20 } }
            steps:
              - { id: say, step_type: text_to_speech, provider: elevenlabs, config: { text: "The lamp is lit.", voice: 21m00Tcm4TlvDq8ikWAM }, output_filename: say.mp3 }
            """;

    // ---- assertions ----------------------------------------------------------------------------

    /** Every file under the output folder (partial files start with a dot: they count too). */
    private List<Path> outputFiles() {
        Path out = dir.resolve("out");
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(Files::isRegularFile).map(out::relativize).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void assertFailedLeavingNothing(StepResult step, ErrorKind kind, String... messageParts) {
        assertThat(step.status()).as(String.valueOf(step.error())).isEqualTo(StepStatus.FAILED);
        assertThat(step.error().kind()).as(step.error().message()).isEqualTo(kind);
        assertThat(step.error().message()).contains(messageParts).doesNotContain(FAL_KEY).doesNotContain(XI_KEY);
        assertThat(outputFiles()).as("files left in the output folder").isEmpty();
    }

    /** The key was received only at {@code origin}, by any of the servers. */
    private void assertKeyOnlyAt(String key, String origin) {
        Stream.concat(server.received().stream(), other.received().stream()).filter(r -> r.carries(key))
                .forEach(r -> assertThat(r.origin()).as("%s %s received the key", r.method(), r.uri())
                        .isEqualTo(origin));
    }

    // ---- fal -----------------------------------------------------------------------------------

    /** fal at {@code base} answering a submission with these URLs, then COMPLETED, then the media at {@code mediaUrl}. */
    private void falAnswers(String base, String statusUrl, String responseUrl, String mediaUrl) {
        server.on("/fal-ai/flux/dev", json("{\"request_id\":\"r-1\",\"status_url\":\"" + statusUrl
                + "\",\"response_url\":\"" + responseUrl + "\",\"cancel_url\":\"" + base + REQUESTS + "/cancel\"}"));
        server.on(REQUESTS + "/status", json("{\"status\":\"COMPLETED\"}"));
        server.on(REQUESTS + "/cancel", json("{\"status\":\"ALREADY_COMPLETED\"}"));
        server.on(REQUESTS, json("{\"images\":[{\"url\":\"" + mediaUrl + "\",\"width\":1024,\"height\":768}]}"));
    }

    private void falAnswers(String base, String mediaUrl) {
        falAnswers(base, base + REQUESTS + "/status", base + REQUESTS, mediaUrl);
    }

    @Nested
    final class FalOnLoopback {
        private String base() {
            return server.baseUrl();
        }

        private Acp acp() {
            return HostileProviderTest.this.acp(Map.of("FAL_KEY", FAL_KEY, "ACP_FAL_BASE_URL", base(),
                    "ACP_FAL_STORAGE_BASE_URL", base() + "/rest", "ACP_FAL_PLATFORM_BASE_URL", base()), false,
                    new FalProviderFactory());
        }

        @Test
        void a_status_url_on_another_port_never_receives_the_key() {
            String elsewhere = other.baseUrl() + REQUESTS;
            falAnswers(base(), elsewhere + "/status", elsewhere, base() + "/m/hero.png");

            StepResult hero = run(acp(), IMAGE);

            assertFailedLeavingNothing(hero, ErrorKind.VALIDATION, "fal: refusing to send fal's credentials to "
                    + other.baseUrl() + ", which is not a configured fal base URL");
            assertThat(other.received()).isEmpty();
            assertKeyOnlyAt(FAL_KEY, base());
        }

        @Test
        void a_status_url_in_https_on_the_same_host_and_port_never_receives_the_key() {
            String https = base().replace("http://", "https://") + REQUESTS;
            falAnswers(base(), https + "/status", https, base() + "/m/hero.png");

            StepResult hero = run(acp(), IMAGE);

            assertFailedLeavingNothing(hero, ErrorKind.VALIDATION, "refusing to send fal's credentials to "
                    + base().replace("http://", "https://"));
            assertThat(server.received(REQUESTS + "/status")).isEmpty();
        }

        @Test
        void media_on_another_port_of_loopback_is_downloaded_without_the_key() {
            falAnswers(base(), other.baseUrl() + "/m/hero.png");
            other.on("/m/hero.png", bytes("image/png", HostileServer.png()));

            StepResult hero = run(acp(), IMAGE);

            assertThat(hero.status()).as(String.valueOf(hero.error())).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(outputFiles()).containsExactly(Path.of("hero.png"));
            assertThat(other.received("/m/hero.png")).singleElement()
                    .satisfies(r -> assertThat(r.carries(FAL_KEY)).isFalse());
            assertKeyOnlyAt(FAL_KEY, base());
        }

        @Test
        void a_response_url_redirected_to_another_origin_is_followed_without_the_key() {
            falAnswers(base(), base() + "/m/hero.png");
            server.on(REQUESTS, redirect(302, other.baseUrl() + "/elsewhere/result"));
            other.on("/elsewhere/result", json("{\"images\":[{\"url\":\"" + base() + "/m/hero.png\"}]}"));
            server.on("/m/hero.png", bytes("image/png", HostileServer.png()));

            StepResult hero = run(acp(), IMAGE);

            assertThat(hero.status()).as(String.valueOf(hero.error())).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(other.received("/elsewhere/result")).singleElement()
                    .satisfies(r -> assertThat(r.carries(FAL_KEY)).isFalse());
            assertKeyOnlyAt(FAL_KEY, base());
        }

        @Test
        void file_and_jar_media_urls_are_refused() {
            for (String url : List.of("file:///etc/passwd", "jar:file:/tmp/acp.jar!/hero.png")) {
                falAnswers(base(), url);

                StepResult hero = run(acp(), IMAGE);

                assertFailedLeavingNothing(hero, ErrorKind.VALIDATION, "fal: the media URL is not an http(s) URL: " + url);
            }
        }

        @Test
        void a_media_redirect_loop_is_refused() {
            falAnswers(base(), base() + "/m/a.png");
            server.on("/m/a.png", redirect(302, base() + "/m/b.png"));
            server.on("/m/b.png", redirect(301, "/m/a.png"));

            StepResult hero = run(acp(), IMAGE);

            assertFailedLeavingNothing(hero, ErrorKind.VALIDATION, base() + "/m/a.png redirects in a loop");
            assertThat(server.received("/m/a.png")).hasSize(1);
        }

        @Test
        void html_sent_as_image_png_fails_once_and_is_not_saved() {
            falAnswers(base(), base() + "/m/hero.png");
            server.on("/m/hero.png", bytes("image/png", HostileServer.html()));

            StepResult hero = run(acp(), IMAGE);

            assertFailedLeavingNothing(hero, ErrorKind.VALIDATION, "fal: the result at " + base()
                    + "/m/hero.png is HTML (sent as image/png), not an image");
            assertThat(server.received("/m/hero.png")).as("not asked again").hasSize(1);
        }

        @Test
        void an_empty_body_fails_and_leaves_no_partial_file() {
            falAnswers(base(), base() + "/m/hero.png");
            server.on("/m/hero.png", bytes("image/png", new byte[0]));

            StepResult hero = run(acp(), IMAGE);

            assertFailedLeavingNothing(hero, ErrorKind.VALIDATION, "fal: the result at " + base()
                    + "/m/hero.png is empty");
            assertThat(server.received("/m/hero.png")).hasSize(1);
        }

        @Test
        void an_endless_or_oversized_result_fails_at_once_and_is_not_retried() {
            falAnswers(base(), base() + "/m/hero.png");
            server.on("/m/hero.png", endless("image/png", HostileServer.png()));

            StepResult endlessHero = run(acp(), IMAGE);

            assertFailedLeavingNothing(endlessHero, ErrorKind.VALIDATION, "/m/hero.png is over the limit of 100 MB");
            assertThat(server.received("/m/hero.png")).hasSize(1);

            server.on("/m/hero.png", announcing("image/png", 5L << 30, HostileServer.png()));
            StepResult hugeHero = run(acp(), IMAGE);

            assertFailedLeavingNothing(hugeHero, ErrorKind.VALIDATION, "/m/hero.png is 5120 MB, over the limit of"
                    + " 100 MB");
            assertThat(server.received("/m/hero.png")).hasSize(2);
        }

        @Test
        void an_endless_json_answer_fails_at_the_limit_and_is_not_asked_again() {
            falAnswers(base(), base() + "/m/hero.png");
            server.on(REQUESTS, endless("application/json", "{\"images\":[".getBytes()));

            StepResult hero = run(acp(), IMAGE);

            assertFailedLeavingNothing(hero, ErrorKind.VALIDATION, "fal: the answer of " + base() + REQUESTS
                    + " is over the limit of 32 MB");
            assertThat(server.received(REQUESTS)).hasSize(1);
        }

        @Test
        void a_retry_after_of_31_years_ends_the_step_at_once_and_says_so() {
            falAnswers(base(), base() + "/m/hero.png");
            server.on("/fal-ai/flux/dev", status(429, Map.of("Retry-After", "999999999"),
                    "{\"detail\":\"Too many requests\"}"));
            long started = System.nanoTime();

            StepResult hero = run(acp(), IMAGE);

            assertFailedLeavingNothing(hero, ErrorKind.RATE_LIMIT, "it asked to wait 999999999 s (about 31 years);"
                    + " ACP waits at most 600 s, and no longer than the step's timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
            assertThat(engineSleeps).as("no wait past the step's 20 s").allMatch(d -> d.compareTo(
                    Duration.ofSeconds(20)) <= 0);
            assertThat(server.received("/fal-ai/flux/dev")).hasSize(1);
        }
    }

    @Nested
    final class FalOnAPublicHost {
        private static final String BASE = "http://fal.hostile.test";

        private Acp acp(boolean allowPrivate) {
            Map<String, String> env = new HashMap<>(Map.of("FAL_KEY", FAL_KEY, "ACP_FAL_BASE_URL", BASE,
                    "ACP_FAL_STORAGE_BASE_URL", "http://rest.hostile.test", "ACP_FAL_PLATFORM_BASE_URL",
                    "http://api.hostile.test"));
            if (allowPrivate) {
                env.put(Destinations.ALLOW_PRIVATE_VARIABLE, "1");
            }
            return HostileProviderTest.this.acp(env, true, new FalProviderFactory());
        }

        @Test
        void checking_a_pipeline_resolves_no_name() {
            Acp acp = acp(false);

            assertThat(acp.check(pipeline(IMAGE), RunSettings.run(dir)).errors()).isEmpty();

            assertThat(lookups).hasValue(0);
        }

        @Test
        void media_urls_on_loopback_private_and_link_local_addresses_are_refused() {
            Map<String, String> refused = Map.of(
                    "http://127.0.0.1:" + other.port() + "/m/hero.png", "127.0.0.1 is a loopback address",
                    "http://10.0.0.7/m/hero.png", "10.0.0.7 is a private address",
                    "http://internal.hostile.test/m/hero.png", "internal.hostile.test resolves to 192.168.7.7,"
                            + " a private address",
                    "http://metadata.hostile.test/latest/meta-data", "metadata.hostile.test resolves to"
                            + " 169.254.169.254, a link-local address");
            refused.forEach((url, why) -> {
                falAnswers(BASE, url);

                StepResult hero = run(acp(false), IMAGE);

                assertFailedLeavingNothing(hero, ErrorKind.VALIDATION, "fal: refusing to fetch " + url + ": " + why
                        + " (fal's base URL is not; set ACP_ALLOW_PRIVATE_URLS=1 to allow private addresses)");
            });
            assertThat(server.received()).allSatisfy(r -> assertThat(r.origin()).isEqualTo(BASE));
            assertThat(other.received()).isEmpty();
        }

        @Test
        void a_media_redirect_from_a_public_cdn_to_loopback_is_refused_at_the_hop() {
            falAnswers(BASE, "http://cdn.hostile.test/m/hero.png");
            server.on("/m/hero.png", redirect(302, "http://127.0.0.1:" + other.port() + "/m/hero.png"));

            StepResult hero = run(acp(false), IMAGE);

            assertFailedLeavingNothing(hero, ErrorKind.VALIDATION, "refusing to fetch http://127.0.0.1:"
                    + other.port() + "/m/hero.png: 127.0.0.1 is a loopback address");
            assertThat(other.received()).isEmpty();
        }

        @Test
        void a_status_url_on_another_host_never_receives_the_key() {
            falAnswers(BASE, "http://evil.hostile.test" + REQUESTS + "/status", "http://evil.hostile.test" + REQUESTS,
                    "http://cdn.hostile.test/m/hero.png");

            StepResult hero = run(acp(false), IMAGE);

            assertFailedLeavingNothing(hero, ErrorKind.VALIDATION, "refusing to send fal's credentials to"
                    + " http://evil.hostile.test, which is not a configured fal base URL");
            assertThat(server.received()).noneMatch(r -> r.origin().equals("http://evil.hostile.test"));
            assertKeyOnlyAt(FAL_KEY, BASE);
        }

        @Test
        void media_on_a_public_cdn_is_downloaded_without_the_key() {
            falAnswers(BASE, "http://cdn.hostile.test/m/hero.png");
            server.on("/m/hero.png", bytes("image/png", HostileServer.png()));

            StepResult hero = run(acp(false), IMAGE);

            assertThat(hero.status()).as(String.valueOf(hero.error())).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(server.received("/m/hero.png")).singleElement().satisfies(r -> {
                assertThat(r.origin()).isEqualTo("http://cdn.hostile.test");
                assertThat(r.carries(FAL_KEY)).isFalse();
            });
            assertKeyOnlyAt(FAL_KEY, BASE);
        }

        @Test
        void acp_allow_private_urls_lets_a_loopback_media_url_through() {
            falAnswers(BASE, "http://127.0.0.1:" + other.port() + "/m/hero.png");
            server.on("/m/hero.png", bytes("image/png", HostileServer.png()));

            StepResult hero = run(acp(true), IMAGE);

            assertThat(hero.status()).as(String.valueOf(hero.error())).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(server.received("/m/hero.png")).singleElement().satisfies(r -> {
                assertThat(r.origin()).isEqualTo("http://127.0.0.1:" + other.port());
                assertThat(r.carries(FAL_KEY)).isFalse();
            });
        }
    }

    // ---- ElevenLabs: a synchronous provider answering with the media ---------------------------

    @Nested
    final class ElevenLabsOnLoopback {
        private static final String SPEECH_PATH = "/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM";

        private Acp acp() {
            return HostileProviderTest.this.acp(Map.of("ELEVENLABS_API_KEY", XI_KEY, "ACP_ELEVENLABS_BASE_URL",
                    server.baseUrl()), false, new ElevenLabsProviderFactory());
        }

        @Test
        void html_sent_as_audio_is_an_unknown_outcome_and_not_saved() {
            server.on(SPEECH_PATH, bytes("audio/mpeg", HostileServer.html()));

            StepResult say = run(acp(), SPEECH);

            assertFailedLeavingNothing(say, ErrorKind.UNKNOWN_OUTCOME, "elevenlabs: the answer is HTML (sent as"
                    + " audio/mpeg), not audio");
            assertThat(server.received(SPEECH_PATH)).hasSize(1);
        }

        @Test
        void an_empty_answer_fails_and_leaves_no_file() {
            server.on(SPEECH_PATH, bytes("audio/mpeg", new byte[0]));

            StepResult say = run(acp(), SPEECH);

            assertFailedLeavingNothing(say, ErrorKind.UNKNOWN_OUTCOME, "elevenlabs: the answer has no content");
        }

        @Test
        void an_endless_answer_fails_at_the_limit_and_is_not_sent_again() {
            server.on(SPEECH_PATH, endless("audio/mpeg", HostileServer.mp3()));

            StepResult say = run(acp(), SPEECH);

            assertFailedLeavingNothing(say, ErrorKind.UNKNOWN_OUTCOME, "is over the limit of 32 MB");
            assertThat(server.received(SPEECH_PATH)).hasSize(1);
        }

        @Test
        void the_paid_request_redirected_to_another_origin_goes_there_without_the_key() {
            server.on(SPEECH_PATH, redirect(307, other.baseUrl() + "/speech"));
            other.on("/speech", bytes("audio/mpeg", HostileServer.mp3()));

            StepResult say = run(acp(), SPEECH);

            assertThat(say.status()).as(String.valueOf(say.error())).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(other.received("/speech")).singleElement().satisfies(r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.carries(XI_KEY)).isFalse();
            });
            assertKeyOnlyAt(XI_KEY, server.baseUrl());
        }

        @Test
        void a_redirect_to_a_file_url_is_refused() {
            server.on(SPEECH_PATH, redirect(302, "file:///etc/passwd"));

            StepResult say = run(acp(), SPEECH);

            assertFailedLeavingNothing(say, ErrorKind.UNKNOWN_OUTCOME, "to file:///etc/passwd: only http and https"
                    + " URLs are fetched");
        }

        @Test
        void a_retry_after_of_31_years_ends_the_step_at_once_and_says_so() {
            server.on(SPEECH_PATH, status(429, Map.of("Retry-After", "999999999"),
                    "{\"detail\":{\"status\":\"too_many_concurrent_requests\",\"message\":\"busy\"}}"));
            long started = System.nanoTime();

            StepResult say = run(acp(), SPEECH);

            assertThat(say.status()).isEqualTo(StepStatus.FAILED);
            assertThat(say.error().message()).contains("it asked to wait 999999999 s (about 31 years)");
            assertThat(outputFiles()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
            assertThat(server.received(SPEECH_PATH)).hasSize(1);
        }
    }
}
