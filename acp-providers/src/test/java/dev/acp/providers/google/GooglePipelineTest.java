package dev.acp.providers.google;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.acp.Acp;
import dev.acp.cache.CacheMode;
import dev.acp.engine.LocalEngine;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.engine.StepResult;
import dev.acp.env.Environment;
import dev.acp.plan.PlanResult;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import dev.acp.providers.support.Json;
import dev.acp.run.RunService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelines through the engine with Google played by WireMock: Gemini's text steps run as one
 * call, Veo's as journaled jobs; validation refuses before anything is sent; and a run
 * interrupted while Veo generates is resumed by polling the journaled operation, with exactly
 * one submission.
 */
@Timeout(60)
final class GooglePipelineTest {
    private static final byte[] MP4 = "\0\0\0 ftypisom fake veo video".getBytes(StandardCharsets.ISO_8859_1);
    private static final String SUBMIT = "/v1beta/models/veo-3.1-fast-generate-preview:predictLongRunning";
    private static final String OP = "models/veo-3.1-fast-generate-preview/operations/op-resume-1";
    private static final String SCENES = "{\"scenes\":[{\"title\":\"Dawn\",\"description\":\"The fox wakes.\","
            + "\"image_prompt\":\"a fox in mist\",\"narration\":\"At dawn the fox woke.\",\"duration\":4}]}";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .failOnUnmatchedRequests(true).build();

    @TempDir
    Path dir;

    @AfterEach
    void nothingUnmatched() {
        assertThat(wm.findAllUnmatchedRequests()).as("requests no stub matched").isEmpty();
    }

    private static final String PIPELINE = """
            pipeline_name: google_e2e
            output_directory: out
            steps:
              - step_type: story_to_scenes
                id: scenes
                config: { story: "A fox wakes up at dawn.", model: gemini-scenes, num_scenes: 1 }
                output_filename: scenes.json
              - step_type: text_to_video
                id: clip
                config: { prompt: "{{steps.scenes.text}}", model: veo-3.1-fast, duration: 4, aspect_ratio: "16:9" }
                output_filename: clip.mp4
            """;

    @Test
    void a_pipeline_of_gemini_and_veo_steps_runs_to_files_in_place() throws Exception {
        stubGemini();
        wm.stubFor(post(urlEqualTo(SUBMIT)).willReturn(okJson("{\"name\":\"" + OP + "\"}")));
        stubDone();
        Acp acp = acp();

        RunResult result = acp.unguardedEngine().run(acp.plan(write(PIPELINE), RunSettings.run(dir)), RunListener.NONE, new RunControl());

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        StepResult scenes = result.steps().get(0);
        assertThat(scenes.provider()).isEqualTo("google");
        assertThat(scenes.requestIds()).containsExactly("resp-s");
        assertThat(Json.MAPPER.readTree(Files.readString(scenes.outputPath())).at("/scenes/0/title").asText())
                .isEqualTo("Dawn");
        StepResult clip = result.steps().get(1);
        assertThat(clip.provider()).isEqualTo("google");
        assertThat(clip.requestIds()).containsExactly(OP);
        assertThat(Files.readAllBytes(clip.outputPath())).isEqualTo(MP4);
        String prompt = Json.MAPPER.readTree(wm.findAll(postRequestedFor(urlEqualTo(SUBMIT))).get(0).getBodyAsString())
                .at("/instances/0/prompt").asText();
        assertThat(prompt).contains("a fox in mist");
        wm.verify(1, postRequestedFor(urlEqualTo(SUBMIT)));
    }

