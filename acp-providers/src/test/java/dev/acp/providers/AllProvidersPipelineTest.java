package dev.acp.providers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.acp.Acp;
import dev.acp.cache.CacheMode;
import dev.acp.cost.DailySpend;
import dev.acp.cost.Estimator;
import dev.acp.cost.PricingCatalog;
import dev.acp.cost.RunBudget;
import dev.acp.cost.SpendLedger;
import dev.acp.engine.LocalEngine;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.engine.StepResult;
import dev.acp.env.Environment;
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
import dev.acp.report.RunReportWriter;
import dev.acp.run.RunService;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One pipeline through every HTTP provider of both parts in one run, each played by its own
 * WireMock server built from providers.md (OpenAI's speech and images from the shapes of the
 * contract tests, which providers.md does not cover): OpenRouter writes the idea, fal draws it,
 * Gemini describes fal's image, ElevenLabs and OpenAI narrate the description, OpenAI and
 * Runware draw posters, Replicate animates Runware's keyframe and Veo films the description.
 * The run goes through {@link dev.acp.run.RunService} with a cost limit and the cache off, as
 * {@code acp pipeline run --no-cache} does, and its report must name every provider's request
 * ids and what each step cost: the provider's own figure where it reports one, what it reported
 * delivering at the published prices of pricing.yaml otherwise, the estimate when it reported
 * neither. No canary key may leave the requests.
 */
@Timeout(120)
final class AllProvidersPipelineTest {
    private static final String OPENROUTER_KEY = "sk-or-canary-all-3c9e1d2b4a6c8e0f";
    private static final String FAL_KEY = "fal-canary-all-0123456789:secret-fedcba";
    private static final String GOOGLE_KEY = "AIzaSy-canary-all-0123456789abcdef";
    private static final String ELEVENLABS_KEY = "el-canary-all-5f1e2d3c4b5a69788796";
    private static final String OPENAI_KEY = "sk-proj-canary-all-9a8b7c6d5e4f3a2b1c";
    private static final String RUNWARE_KEY = "rw-canary-all-a1b2c3d4e5f60718293a";
    private static final String REPLICATE_TOKEN = "r8_canary_all_0f1e2d3c4b5a69788796";
    private static final List<String> KEYS = List.of(OPENROUTER_KEY, FAL_KEY, GOOGLE_KEY, ELEVENLABS_KEY, OPENAI_KEY,
            RUNWARE_KEY, REPLICATE_TOKEN);

