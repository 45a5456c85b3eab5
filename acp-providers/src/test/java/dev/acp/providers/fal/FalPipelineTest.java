package dev.acp.providers.fal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.acp.Acp;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Pipelines through the engine with fal played by WireMock: routing, validation, journaled jobs, outputs in place. */
final class FalPipelineTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3, 4};
    private static final byte[] MP4 = "\0\0\0 ftypisom fake video".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;

    @Test
    void a_pipeline_of_fal_steps_runs_to_files_in_place() throws Exception {
        wm.stubFor(post(urlEqualTo("/fal-ai/flux/dev")).willReturn(submitted("fal-ai/flux", "img-1")));
        wm.stubFor(get(urlPathEqualTo("/fal-ai/flux/requests/img-1/status")).willReturn(okJson("{\"status\":\"COMPLETED\"}")));
        wm.stubFor(get(urlEqualTo("/fal-ai/flux/requests/img-1")).willReturn(okJson(
                "{\"images\":[{\"url\":\"" + wm.baseUrl() + "/m/cat.png\",\"width\":8,\"height\":8}],\"seed\":3}")));
        wm.stubFor(get(urlEqualTo("/m/cat.png")).willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(PNG)));
        wm.stubFor(post(urlPathEqualTo("/rest/storage/upload/initiate")).willReturn(okJson(
                "{\"upload_url\":\"" + wm.baseUrl() + "/up/1\",\"file_url\":\"https://v3.fal.media/files/still.png\"}")));
        wm.stubFor(put(urlEqualTo("/up/1")).willReturn(aResponse().withStatus(200)));
        wm.stubFor(post(urlEqualTo("/fal-ai/kling-video/v2.1/standard/image-to-video"))
                .willReturn(submitted("fal-ai/kling-video", "vid-1")));
        wm.stubFor(get(urlPathEqualTo("/fal-ai/kling-video/requests/vid-1/status")).willReturn(okJson("{\"status\":\"COMPLETED\"}")));
        wm.stubFor(get(urlEqualTo("/fal-ai/kling-video/requests/vid-1")).willReturn(okJson(
                "{\"video\":{\"url\":\"" + wm.baseUrl() + "/m/clip.mp4\"}}")));
        wm.stubFor(get(urlEqualTo("/m/clip.mp4")).willReturn(aResponse().withHeader("Content-Type", "video/mp4").withBody(MP4)));
        Files.write(dir.resolve("still.png"), PNG);
        Acp acp = acp();
        Path pipeline = write("""
                pipeline_name: fal_e2e
                output_directory: out
                steps:
                  - step_type: text_to_image
                    config: { prompt: "a cat", model: flux-dev, image_size: landscape_16_9, seed: 3 }
                    output_filename: cat.png
                  - step_type: image_to_video
                    config: { image: still.png, prompt: "slow zoom", duration: 5 }
                    output_filename: clip.mp4
                """);

        RunResult result = acp.unguardedEngine().run(acp.plan(pipeline, RunSettings.run(dir)), RunListener.NONE, new RunControl());

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(result.steps()).allMatch(StepResult::succeeded);
        StepResult image = result.steps().get(0);
        assertThat(image.provider()).isEqualTo("fal");
        assertThat(image.requestIds()).contains("img-1");
        assertThat(image.metadata()).containsEntry("endpoint", "fal-ai/flux/dev");
        assertThat(Files.readAllBytes(image.outputPath())).isEqualTo(PNG);
        assertThat(Files.readAllBytes(result.steps().get(1).outputPath())).isEqualTo(MP4);
        wm.verify(1, postRequestedFor(urlEqualTo("/fal-ai/flux/dev")));
        wm.verify(1, postRequestedFor(urlEqualTo("/fal-ai/kling-video/v2.1/standard/image-to-video")));
    }

    @Test
    void validation_refuses_what_the_model_cannot_take_before_anything_is_sent() throws Exception {
        Path pipeline = write("""
                pipeline_name: fal_bad
                output_directory: out
                steps:
                  - step_type: text_to_video
                    config: { prompt: "waves", model: kling-video, duration: 7 }
                    output_filename: waves.mp4
                  - step_type: text_to_image
                    config: { prompt: "a cat", model: fluxdev }
                """);

        PlanResult r = acp().check(pipeline, RunSettings.run(dir));

        assertThat(r.plan()).isNull();
        assertThat(r.problems()).anySatisfy(p -> assertThat(p.toString()).contains("kling-video takes duration 5 or 10"));
        assertThat(r.problems()).anySatisfy(p -> assertThat(p.toString()).contains("unknown fal model 'fluxdev'"));
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    private Acp acp() {
        Environment env = Environment.of(Map.of("FAL_KEY", FalTestSupport.KEY, "ACP_FAL_BASE_URL", wm.baseUrl(),
                "ACP_FAL_STORAGE_BASE_URL", wm.baseUrl() + "/rest", "ACP_HOME", dir.resolve("home").toString()));
        ProviderContext context = ProviderContext.of(env, dir.resolve("home"), Clock.systemUTC());
        return Acp.create(env, ProviderRegistry.of(context, new FalProviderFactory()),
                LocalEngine.Options.defaults(env).withSleeper(d -> { }));
    }

    private Path write(String yaml) throws Exception {
        Path p = dir.resolve("pipeline.yaml");
        Files.writeString(p, yaml);
        return p;
    }

    private com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder submitted(String app, String id) {
        String base = wm.baseUrl() + "/" + app + "/requests/" + id;
        return okJson("{\"request_id\":\"" + id + "\",\"status_url\":\"" + base + "/status\",\"response_url\":\""
                + base + "\",\"cancel_url\":\"" + base + "/cancel\"}");
    }
}
