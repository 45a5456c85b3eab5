package dev.acp.providers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.acp.Acp;
import dev.acp.engine.LocalEngine;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.env.Environment;
import dev.acp.env.Secrets;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import dev.acp.providers.replicate.ReplicateProviderFactory;
import dev.acp.providers.runware.RunwareProviderFactory;
import dev.acp.providers.support.Json;
import dev.acp.report.RunReportWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline across Runware and Replicate through the engine, each played by WireMock: routing by
 * catalog model name, an output of one provider uploaded as the input of the other, and a report
 * listing the provider request ids and the costs the providers reported.
 */
final class RunwareReplicatePipelineTest {
    private static final String RUNWARE_KEY = "rw-pipeline-key-0123456789";
    private static final String REPLICATE_TOKEN = "r8_pipeline_token_0123456789";
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3, 4};
    private static final byte[] MP4 = "\0\0\0 ftypisom pipeline video".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] MP3 = "ID3 pipeline speech".getBytes(StandardCharsets.ISO_8859_1);

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .failOnUnmatchedRequests(true).build();

    @TempDir
    Path dir;

    @Test
    void a_pipeline_of_runware_and_replicate_steps_runs_to_files_and_reports_request_ids_and_costs() throws Exception {
        String delivery = wm.baseUrl().replace("localhost", "127.0.0.1");
        // Runware: unknown task -> accepted -> success with its cost.
        wm.stubFor(runware("getResponse").inScenario("rw").whenScenarioStateIs(STARTED).willReturn(aResponse()
                .withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"code\":\"taskFailedOrNotFound\"}]}")));
        wm.stubFor(runware("imageInference").inScenario("rw").willReturn(okJson("{\"data\":[]}"))
                .willSetStateTo("accepted"));
        wm.stubFor(runware("getResponse").inScenario("rw").whenScenarioStateIs("accepted").willReturn(okJson(
                "{\"data\":[{\"taskType\":\"imageInference\",\"status\":\"success\",\"imageUUID\":\"img-7\","
                        + "\"imageURL\":\"" + wm.baseUrl() + "/image/img-7.png\",\"cost\":0.0038,\"seed\":5}]}")));
        wm.stubFor(get(urlEqualTo("/image/img-7.png")).willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withBody(PNG)));
        // Replicate: the image is uploaded, then animated; speech comes back within Prefer: wait.
        wm.stubFor(post(urlEqualTo("/v1/files")).willReturn(aResponse().withStatus(201).withHeader("Content-Type",
                "application/json").withBody("{\"id\":\"f-7\",\"urls\":{\"get\":\"https://api.replicate.com/v1/files/f-7\"}}")));
        wm.stubFor(post(urlEqualTo("/v1/models/minimax/video-01/predictions")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"vid-7\",\"status\":\"starting\"}")));
        wm.stubFor(get(urlEqualTo("/v1/predictions/vid-7")).willReturn(okJson("{\"id\":\"vid-7\",\"status\":"
                + "\"succeeded\",\"output\":\"" + delivery + "/d/vid-7.mp4\",\"metrics\":{\"predict_time\":12.5}}")));
        wm.stubFor(get(urlEqualTo("/d/vid-7.mp4")).willReturn(aResponse().withHeader("Content-Type", "video/mp4")
                .withBody(MP4)));
        wm.stubFor(post(urlEqualTo("/v1/models/minimax/speech-02-turbo/predictions")).withHeader("Prefer",
                equalTo("wait=30")).willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"tts-7\",\"status\":\"succeeded\",\"output\":\"" + delivery + "/d/tts-7.mp3\"}")));
        wm.stubFor(get(urlEqualTo("/d/tts-7.mp3")).willReturn(aResponse().withHeader("Content-Type", "audio/mpeg")
                .withBody(MP3)));
        Environment env = Environment.of(Map.of("RUNWARE_API_KEY", RUNWARE_KEY, "ACP_RUNWARE_BASE_URL", wm.baseUrl(),
                "REPLICATE_API_TOKEN", REPLICATE_TOKEN, "ACP_REPLICATE_BASE_URL", wm.baseUrl(),
                "ACP_HOME", dir.resolve("home").toString()));
        Acp acp = Acp.create(env, ProviderRegistry.of(ProviderContext.of(env, dir.resolve("home"), Clock.systemUTC()),
                new RunwareProviderFactory(), new ReplicateProviderFactory()),
                LocalEngine.Options.defaults(env).withSleeper(d -> { }));
        Path pipeline = dir.resolve("pipeline.yaml");
        Files.writeString(pipeline, """
                pipeline_name: runware_replicate
                output_directory: out
                steps:
                  - step_type: text_to_image
                    id: still
                    config: { prompt: "a lighthouse at dusk", model: runware-flux-dev, aspect_ratio: "16:9" }
                    output_filename: still.png
                  - step_type: image_to_video
                    id: clip
                    config: { image: "{{steps.still.output}}", prompt: "slow push in", model: replicate-minimax-video-image-to-video }
                    output_filename: clip.mp4
                  - step_type: text_to_speech
                    id: voice
                    depends_on: []
                    config: { text: "The light still turns.", model: replicate-minimax-speech, voice: Wise_Woman }
                    output_filename: voice.mp3
                """);

        ExecutionPlan plan = acp.plan(pipeline, RunSettings.run(dir));
        RunResult result = acp.unguardedEngine().run(plan, RunListener.NONE, new RunControl());
        Path report = new RunReportWriter(Secrets.from(env, List.of())).write(plan, result);

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readAllBytes(dir.resolve("out/still.png"))).isEqualTo(PNG);
        assertThat(Files.readAllBytes(dir.resolve("out/clip.mp4"))).isEqualTo(MP4);
        assertThat(Files.readAllBytes(dir.resolve("out/voice.mp3"))).isEqualTo(MP3);
        String json = Files.readString(report);
        assertThat(json).doesNotContain(RUNWARE_KEY).doesNotContain(REPLICATE_TOKEN);
        JsonNode steps = Json.MAPPER.readTree(json).get("step_results");
        Map<String, JsonNode> byId = new java.util.HashMap<>();
        steps.forEach(s -> byId.put(s.get("step_id").asText(), s));
        assertThat(byId.get("still").get("provider").asText()).isEqualTo("runware");
        assertThat(byId.get("still").get("actual_cost").asDouble()).isEqualTo(0.0038);
        assertThat(byId.get("still").get("provider_request_ids").toString()).contains("img-7");
        assertThat(byId.get("clip").get("provider").asText()).isEqualTo("replicate");
        assertThat(byId.get("clip").get("provider_request_ids").toString()).contains("vid-7");
        assertThat(byId.get("voice").get("provider_request_ids").toString()).contains("tts-7");
        JsonNode video = Json.MAPPER.readTree(wm.findAll(postRequestedFor(urlEqualTo(
                "/v1/models/minimax/video-01/predictions"))).get(0).getBodyAsString()).get("input");
        assertThat(video.get("first_frame_image").asText()).isEqualTo("https://api.replicate.com/v1/files/f-7");
        assertThat(video.get("prompt").asText()).isEqualTo("slow push in");
        wm.verify(1, postRequestedFor(urlEqualTo("/v1")).withRequestBody(matchingJsonPath("$[0].taskType",
                equalTo("imageInference"))));
    }

    private static com.github.tomakehurst.wiremock.client.MappingBuilder runware(String taskType) {
        return post(urlEqualTo("/v1")).withHeader("Authorization", equalTo("Bearer " + RUNWARE_KEY))
                .withRequestBody(matchingJsonPath("$[0].taskType", equalTo(taskType)));
    }
}
