package dev.acp.providers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.acp.Acp;
import dev.acp.cache.CacheMode;
import dev.acp.engine.LocalEngine;
import dev.acp.engine.ResumeState;
import dev.acp.util.RetryPolicy;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.engine.StepResult;
import dev.acp.env.Environment;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import dev.acp.providers.replicate.ReplicateProviderFactory;
import dev.acp.providers.runware.RunwareProviderFactory;
import dev.acp.run.RunService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runware tasks and Replicate predictions through the engine's journal: a run interrupted while
 * its job runs (or while its submission is unanswered) is resumed, and each job is submitted
 * exactly once and collected, with its cost on the ledger where the provider reports one.
 */
@Timeout(60)
final class ResumeContractTest {
    private static final String RUNWARE_KEY = "rw-resume-key-0123456789";
    private static final String REPLICATE_TOKEN = "r8_resume_token_0123456789";
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 7, 7, 7, 7};
    private static final byte[] MP4 = "\0\0\0 ftypisom resumed video".getBytes(StandardCharsets.ISO_8859_1);

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .failOnUnmatchedRequests(true).build();

    @TempDir
    Path dir;

    @Test
    void a_replicate_prediction_interrupted_mid_poll_is_cancelled_and_the_resume_creates_one_new_prediction()
            throws Exception {
        // Replicate bills by running time: Ctrl-C cancels the prediction instead of letting it run
        // (and bill) until a resume. A SIGKILL leaves it running; the jar-level crash tests cover that.
        wm.stubFor(post(urlEqualTo("/v1/models/minimax/video-01/predictions")).inScenario("r").whenScenarioStateIs(
                com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"pred-1\",\"status\":\"starting\"}")));
        wm.stubFor(get(urlEqualTo("/v1/predictions/pred-1")).willReturn(okJson(
                "{\"id\":\"pred-1\",\"status\":\"processing\",\"logs\":\"10%\"}")));
        wm.stubFor(post(urlEqualTo("/v1/predictions/pred-1/cancel")).inScenario("r").willReturn(okJson(
                "{\"id\":\"pred-1\",\"status\":\"canceled\"}")).willSetStateTo("cancelled"));
        RunService service = service();
        RunService.Session first = service.start(pipeline("""
                  - step_type: text_to_video
                    id: clip
                    provider: replicate
                    config: { prompt: "waves at night" }
                    output_filename: clip.mp4
                """), RunSettings.run(dir), CacheMode.OFF);
        String runId = first.runId();

        RunResult interrupted = runUntil(first, getRequestedFor(urlEqualTo("/v1/predictions/pred-1")));

        assertThat(interrupted.status()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(interrupted.steps().get(0).reason()).contains("pred-1").contains("cancelled at replicate");
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/predictions/pred-1/cancel")));

        wm.stubFor(post(urlEqualTo("/v1/models/minimax/video-01/predictions")).inScenario("r")
                .whenScenarioStateIs("cancelled").willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"pred-2\",\"status\":\"starting\"}")));
        wm.stubFor(get(urlEqualTo("/v1/predictions/pred-2")).willReturn(okJson("{\"id\":\"pred-2\",\"status\":"
                + "\"succeeded\",\"output\":\"" + wm.baseUrl().replace("localhost", "127.0.0.1")
                + "/d/clip.mp4\",\"metrics\":{\"predict_time\":41.5}}")));
        wm.stubFor(get(urlEqualTo("/d/clip.mp4")).willReturn(aResponse().withHeader("Content-Type", "video/mp4")
                .withBody(MP4)));
        RunResult resumed = run(service.resume(runId, null, null));

        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        StepResult clip = resumed.steps().get(0);
        assertThat(clip.requestIds()).contains("pred-2");
        assertThat(clip.metadata()).containsEntry("predict_time_s", 41.5);
        assertThat(Files.readAllBytes(clip.outputPath())).isEqualTo(MP4);
        wm.verify(2, postRequestedFor(urlEqualTo("/v1/models/minimax/video-01/predictions")));
    }

    @Test
    void a_replicate_prediction_left_running_by_a_killed_process_is_collected_on_resume_with_exactly_one_create()
            throws Exception {
        // A SIGKILL sends no cancel: the journal holds the prediction's id and nothing else. The
        // first session plays that by stopping without cancelling; the resume uses the real provider.
        wm.stubFor(post(urlEqualTo("/v1/models/minimax/video-01/predictions")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"pred-7\",\"status\":\"starting\"}")));
        wm.stubFor(get(urlEqualTo("/v1/predictions/pred-7")).willReturn(okJson(
                "{\"id\":\"pred-7\",\"status\":\"processing\",\"logs\":\"10%\"}")));
        RunService.Session first = service(replicateAsIfKilled()).start(pipeline("""
                  - step_type: text_to_video
                    id: clip
                    provider: replicate
                    config: { prompt: "waves at night" }
                    output_filename: clip.mp4
                """), RunSettings.run(dir), CacheMode.OFF);
        String runId = first.runId();
        runUntil(first, getRequestedFor(urlEqualTo("/v1/predictions/pred-7")));
        wm.verify(0, postRequestedFor(urlEqualTo("/v1/predictions/pred-7/cancel")));

        wm.stubFor(get(urlEqualTo("/v1/predictions/pred-7")).willReturn(okJson("{\"id\":\"pred-7\",\"status\":"
                + "\"succeeded\",\"output\":\"" + wm.baseUrl().replace("localhost", "127.0.0.1")
                + "/d/clip7.mp4\",\"metrics\":{\"predict_time\":12.5}}")));
        wm.stubFor(get(urlEqualTo("/d/clip7.mp4")).willReturn(aResponse().withHeader("Content-Type", "video/mp4")
                .withBody(MP4)));
        RunResult resumed = run(service().resume(runId, null, null));

        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        StepResult clip = resumed.steps().get(0);
        assertThat(clip.requestIds()).contains("pred-7");
        assertThat(Files.readAllBytes(clip.outputPath())).isEqualTo(MP4);
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/models/minimax/video-01/predictions")));
    }

    /** The real Replicate provider, except that a stopped run leaves its predictions running, as a kill does. */
    private static dev.acp.provider.ProviderFactory replicateAsIfKilled() {
        ReplicateProviderFactory real = new ReplicateProviderFactory();
        return (dev.acp.provider.ProviderFactory) java.lang.reflect.Proxy.newProxyInstance(
                ResumeContractTest.class.getClassLoader(), new Class<?>[] {dev.acp.provider.ProviderFactory.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("create")) {
                        return delegate(method, real, args);
                    }
                    Object provider = real.create((ProviderContext) args[0]);
                    return java.lang.reflect.Proxy.newProxyInstance(ResumeContractTest.class.getClassLoader(),
                            new Class<?>[] {dev.acp.provider.JobProvider.class},
                            (p, m, a) -> m.getName().equals("cancelOnInterrupt") ? Boolean.FALSE : delegate(m, provider, a));
                });
    }

    private static Object delegate(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void a_runware_task_interrupted_mid_poll_is_collected_on_resume_with_one_submission_and_its_cost() throws Exception {
        wm.stubFor(runware("getResponse").inScenario("rw").whenScenarioStateIs(
                com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"code\":\"taskFailedOrNotFound\"}]}")));
        wm.stubFor(runware("videoInference").inScenario("rw").willReturn(okJson("{\"data\":[]}"))
                .willSetStateTo("accepted"));
        wm.stubFor(runware("getResponse").inScenario("rw").whenScenarioStateIs("accepted").willReturn(okJson(
                "{\"data\":[{\"taskType\":\"videoInference\",\"status\":\"processing\"}]}")));
        RunService service = service();
        RunService.Session first = service.start(pipeline("""
                  - step_type: text_to_video
                    id: clip
                    config: { prompt: "a lighthouse", model: runware-kling, duration: 5 }
                    output_filename: clip.mp4
                """), RunSettings.run(dir), CacheMode.OFF);
        String runId = first.runId();

        RunResult interrupted = runUntil(first, runwareRequests("getResponse").withRequestBody(
                matchingJsonPath("$[0].taskUUID")), 2);

        assertThat(interrupted.status()).isEqualTo(RunStatus.INTERRUPTED);
        wm.stubFor(runware("getResponse").inScenario("rw").whenScenarioStateIs("accepted").willReturn(okJson(
                "{\"data\":[{\"taskType\":\"videoInference\",\"status\":\"success\",\"videoUUID\":\"v9\",\"videoURL\":\""
                        + wm.baseUrl() + "/video/v9.mp4\",\"cost\":0.42}]}")));
        wm.stubFor(get(urlEqualTo("/video/v9.mp4")).willReturn(aResponse().withHeader("Content-Type", "video/mp4")
                .withBody(MP4)));
        RunService.Session second = service.resume(runId, null, null);
        assertThat(second.resume().steps().get("clip")).isInstanceOf(ResumeState.Attached.class);
        RunResult resumed = run(second);

        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        StepResult clip = resumed.steps().get(0);
        assertThat(clip.provider()).isEqualTo("runware");
        assertThat(clip.actualCost()).isEqualByComparingTo("0.42");
        assertThat(Files.readAllBytes(clip.outputPath())).isEqualTo(MP4);
        wm.verify(1, runwareRequests("videoInference"));
    }

    @Test
    void a_runware_submission_interrupted_before_its_answer_is_attached_on_resume_and_never_sent_again()
            throws Exception {
        wm.stubFor(runware("getResponse").inScenario("lost").whenScenarioStateIs(
                com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"code\":\"taskFailedOrNotFound\"}]}")));
        // Runware accepts the task, but the answer never comes back before the run stops.
        wm.stubFor(runware("imageInference").inScenario("lost").willReturn(okJson("{\"data\":[]}")
                .withFixedDelay(20_000)).willSetStateTo("accepted"));
        wm.stubFor(runware("getResponse").inScenario("lost").whenScenarioStateIs("accepted").willReturn(okJson(
                "{\"data\":[{\"taskType\":\"imageInference\",\"status\":\"success\",\"imageUUID\":\"i1\",\"imageURL\":\""
                        + wm.baseUrl() + "/image/i1.png\",\"cost\":0.004}]}")));
        wm.stubFor(get(urlEqualTo("/image/i1.png")).willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withBody(PNG)));
        RunResult resumed = resumedAfterStopMidSubmission("{ prompt: \"a cat\" }");

        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(resumed.steps().get(0).actualCost()).isEqualByComparingTo("0.004");
        assertThat(Files.readAllBytes(resumed.steps().get(0).outputPath())).isEqualTo(PNG);
        wm.verify(1, runwareRequests("imageInference"));
    }

    @Test
    void a_sync_runware_submission_interrupted_before_its_answer_is_never_sent_again_but_reported_unknown()
            throws Exception {
        // Runware does not list the sync task: asking first would find nothing although it ran.
        wm.stubFor(runware("getResponse").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"code\":\"taskFailedOrNotFound\"}]}")));
        wm.stubFor(runware("imageInference").willReturn(okJson("{\"data\":[]}").withFixedDelay(20_000)));
        RunResult resumed = resumedAfterStopMidSubmission("{ prompt: \"a cat\", delivery: sync }");

        assertThat(resumed.status()).isEqualTo(RunStatus.PARTIAL);
        StepResult cat = resumed.steps().get(0);
        assertThat(cat.error().kind()).isEqualTo(dev.acp.error.ErrorKind.UNKNOWN_OUTCOME);
        assertThat(cat.error().message()).contains("may have accepted and billed it");
        wm.verify(1, runwareRequests("imageInference"));
    }

    // ---- helpers -------------------------------------------------------------------------------

    /**
     * Runs one Runware text_to_image step with {@code config}, stops the run once its submission
     * was sent (and is still unanswered), and resumes it: the resumed run's result.
     */
    private RunResult resumedAfterStopMidSubmission(String config) throws Exception {
        RunService service = service();
        RunService.Session first = service.start(pipeline("""
                  - step_type: text_to_image
                    id: cat
                    provider: runware
                    config: %s
                    output_filename: cat.png
                """.formatted(config)), RunSettings.run(dir), CacheMode.OFF);
        String runId = first.runId();

        RunResult interrupted = runUntil(first, runwareRequests("imageInference"), 1);

        assertThat(interrupted.status()).isEqualTo(RunStatus.INTERRUPTED);
        RunService.Session second = service.resume(runId, null, null);
        assertThat(second.resume().steps().get("cat")).isInstanceOf(ResumeState.Submitting.class);
        return run(second);
    }

    private RunService service() {
        return service(new ReplicateProviderFactory());
    }

    private RunService service(dev.acp.provider.ProviderFactory replicate) {
        Environment env = Environment.of(Map.of("RUNWARE_API_KEY", RUNWARE_KEY, "ACP_RUNWARE_BASE_URL", wm.baseUrl(),
                "REPLICATE_API_TOKEN", REPLICATE_TOKEN, "ACP_REPLICATE_BASE_URL", wm.baseUrl(),
                "ACP_HOME", dir.resolve("home").toString()));
        ProviderContext context = ProviderContext.of(env, dir.resolve("home"), Clock.systemUTC());
        LocalEngine.Options options = LocalEngine.Options.defaults(env).withSleeper(d -> Thread.sleep(5))
                .withRetryPolicy(new RetryPolicy(Duration.ZERO, Duration.ZERO)).withCancelGrace(Duration.ofSeconds(5));
        return new RunService(Acp.create(env, ProviderRegistry.of(context, new RunwareProviderFactory(), replicate),
                options));
    }

    private Path pipeline(String steps) throws Exception {
        Path p = dir.resolve("pipeline.yaml");
        Files.writeString(p, "pipeline_name: resume\noutput_directory: out\nsteps:\n" + steps);
        return p;
    }

    private RunResult runUntil(RunService.Session session, RequestPatternBuilder seen) throws Exception {
        return runUntil(session, seen, 1);
    }

    /** Runs a session and stops it (like Ctrl-C) once the mock has seen {@code count} such requests. */
    private RunResult runUntil(RunService.Session session, RequestPatternBuilder seen, int count) throws Exception {
        RunControl control = new RunControl();
        Thread watcher = Thread.ofVirtual().start(() -> {
            try {
                while (wm.findAll(seen).size() < count) {
                    Thread.sleep(5);
                }
                control.cancel();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (session) {
            return session.run(RunListener.NONE, control);
        } finally {
            watcher.interrupt();
        }
    }

    private static RunResult run(RunService.Session session) throws Exception {
        try (session) {
            return session.run(RunListener.NONE, new RunControl());
        }
    }

    private static MappingBuilder runware(String taskType) {
        return post(urlEqualTo("/v1")).withHeader("Authorization", equalTo("Bearer " + RUNWARE_KEY))
                .withRequestBody(matchingJsonPath("$[0].taskType", equalTo(taskType)));
    }

    private static RequestPatternBuilder runwareRequests(String taskType) {
        return postRequestedFor(urlEqualTo("/v1")).withRequestBody(matchingJsonPath("$[0].taskType", equalTo(taskType)));
    }
}
