package dev.acp.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.acp.providers.openai.ChatFixtures.CANARY;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.acp.Acp;
import dev.acp.cost.DailySpend;
import dev.acp.cost.Estimator;
import dev.acp.cost.PricingCatalog;
import dev.acp.cost.RunBudget;
import dev.acp.cost.SpendLedger;
import dev.acp.engine.LocalEngine;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunRequest;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.engine.StepResult;
import dev.acp.env.Environment;
import dev.acp.env.Secrets;
import dev.acp.pipeline.Problem;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlanResult;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import dev.acp.report.RunReportWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Speech and image steps routed to {@code openai} by their catalog models, through the engine with
 * the built-in prices, against a mock.
 */
final class OpenAiMediaPipelineTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3, 4};
    private static final byte[] MP3 = {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0, 1, 2};

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .failOnUnmatchedRequests(true).build();

    @TempDir
    Path dir;

    private Acp acp() {
        Environment env = Environment.of(Map.of("OPENAI_API_KEY", CANARY, "ACP_OPENAI_BASE_URL", wm.baseUrl() + "/v1",
                "ACP_HOME", dir.resolve("home").toString()));
        ProviderContext context = ProviderContext.of(env, dir.resolve("home"), Clock.systemUTC());
        return Acp.create(env, ProviderRegistry.of(context, new OpenAiProviderFactory(uri -> ServerKind.OPENAI)),
                LocalEngine.Options.defaults(env).withSleeper(d -> { }));
    }

    private Path write(String yaml) throws Exception {
        Path p = dir.resolve("pipeline.yaml");
        Files.writeString(p, yaml);
        return p;
    }

    @Test
    void a_narrated_poster_runs_with_request_ids_costs_and_what_the_emotion_did() throws Exception {
        wm.stubFor(post(urlEqualTo("/v1/audio/speech")).willReturn(aResponse().withHeader("Content-Type", "audio/mpeg")
                .withHeader("x-request-id", "req_tts").withBody(MP3)));
        wm.stubFor(post(urlEqualTo("/v1/images/generations")).willReturn(okJson("{\"created\":1,\"data\":[{"
                + "\"b64_json\":\"" + Base64.getEncoder().encodeToString(PNG) + "\"}],\"usage\":{\"input_tokens\":10,"
                + "\"output_tokens\":1056,\"total_tokens\":1066,\"input_tokens_details\":{\"text_tokens\":10,"
                + "\"image_tokens\":0}}}").withHeader("x-request-id", "req_img")));
        Acp acp = acp();
        Path pipeline = write("""
                pipeline_name: narrated_poster
                output_directory: out
                steps:
                  - step_type: text_to_image
                    config: { prompt: "a lighthouse at dawn", model: gpt-image-1, image_size: square_hd }
                    output_filename: poster.png
                  - step_type: text_to_speech
                    config: { text: "Welcome aboard!", model: gpt-4o-mini-tts, emotion: friendly, intensity: 0.4 }
                    output_filename: welcome.mp3
                """);

        // OpenAI retired gpt-image-1; a compatible server (this mock) may still serve it, so it only warns.
        PlanResult checked = acp.check(pipeline, RunSettings.run(dir));
        assertThat(checked.errors()).isEmpty();
        assertThat(checked.warnings()).map(Problem::render).singleElement().asString()
                .contains("gpt-image-1").contains("retired").contains("2026-10-23");
        ExecutionPlan plan = acp.plan(pipeline, RunSettings.run(dir));
        RunBudget budget = new RunBudget(new Estimator(PricingCatalog.builtIn()),
                new SpendLedger(null, Map.of(), DailySpend.NONE), true);
        RunResult result = acp.unguardedEngine().run(RunRequest.simple(plan, "run-media", RunListener.NONE,
                new RunControl()).withCosts(budget));

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        StepResult image = result.steps().get(0);
        assertThat(image.provider()).isEqualTo("openai");
        assertThat(image.requestIds()).containsExactly("req_img");
        // The image it returned at the catalog's price of a high-quality 1024x1024 gpt-image-1 image.
        assertThat(image.actualCost()).isEqualByComparingTo(new BigDecimal("0.167"));
        assertThat(image.metadata()).containsEntry("cost_source", "computed")
                .containsEntry("usage", "1 image (1024×1024)");
        assertThat(Files.readAllBytes(dir.resolve("out/poster.png"))).isEqualTo(PNG);
        StepResult speech = result.steps().get(1);
        assertThat(speech.provider()).isEqualTo("openai");
        assertThat(speech.requestIds()).containsExactly("req_tts");
        assertThat(speech.metadata()).containsEntry("emotion", "friendly").containsEntry("emotion_applied", true);
        // gpt-4o-mini-tts bills tokens, which characters cannot price: its estimate settles it.
        assertThat(speech.metadata()).containsEntry("cost_source", "catalog").containsEntry("usage", "15 characters");
        assertThat(Files.readAllBytes(dir.resolve("out/welcome.mp3"))).isEqualTo(MP3);
        String report = new RunReportWriter(Secrets.none()).toMap(plan, result).toString();
        assertThat(report).contains("req_img").contains("req_tts").contains("emotion_applied").doesNotContain(CANARY);
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/audio/speech")));
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/images/generations")));
    }

    @Test
    void validation_warns_that_tts_1_ignores_the_emotion_and_refuses_a_bad_intensity() throws Exception {
        Acp acp = acp();
        Path pipeline = write("""
                pipeline_name: t
                steps:
                  - id: plain
                    step_type: text_to_speech
                    config: { text: "Hi", model: tts-1, emotion: sad }
                    output_filename: a.mp3
                  - id: loud
                    step_type: text_to_speech
                    config: { text: "Hi", model: gpt-4o-mini-tts, emotion: angry, intensity: 2 }
                    output_filename: b.mp3
                """);

        PlanResult plan = acp.check(pipeline, RunSettings.run(dir));

        assertThat(plan.warnings()).map(Problem::render).singleElement().asString()
                .contains("step 'plain'").contains("model tts-1 takes no instructions");
        assertThat(plan.errors()).map(Problem::render).singleElement().asString()
                .contains("step 'loud'").contains("config.intensity must be a number from 0 to 1");
        wm.verify(0, postRequestedFor(urlEqualTo("/v1/audio/speech")));
    }
}
