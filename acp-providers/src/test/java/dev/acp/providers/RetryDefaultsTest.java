package dev.acp.providers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.acp.Acp;
import dev.acp.engine.LocalEngine;
import dev.acp.util.RetryPolicy;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.env.Environment;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import dev.acp.providers.elevenlabs.ElevenLabsProviderFactory;
import dev.acp.providers.fal.FalProviderFactory;
import dev.acp.providers.openai.OpenRouterProviderFactory;
import dev.acp.testkit.sync.FakeSyncServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retry defaults against the real clients: a request the provider did not accept (a 429
 * with Retry-After, an ingress 503, fal's {@code X-Fal-Retryable: true}, a busy ElevenLabs, a
 * connection refused before anything was sent) is sent again with no {@code retry_count} at all,
 * and billed once; work a provider accepted and failed is not retried without one.
 */
@Timeout(60)
final class RetryDefaultsTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 5, 6, 7, 8};

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;

    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private FakeSyncServer sync;
    private Runnable onFirstSleep = () -> { };

    @AfterEach
    void stop() {
        if (sync != null) {
            sync.close();
        }
    }

    private RunResult run(Map<String, String> environment, String pipeline, ProviderFactory... factories)
            throws IOException {
        Map<String, String> env = new HashMap<>(environment);
        env.put("ACP_HOME", dir.resolve("home").toString());
        Environment e = Environment.of(env);
        ProviderContext context = ProviderContext.of(e, dir.resolve("home"), Clock.systemUTC());
        Acp acp = Acp.create(e, ProviderRegistry.of(context, factories), LocalEngine.Options.defaults(e)
                .withSleeper(d -> {
                    if (sleeps.isEmpty()) {
                        onFirstSleep.run();
                    }
                    sleeps.add(d);
                }).withRetryPolicy(new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(5))));
        Path file = Files.writeString(dir.resolve("pipeline.yaml"), pipeline);
        return acp.unguardedEngine().run(acp.plan(file, RunSettings.run(dir)), RunListener.NONE, new RunControl());
    }

    private static final String FAL_IMAGE = """
            pipeline_name: retry
            output_directory: out
            steps:
              - { id: hero, step_type: text_to_image, config: { prompt: "a lighthouse", model: flux-dev }, output_filename: hero.png }
            """;

    private Map<String, String> falEnv() {
        return Map.of("FAL_KEY", "fal-key-0123456789:secret", "ACP_FAL_BASE_URL", wm.baseUrl(),
                "ACP_FAL_STORAGE_BASE_URL", wm.baseUrl() + "/rest");
    }

    /** The first submission is answered with {@code refusal}, the next one is accepted; the job then succeeds. */
    private void falRefusesOnceThenAccepts(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder refusal) {
        wm.stubFor(post(urlEqualTo("/fal-ai/flux/dev")).inScenario("submit").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(refusal).willSetStateTo("accepting"));
        String base = wm.baseUrl() + "/fal-ai/flux/requests/r-1";
        wm.stubFor(post(urlEqualTo("/fal-ai/flux/dev")).inScenario("submit").whenScenarioStateIs("accepting")
                .willReturn(okJson("{\"request_id\":\"r-1\",\"status_url\":\"" + base + "/status\",\"response_url\":\""
                        + base + "\",\"cancel_url\":\"" + base + "/cancel\"}")));
        wm.stubFor(get(urlPathEqualTo("/fal-ai/flux/requests/r-1/status")).willReturn(okJson("{\"status\":\"COMPLETED\"}")));
        wm.stubFor(get(urlEqualTo("/fal-ai/flux/requests/r-1")).willReturn(okJson(
                "{\"images\":[{\"url\":\"" + wm.baseUrl() + "/m/hero.png\",\"width\":1024,\"height\":768}]}")));
        wm.stubFor(get(urlEqualTo("/m/hero.png")).willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withBody(PNG)));
    }

    private void assertSucceededAfterOneRefusal(RunResult r) {
        assertThat(r.status()).as(String.valueOf(r.steps().get(0).error())).isEqualTo(RunStatus.SUCCEEDED);
        wm.verify(2, postRequestedFor(urlEqualTo("/fal-ai/flux/dev")));
    }

    @Test
    void fal_a_429_with_retry_after_is_sent_again_after_the_wait() throws IOException {
        falRefusesOnceThenAccepts(aResponse().withStatus(429).withHeader("Retry-After", "1")
                .withHeader("Content-Type", "application/json").withBody("{\"detail\":\"Too many requests\"}"));
        assertSucceededAfterOneRefusal(run(falEnv(), FAL_IMAGE, new FalProviderFactory()));
        assertThat(sleeps).contains(Duration.ofSeconds(1));
    }

    @Test
    void fal_an_ingress_503_without_a_request_id_is_sent_again() throws IOException {
        falRefusesOnceThenAccepts(aResponse().withStatus(503).withHeader("Content-Type", "text/html")
                .withBody("<html><body>503 Service Temporarily Unavailable<hr>nginx</body></html>"));
        assertSucceededAfterOneRefusal(run(falEnv(), FAL_IMAGE, new FalProviderFactory()));
    }

    @Test
    void fal_a_503_marked_retryable_is_sent_again_though_it_has_a_request_id() throws IOException {
        falRefusesOnceThenAccepts(aResponse().withStatus(503).withHeader("x-fal-request-id", "r-0")
                .withHeader("X-Fal-Retryable", "true").withHeader("X-Fal-Error-Type", "runner_scheduling_failure")
                .withHeader("Content-Type", "application/json")
                .withBody("{\"detail\":\"no runner available\",\"error_type\":\"runner_scheduling_failure\"}"));
        assertSucceededAfterOneRefusal(run(falEnv(), FAL_IMAGE, new FalProviderFactory()));
    }

    @Test
    void fal_a_503_with_a_request_id_and_no_retryable_mark_may_be_queued_and_is_not_sent_again() throws IOException {
        falRefusesOnceThenAccepts(aResponse().withStatus(503).withHeader("x-fal-request-id", "r-0")
                .withHeader("Content-Type", "application/json").withBody("{\"detail\":\"runner disconnected\"}"));
        RunResult r = run(falEnv(), FAL_IMAGE, new FalProviderFactory());
        assertThat(r.steps().get(0).error().kind()).isEqualTo(dev.acp.error.ErrorKind.UNKNOWN_OUTCOME);
        wm.verify(1, postRequestedFor(urlEqualTo("/fal-ai/flux/dev")));
    }

    @Test
    void a_job_fal_accepted_and_failed_is_not_submitted_again_without_retry_count() throws IOException {
        String base = wm.baseUrl() + "/fal-ai/flux/requests/r-1";
        wm.stubFor(post(urlEqualTo("/fal-ai/flux/dev")).willReturn(okJson("{\"request_id\":\"r-1\",\"status_url\":\""
                + base + "/status\",\"response_url\":\"" + base + "\",\"cancel_url\":\"" + base + "/cancel\"}")));
        wm.stubFor(get(urlPathEqualTo("/fal-ai/flux/requests/r-1/status")).willReturn(okJson(
                "{\"status\":\"COMPLETED\",\"error\":\"the runner crashed\",\"error_type\":\"runner_server_error\"}")));
        wm.stubFor(get(urlEqualTo("/fal-ai/flux/requests/r-1")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("{\"detail\":\"the runner crashed\"}")));
        RunResult r = run(falEnv(), FAL_IMAGE, new FalProviderFactory());
        StepResult hero = r.steps().get(0);
        assertThat(hero.status()).isEqualTo(StepStatus.FAILED);
        wm.verify(1, postRequestedFor(urlEqualTo("/fal-ai/flux/dev")));
    }

    @Test
    void a_result_download_that_stalls_ends_at_the_default_timeout_and_the_run_goes_on() throws IOException {
        String base = wm.baseUrl() + "/fal-ai/flux/requests/";
        for (String id : List.of("r-stall", "r-ok")) {
            wm.stubFor(get(urlPathEqualTo("/fal-ai/flux/requests/" + id + "/status"))
                    .willReturn(okJson("{\"status\":\"COMPLETED\"}")));
            wm.stubFor(get(urlEqualTo("/fal-ai/flux/requests/" + id)).willReturn(okJson("{\"images\":[{\"url\":\""
                    + wm.baseUrl() + "/m/" + id + ".png\",\"width\":1024,\"height\":768}]}")));
        }
        wm.stubFor(post(urlEqualTo("/fal-ai/flux/dev")).withRequestBody(com.github.tomakehurst.wiremock.client.WireMock
                .containing("stalls")).willReturn(okJson("{\"request_id\":\"r-stall\",\"status_url\":\"" + base
                        + "r-stall/status\",\"response_url\":\"" + base + "r-stall\"}")));
        wm.stubFor(post(urlEqualTo("/fal-ai/flux/dev")).withRequestBody(com.github.tomakehurst.wiremock.client.WireMock
                .containing("arrives")).willReturn(okJson("{\"request_id\":\"r-ok\",\"status_url\":\"" + base
                        + "r-ok/status\",\"response_url\":\"" + base + "r-ok\"}")));
        // A PNG's first bytes, ten at a time, then silence far beyond the step's time.
        byte[] stalling = java.util.Arrays.copyOf(PNG, 4096);
        wm.stubFor(get(urlEqualTo("/m/r-stall.png")).willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withBody(stalling).withChunkedDribbleDelay(400, 120_000)));
        wm.stubFor(get(urlEqualTo("/m/r-ok.png")).willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withBody(PNG)));
        RunResult r = run(falEnv(), """
                pipeline_name: stall
                output_directory: out
                global_config: { parallel_enabled: true, timeouts: { text_to_image: 2 } }
                steps:
                  - step_type: parallel_group
                    steps:
                      - { id: stuck, step_type: text_to_image, config: { prompt: "it stalls", model: flux-dev }, output_filename: a.png }
                      - { id: fine, step_type: text_to_image, config: { prompt: "it arrives", model: flux-dev }, output_filename: b.png }
                """, new FalProviderFactory());
        StepResult stuck = r.steps().stream().filter(s -> s.stepId().equals("stuck")).findFirst().orElseThrow();
        StepResult fine = r.steps().stream().filter(s -> s.stepId().equals("fine")).findFirst().orElseThrow();
        assertThat(stuck.status()).isEqualTo(StepStatus.FAILED);
        assertThat(stuck.error().kind()).isEqualTo(dev.acp.error.ErrorKind.TIMEOUT);
        assertThat(stuck.error().message()).startsWith("timed out after 2 s (the default timeout of text_to_image steps")
                .contains("while downloading the result of job r-stall, which succeeded; resume the run to collect it");
        assertThat(fine.status()).isEqualTo(StepStatus.SUCCEEDED);
        // Paid for: the job stays in flight for a resume, never submitted again.
        assertThat(stuck.metadata()).containsEntry("job_in_flight", "r-stall");
    }

    private static final String SPEECH = """
            pipeline_name: retry
            output_directory: out
            steps:
              - { id: say, step_type: text_to_speech, provider: elevenlabs, config: { text: "The lamp is lit.", voice: Rachel }, output_filename: say.mp3 }
            """;

    private static final String IDEA = """
            pipeline_name: retry
            output_directory: out
            steps:
              - { id: idea, step_type: prompt_generation, provider: openrouter, config: { prompt: "a lighthouse" }, output_filename: idea.txt }
            """;

    @Test
    void elevenlabs_a_single_503_is_sent_again_and_billed_once() throws IOException {
        sync = FakeSyncServer.start();
        sync.when(FakeSyncServer.Provider.ELEVENLABS, "The lamp is lit.").answer503(1);
        RunResult r = run(sync.environment(), SPEECH, new ElevenLabsProviderFactory());
        assertThat(r.status()).as(String.valueOf(r.steps().get(0).error())).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(sync.billedCount()).isEqualTo(1);
    }

    @Test
    void openrouter_a_429_with_retry_after_1_is_sent_again_after_a_second() throws IOException {
        sync = FakeSyncServer.start();
        sync.when(FakeSyncServer.Provider.OPENROUTER, "a lighthouse").answer429(1, 1);
        RunResult r = run(sync.environment(), IDEA, new OpenRouterProviderFactory());
        assertThat(r.status()).as(String.valueOf(r.steps().get(0).error())).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(sleeps).contains(Duration.ofSeconds(1));
        assertThat(sync.billedCount()).isEqualTo(1);
    }

    @Test
    void a_connection_refused_before_anything_was_sent_is_sent_again() throws IOException {
        sync = FakeSyncServer.start();
        // The provider's address refuses the first connection; by the retry a relay to the fake listens there.
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        URIs target = new URIs(sync.baseUrl(FakeSyncServer.Provider.OPENROUTER));
        Relay relay = new Relay(port, target.port());
        onFirstSleep = relay::start;
        Map<String, String> env = new HashMap<>(sync.environment());
        env.put("ACP_OPENROUTER_BASE_URL", "http://127.0.0.1:" + port + target.path());
        try (relay) {
            RunResult r = run(env, IDEA, new OpenRouterProviderFactory());
            assertThat(r.status()).as(String.valueOf(r.steps().get(0).error())).isEqualTo(RunStatus.SUCCEEDED);
        }
        assertThat(sync.billedCount()).isEqualTo(1);
    }

    private record URIs(int port, String path) {
        URIs(String url) {
            this(java.net.URI.create(url).getPort(), java.net.URI.create(url).getPath());
        }
    }

    /** A TCP relay from a local port to the fake server, started on demand. */
    private static final class Relay implements AutoCloseable {
        private final int port;
        private final int target;
        private volatile ServerSocket socket;

        Relay(int port, int target) {
            this.port = port;
            this.target = target;
        }

        void start() {
            try {
                socket = new ServerSocket();
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket in = socket.accept();
                        Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                        pipe(in.getInputStream(), out.getOutputStream(), out);
                        pipe(out.getInputStream(), in.getOutputStream(), in);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private static void pipe(InputStream from, OutputStream to, Socket closeAfter) {
            Thread.ofVirtual().start(() -> {
                try (closeAfter) {
                    from.transferTo(to);
                } catch (IOException e) {
                    // The other side closed.
                }
            });
        }

        @Override
        public void close() throws IOException {
            if (socket != null) {
                socket.close();
            }
        }
    }
}
