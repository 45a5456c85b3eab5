package dev.acp.providers.fal;

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
import dev.acp.error.ErrorKind;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fallback chain through the real fal client against WireMock: flux-dev answers 503 until the
 * step's retries are spent, and the step moves on to imagen-4; a request fal refuses as invalid
 * is not sent anywhere else.
 */
final class FalFallbackTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 5, 6, 7, 8};

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;

    private static final String PIPELINE = """
            pipeline_name: fal_fallback
            output_directory: out
            steps:
              - id: hero
                step_type: text_to_image
                retry_count: 1
                config: { prompt: "a lighthouse", model: flux-dev }
                output_filename: hero.png
                fallback:
                  - { model: imagen-4 }
            """;

    @Test
    void flux_dev_unavailable_after_its_retries_falls_back_to_imagen_4() throws Exception {
        wm.stubFor(post(urlEqualTo("/fal-ai/flux/dev")).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json").withBody("{\"detail\":\"Service Unavailable\"}")));
        wm.stubFor(post(urlEqualTo("/fal-ai/imagen4/preview")).willReturn(submitted("fal-ai/imagen4", "img-9")));
        wm.stubFor(get(urlPathEqualTo("/fal-ai/imagen4/requests/img-9/status"))
                .willReturn(okJson("{\"status\":\"COMPLETED\"}")));
        wm.stubFor(get(urlEqualTo("/fal-ai/imagen4/requests/img-9")).willReturn(okJson(
                "{\"images\":[{\"url\":\"" + wm.baseUrl() + "/m/hero.png\",\"width\":8,\"height\":8}]}")));
        wm.stubFor(get(urlEqualTo("/m/hero.png")).willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withBody(PNG)));

        RunResult result = run();

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        StepResult hero = result.steps().get(0);
        assertThat(hero.provider()).isEqualTo("fal");
        assertThat(hero.model()).isEqualTo("imagen-4");
        assertThat(hero.requestIds()).contains("img-9");
        assertThat(Files.readAllBytes(hero.outputPath())).isEqualTo(PNG);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> switches = (List<Map<String, Object>>) hero.metadata().get("fallbacks");
        assertThat(switches).singleElement().satisfies(s -> assertThat(s).containsEntry("from_model", "flux-dev")
                .containsEntry("model", "imagen-4").containsEntry("error_kind", "transient"));
        assertThat(wm.findAll(postRequestedFor(urlEqualTo("/fal-ai/flux/dev")))).hasSizeGreaterThanOrEqualTo(2);
        wm.verify(1, postRequestedFor(urlEqualTo("/fal-ai/imagen4/preview")));
    }

    @Test
    void a_request_fal_refuses_as_invalid_does_not_fall_back() throws Exception {
        wm.stubFor(post(urlEqualTo("/fal-ai/flux/dev")).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"detail\":[{\"loc\":[\"body\",\"prompt\"],\"msg\":\"prompt is too long\"}]}")));

        RunResult result = run();

        assertThat(result.status()).isEqualTo(RunStatus.PARTIAL);
        StepResult hero = result.steps().get(0);
        assertThat(hero.status()).isEqualTo(StepStatus.FAILED);
        assertThat(hero.error().kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(hero.metadata()).doesNotContainKey("fallbacks");
        wm.verify(1, postRequestedFor(urlEqualTo("/fal-ai/flux/dev")));
        wm.verify(0, postRequestedFor(urlEqualTo("/fal-ai/imagen4/preview")));
    }

    private RunResult run() throws Exception {
        Environment env = Environment.of(Map.of("FAL_KEY", FalTestSupport.KEY, "ACP_FAL_BASE_URL", wm.baseUrl(),
                "ACP_FAL_STORAGE_BASE_URL", wm.baseUrl() + "/rest", "ACP_HOME", dir.resolve("home").toString()));
        ProviderContext context = ProviderContext.of(env, dir.resolve("home"), Clock.systemUTC());
        Acp acp = Acp.create(env, ProviderRegistry.of(context, new FalProviderFactory()),
                LocalEngine.Options.defaults(env).withSleeper(d -> { })
                        .withRetryPolicy(new RetryPolicy(Duration.ZERO, Duration.ZERO)));
        Path pipeline = dir.resolve("pipeline.yaml");
        Files.writeString(pipeline, PIPELINE);
        return acp.unguardedEngine().run(acp.plan(pipeline, RunSettings.run(dir)), RunListener.NONE, new RunControl());
    }

    private com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder submitted(String app, String id) {
        String base = wm.baseUrl() + "/" + app + "/requests/" + id;
        return okJson("{\"request_id\":\"" + id + "\",\"status_url\":\"" + base + "/status\",\"response_url\":\""
                + base + "\",\"cancel_url\":\"" + base + "/cancel\"}");
    }
}