    private static final byte[] FAL_PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 'f', 'a', 'l'};
    private static final byte[] OPENAI_PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 'o', 'a', 'i'};
    private static final byte[] RUNWARE_PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 'r', 'w'};
    private static final byte[] ELEVENLABS_MP3 = "ID3 elevenlabs narration".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] OPENAI_MP3 = "ID3 openai narration".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] REPLICATE_MP4 = "\0\0\0 ftypisom replicate clip".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] VEO_MP4 = "\0\0\0 ftypisom veo establishing shot".getBytes(StandardCharsets.ISO_8859_1);

    private static final String IDEA = "An old lighthouse keeper lights the lamp for the last time, cinematic dusk.";
    private static final String DESCRIPTION = "A lone keeper climbs a spiral stair toward a glowing lamp at dusk.";
    private static final String RACHEL = "21m00Tcm4TlvDq8ikWAM";
    private static final String VEO_SUBMIT = "/v1beta/models/veo-3.1-fast-generate-preview:predictLongRunning";
    private static final String VEO_OP = "models/veo-3.1-fast-generate-preview/operations/op-all-1";
    private static final String GEMINI = "/v1beta/models/gemini-2.5-flash:generateContent";

    @RegisterExtension
    static WireMockExtension openrouter = mock();
    @RegisterExtension
    static WireMockExtension fal = mock();
    @RegisterExtension
    static WireMockExtension google = mock();
    @RegisterExtension
    static WireMockExtension elevenlabs = mock();
    @RegisterExtension
    static WireMockExtension openai = mock();
    @RegisterExtension
    static WireMockExtension runware = mock();
    @RegisterExtension
    static WireMockExtension replicate = mock();

    @TempDir
    Path dir;

    private static WireMockExtension mock() {
        return WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).failOnUnmatchedRequests(true)
                .build();
    }

    @AfterEach
    void nothingUnmatched() {
        for (WireMockExtension wm : List.of(openrouter, fal, google, elevenlabs, openai, runware, replicate)) {
            assertThat(wm.findAllUnmatchedRequests()).as("requests no stub matched on " + wm.baseUrl()).isEmpty();
        }
    }

    private static final String PIPELINE = """
            pipeline_name: all_providers
            output_directory: out
            global_config: { cost_limit: 5.00 }
            steps:
              - step_type: prompt_generation
                id: idea
                config: { prompt: "a lighthouse keeper's last night", style: cinematic, model: openrouter-chat }
              - step_type: text_to_image
                id: still
                config: { prompt: "{{steps.idea.text}}", model: flux-dev, image_size: landscape_16_9 }
                output_filename: still.png
              - step_type: image_understanding
                id: describe
                config: { image: "{{steps.still.output}}", question: "Describe the scene in one sentence for a narrator.", model: gemini-vision }
              - step_type: text_to_speech
                id: narration
                config: { text: "{{steps.describe.text}}", voice: Rachel, model: eleven_multilingual_v2 }
                output_filename: narration.mp3
              - step_type: text_to_speech
                id: narration_alt
                config: { text: "{{steps.describe.text}}", model: gpt-4o-mini-tts, voice: alloy, emotion: calm }
                output_filename: narration_alt.mp3
              - step_type: text_to_image
                id: poster
                config: { prompt: "{{steps.idea.text}}", model: gpt-image-1, image_size: square_hd }
                output_filename: poster.png
              - step_type: text_to_image
                id: keyframe
                config: { prompt: "{{steps.idea.text}}", model: runware-flux-dev, aspect_ratio: "16:9" }
                output_filename: keyframe.png
              - step_type: image_to_video
                id: clip
                config: { image: "{{steps.keyframe.output}}", prompt: "slow push in", model: replicate-minimax-video-image-to-video }
                output_filename: clip.mp4
              - step_type: text_to_video
                id: establishing
                config: { prompt: "{{steps.describe.text}}", model: veo-3.1-fast, duration: 4, aspect_ratio: "16:9" }
                output_filename: establishing.mp4
            """;

    /**
     * Prices for what the bundled catalog leaves unknown (a cost limit refuses unknown prices),
     * as a user's ACP_HOME/pricing.yaml; every other step is priced at the published prices of
     * the built-in pricing.yaml.
     */
    private static final String PRICING = """
            version: 1
            providers:
              runware:
                models:
                  runware-flux-dev: { unit: image, price: 0.005, source: test, as_of: "2026-11-22" }
              replicate:
                models:
                  replicate-minimax-video-image-to-video: { unit: request, price: 0.50, source: test, as_of: "2026-11-22" }
            """;

    @Test
    void one_run_through_every_provider_reports_their_request_ids_and_costs_and_leaks_no_key() throws Exception {
        stubOpenRouter();
        stubFal();
        stubGoogle();
        stubElevenLabs();
        stubOpenAi();
        stubRunware();
        stubReplicate();
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(PricingCatalog.FILE_NAME), PRICING);
        Path pipeline = Files.writeString(dir.resolve("pipeline.yaml"), PIPELINE);
        Environment env = environment(home);
        Acp acp = Acp.create(env, ProviderRegistry.of(ProviderContext.of(env, home, Clock.systemUTC()),
                new OpenRouterProviderFactory(), new FalProviderFactory(), new GoogleProviderFactory(),
                new ElevenLabsProviderFactory(), OpenAiTestFactories.playingOpenAi(), new RunwareProviderFactory(),
                new ReplicateProviderFactory()), LocalEngine.Options.defaults(env).withSleeper(d -> { }));
        RunService service = new RunService(acp);

        RunResult result;
        Path runDirectory;
        String runReport;
        Path report;
        BigDecimal limit;
        try (RunService.Session session = service.start(pipeline, RunSettings.run(dir), CacheMode.OFF)) {
            limit = session.plan().spec().global().costLimit();
            RunBudget budget = new RunBudget(new Estimator(PricingCatalog.load(home, null)),
                    new SpendLedger(limit, session.spentByStep(), DailySpend.NONE), false);
            result = session.run(RunListener.NONE, new RunControl(), budget);
            RunReportWriter writer = new RunReportWriter(acp.secrets());
            RunReportWriter.Extras extras = new RunReportWriter.Extras(session.runDirectory(), session.spent(),
                    session.notes(), limit);
            report = writer.write(session.plan(), result, extras);
            runReport = writer.toJson(session.plan(), result, extras);
            session.saveReport(runReport);
            runDirectory = session.runDirectory();
        }

        assertThat(result.status()).as(failures(result)).isEqualTo(RunStatus.SUCCEEDED);
        Map<String, StepResult> steps = new LinkedHashMap<>();
        result.taskResults().forEach(s -> steps.put(s.stepId(), s));
        assertThat(steps.keySet()).containsExactly("idea", "still", "describe", "narration", "narration_alt", "poster",
                "keyframe", "clip", "establishing");

        // Who served each step, and the ids each mock gave out.
        String runwareTask = runwareTaskUuid();
        Map<String, String> providers = Map.of("idea", "openrouter", "still", "fal", "describe", "google",
                "narration", "elevenlabs", "narration_alt", "openai", "poster", "openai", "keyframe", "runware",
                "clip", "replicate", "establishing", "google");
        Map<String, List<String>> ids = Map.of("idea", List.of("gen-idea-1"), "still", List.of("fal-req-1"),
                "describe", List.of("resp-describe-1"), "narration", List.of("el-req-1"),
                "narration_alt", List.of("req_tts_1"), "poster", List.of("req_img_1"),
                "keyframe", List.of(runwareTask, "img-kf-1"), "clip", List.of("pred-clip-1"),
                "establishing", List.of(VEO_OP));
        steps.forEach((id, s) -> {
            assertThat(s.provider()).as(id).isEqualTo(providers.get(id));
            assertThat(s.requestIds()).as(id).containsExactlyElementsOf(ids.get(id));
        });

        // What each step cost: the provider's dollar figure where it reports one ("reported"), else
        // what it reported delivering at the published prices of pricing.yaml ("computed"), else
        // the estimate ("catalog").
        Map<String, BigDecimal> costs = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        costs.put("idea", new BigDecimal("0.0000165"));         // OpenRouter usage.cost
        sources.put("idea", "reported");
        costs.put("still", new BigDecimal("0.025"));            // 1 image 1024x576, 1 whole MP at $0.025
        sources.put("still", "computed");
        costs.put("describe", new BigDecimal("0.000427"));      // 1290 tokens in at $0.30/M + 16 out at $2.50/M
        sources.put("describe", "computed");
        costs.put("narration", new BigDecimal("0.0198"));       // character-cost 66 credits at $0.0003 (no plan set)
        sources.put("narration", "computed");
        costs.put("narration_alt", new BigDecimal("0.0011142")); // gpt-4o-mini-tts bills tokens, not characters:
        sources.put("narration_alt", "catalog");                // ~17 text tokens at $0.60/M + ~92 audio at $12/M
        costs.put("poster", new BigDecimal("0.167"));           // gpt-image-1, 1 image, high quality 1024x1024
        sources.put("poster", "computed");
        costs.put("keyframe", new BigDecimal("0.0038"));        // Runware includeCost
        sources.put("keyframe", "reported");
        costs.put("clip", new BigDecimal("0.50"));              // the user's price per request (none published)
        sources.put("clip", "computed");
        costs.put("establishing", new BigDecimal("0.60"));      // 4 s asked (no readable MP4) at $0.15/s
        sources.put("establishing", "computed");
        costs.forEach((id, cost) -> {
            assertThat(steps.get(id).actualCost()).as(id).isEqualByComparingTo(cost);
            assertThat(steps.get(id).metadata().get("cost_source")).as(id).isEqualTo(sources.get(id));
        });
        assertThat(steps.get("still").metadata()).containsEntry("usage", "1 image (1024×576)")
                .containsEntry("cost_detail", "1 image (1024×576) = 1 MP × $0.025/MP");
        assertThat(steps.get("narration").metadata()).containsEntry("usage", "66 credits");
        assertThat(steps.get("establishing").metadata()).containsEntry("cost_detail", "4 s of video × $0.15/s");
        BigDecimal total = costs.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(result.totalActualCost()).isEqualByComparingTo(total);
        assertThat(total).isLessThan(limit);

        // The outputs are the mocks' bytes, in place.
        Path out = dir.resolve("out");
        assertThat(Files.readAllBytes(out.resolve("still.png"))).isEqualTo(FAL_PNG);
        assertThat(Files.readAllBytes(out.resolve("narration.mp3"))).isEqualTo(ELEVENLABS_MP3);
        assertThat(Files.readAllBytes(out.resolve("narration_alt.mp3"))).isEqualTo(OPENAI_MP3);
        assertThat(Files.readAllBytes(out.resolve("poster.png"))).isEqualTo(OPENAI_PNG);
        assertThat(Files.readAllBytes(out.resolve("keyframe.png"))).isEqualTo(RUNWARE_PNG);
        assertThat(Files.readAllBytes(out.resolve("clip.mp4"))).isEqualTo(REPLICATE_MP4);
        assertThat(Files.readAllBytes(out.resolve("establishing.mp4"))).isEqualTo(VEO_MP4);
        assertThat(steps.get("idea").text()).isEqualTo(IDEA);
        assertThat(steps.get("describe").text()).isEqualTo(DESCRIPTION);

        // Each output fed the next provider as the flow says.
        assertThat(sent(fal, "/fal-ai/flux/dev").get("prompt").asText()).isEqualTo(IDEA);
        assertThat(sent(google, GEMINI).at("/contents/0/parts/0/inlineData/data").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(FAL_PNG));
        assertThat(sent(elevenlabs, "/v1/text-to-speech/" + RACHEL + "?output_format=mp3_44100_128").get("text")
                .asText()).isEqualTo(DESCRIPTION);
        assertThat(sent(openai, "/v1/audio/speech").get("input").asText()).isEqualTo(DESCRIPTION);
        assertThat(sent(openai, "/v1/images/generations").get("prompt").asText()).isEqualTo(IDEA);
        assertThat(replicate.findAll(postRequestedFor(urlEqualTo("/v1/files"))).get(0).getBody())
                .as("Runware's keyframe is uploaded to Replicate").containsSequence(RUNWARE_PNG);
        assertThat(sent(replicate, "/v1/models/minimax/video-01/predictions").at("/input/first_frame_image").asText())
                .isEqualTo("https://api.replicate.com/v1/files/f-kf-1");
        assertThat(sent(google, VEO_SUBMIT).at("/instances/0/prompt").asText()).contains(DESCRIPTION);
        // Paid submissions went out once each.
        fal.verify(1, postRequestedFor(urlEqualTo("/fal-ai/flux/dev")));
        google.verify(1, postRequestedFor(urlEqualTo(VEO_SUBMIT)));
        replicate.verify(1, postRequestedFor(urlEqualTo("/v1/models/minimax/video-01/predictions")));
        runware.verify(1, postRequestedFor(urlEqualTo("/v1")).withRequestBody(matchingJsonPath("$[0].taskType",
                equalTo("imageInference"))));

        // run.json: per-step request ids and costs, and a total per provider.
        for (String json : List.of(Files.readString(report), Files.readString(runDirectory.resolve("run.json")))) {
            JsonNode root = Json.MAPPER.readTree(json);
            assertThat(root.get("status").asText()).isEqualTo("succeeded");
            Map<String, JsonNode> byId = new HashMap<>();
            root.get("step_results").forEach(s -> byId.put(s.get("step_id").asText(), s));
            assertThat(byId).hasSize(9);
            ids.forEach((id, expected) -> {
                List<String> reported = new ArrayList<>();
                byId.get(id).get("provider_request_ids").forEach(n -> reported.add(n.asText()));
                assertThat(reported).as(id).containsExactlyElementsOf(expected);
                assertThat(byId.get(id).get("provider").asText()).as(id).isEqualTo(providers.get(id));
                assertThat(byId.get(id).get("actual_cost").asDouble()).as(id)
                        .isCloseTo(inReport(costs.get(id)), within(1e-9));
            });
            Map<String, BigDecimal> perProvider = new LinkedHashMap<>();
            costs.forEach((id, c) -> perProvider.merge(providers.get(id), c, BigDecimal::add));
            JsonNode byProvider = root.get("cost_by_provider");
            assertThat(byProvider.size()).isEqualTo(7);
            perProvider.forEach((p, c) -> {
                assertThat(byProvider.get(p).asDouble()).as(p).isCloseTo(inReport(c), within(1e-9));
                assertThat(root.at("/cost/by_provider/" + p + "/actual").asDouble()).as(p)
                        .isCloseTo(inReport(c), within(1e-9));
            });
            assertThat(root.get("total_cost").asDouble()).isCloseTo(inReport(total), within(1e-9));
            assertThat(root.at("/cost/limit").asDouble()).isEqualTo(5.0);
            // Every reservation covered what its step was billed, and nothing was refused.
            assertThat(root.at("/cost/overruns")).isEmpty();
            assertThat(root.at("/cost/budget_skipped")).isEmpty();
        }

        // No key in any file the run left: report, journal, run folder, ACP_HOME (cache off: no
        // artifacts, but the voices list ElevenLabs names are resolved through may be kept there).
        List<Path> written = new ArrayList<>();
        try (Stream<Path> files = Stream.concat(Files.walk(home), Files.walk(out))) {
            files.filter(Files::isRegularFile).forEach(written::add);
        }
        assertThat(written).contains(runDirectory.resolve("journal.jsonl"), runDirectory.resolve("run.json"), report);
        for (Path file : written) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String key : KEYS) {
                assertThat(text).as(file + " must not contain a key").doesNotContain(key);
            }
        }
        assertThat(runReport).contains("gen-idea-1").contains(VEO_OP);
    }

    // ---- the mocks -----------------------------------------------------------------------------

    private Environment environment(Path home) {
        Map<String, String> env = new HashMap<>();
        env.put("ACP_HOME", home.toString());
        env.put("OPENROUTER_API_KEY", OPENROUTER_KEY);
        env.put("ACP_OPENROUTER_BASE_URL", openrouter.baseUrl() + "/api/v1");
        env.put("FAL_KEY", FAL_KEY);
        env.put("ACP_FAL_BASE_URL", fal.baseUrl());
        env.put("GOOGLE_API_KEY", GOOGLE_KEY);
        env.put("ACP_GOOGLE_BASE_URL", google.baseUrl());
        env.put("ELEVENLABS_API_KEY", ELEVENLABS_KEY);
        env.put("ACP_ELEVENLABS_BASE_URL", elevenlabs.baseUrl());
        env.put("OPENAI_API_KEY", OPENAI_KEY);
        env.put("ACP_OPENAI_BASE_URL", openai.baseUrl() + "/v1");
        env.put("RUNWARE_API_KEY", RUNWARE_KEY);
        env.put("ACP_RUNWARE_BASE_URL", runware.baseUrl());
        env.put("REPLICATE_API_TOKEN", REPLICATE_TOKEN);
        env.put("ACP_REPLICATE_BASE_URL", replicate.baseUrl());
        return Environment.of(env);
    }

    /**
     * providers.md 3.2: a chat completion whose usage carries OpenRouter's cost (what 42 tokens in
     * and 17 out cost at gpt-4o-mini's published prices).
     */
    private static void stubOpenRouter() throws Exception {
        String body = Json.MAPPER.writeValueAsString(Map.of("id", "gen-idea-1", "object", "chat.completion",
                "created", 1_772_366_400, "model", "openai/gpt-4o-mini", "provider", "OpenAI",
                "choices", List.of(Map.of("index", 0, "finish_reason", "stop", "native_finish_reason", "stop",
                        "message", Map.of("role", "assistant", "content", IDEA))),
                "usage", Map.of("prompt_tokens", 42, "completion_tokens", 17, "total_tokens", 59, "cost", 0.0000165,
                        "is_byok", false)));
        openrouter.stubFor(post(urlEqualTo("/api/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + OPENROUTER_KEY))
                .willReturn(okJson(body).withHeader("X-Generation-Id", "gen-idea-1")));
    }

    /** providers.md 1.3 and 1.6: submit, status (COMPLETED), result, and the image's URL. */
    private static void stubFal() {
        String base = fal.baseUrl() + "/fal-ai/flux/requests/fal-req-1";
        fal.stubFor(post(urlEqualTo("/fal-ai/flux/dev")).withHeader("Authorization", equalTo("Key " + FAL_KEY))
                .willReturn(okJson("{\"request_id\":\"fal-req-1\",\"status\":\"IN_QUEUE\",\"queue_position\":0,"
                        + "\"status_url\":\"" + base + "/status\",\"response_url\":\"" + base + "\",\"cancel_url\":\""
                        + base + "/cancel\"}")));
        fal.stubFor(get(urlPathEqualTo("/fal-ai/flux/requests/fal-req-1/status")).willReturn(okJson(
                "{\"status\":\"COMPLETED\",\"logs\":null,\"metrics\":{\"inference_time\":1.73},\"error\":null,"
                        + "\"error_type\":null}")));
        fal.stubFor(get(urlEqualTo("/fal-ai/flux/requests/fal-req-1")).willReturn(okJson(
                "{\"images\":[{\"url\":\"" + fal.baseUrl() + "/files/still.png\",\"width\":1024,\"height\":576,"
                        + "\"content_type\":\"image/png\"}],\"timings\":{\"inference\":1.23},\"seed\":7,"
                        + "\"has_nsfw_concepts\":[false],\"prompt\":\"x\"}")));
        fal.stubFor(get(urlEqualTo("/files/still.png")).willReturn(aResponse().withHeader("Content-Type", "image/png")
                .withBody(FAL_PNG)));
    }

    /** providers.md 6.2 and 6.3: generateContent, then predictLongRunning, its operation and the download. */
    private static void stubGoogle() {
        google.stubFor(post(urlEqualTo(GEMINI)).withHeader("x-goog-api-key", equalTo(GOOGLE_KEY)).willReturn(okJson(
                "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"" + DESCRIPTION + "\"}]},"
                        + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":1290,"
                        + "\"candidatesTokenCount\":16,\"totalTokenCount\":1306},\"modelVersion\":\"gemini-2.5-flash\","
                        + "\"responseId\":\"resp-describe-1\"}")));
        google.stubFor(post(urlEqualTo(VEO_SUBMIT)).withHeader("x-goog-api-key", equalTo(GOOGLE_KEY))
                .willReturn(okJson("{\"name\":\"" + VEO_OP + "\",\"done\":false}")));
        google.stubFor(get(urlEqualTo("/v1beta/" + VEO_OP)).inScenario("veo").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"name\":\"" + VEO_OP + "\",\"done\":false}")).willSetStateTo("done"));
        google.stubFor(get(urlEqualTo("/v1beta/" + VEO_OP)).inScenario("veo").whenScenarioStateIs("done")
                .willReturn(okJson("{\"name\":\"" + VEO_OP + "\",\"done\":true,\"response\":{\"@type\":\"type.googleapis"
                        + ".com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse\",\"generateVideoResponse\":"
                        + "{\"generatedSamples\":[{\"video\":{\"uri\":\"https://generativelanguage.googleapis.com/v1beta/"
                        + "files/veoall1:download?alt=media\"}}],\"raiMediaFilteredCount\":0}}}")));
        google.stubFor(get(urlEqualTo("/v1beta/files/veoall1:download?alt=media"))
                .withHeader("x-goog-api-key", equalTo(GOOGLE_KEY))
                .willReturn(aResponse().withHeader("Content-Type", "video/mp4").withBody(VEO_MP4)));
    }

    /** providers.md 2.2 and 2.3: the voices list (the voice is named), then the speech with its billing headers. */
    private static void stubElevenLabs() {
        elevenlabs.stubFor(get(urlEqualTo("/v1/voices?show_legacy=true"))
                .withHeader("xi-api-key", equalTo(ELEVENLABS_KEY)).willReturn(okJson(
                        "{\"voices\":[{\"voice_id\":\"" + RACHEL + "\",\"name\":\"Rachel\",\"category\":\"premade\"},"
                                + "{\"voice_id\":\"pNInz6obpgDQGcFmaJgB\",\"name\":\"Adam\",\"category\":\"premade\"}]}")));
        elevenlabs.stubFor(post(urlEqualTo("/v1/text-to-speech/" + RACHEL + "?output_format=mp3_44100_128"))
                .withHeader("xi-api-key", equalTo(ELEVENLABS_KEY))
                .willReturn(aResponse().withHeader("Content-Type", "audio/mpeg").withHeader("request-id", "el-req-1")
                        .withHeader("history-item-id", "hist-all-1")
                        .withHeader("character-cost", String.valueOf(DESCRIPTION.length()))
                        .withHeader("current-concurrent-requests", "1").withHeader("maximum-concurrent-requests", "5")
                        .withBody(ELEVENLABS_MP3)));
    }

    /** OpenAI's speech and images (the contract tests' shapes; providers.md has no section on them). */
    private static void stubOpenAi() {
        openai.stubFor(post(urlEqualTo("/v1/audio/speech")).withHeader("Authorization", equalTo("Bearer " + OPENAI_KEY))
                .willReturn(aResponse().withHeader("Content-Type", "audio/mpeg").withHeader("x-request-id", "req_tts_1")
                        .withBody(OPENAI_MP3)));
        openai.stubFor(post(urlEqualTo("/v1/images/generations"))
                .withHeader("Authorization", equalTo("Bearer " + OPENAI_KEY)).willReturn(okJson("{\"created\":1,"
                        + "\"data\":[{\"b64_json\":\"" + Base64.getEncoder().encodeToString(OPENAI_PNG) + "\"}],"
                        + "\"usage\":{\"input_tokens\":10,\"output_tokens\":1056,\"total_tokens\":1066,"
                        + "\"input_tokens_details\":{\"text_tokens\":10,\"image_tokens\":0}}}")
                        .withHeader("x-request-id", "req_img_1")));
    }

    /**
     * providers.md 4.2 to 4.4: a lookup of the attempt's task finds nothing, the async submission is
     * acknowledged, and the poll returns the image with its cost.
     */
    private static void stubRunware() {
        runware.stubFor(runwareTask("getResponse").inScenario("rw").whenScenarioStateIs(STARTED).willReturn(aResponse()
                .withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"code\":\"taskFailedOrNotFound\",\"message\":\"no such task\"}]}")));
        runware.stubFor(runwareTask("imageInference").inScenario("rw").willReturn(okJson("{\"data\":[]}"))
                .willSetStateTo("accepted"));
        runware.stubFor(runwareTask("getResponse").inScenario("rw").whenScenarioStateIs("accepted").willReturn(okJson(
                "{\"data\":[{\"taskType\":\"imageInference\",\"status\":\"success\",\"imageUUID\":\"img-kf-1\","
                        + "\"imageURL\":\"" + runware.baseUrl() + "/image/img-kf-1.png\",\"cost\":0.0038,\"seed\":5,"
                        + "\"NSFWContent\":false}]}")));
        runware.stubFor(get(urlEqualTo("/image/img-kf-1.png")).willReturn(aResponse()
                .withHeader("Content-Type", "image/png").withBody(RUNWARE_PNG)));
    }

    private static MappingBuilder runwareTask(String taskType) {
        return post(urlEqualTo("/v1")).withHeader("Authorization", equalTo("Bearer " + RUNWARE_KEY))
                .withRequestBody(matchingJsonPath("$[0].taskType", equalTo(taskType)));
    }

    /** providers.md 7.2, 7.3 and 7.5: the keyframe uploaded, the prediction created and polled, the video fetched. */
    private static void stubReplicate() {
        String auth = "Bearer " + REPLICATE_TOKEN;
        replicate.stubFor(post(urlEqualTo("/v1/files")).withHeader("Authorization", equalTo(auth)).willReturn(
                created("{\"id\":\"f-kf-1\",\"name\":\"keyframe.png\",\"content_type\":\"image/png\",\"size\":10,"
                        + "\"urls\":{\"get\":\"https://api.replicate.com/v1/files/f-kf-1\"}}")));
        replicate.stubFor(post(urlEqualTo("/v1/models/minimax/video-01/predictions"))
                .withHeader("Authorization", equalTo(auth)).willReturn(created("{\"id\":\"pred-clip-1\","
                        + "\"model\":\"minimax/video-01\",\"status\":\"starting\",\"error\":null,\"urls\":{\"get\":\""
                        + replicate.baseUrl() + "/v1/predictions/pred-clip-1\",\"cancel\":\"" + replicate.baseUrl()
                        + "/v1/predictions/pred-clip-1/cancel\"}}")));
        // The delivery host differs from the API host (127.0.0.1, not localhost): no token is sent there.
        String delivery = replicate.baseUrl().replace("localhost", "127.0.0.1");
        replicate.stubFor(get(urlEqualTo("/v1/predictions/pred-clip-1")).withHeader("Authorization", equalTo(auth))
                .willReturn(okJson("{\"id\":\"pred-clip-1\",\"model\":\"minimax/video-01\",\"status\":\"succeeded\","
                        + "\"output\":\"" + delivery + "/d/pred-clip-1.mp4\",\"error\":null,"
                        + "\"metrics\":{\"predict_time\":12.5}}")));
        replicate.stubFor(get(urlEqualTo("/d/pred-clip-1.mp4")).willReturn(aResponse()
                .withHeader("Content-Type", "video/mp4").withBody(REPLICATE_MP4)));
    }

    private static ResponseDefinitionBuilder created(String json) {
        return aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(json);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** The body of the one request a mock received at {@code url}. */
    private static JsonNode sent(WireMockExtension wm, String url) throws Exception {
        var requests = wm.findAll(postRequestedFor(urlEqualTo(url)));
        assertThat(requests).as(url).hasSize(1);
        return Json.MAPPER.readTree(requests.get(0).getBodyAsString());
    }

    /** The task UUID ACP made for the Runware submission. */
    private static String runwareTaskUuid() throws Exception {
        JsonNode task = null;
        for (var r : runware.findAll(postRequestedFor(urlEqualTo("/v1")))) {
            JsonNode body = Json.MAPPER.readTree(r.getBodyAsString());
            if (body.at("/0/taskType").asText().equals("imageInference")) {
                task = body.get(0);
            }
        }
        assertThat(task).isNotNull();
        return task.get("taskUUID").asText();
    }

    /** An amount as run.json writes it: to the millionth of a dollar. */
    private static double inReport(BigDecimal amount) {
        return amount.setScale(6, java.math.RoundingMode.HALF_UP).doubleValue();
    }

    private static String failures(RunResult result) {
        StringBuilder b = new StringBuilder();
        result.taskResults().stream().filter(s -> !s.succeeded()).forEach(s -> b.append(s.stepId()).append(": ")
                .append(s.error() == null ? s.reason() : s.error().message()).append('\n'));
        return b.toString();
    }
}