    @Test
    void validation_refuses_what_veo_and_gemini_cannot_take_before_anything_is_sent() throws Exception {
        Path pipeline = write("""
                pipeline_name: google_bad
                output_directory: out
                steps:
                  - step_type: text_to_video
                    config: { prompt: "waves", model: veo-2, resolution: 1080p, seed: 3 }
                    output_filename: waves.mp4
                  - step_type: prompt_generation
                    provider: google
                    config: { prompt: "a fox", count: 40 }
                """);

        PlanResult r = acp().check(pipeline, RunSettings.run(dir));

        assertThat(r.plan()).isNull();
        assertThat(r.problems()).anySatisfy(p -> assertThat(p.toString()).contains("takes resolution 720p"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p.toString()).contains("seed is taken only by Vertex AI"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p.toString()).contains("count must be a whole number"));
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void a_run_interrupted_while_veo_generates_is_resumed_without_a_second_submission() throws Exception {
        stubGemini();
        wm.stubFor(post(urlEqualTo(SUBMIT)).willReturn(okJson("{\"name\":\"" + OP + "\",\"done\":false}")));
        wm.stubFor(get(urlEqualTo("/v1beta/" + OP)).willReturn(okJson("{\"name\":\"" + OP + "\",\"done\":false}")));
        Environment env = env();
        RunService service = new RunService(Acp.create(env, registry(env),
                LocalEngine.Options.defaults(env).withSleeper(d -> Thread.sleep(5))));
        Path file = write(PIPELINE);

        RunService.Session first = service.start(file, RunSettings.run(dir), CacheMode.USE);
        String runId = first.runId();
        RunControl control = new RunControl();
        Thread.ofVirtual().start(() -> {
            // Interrupt once the job is journaled and being polled: the "crash" mid-poll.
            while (wm.findAll(getRequestedFor(urlEqualTo("/v1beta/" + OP))).size() < 2) {
                try {
                    TimeUnit.MILLISECONDS.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
            control.cancel();
        });
        RunResult interrupted;
        try (first) {
            interrupted = first.run(RunListener.NONE, control);
        }
        assertThat(interrupted.status()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(interrupted.steps().get(1).reason()).contains("collected when the run is resumed");

        stubDone();
        RunResult resumed;
        try (RunService.Session second = service.resume(runId, null, null)) {
            resumed = second.run(RunListener.NONE, new RunControl());
        }

        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        StepResult clip = resumed.steps().stream().filter(s -> s.stepId().equals("clip")).findFirst().orElseThrow();
        assertThat(Files.readAllBytes(clip.outputPath())).isEqualTo(MP4);
        wm.verify(1, postRequestedFor(urlEqualTo(SUBMIT)));
        wm.verify(1, postRequestedFor(urlEqualTo("/v1beta/models/gemini-2.5-flash:generateContent")));
    }

    @Test
    void an_unusable_scene_answer_is_retried_within_retry_count_showing_the_model_its_answer() throws Exception {
        String generate = "/v1beta/models/gemini-2.5-flash:generateContent";
        String garbage = "Scene 1: the fox wakes. Scene 2: it runs.";
        wm.stubFor(post(urlEqualTo(generate)).inScenario("repair").whenScenarioStateIs(STARTED)
                .willReturn(okJson(gemini(garbage, "resp-bad"))).willSetStateTo("good"));
        wm.stubFor(post(urlEqualTo(generate)).inScenario("repair").whenScenarioStateIs("good")
                .willReturn(okJson(gemini(SCENES, "resp-s"))));
        Acp acp = acp();

        RunResult result = acp.unguardedEngine().run(acp.plan(write("""
                pipeline_name: google_repair
                output_directory: out
                steps:
                  - step_type: story_to_scenes
                    id: scenes
                    provider: google
                    config: { story: "A fox wakes up at dawn.", num_scenes: 1 }
                    output_filename: scenes.json
                    retry_count: 1
                """), RunSettings.run(dir)), RunListener.NONE, new RunControl());

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Json.MAPPER.readTree(Files.readString(result.steps().get(0).outputPath())).at("/scenes/0/title")
                .asText()).isEqualTo("Dawn");
        wm.verify(2, postRequestedFor(urlEqualTo(generate)));
        wm.verify(1, postRequestedFor(urlEqualTo(generate))
                .withRequestBody(matchingJsonPath("$.contents[1].role", equalTo("model")))
                .withRequestBody(matchingJsonPath("$.contents[1].parts[0].text", equalTo(garbage)))
                .withRequestBody(matchingJsonPath("$.contents[2].parts[0].text",
                        containing("Your previous answer was not usable: the answer is not JSON"))));
    }

    private static String gemini(String text, String responseId) {
        return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":"
                + Json.MAPPER.valueToTree(text) + "}]},\"finishReason\":\"STOP\"}],\"responseId\":\"" + responseId
                + "\"}";
    }

    private void stubGemini() {
        wm.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:generateContent")).willReturn(okJson(
                "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":" + Json.MAPPER.valueToTree(SCENES) + "}]},"
                        + "\"finishReason\":\"STOP\"}],\"responseId\":\"resp-s\"}")));
    }

    private void stubDone() {
        wm.stubFor(get(urlEqualTo("/v1beta/" + OP)).willReturn(okJson("{\"name\":\"" + OP + "\",\"done\":true,"
                + "\"response\":{\"generateVideoResponse\":{\"generatedSamples\":[{\"video\":{\"uri\":\""
                + "https://generativelanguage.googleapis.com/v1beta/files/vid42:download?alt=media\"}}]}}}")));
        wm.stubFor(get(urlEqualTo("/v1beta/files/vid42:download?alt=media")).willReturn(aResponse()
                .withHeader("Content-Type", "video/mp4").withBody(MP4)));
    }

    private Environment env() {
        return Environment.of(Map.of("GOOGLE_API_KEY", GoogleTestSupport.KEY, "ACP_GOOGLE_BASE_URL", wm.baseUrl(),
                "ACP_HOME", dir.resolve("home").toString()));
    }

    private ProviderRegistry registry(Environment env) {
        ProviderContext context = ProviderContext.of(env, dir.resolve("home"), Clock.systemUTC());
        return ProviderRegistry.of(context, new GoogleProviderFactory());
    }

    private Acp acp() {
        Environment env = env();
        return Acp.create(env, registry(env), LocalEngine.Options.defaults(env).withSleeper(d -> { }));
    }

    private Path write(String yaml) throws Exception {
        Path p = dir.resolve("pipeline.yaml");
        Files.writeString(p, yaml);
        return p;
    }
}
