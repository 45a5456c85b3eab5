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
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.Usage;
import dev.acp.providers.support.Json;
import dev.acp.providers.support.RepairMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gemini's {@code generateContent} and Files API against WireMock (providers.md 6.2, 6.4): the
 * requests the three text tasks send, how answers and refusals are read, the error table, and
 * that the key never shows. Every request must match a stub.
 */
final class GeminiContractTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .failOnUnmatchedRequests(true).build();

    @TempDir
    Path dir;

    private GoogleTestSupport support;
    private GoogleProvider google;

    @BeforeEach
    void setUp() {
        support = new GoogleTestSupport(wm.baseUrl(), dir);
        google = support.provider();
    }

    @AfterEach
    void nothingUnmatched() {
        assertThat(wm.findAllUnmatchedRequests()).as("requests no stub matched").isEmpty();
    }

    private static String answer(String text, String finishReason) {
        return """
                {"candidates":[{"content":{"role":"model","parts":[{"text":%s}]},"finishReason":"%s","index":0}],
                 "usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":34,"totalTokenCount":50,"thoughtsTokenCount":4},
                 "modelVersion":"gemini-2.5-flash","responseId":"resp-1"}""".formatted(Json.MAPPER.valueToTree(text),
                finishReason);
    }

    private JsonNode sentBody(String path) throws Exception {
        List<LoggedRequest> sent = wm.findAll(postRequestedFor(urlEqualTo(path)));
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getHeader("x-goog-api-key")).isEqualTo(GoogleTestSupport.KEY);
        assertThat(sent.get(0).getUrl()).doesNotContain("key=");
        return Json.MAPPER.readTree(sent.get(0).getBodyAsString());
    }

    // ---- happy paths ---------------------------------------------------------------------------

    @Test
    void prompt_generation_sends_the_idea_with_a_system_instruction_and_returns_the_prompt() throws Exception {
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(answer("\"A red fox at dawn, misty pines.\"", "STOP"))));

        ProviderResult r = google.execute(GoogleTestSupport.request(Capability.PROMPT_GENERATION, null,
                Map.of("prompt", "a fox", "style", "watercolour", "temperature", 0.7, "max_tokens", 200, "top_p", 0.9),
                dir.resolve("p.txt")));

        assertThat(r.text()).isEqualTo("A red fox at dawn, misty pines.");
        assertThat(r.actualCost()).isNull();
        assertThat(r.requestIds()).containsExactly("resp-1");
        assertThat(r.metadata()).containsEntry("model", "gemini-2.5-flash").containsEntry("style", "watercolour")
                .containsEntry("finish_reason", "STOP")
                .containsEntry("tokens", Map.of("prompt", 12L, "output", 34L, "thoughts", 4L, "total", 50L));
        JsonNode body = sentBody(GENERATE);
        assertThat(body.at("/contents/0/role").asText()).isEqualTo("user");
        assertThat(body.at("/contents/0/parts/0/text").asText()).contains("Idea: a fox").contains("Style: watercolour");
        assertThat(body.at("/systemInstruction/parts/0/text").asText()).startsWith("You write prompts");
        assertThat(body.at("/generationConfig/temperature").asDouble()).isEqualTo(0.7);
        assertThat(body.at("/generationConfig/topP").asDouble()).isEqualTo(0.9);
        assertThat(body.at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(200);
        assertThat(body.at("/generationConfig").has("responseMimeType")).isFalse();
    }

    @Test
    void prompt_variants_are_asked_for_with_a_json_schema_and_numbered() throws Exception {
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(answer("{\"prompts\":[\"one\",\"two\",\"three\"]}", "STOP"))));

        ProviderResult r = google.execute(GoogleTestSupport.request(Capability.PROMPT_GENERATION, "gemini-prompts",
                Map.of("prompt", "a fox", "count", 3), dir.resolve("p.txt")));

        assertThat(r.text()).isEqualTo("1. one\n2. two\n3. three");
        assertThat(r.metadata()).containsEntry("variants", List.of("one", "two", "three"));
        JsonNode config = sentBody(GENERATE).get("generationConfig");
        assertThat(config.get("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(config.at("/responseJsonSchema/properties/prompts/type").asText()).isEqualTo("array");
    }

    @Test
    void image_understanding_sends_a_small_image_inline_before_the_question() throws Exception {
        Path image = dir.resolve("cat.png");
        Files.write(image, PNG);
        wm.stubFor(post(urlEqualTo("/v1beta/models/gemini-2.5-pro:generateContent"))
                .willReturn(okJson(answer("A cat on a mat.", "STOP"))));

        ProviderResult r = google.execute(GoogleTestSupport.request(Capability.IMAGE_UNDERSTANDING, "gemini-pro-vision",
                Map.of("image", image.toString(), "question", "What animal?"), dir.resolve("d.txt")));

        assertThat(r.text()).isEqualTo("A cat on a mat.");
        assertThat(r.metadata()).containsEntry("input_transfer", "inline").containsEntry("image_source", "file")
                .containsEntry("model", "gemini-2.5-pro");
        JsonNode parts = sentBody("/v1beta/models/gemini-2.5-pro:generateContent").at("/contents/0/parts");
        assertThat(parts.at("/0/inlineData/mimeType").asText()).isEqualTo("image/png");
        assertThat(parts.at("/0/inlineData/data").asText()).isEqualTo(Base64.getEncoder().encodeToString(PNG));
        assertThat(parts.at("/1/text").asText()).isEqualTo("What animal?");
    }

    @Test
    void a_file_over_the_inline_limit_is_uploaded_once_waited_for_until_active_and_referenced_by_uri() throws Exception {
        google = support.provider(8);
        Path video = dir.resolve("clip.mp4");
        byte[] bytes = "\0\0\0 ftypisom a video bigger than eight bytes".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(video, bytes);
        wm.stubFor(post(urlEqualTo("/upload/v1beta/files")).withHeader("X-Goog-Upload-Command", equalTo("start"))
                .willReturn(aResponse().withStatus(200).withHeader("X-Goog-Upload-URL",
                        wm.baseUrl() + "/upload/v1beta/files?upload_id=u-1&upload_protocol=resumable")));
        wm.stubFor(post(urlEqualTo("/upload/v1beta/files?upload_id=u-1&upload_protocol=resumable"))
                .willReturn(okJson("""
                        {"file":{"name":"files/abc123","uri":"%s/v1beta/files/abc123","mimeType":"video/mp4",
                                 "state":"PROCESSING"}}""".formatted(wm.baseUrl()))));
        wm.stubFor(get(urlEqualTo("/v1beta/files/abc123")).inScenario("file").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"name\":\"files/abc123\",\"state\":\"PROCESSING\"}")).willSetStateTo("active"));
        wm.stubFor(get(urlEqualTo("/v1beta/files/abc123")).inScenario("file").whenScenarioStateIs("active")
                .willReturn(okJson("{\"name\":\"files/abc123\",\"mimeType\":\"video/mp4\",\"state\":\"ACTIVE\"}")));
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(answer("Waves roll in.", "STOP"))));
        Map<String, Object> p = Map.of("image", video.toString(), "prompt", "What happens?");

        ProviderResult r = google.execute(GoogleTestSupport.request(Capability.IMAGE_UNDERSTANDING, null, p,
                dir.resolve("a.txt")));
        google.execute(GoogleTestSupport.request(Capability.IMAGE_UNDERSTANDING, null, p, dir.resolve("b.txt")));

        assertThat(r.text()).isEqualTo("Waves roll in.");
        assertThat(r.metadata()).containsEntry("input_transfer", "files_api").containsEntry("input_file", "files/abc123");
        LoggedRequest start = wm.findAll(postRequestedFor(urlEqualTo("/upload/v1beta/files"))).get(0);
        assertThat(start.getHeader("x-goog-api-key")).isEqualTo(GoogleTestSupport.KEY);
        assertThat(start.getHeader("X-Goog-Upload-Protocol")).isEqualTo("resumable");
        assertThat(start.getHeader("X-Goog-Upload-Header-Content-Length")).isEqualTo(Integer.toString(bytes.length));
        assertThat(start.getHeader("X-Goog-Upload-Header-Content-Type")).isEqualTo("video/mp4");
        assertThat(Json.MAPPER.readTree(start.getBodyAsString()).at("/file/displayName").asText()).isEqualTo("clip.mp4");
        LoggedRequest upload = wm.findAll(postRequestedFor(urlPathEqualTo("/upload/v1beta/files"))
                .withQueryParam("upload_id", equalTo("u-1"))).get(0);
        assertThat(upload.getHeader("X-Goog-Upload-Command")).isEqualTo("upload, finalize");
        assertThat(upload.getHeader("X-Goog-Upload-Offset")).isEqualTo("0");
        assertThat(upload.getBody()).isEqualTo(bytes);
        wm.verify(1, postRequestedFor(urlEqualTo("/upload/v1beta/files")));
        wm.verify(2, getRequestedFor(urlEqualTo("/v1beta/files/abc123")));
        assertThat(support.sleeps).containsOnly(GeminiFiles.ACTIVE_POLL);
        assertThat(google.uploads()).isEqualTo(1);
        List<LoggedRequest> generated = wm.findAll(postRequestedFor(urlEqualTo(GENERATE)));
        assertThat(generated).hasSize(2);
        JsonNode part = Json.MAPPER.readTree(generated.get(0).getBodyAsString()).at("/contents/0/parts/0/fileData");
        assertThat(part.get("fileUri").asText()).isEqualTo(wm.baseUrl() + "/v1beta/files/abc123");
        assertThat(part.get("mimeType").asText()).isEqualTo("video/mp4");
    }

    @Test
    void an_upload_gemini_cannot_process_refuses_the_step_before_generating() throws Exception {
        google = support.provider(8);
        Path image = dir.resolve("big.png");
        Files.write(image, new byte[64]);
        wm.stubFor(post(urlEqualTo("/upload/v1beta/files")).willReturn(aResponse().withStatus(200)
                .withHeader("X-Goog-Upload-URL", wm.baseUrl() + "/up/1")));
        wm.stubFor(post(urlEqualTo("/up/1")).willReturn(okJson("""
                {"file":{"name":"files/bad1","uri":"https://x/files/bad1","state":"FAILED",
                         "error":{"code":3,"message":"unsupported image"}}}""")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.execute(
                GoogleTestSupport.request(Capability.IMAGE_UNDERSTANDING, null, Map.of("image", image.toString()),
                        dir.resolve("x.txt"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).contains("files/bad1").contains("unsupported image");
        wm.verify(0, postRequestedFor(urlEqualTo(GENERATE)));
    }

    @Test
    void story_to_scenes_asks_for_json_by_schema_and_returns_the_canonical_scenes() throws Exception {
        String scenes = "{\"scenes\":[{\"title\":\"Dawn\",\"description\":\"The fox wakes.\",\"image_prompt\":\"a fox"
                + " in a misty forest\",\"narration\":\"At dawn, the fox woke.\",\"duration\":\"5\"}]}";
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(answer(scenes, "STOP"))));

        ProviderResult r = google.execute(GoogleTestSupport.request(Capability.STORY_TO_SCENES, "gemini-scenes",
                Map.of("story", "A fox wakes up.", "num_scenes", 2), dir.resolve("s.json")));

        assertThat(Json.MAPPER.readTree(r.text()).at("/scenes/0/duration").asInt()).isEqualTo(5);
        assertThat(r.metadata()).containsEntry("scenes", 1).containsEntry("note", "asked for 2 scenes, the model wrote 1");
        JsonNode body = sentBody(GENERATE);
        assertThat(body.at("/generationConfig/responseMimeType").asText()).isEqualTo("application/json");
        assertThat(body.at("/generationConfig/responseJsonSchema/properties/scenes/items/required").toString())
                .contains("image_prompt").contains("duration");
        assertThat(body.at("/contents/0/parts/0/text").asText()).contains("exactly 2 scenes").contains("A fox wakes up.");
    }

    @Test
    void a_thinking_models_thoughts_are_not_part_of_the_answer() throws Exception {
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson("""
                {"candidates":[{"content":{"parts":[{"text":"let me think","thought":true},{"text":"A fox."}]},
                 "finishReason":"STOP"}]}""")));

        ProviderResult r = google.execute(GoogleTestSupport.request(Capability.PROMPT_GENERATION, null,
                Map.of("prompt", "fox"), dir.resolve("p.txt")));

        assertThat(r.text()).isEqualTo("A fox.");
        assertThat(r.requestIds()).isEmpty();
    }

    @Test
    void the_gemini_api_key_variable_is_accepted_and_a_v1beta_base_url_too() throws Exception {
        GoogleProvider other = new GoogleTestSupport(dir, Map.of("GEMINI_API_KEY", "gemini-variable-key-42",
                "ACP_GOOGLE_BASE_URL", wm.baseUrl() + "/v1beta/")).provider();
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(answer("ok", "STOP"))));

        other.execute(GoogleTestSupport.request(Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"),
                dir.resolve("p.txt")));

        wm.verify(1, postRequestedFor(urlEqualTo(GENERATE)).withHeader("x-goog-api-key", equalTo("gemini-variable-key-42")));
    }

    @Test
    void without_a_key_nothing_is_sent_and_the_variables_are_named() {
        GoogleProvider keyless = new GoogleTestSupport(dir, Map.of("ACP_GOOGLE_BASE_URL", wm.baseUrl())).provider();

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> keyless.execute(
                GoogleTestSupport.request(Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"), dir.resolve("p.txt"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
        assertThat(e.getMessage()).contains("GOOGLE_API_KEY or GEMINI_API_KEY");
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    // ---- what settles the cost -----------------------------------------------------------------

    @Test
    void the_tokens_counted_are_reported_with_the_thinking_as_output() throws Exception {
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(answer("\"A fox.\"", "STOP"))));

        ProviderResult r = google.execute(GoogleTestSupport.request(Capability.PROMPT_GENERATION, null,
                Map.of("prompt", "a fox"), dir.resolve("p.txt")));

        // 34 answer tokens and 4 thinking tokens, both billed at the output price.
        assertThat(r.usage()).isEqualTo(new Usage.Tokens(12, 38));
        assertThat(r.actualCost()).isNull();
    }

    static Stream<String> usageMetadataWithoutASignal() {
        return Stream.of("",
                ",\"usageMetadata\":{\"totalTokenCount\":50}",
                ",\"usageMetadata\":{\"promptTokenCount\":12}",
                ",\"usageMetadata\":{\"promptTokenCount\":-3,\"candidatesTokenCount\":34}",
                ",\"usageMetadata\":{\"promptTokenCount\":\"twelve\",\"candidatesTokenCount\":34}",
                ",\"usageMetadata\":\"n/a\"");
    }

    @ParameterizedTest
    @MethodSource("usageMetadataWithoutASignal")
    void an_answer_whose_token_counts_are_missing_or_malformed_reports_none_and_still_answers(String usage)
            throws Exception {
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson("{\"candidates\":[{\"content\":{\"role\":\"model\","
                + "\"parts\":[{\"text\":\"A fox.\"}]},\"finishReason\":\"STOP\",\"index\":0}]" + usage
                + ",\"responseId\":\"resp-2\"}")));

        ProviderResult r = google.execute(GoogleTestSupport.request(Capability.PROMPT_GENERATION, null,
                Map.of("prompt", "a fox"), dir.resolve("p.txt")));

        assertThat(r.text()).isEqualTo("A fox.");
        assertThat(r.usage()).isNull();
        assertThat(r.actualCost()).isNull();
    }

    // ---- refusals in a successful answer -------------------------------------------------------

    @Test
    void a_blocked_prompt_is_a_content_policy_failure() {
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(
                "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"},\"responseId\":\"r-9\"}")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.execute(
                GoogleTestSupport.request(Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"), dir.resolve("p.txt"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.CONTENT_POLICY);
        assertThat(e.getMessage()).contains("blocked the prompt (SAFETY)");
        assertThat(e.requestId()).contains("r-9");
    }

    @Test
    void an_answer_stopped_by_a_safety_filter_is_a_content_policy_failure() {
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(answer("", "SAFETY"))));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.execute(
                GoogleTestSupport.request(Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"), dir.resolve("p.txt"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.CONTENT_POLICY);
    }

    @Test
    void scenes_cut_off_at_the_token_limit_are_a_validation_failure_naming_the_fix() {
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(answer("{\"scenes\":[{\"title\":\"Da", "MAX_TOKENS"))));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.execute(
                GoogleTestSupport.request(Capability.STORY_TO_SCENES, null, Map.of("story", "x"), dir.resolve("s.json"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).contains("raise max_tokens");
    }

    @Test
    void malformed_scenes_without_the_token_limit_are_transient() {
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(answer("Once upon a time", "STOP"))));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.execute(
                GoogleTestSupport.request(Capability.STORY_TO_SCENES, null, Map.of("story", "x"), dir.resolve("s.json"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
    }

    @Test
    void a_malformed_json_answer_is_transient_and_not_resent() {
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"candidates\":[")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.execute(
                GoogleTestSupport.request(Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"), dir.resolve("p.txt"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.getMessage()).contains("not valid JSON");
        wm.verify(1, postRequestedFor(urlEqualTo(GENERATE)));
    }

    // ---- the repair turn of story_to_scenes -------------------------------------------------

    private static final String GARBAGE = "Sure! Scene one: the fox wakes. Scene two: it runs.";
    private static final String GOOD_SCENES = "{\"scenes\":[{\"title\":\"Dawn\",\"description\":\"The fox wakes.\","
            + "\"image_prompt\":\"a fox in a misty forest\",\"narration\":\"At dawn, the fox woke.\",\"duration\":4},"
            + "{\"title\":\"Run\",\"description\":\"The fox runs.\",\"image_prompt\":\"a fox running through"
            + " ferns\",\"narration\":\"Then it ran.\",\"duration\":3}]}";
    private static final Map<String, Object> STORY = Map.of("story", "A fox wakes up and runs.", "num_scenes", 2);

    /** The bodies of the generateContent calls, oldest first. */
    private static List<JsonNode> sentBodies() throws Exception {
        List<JsonNode> bodies = new ArrayList<>();
        for (var event : wm.getAllServeEvents().reversed()) {
            if (event.getRequest().getUrl().equals(GENERATE)) {
                bodies.add(Json.MAPPER.readTree(event.getRequest().getBodyAsString()));
            }
        }
        return bodies;
    }

    private ProviderResult scenes(GoogleProvider provider, String stepId) throws Exception {
        return scenes(provider, "run-1", stepId);
    }

    private ProviderResult scenes(GoogleProvider provider, String runId, String stepId) throws Exception {
        return provider.execute(GoogleTestSupport.request(runId, stepId, Capability.STORY_TO_SCENES, null, STORY,
                dir.resolve(stepId + ".json")));
    }

    private void garbageThenScenes() {
        wm.stubFor(post(urlEqualTo(GENERATE)).inScenario("repair").whenScenarioStateIs(STARTED)
                .willReturn(okJson(answer(GARBAGE, "STOP"))).willSetStateTo("good"));
        wm.stubFor(post(urlEqualTo(GENERATE)).inScenario("repair").whenScenarioStateIs("good")
                .willReturn(okJson(answer(GOOD_SCENES, "STOP"))));
    }

    @Test
    void an_unusable_scene_answer_is_shown_with_its_reason_to_the_next_attempt_of_the_step() throws Exception {
        garbageThenScenes();

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> scenes(google, "scenes"));
        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        ProviderResult r = scenes(google, "scenes");

        assertThat(Json.MAPPER.readTree(r.text()).get("scenes")).hasSize(2);
        List<JsonNode> bodies = sentBodies();
        assertThat(bodies).hasSize(2);
        assertThat(bodies.get(0).get("contents")).hasSize(1);
        JsonNode retry = bodies.get(1).get("contents");
        assertThat(retry).hasSize(3);
        assertThat(retry.get(0)).as("the original user turn, unchanged").isEqualTo(bodies.get(0).at("/contents/0"));
        assertThat(retry.at("/1/role").asText()).isEqualTo("model");
        assertThat(retry.at("/1/parts")).hasSize(1);
        assertThat(retry.at("/1/parts/0/text").asText()).isEqualTo(GARBAGE);
        assertThat(retry.at("/2/role").asText()).isEqualTo("user");
        assertThat(retry.at("/2/parts/0/text").asText())
                .startsWith("Your previous answer was not usable: the answer is not JSON")
                .endsWith(". Answer again with JSON only that matches the schema.");
        assertThat(bodies.get(1).get("generationConfig")).as("the schema is asked for again")
                .isEqualTo(bodies.get(0).get("generationConfig"));
        assertThat(bodies.get(1).get("systemInstruction")).isEqualTo(bodies.get(0).get("systemInstruction"));

        // success clears the memory: the step's next run asks afresh
        scenes(google, "scenes");
        assertThat(sentBodies().get(2).get("contents")).hasSize(1);
    }

    @Test
    void a_good_first_answer_sends_no_repair_turn() throws Exception {
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(answer(GOOD_SCENES, "STOP"))));

        scenes(google, "scenes");
        scenes(google, "scenes");

        assertThat(sentBodies()).hasSize(2).allSatisfy(body -> {
            assertThat(body.get("contents")).hasSize(1);
            assertThat(body.at("/contents/0/role").asText()).isEqualTo("user");
            assertThat(body.toString()).doesNotContain("\"model\"").doesNotContain("previous answer");
        });
    }

    @Test
    void a_rejected_answer_is_not_shown_to_another_step_another_provider_or_after_a_cut_off_answer()
            throws Exception {
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(answer(GARBAGE, "STOP"))));
        catchThrowableOfType(ProviderException.class, () -> scenes(google, "scenes"));

        catchThrowableOfType(ProviderException.class, () -> scenes(google, "other"));
        catchThrowableOfType(ProviderException.class, () -> scenes(support.provider(), "scenes"));
        // the step of the same name in another run of the same process (a server, a library user)
        catchThrowableOfType(ProviderException.class, () -> scenes(google, "run-2", "scenes"));
        assertThat(sentBodies()).extracting(b -> b.get("contents").size()).containsExactly(1, 1, 1, 1);

        // a cut-off answer would be cut off again: it is not shown, and it ends the repair of the step
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(answer("{\"scenes\":[{\"title\":\"Da", "MAX_TOKENS"))));
        ProviderException cut = catchThrowableOfType(ProviderException.class, () -> scenes(google, "scenes"));
        assertThat(cut.kind()).isEqualTo(ErrorKind.VALIDATION);
        catchThrowableOfType(ProviderException.class, () -> scenes(google, "scenes"));
        assertThat(sentBodies()).extracting(b -> b.get("contents").size()).containsExactly(1, 1, 1, 1, 3, 1);
    }

    @Test
    void a_long_rejected_answer_is_sent_back_cut_to_the_shared_limit() throws Exception {
        String longGarbage = "Once upon a time. ".repeat(RepairMemory.MAX_ANSWER_CHARS / 10);
        wm.stubFor(post(urlEqualTo(GENERATE)).inScenario("long").whenScenarioStateIs(STARTED)
                .willReturn(okJson(answer(longGarbage, "STOP"))).willSetStateTo("good"));
        wm.stubFor(post(urlEqualTo(GENERATE)).inScenario("long").whenScenarioStateIs("good")
                .willReturn(okJson(answer(GOOD_SCENES, "STOP"))));

        catchThrowableOfType(ProviderException.class, () -> scenes(google, "scenes"));
        scenes(google, "scenes");

        assertThat(sentBodies().get(1).at("/contents/1/parts/0/text").asText())
                .isEqualTo(longGarbage.substring(0, RepairMemory.MAX_ANSWER_CHARS));
    }

    @Test
    void steps_failing_in_parallel_each_get_their_own_rejected_answer_back() throws Exception {
        wm.stubFor(post(urlEqualTo(GENERATE)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.contents[1].role", equalTo("model")))
                .willReturn(okJson(answer(GOOD_SCENES, "STOP"))));
        for (String animal : List.of("fox", "bear")) {
            wm.stubFor(post(urlEqualTo(GENERATE)).atPriority(5).withRequestBody(containing("A " + animal))
                    .willReturn(okJson(answer("a " + animal + " story, not JSON", "STOP"))));
        }

        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int attempt = 0; attempt < 2; attempt++) {
                List<Future<?>> runs = Stream.of("fox", "bear").<Future<?>>map(animal -> threads.submit(() ->
                        google.execute(GoogleTestSupport.request(animal, Capability.STORY_TO_SCENES, null,
                                Map.of("story", "A " + animal + " wakes up."), dir.resolve(animal + ".json")))))
                        .toList();
                for (Future<?> run : runs) {
                    try {
                        run.get();
                    } catch (ExecutionException expected) {
                        assertThat(expected.getCause()).isInstanceOf(ProviderException.class);
                    }
                }
            }
        }

        List<JsonNode> retries = sentBodies().stream().filter(b -> b.get("contents").size() == 3).toList();
        assertThat(retries).hasSize(2).allSatisfy(body -> {
            String animal = body.at("/contents/0/parts/0/text").asText().contains("A fox") ? "fox" : "bear";
            assertThat(body.at("/contents/1/parts/0/text").asText()).isEqualTo("a " + animal + " story, not JSON");
        });
        assertThat(retries).extracting(b -> b.at("/contents/1/parts/0/text").asText())
                .containsExactlyInAnyOrder("a fox story, not JSON", "a bear story, not JSON");
    }

    // ---- the error table -----------------------------------------------------------------------

    @ParameterizedTest(name = "{index}: HTTP {0} -> {2}")
    @MethodSource("errors")
    void errors_are_classified_sent_once_and_never_show_the_key(int status, String body, ErrorKind kind, String inMessage) {
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(aResponse().withStatus(status).withBody(body)
                .withHeader("Content-Type", body.startsWith("{") ? "application/json" : "text/html")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.execute(
                GoogleTestSupport.request(Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"), dir.resolve("p.txt"))));

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.getMessage()).contains("HTTP " + status).contains(inMessage).doesNotContain(GoogleTestSupport.KEY);
        wm.verify(1, postRequestedFor(urlEqualTo(GENERATE)));
    }

    static String error(int code, String status, String message, String details) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":\"" + status + "\""
                + (details.isEmpty() ? "" : ",\"details\":" + details) + "}}";
    }

    static Stream<Arguments> errors() {
        String key = GoogleTestSupport.KEY;
        return Stream.of(
                Arguments.of(400, error(400, "INVALID_ARGUMENT", "Invalid value at 'generation_config.temperature'", ""),
                        ErrorKind.VALIDATION, "INVALID_ARGUMENT"),
                Arguments.of(400, error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key. " + key,
                        "[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\"}]"),
                        ErrorKind.AUTH, "API key not valid"),
                Arguments.of(401, error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.", ""),
                        ErrorKind.AUTH, "UNAUTHENTICATED"),
                Arguments.of(403, error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers", ""),
                        ErrorKind.AUTH, "PERMISSION_DENIED"),
                Arguments.of(400, error(400, "FAILED_PRECONDITION", "Gemini API free tier is not available in your"
                        + " country. Please enable billing on your project", ""), ErrorKind.QUOTA, "enable billing"),
                Arguments.of(429, error(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your"
                        + " plan and billing details.", "[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\","
                        + "\"violations\":[{\"quotaMetric\":\"generativelanguage.googleapis.com/generate_content_free_tier"
                        + "_requests\",\"quotaId\":\"GenerateRequestsPerDayPerProjectPerModel-FreeTier\"}]}]"),
                        ErrorKind.QUOTA, "exceeded your current quota"),
                Arguments.of(429, error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).", ""),
                        ErrorKind.RATE_LIMIT, "RESOURCE_EXHAUSTED"),
                Arguments.of(404, error(404, "NOT_FOUND", "models/gemini-9 is not found for API version v1beta", ""),
                        ErrorKind.NOT_FOUND, "is not found"),
                Arguments.of(400, error(400, "INVALID_ARGUMENT", "The request was blocked by safety settings", ""),
                        ErrorKind.CONTENT_POLICY, "safety"),
                Arguments.of(500, error(500, "INTERNAL", "An internal error has occurred.", ""), ErrorKind.TRANSIENT,
                        "INTERNAL"),
                Arguments.of(503, error(503, "UNAVAILABLE", "The model is overloaded. Please try again later.", ""),
                        ErrorKind.TRANSIENT, "overloaded"),
                Arguments.of(504, error(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.", ""),
                        ErrorKind.TIMEOUT, "DEADLINE_EXCEEDED"),
                Arguments.of(502, "<html><body>Bad Gateway</body></html>", ErrorKind.TRANSIENT, "Bad Gateway"));
    }

    @Test
    void a_rate_limit_carries_the_retry_after_header_or_else_the_bodys_retry_delay() {
        wm.stubFor(post(urlEqualTo(GENERATE)).inScenario("429").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7").withHeader("Content-Type",
                        "application/json").withBody(error(429, "RESOURCE_EXHAUSTED", "slow down", "")))
                .willSetStateTo("body"));
        wm.stubFor(post(urlEqualTo(GENERATE)).inScenario("429").whenScenarioStateIs("body")
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json").withBody(
                        error(429, "RESOURCE_EXHAUSTED", "slow down", "[{\"@type\":\"type.googleapis.com/google.rpc"
                                + ".RetryInfo\",\"retryDelay\":\"35s\"}]"))));
        var request = GoogleTestSupport.request(Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"),
                dir.resolve("p.txt"));

        ProviderException byHeader = catchThrowableOfType(ProviderException.class, () -> google.execute(request));
        ProviderException byBody = catchThrowableOfType(ProviderException.class, () -> google.execute(request));

        assertThat(byHeader.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(byHeader.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(byBody.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(byBody.retryAfter()).contains(Duration.ofSeconds(35));
    }

    @Test
    void a_generation_that_times_out_is_not_resent_because_it_may_be_billed() {
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(okJson(answer("late", "STOP")).withFixedDelay(2500)));
        GoogleProvider impatient = support.impatientProvider();

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> impatient.execute(
                GoogleTestSupport.request(Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"), dir.resolve("p.txt"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(e.getMessage()).contains("no answer within");
        wm.verify(1, postRequestedFor(urlEqualTo(GENERATE)));
    }

    @Test
    void a_connection_reset_during_generation_is_an_unknown_outcome() {
        wm.stubFor(post(urlEqualTo(GENERATE)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.execute(
                GoogleTestSupport.request(Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"), dir.resolve("p.txt"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        wm.verify(1, postRequestedFor(urlEqualTo(GENERATE)));
    }

    @Test
    void the_doctor_sends_nothing_since_google_documents_no_free_call() throws Exception {
        assertThat(google.checkAccess().status()).isEqualTo(dev.acp.provider.AccessCheck.Status.NOT_CHECKED);
        assertThat(google.checkAccess().detail()).contains("a key is set").doesNotContain(GoogleTestSupport.KEY);
        GoogleProvider keyless = new GoogleTestSupport(dir, Map.of("ACP_GOOGLE_BASE_URL", wm.baseUrl())).provider();
        assertThat(keyless.checkAccess().detail()).contains("GOOGLE_API_KEY or GEMINI_API_KEY is not set");
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    // ---- validation ----------------------------------------------------------------------------

    @Test
    void check_names_the_parameters_at_fault_without_sending_anything() {
        assertThat(google.check(Capability.PROMPT_GENERATION, null, Map.of("count", 20, "temperature", 3), "txt"))
                .extracting(i -> i.parameter()).containsExactlyInAnyOrder("prompt", "count", "temperature");
        assertThat(google.check(Capability.IMAGE_UNDERSTANDING, null, Map.of("image", "notes.docx"), "txt"))
                .singleElement().satisfies(i -> assertThat(i.message()).contains("not a format Gemini reads"));
        assertThat(google.check(Capability.IMAGE_UNDERSTANDING, null, Map.of("image", "{{steps.a.output}}"), "txt"))
                .isEmpty();
        assertThat(google.check(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x"), "png")).hasSize(1);
        assertThat(google.check(Capability.PROMPT_GENERATION, "veo-3.0-generate-001", Map.of("prompt", "x"), "txt"))
                .extracting(i -> i.parameter()).containsExactly("model");
        assertThat(google.check(Capability.STORY_TO_SCENES, "models/../x", Map.of("story", "s"), "json"))
                .extracting(i -> i.parameter()).containsExactly("model");
        assertThat(wm.getAllServeEvents()).isEmpty();
    }
}
