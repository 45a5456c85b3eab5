package dev.acp.providers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
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
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.env.Environment;
import dev.acp.env.Secrets;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import dev.acp.providers.elevenlabs.ElevenLabsProviderFactory;
import dev.acp.providers.fal.FalProviderFactory;
import dev.acp.providers.google.GoogleProviderFactory;
import dev.acp.providers.openai.OpenAiTestFactories;
import dev.acp.providers.openai.OpenRouterProviderFactory;
import dev.acp.providers.replicate.ReplicateProviderFactory;
import dev.acp.providers.runware.RunwareProviderFactory;
import dev.acp.providers.support.Json;
import dev.acp.providers.support.Mp4Fixtures;
import dev.acp.report.RunReportWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each provider's step settles at, through the engine with a {@link RunBudget} on the
 * built-in prices ({@code pricing.yaml}), each provider played by WireMock: the provider's own
 * dollar figure ({@code cost_source: reported}); else what it reported delivering, in its billing
 * units, at the model's published price ({@code computed}); else, when the answer lacks that
 * signal, the estimate ({@code catalog}), or nothing when no price is known ({@code unknown}).
 */
@Timeout(60)
final class SettledCostTest {
    private static final String VOICE = "21m00Tcm4TlvDq8ikWAM";
    private static final String KEY = "settle-canary-0123456789abcdef";
    /** PNG and MP4 bytes whose size and length cannot be read: the provider's own words must do. */
    private static final byte[] OPAQUE_PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 's'};
    private static final byte[] OPAQUE_MP4 = "\0\0\0 ftypisom no moov here".getBytes(StandardCharsets.ISO_8859_1);
    private static final String REPLICATE_VERSION = "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;

    // ---- fal -----------------------------------------------------------------------------------

    @Test
    void fal_images_are_computed_from_their_megapixels() throws Exception {
        falJob("fal-ai/flux/dev", "fal-ai/flux", """
                {"images":[{"url":"%1$s/m/a.png","width":1024,"height":768},
                           {"url":"%1$s/m/b.png","width":1024,"height":768}]}""", "/m/a.png", OPAQUE_PNG);

        StepResult s = settle("""
                step_type: text_to_image
                config: { prompt: "two lighthouses", model: flux-dev, image_size: landscape_4_3, num_images: 2 }
                output_filename: a.png""");

        // Each 1024x768 image is 0.75 MP, billed as a whole one: 2 MP at $0.025.
        assertSettled(s, "0.05", "computed", "2 images (1024×768) = 2 MP × $0.025/MP");
    }

    @Test
    void fal_images_without_a_size_are_computed_at_the_size_asked() throws Exception {
        falJob("fal-ai/flux/dev", "fal-ai/flux", """
                {"images":[{"url":"%1$s/m/a.png"},{"url":"%1$s/m/b.png"}]}""", "/m/a.png", OPAQUE_PNG);

        StepResult s = settle("""
                step_type: text_to_image
                config: { prompt: "two lighthouses", model: flux-dev, image_size: landscape_4_3, num_images: 2 }
                output_filename: a.png""");

        // fal always says how many images it made; their size comes from the step when nothing else tells.
        assertSettled(s, "0.05", "computed", "2 images = 2 MP × $0.025/MP");
    }

    @Test
    void a_fal_kling_video_is_computed_from_the_seconds_of_its_file() throws Exception {
        falJob("fal-ai/kling-video/v2.1/standard/image-to-video", "fal-ai/kling-video", """
                {"video":{"url":"%1$s/m/k.mp4","content_type":"video/mp4"}}""", "/m/k.mp4", Mp4Fixtures.video(10_000));

        StepResult s = settle(kling());

        // A 5 s clip at $0.28 and 5 extra seconds at $0.056.
        assertSettled(s, "0.56", "computed", "10 s of video as a $0.28/5 s clip + $0.056/extra s");
    }

    @Test
    void a_fal_video_whose_length_cannot_be_read_settles_at_its_estimate() throws Exception {
        falJob("fal-ai/kling-video/v2.1/standard/image-to-video", "fal-ai/kling-video", """
                {"video":{"url":"%1$s/m/k.mp4","content_type":"video/mp4"}}""", "/m/k.mp4", OPAQUE_MP4);

        assertAtEstimate(settle(kling()), "0.56");
    }

    @Test
    void a_fal_endpoint_without_a_price_settles_as_unknown() throws Exception {
        falJob("fal-ai/some-lab/new-model", "fal-ai/some-lab", """
                {"images":[{"url":"%1$s/m/n.png","width":512,"height":512}]}""", "/m/n.png", OPAQUE_PNG);

        StepResult s = settle("""
                step_type: text_to_image
                provider: fal
                config: { prompt: "x", model: fal-ai/some-lab/new-model }
                output_filename: n.png""");

        assertUnknown(s);
    }

    // ---- ElevenLabs ----------------------------------------------------------------------------

    @Test
    void elevenlabs_credits_are_computed_at_the_highest_credit_price_without_a_plan() throws Exception {
        speech(aResponse().withHeader("character-cost", "120"));

        StepResult s = settle(narration());

        assertSettled(s, "0.036", "computed", "120 credits × $0.0003/credit [assumed");
    }

    @Test
    void elevenlabs_speech_without_a_billing_header_settles_at_its_estimate() throws Exception {
        speech(aResponse());

        // 42 characters at 1 credit each, at $0.0003 a credit.
        assertAtEstimate(settle(narration()), "0.0126");
    }

    // ---- OpenRouter ----------------------------------------------------------------------------

    @Test
    void openrouter_reports_the_cost_of_its_answer() throws Exception {
        chat("/api/v1/chat/completions", "openai/gpt-4o-mini",
                "{\"prompt_tokens\":1000,\"completion_tokens\":500,\"total_tokens\":1500,\"cost\":0.00045}");

        StepResult s = settle(prompt("openrouter", "openrouter-chat"));

        assertSettled(s, "0.00045", "reported", null);
        assertThat(s.metadata()).containsEntry("usage", "1000 input + 500 output tokens");
    }

    @Test
    void an_openrouter_answer_without_a_cost_is_computed_from_its_tokens() throws Exception {
        chat("/api/v1/chat/completions", "openai/gpt-4o-mini",
                "{\"prompt_tokens\":1000,\"completion_tokens\":500,\"total_tokens\":1500}");

        StepResult s = settle(prompt("openrouter", "openrouter-chat"));

        assertSettled(s, "0.00045", "computed", "1000 input + 500 output tokens at $0.15 in + $0.60 out /1M tokens");
    }

    @Test
    void an_openrouter_answer_without_usage_settles_at_its_estimate() throws Exception {
        chat("/api/v1/chat/completions", "openai/gpt-4o-mini", null);

        assertAtEstimate(settle(prompt("openrouter", "openrouter-chat")), null);
    }

    // ---- OpenAI --------------------------------------------------------------------------------

    @Test
    void openai_chat_is_computed_from_its_tokens_and_without_them_settles_at_its_estimate() throws Exception {
        chat("/v1/chat/completions", "gpt-4o-mini",
                "{\"prompt_tokens\":2000,\"completion_tokens\":100,\"total_tokens\":2100}");
        assertSettled(settle(prompt("openai", "gpt-4o-mini")), "0.00036",
                "computed", "2000 input + 100 output tokens");

        wm.resetAll();
        chat("/v1/chat/completions", "gpt-4o-mini", null);
        assertAtEstimate(settle(prompt("openai", "gpt-4o-mini")), null);
    }

    @Test
    void tts_1_speech_is_computed_from_the_characters_sent() throws Exception {
        wm.stubFor(post(urlEqualTo("/v1/audio/speech")).willReturn(aResponse().withHeader("Content-Type", "audio/mpeg")
                .withBody("ID3 speech".getBytes(StandardCharsets.ISO_8859_1))));

        StepResult s = settle("""
                step_type: text_to_speech
                config: { text: "Welcome aboard, and mind the gap, please.", model: tts-1, voice: alloy }
                output_filename: w.mp3""");

        // 41 characters at $15 per million.
        assertSettled(s, "0.000615", "computed", "41 characters × $15.00/");
    }

    @Test
    void a_gpt_image_1_image_is_computed_at_the_price_of_its_quality_and_size() throws Exception {
        wm.stubFor(post(urlEqualTo("/v1/images/generations")).willReturn(okJson("{\"created\":1,\"size\":\"1024x1024\","
                + "\"quality\":\"low\",\"data\":[{\"b64_json\":\"" + Base64.getEncoder().encodeToString(OPAQUE_PNG)
                + "\"}]}")));

        StepResult s = settle("""
                step_type: text_to_image
                config: { prompt: "a poster", model: gpt-image-1, image_size: square_hd, quality: low }
                output_filename: p.png""");

        assertSettled(s, "0.011", "computed", "1 image (1024×1024) × $0.011/image");
    }

    // ---- Google --------------------------------------------------------------------------------

    @Test
    void gemini_is_computed_from_its_tokens_with_the_thinking_as_output() throws Exception {
        gemini(",\"usageMetadata\":{\"promptTokenCount\":1290,\"candidatesTokenCount\":16,\"thoughtsTokenCount\":4,"
                + "\"totalTokenCount\":1310}");

        StepResult s = settle(prompt("google", "gemini-prompts"));

        // 1290 in at $0.30/M, 16 + 4 out at $2.50/M.
        assertSettled(s, "0.000437", "computed", "1290 input + 20 output tokens at $0.30 in + $2.50 out /1M tokens");
    }

    @Test
    void gemini_without_usage_metadata_settles_at_its_estimate() throws Exception {
        gemini("");

        assertAtEstimate(settle(prompt("google", "gemini-prompts")), null);
    }

    @Test
    void veo_is_computed_from_the_seconds_of_its_file_else_those_asked() throws Exception {
        veo(Mp4Fixtures.video(8_000));
        assertSettled(settle(veoStep("duration: 6, ")), "1.20", "computed", "8 s of video × $0.15/s");

        wm.resetAll();
        veo(OPAQUE_MP4);
        assertSettled(settle(veoStep("duration: 6, ")), "0.90", "computed", "6 s of video × $0.15/s");
    }

    @Test
    void veo_without_a_readable_file_or_a_duration_settles_at_its_estimate() throws Exception {
        veo(OPAQUE_MP4);

        // The model's usual 8 s at $0.15.
        assertAtEstimate(settle(veoStep("")), "1.20");
    }

    // ---- Replicate -----------------------------------------------------------------------------

    @Test
    void an_official_replicate_model_is_computed_per_image() throws Exception {
        replicateCreated("/v1/models/black-forest-labs/flux-schnell/predictions", """
                {"id":"p-fs","status":"succeeded","output":["%s/r/fs.png"],"metrics":{"predict_time":0.9}}""");
        media("/r/fs.png", "image/png", OPAQUE_PNG);

        StepResult s = settle("""
                step_type: text_to_image
                config: { prompt: "x", model: replicate-flux-schnell }
                output_filename: fs.png""");

        assertSettled(s, "0.003", "computed", "1 image × $0.003/image");
    }

    @Test
    void another_replicate_model_is_computed_from_its_seconds_on_the_dearest_hardware() throws Exception {
        replicateVersioned("{\"predict_time\":12.5}");

        StepResult s = settle(community(""));

        // 12.5 s at $0.001525/s (H100), since which hardware ran is not known.
        assertSettled(s, "0.0190625", "computed", "12.5 s of hardware × $0.001525/s (the dearest hardware");
    }

    @Test
    void another_replicate_model_is_computed_on_the_hardware_the_step_names() throws Exception {
        replicateVersioned("{\"predict_time\":12.5}");

        StepResult s = settle(community("hardware: A100-80GB, "));

        assertSettled(s, "0.0175", "computed", "12.5 s of a100-80gb × $0.0014/s");
    }

    @Test
    void another_replicate_model_without_its_running_time_settles_as_unknown() throws Exception {
        replicateVersioned("{\"total_time\":14}");

        // Its image cannot price seconds of hardware, and no length of time is estimated.
        StepResult s = settle(community(""));

        assertThat(s.metadata()).containsEntry("usage", "1 image");
        assertUnknown(s);
    }

    // ---- Runware -------------------------------------------------------------------------------

    @Test
    void runware_reports_the_cost_of_its_task() throws Exception {
        runwareSync("\"cost\":0.0038,");

        assertSettled(settle(runwareImage("runware-flux-dev")), "0.0038", "reported", null);
    }

    @Test
    void a_runware_image_without_a_cost_is_computed_at_its_published_price() throws Exception {
        runwareSync("");

        assertSettled(settle(runwareImage("openai:1@1")), "0.167", "computed", "1 image (1024×1024) × $0.167/image");
    }

    @Test
    void a_runware_image_without_a_cost_or_a_published_price_settles_as_unknown() throws Exception {
        runwareSync("");

        assertUnknown(settle(runwareImage("runware-flux-dev")));
    }

    @Test
    void a_runware_video_without_a_cost_is_computed_from_the_seconds_of_its_file() throws Exception {
        // Asked first (unknown), then submitted, then asked again: done.
        wm.stubFor(runwareTask("getResponse").inScenario("rw").whenScenarioStateIs(STARTED)
                .willReturn(runwareUnknown()));
        wm.stubFor(runwareTask("videoInference").inScenario("rw").willReturn(okJson("{\"data\":[]}"))
                .willSetStateTo("sent"));
        wm.stubFor(runwareTask("getResponse").inScenario("rw").whenScenarioStateIs("sent").willReturn(okJson(
                "{\"data\":[{\"taskType\":\"videoInference\",\"status\":\"success\",\"videoUUID\":\"v-1\","
                        + "\"videoURL\":\"" + wm.baseUrl() + "/rw/v.mp4\"}]}")));
        media("/rw/v.mp4", "video/mp4", Mp4Fixtures.video(5_000));

        StepResult s = settle("""
                step_type: text_to_video
                provider: runware
                config: { prompt: "waves", model: "klingai:5@1", duration: 5 }
                output_filename: v.mp4""");

        assertSettled(s, "0.185", "computed", "5 s of video × $0.037/s");
    }

    // ---- run.json ------------------------------------------------------------------------------

    @Test
    void run_json_shows_where_each_cost_came_from_and_what_was_delivered() throws Exception {
        speech(aResponse().withHeader("character-cost", "120"));
        Acp acp = acp();
        ExecutionPlan plan = acp.plan(pipeline(narration()), RunSettings.run(dir));
        RunResult result = acp.unguardedEngine().run(RunRequest.simple(plan, "run-settle", RunListener.NONE, new RunControl())
                .withCosts(budget()));

        JsonNode step = Json.MAPPER.valueToTree(new RunReportWriter(Secrets.none()).toMap(plan, result))
                .get("step_results").get(0);

        assertThat(step.get("actual_cost").decimalValue()).isEqualByComparingTo("0.036");
        assertThat(step.toString()).contains("\"cost_source\":\"computed\"").contains("\"usage\":\"120 credits\"")
                .contains("\"cost_detail\":\"120 credits × $0.0003/credit");
    }

    // ---- the run -------------------------------------------------------------------------------

    /** Runs a pipeline of the one step {@code step} (YAML) with the built-in prices, and returns its result. */
    private StepResult settle(String step) throws Exception {
        Acp acp = acp();
        ExecutionPlan plan = acp.plan(pipeline(step), RunSettings.run(dir));
        RunResult result = acp.unguardedEngine().run(RunRequest.simple(plan, "run-" + System.nanoTime(), RunListener.NONE,
                new RunControl()).withCosts(budget()));
        StepResult s = result.steps().getFirst();
        assertThat(s.status()).as(s.error() == null ? String.valueOf(s.reason()) : s.error().message())
                .isEqualTo(StepStatus.SUCCEEDED);
        return s;
    }

    /** The built-in prices, no cost limit, unknown prices allowed (they settle as unknown). */
    private static RunBudget budget() {
        return new RunBudget(new Estimator(PricingCatalog.builtIn()), new SpendLedger(null, Map.of(), DailySpend.NONE),
                true);
    }

    private Path pipeline(String step) throws Exception {
        String indented = ("- id: s\n" + step).lines().map(l -> "  " + (l.startsWith("- ") ? l : "  " + l))
                .reduce((a, b) -> a + "\n" + b).orElseThrow();
        return Files.writeString(dir.resolve("pipeline.yaml"), "pipeline_name: settled\noutput_directory: out\n"
                + "steps:\n" + indented + "\n");
    }

    private Acp acp() {
        Path home = dir.resolve("home");
        String base = wm.baseUrl();
        Environment env = Environment.of(Map.ofEntries(Map.entry("ACP_HOME", home.toString()),
                Map.entry("FAL_KEY", KEY), Map.entry("ACP_FAL_BASE_URL", base),
                Map.entry("ACP_FAL_STORAGE_BASE_URL", base + "/rest"),
                Map.entry("ELEVENLABS_API_KEY", KEY), Map.entry("ACP_ELEVENLABS_BASE_URL", base),
                Map.entry("OPENROUTER_API_KEY", KEY), Map.entry("ACP_OPENROUTER_BASE_URL", base + "/api/v1"),
                Map.entry("OPENAI_API_KEY", KEY), Map.entry("ACP_OPENAI_BASE_URL", base + "/v1"),
                Map.entry("GOOGLE_API_KEY", KEY), Map.entry("ACP_GOOGLE_BASE_URL", base),
                Map.entry("REPLICATE_API_TOKEN", KEY), Map.entry("ACP_REPLICATE_BASE_URL", base),
                Map.entry("RUNWARE_API_KEY", KEY), Map.entry("ACP_RUNWARE_BASE_URL", base)));
        return Acp.create(env, ProviderRegistry.of(ProviderContext.of(env, home, Clock.systemUTC()),
                new FalProviderFactory(), new ElevenLabsProviderFactory(), new OpenRouterProviderFactory(),
                OpenAiTestFactories.playingOpenAi(), new GoogleProviderFactory(), new ReplicateProviderFactory(),
                new RunwareProviderFactory()), LocalEngine.Options.defaults(env).withSleeper(d -> { }));
    }

    private static void assertSettled(StepResult s, String amount, String source, @Nullable String detail) {
        assertThat(s.actualCost()).as("cost").isEqualByComparingTo(amount);
        assertThat(s.metadata()).containsEntry("cost_source", source);
        if (detail == null) {
            assertThat(s.metadata()).doesNotContainKey("cost_detail");
        } else {
            assertThat(String.valueOf(s.metadata().get("cost_detail"))).startsWith(detail);
        }
    }

    /** Settled at the estimate made at dispatch (and, when given, that is {@code amount}). */
    private static void assertAtEstimate(StepResult s, @Nullable String amount) {
        assertThat(s.metadata()).containsEntry("cost_source", "catalog").containsKey("cost_detail");
        assertThat(s.estimatedCost()).isNotNull();
        assertThat(s.actualCost()).isEqualByComparingTo(s.estimatedCost());
        if (amount != null) {
            assertThat(s.actualCost()).isEqualByComparingTo(amount);
        }
    }

    private static void assertUnknown(StepResult s) {
        assertThat(s.metadata()).containsEntry("cost_source", "unknown");
        assertThat(s.actualCost()).isNull();
    }

    // ---- steps ---------------------------------------------------------------------------------

    private static String kling() {
        return """
                step_type: image_to_video
                config: { image: "https://example.com/still.png", prompt: "slow zoom", model: kling-video-image-to-video, duration: 10 }
                output_filename: k.mp4""";
    }

    /** 42 characters to speak. */
    private static String narration() {
        return """
                step_type: text_to_speech
                provider: elevenlabs
                config: { text: "The keeper climbs the stair one last time.", voice: %s, model: eleven_multilingual_v2 }
                output_filename: n.mp3""".formatted(VOICE);
    }

    private static String prompt(String provider, String model) {
        return """
                step_type: prompt_generation
                provider: %s
                config: { prompt: "a lighthouse at dusk", model: %s }""".formatted(provider, model);
    }

    private static String veoStep(String duration) {
        return """
                step_type: text_to_video
                config: { prompt: "waves", model: veo-3.1-fast, %saspect_ratio: "16:9" }
                output_filename: v.mp4""".formatted(duration);
    }

    private static String community(String hardware) {
        return """
                step_type: text_to_image
                provider: replicate
                config: { prompt: "x", %smodel: "someone/sdxl:%s" }
                output_filename: c.png""".formatted(hardware, REPLICATE_VERSION);
    }

    private static String runwareImage(String model) {
        return """
                step_type: text_to_image
                provider: runware
                config: { prompt: "x", model: "%s", delivery: sync }
                output_filename: rw.png""".formatted(model);
    }

    // ---- the mocks -----------------------------------------------------------------------------

    /** providers.md 1.3 and 1.6: submit, COMPLETED, the result and its first media file. */
    private static void falJob(String endpoint, String app, String result, String mediaPath, byte[] media) {
        String base = wm.baseUrl() + "/" + app + "/requests/req-s";
        wm.stubFor(post(urlEqualTo("/" + endpoint)).willReturn(okJson("{\"request_id\":\"req-s\",\"status_url\":\""
                + base + "/status\",\"response_url\":\"" + base + "\",\"cancel_url\":\"" + base + "/cancel\"}")));
        wm.stubFor(get(urlPathEqualTo("/" + app + "/requests/req-s/status")).willReturn(okJson(
                "{\"status\":\"COMPLETED\"}")));
        wm.stubFor(get(urlEqualTo("/" + app + "/requests/req-s")).willReturn(okJson(result.formatted(wm.baseUrl()))));
        media(mediaPath, mediaPath.endsWith(".mp4") ? "video/mp4" : "image/png", media);
    }

    private static void speech(ResponseDefinitionBuilder answer) {
        wm.stubFor(post(urlPathEqualTo("/v1/text-to-speech/" + VOICE)).willReturn(answer
                .withHeader("Content-Type", "audio/mpeg").withBody("ID3 narration".getBytes(StandardCharsets.ISO_8859_1))));
    }

    private static void chat(String path, String model, @Nullable String usage) {
        wm.stubFor(post(urlEqualTo(path)).willReturn(okJson("{\"id\":\"gen-s\",\"object\":\"chat.completion\","
                + "\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{"
                + "\"role\":\"assistant\",\"content\":\"A lighthouse at dusk, waves below.\"}}]"
                + (usage == null ? "" : ",\"usage\":" + usage) + "}")));
    }

    private static void gemini(String usage) {
        wm.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-flash:generateContent")).willReturn(okJson(
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"A lighthouse at dusk.\"}]},"
                        + "\"finishReason\":\"STOP\",\"index\":0}]" + usage + ",\"responseId\":\"resp-s\"}")));
    }

    /** providers.md 6.3: the operation, done at once, and its video downloaded. */
    private static void veo(byte[] video) {
        String op = "models/veo-3.1-fast-generate-preview/operations/op-s";
        wm.stubFor(post(urlEqualTo("/v1beta/models/veo-3.1-fast-generate-preview:predictLongRunning"))
                .willReturn(okJson("{\"name\":\"" + op + "\"}")));
        wm.stubFor(get(urlEqualTo("/v1beta/" + op)).willReturn(okJson("{\"name\":\"" + op + "\",\"done\":true,"
                + "\"response\":{\"generateVideoResponse\":{\"generatedSamples\":[{\"video\":{\"uri\":\""
                + wm.baseUrl() + "/v1beta/files/vs1:download?alt=media\"}}]}}}")));
        media("/v1beta/files/vs1:download?alt=media", "video/mp4", video);
    }

    private static void replicateCreated(String path, String prediction) {
        wm.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(prediction.formatted(wm.baseUrl()))));
    }

    /** A model named by version: created, then polled once to its output and metrics. */
    private static void replicateVersioned(String metrics) {
        replicateCreated("/v1/predictions", "{\"id\":\"p-c\",\"status\":\"starting\"}");
        wm.stubFor(get(urlEqualTo("/v1/predictions/p-c")).willReturn(okJson("{\"id\":\"p-c\",\"status\":\"succeeded\","
                + "\"output\":[\"" + wm.baseUrl() + "/r/c.png\"],\"metrics\":" + metrics + "}")));
        media("/r/c.png", "image/png", OPAQUE_PNG);
    }

    /** providers.md 4.3: Runware knows no such task, then answers the sync submission with its image. */
    private static void runwareSync(String cost) {
        wm.stubFor(runwareTask("getResponse").willReturn(runwareUnknown()));
        wm.stubFor(runwareTask("imageInference").willReturn(okJson("{\"data\":[{\"taskType\":\"imageInference\","
                        + "\"status\":\"success\",\"imageUUID\":\"i-1\"," + cost + "\"imageURL\":\"" + wm.baseUrl()
                        + "/rw/i.png\"}]}")));
        media("/rw/i.png", "image/png", OPAQUE_PNG);
    }

    private static MappingBuilder runwareTask(String taskType) {
        return post(urlEqualTo("/v1")).withRequestBody(matchingJsonPath("$[0].taskType", equalTo(taskType)));
    }

    private static ResponseDefinitionBuilder runwareUnknown() {
        return aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"code\":\"taskFailedOrNotFound\",\"message\":\"no such task\"}]}");
    }

    private static void media(String path, String type, byte[] bytes) {
        wm.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withHeader("Content-Type", type).withBody(bytes)));
    }
}
