package dev.acp.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.acp.providers.openai.ChatFixtures.CANARY;
import static dev.acp.providers.openai.ChatFixtures.SCENES;
import static dev.acp.providers.openai.ChatFixtures.completion;
import static dev.acp.providers.openai.ChatFixtures.json;
import static dev.acp.providers.openai.ChatFixtures.sentBodies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.Governor;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.Usage;
import dev.acp.providers.support.SceneSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code openrouter} against a mock of OpenRouter's {@code /chat/completions} (providers.md section 3). */
final class OpenRouterProviderContractTest {
    private static final String PATH = "/api/v1/chat/completions";
    private static final String USAGE = """
            {"prompt_tokens": 42, "completion_tokens": 17, "total_tokens": 59, "cost": 0.0012, "is_byok": false,
             "prompt_tokens_details": {"cached_tokens": 2}, "completion_tokens_details": {"reasoning_tokens": 5},
             "cost_details": {"upstream_inference_cost": null}}""";

    @RegisterExtension
    static final WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).failOnUnmatchedRequests(true).build();

    @TempDir
    Path dir;

    private ProviderContext context(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "OPENROUTER_API_KEY", CANARY,
                "ACP_OPENROUTER_BASE_URL", server.baseUrl() + "/api/v1",
                "ACP_OPENROUTER_TIMEOUT", "10"));
        env.putAll(extra);
        return ChatFixtures.context(env, dir);
    }

    private Provider provider() {
        return new OpenRouterProviderFactory().create(context(Map.of()));
    }

    private ProviderResult run(Provider provider, Capability capability, String model, Map<String, Object> params)
            throws Exception {
        return provider.execute(ChatFixtures.request(capability, model, params, dir));
    }

    private static void answer(String body) {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(body).withHeader("X-Generation-Id", "gen-abc123")));
    }

    private static void answer(int status, String body) {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static JsonNode onlyBody() {
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
        return sentBodies(server).getFirst();
    }

    // ---- happy paths ------------------------------------------------------------------------

    @Test
    void should_expand_a_prompt_and_report_cost_model_and_generation_id() throws Exception {
        answer(completion("gen-abc123", "openai/gpt-4o-mini-2024-07-18",
                "\"A lone lighthouse on a basalt cliff at dusk, cinematic wide shot.\"", "stop", USAGE)
                .replace("\"object\"", "\"provider\":\"OpenAI\",\"object\""));

        ProviderResult r = run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "a lighthouse",
                "style", "cinematic", "temperature", 0.7, "max_tokens", 300, "seed", 42));

        assertThat(r.text()).isEqualTo("A lone lighthouse on a basalt cliff at dusk, cinematic wide shot.");
        assertThat(r.actualCost()).isEqualByComparingTo("0.0012");
        assertThat(r.requestIds()).containsExactly("gen-abc123");
        assertThat(r.metadata()).containsEntry("model", "openai/gpt-4o-mini-2024-07-18")
                .containsEntry("requested_model", "openai/gpt-4o-mini").containsEntry("upstream_provider", "OpenAI")
                .containsEntry("finish_reason", "stop").containsEntry("generation_id", "gen-abc123")
                .containsEntry("prompt_tokens", 42L).containsEntry("completion_tokens", 17L)
                .containsEntry("total_tokens", 59L).containsEntry("reasoning_tokens", 5L)
                .containsEntry("cached_tokens", 2L).containsEntry("cost_source", "reported by openrouter");

        JsonNode body = onlyBody();
        assertThat(body.get("model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(body.get("messages")).hasSize(2);
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(body.at("/messages/0/content").asText()).isEqualTo(PromptGeneration.SYSTEM);
        assertThat(body.at("/messages/1/role").asText()).isEqualTo("user");
        assertThat(body.at("/messages/1/content").asText()).isEqualTo("Idea: a lighthouse\nStyle: cinematic");
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.7);
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(300);
        assertThat(body.has("max_tokens")).isFalse();
        assertThat(body.get("seed").asLong()).isEqualTo(42);
        assertThat(body.get("stream").asBoolean()).isFalse();
        assertThat(body.has("response_format")).isFalse();

        ServeEvent sent = ChatFixtures.events(server).getFirst();
        assertThat(sent.getRequest().getHeader("Authorization")).isEqualTo("Bearer " + CANARY);
        assertThat(sent.getRequest().getHeader("HTTP-Referer")).isEqualTo("https://acp.dev");
        assertThat(sent.getRequest().getHeader("X-OpenRouter-Title")).isEqualTo("ACP - AI Content Platform");
        assertThat(sent.getRequest().getHeader("Content-Type")).startsWith("application/json");
        assertThat(sent.getRequest().getHeader("User-Agent")).startsWith("acp/");
    }

    @Test
    void should_ask_for_a_json_list_of_variants_and_number_them() throws Exception {
        answer(completion("gen-1", "openai/gpt-4o-mini", "{\"prompts\": [\"a red fox\", \"a fox in snow\","
                + " \"a red fox\", \"a fox at night\"]}", "stop", USAGE));

        ProviderResult r = run(provider(), Capability.PROMPT_GENERATION, null,
                Map.of("topic", "a fox", "count", 3, "system", "Be brief."));

        assertThat(r.text()).isEqualTo("1. a red fox\n2. a fox in snow\n3. a fox at night");
        assertThat(r.metadata()).containsEntry("count", 3)
                .containsEntry("variants", List.of("a red fox", "a fox in snow", "a fox at night"));
        JsonNode body = onlyBody();
        assertThat(body.at("/messages/0/content").asText()).isEqualTo("Be brief.");
        assertThat(body.at("/messages/1/content").asText()).contains("Idea: a fox").contains("exactly 3 strings");
        assertThat(body.at("/response_format/type").asText()).isEqualTo("json_schema");
        assertThat(body.at("/response_format/json_schema/name").asText()).isEqualTo("prompt_variants");
        assertThat(body.at("/response_format/json_schema/strict").asBoolean()).isTrue();
        assertThat(body.at("/response_format/json_schema/schema/properties/prompts/items/type").asText())
                .isEqualTo("string");
    }

    @Test
    void should_send_a_local_image_as_a_data_uri_part() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};
        Path image = Files.write(dir.resolve("frame.png"), png);
        answer(completion("gen-2", "openai/gpt-4o-mini", "  A lighthouse at dusk.\n", "stop", USAGE));

        ProviderResult r = run(provider(), Capability.IMAGE_UNDERSTANDING, null,
                Map.of("image", image.toString(), "question", "What is shown?", "detail", "low"));

        assertThat(r.text()).isEqualTo("A lighthouse at dusk.");
        assertThat(r.metadata()).containsEntry("image_source", "file");
        JsonNode body = onlyBody();
        assertThat(body.get("model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(body.get("messages")).hasSize(1);
        JsonNode parts = body.at("/messages/0/content");
        assertThat(parts).hasSize(2);
        assertThat(parts.at("/0/type").asText()).isEqualTo("text");
        assertThat(parts.at("/0/text").asText()).isEqualTo("What is shown?");
        assertThat(parts.at("/1/type").asText()).isEqualTo("image_url");
        assertThat(parts.at("/1/image_url/url").asText())
                .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(png));
        assertThat(parts.at("/1/image_url/detail").asText()).isEqualTo("low");
    }

    @Test
    void should_pass_an_image_url_through_and_use_the_default_question() throws Exception {
        answer(completion("gen-3", "openai/gpt-4o-mini", "A cat.", "stop", USAGE));

        run(provider(), Capability.IMAGE_UNDERSTANDING, "openrouter-vision",
                Map.of("image_url", "https://example.com/cat.jpg"));

        JsonNode parts = onlyBody().at("/messages/0/content");
        assertThat(parts.at("/0/text").asText()).isEqualTo(ImageUnderstanding.DEFAULT_QUESTION);
        assertThat(parts.at("/1/image_url/url").asText()).isEqualTo("https://example.com/cat.jpg");
        assertThat(parts.at("/1/image_url").has("detail")).isFalse();
    }

    @Test
    void should_ask_for_scenes_by_json_schema_and_return_validated_canonical_json() throws Exception {
        answer(completion("gen-4", "openai/gpt-4o-mini", "```json\n" + SCENES + "\n```", "stop", USAGE));

        ProviderResult r = run(provider(), Capability.STORY_TO_SCENES, null,
                Map.of("story", "Ada keeps the lighthouse. One night a storm comes.", "num_scenes", 2,
                        "style", "watercolor"));

        JsonNode out = json(r.text());
        assertThat(out.get("scenes")).hasSize(2);
        assertThat(out.at("/scenes/0/title").asText()).isEqualTo("The Keeper Wakes");
        assertThat(out.at("/scenes/0/duration").asInt()).isEqualTo(6);
        assertThat(out.at("/scenes/1/duration").asDouble()).isEqualTo(7.5);
        assertThat(out.at("/scenes/1").has("mood")).as("extra fields are dropped").isFalse();
        assertThat(SceneSchema.parse(r.text())).isInstanceOf(SceneSchema.Valid.class);
        assertThat(r.metadata()).containsEntry("scenes", 2).containsEntry("total_duration_seconds", 13.5)
                .doesNotContainKey("note");
        assertThat(r.actualCost()).isEqualByComparingTo("0.0012");

        JsonNode body = onlyBody();
        assertThat(body.at("/messages/0/content").asText()).isEqualTo(StoryToScenes.SYSTEM);
        assertThat(body.at("/messages/1/content").asText()).contains("exactly 2 scenes")
                .contains("watercolor").contains("Story:\nAda keeps the lighthouse.");
        assertThat(body.at("/response_format/type").asText()).isEqualTo("json_schema");
        assertThat(body.at("/response_format/json_schema/name").asText()).isEqualTo("story_scenes");
        assertThat(body.at("/response_format/json_schema/strict").asBoolean()).isTrue();
        assertThat(body.at("/response_format/json_schema/schema")).isEqualTo(SceneSchema.jsonSchema());
    }

    @Test
    void should_keep_scenes_when_the_count_differs_but_say_so() throws Exception {
        answer(completion("gen-5", "openai/gpt-4o-mini", SCENES, "stop", USAGE));

        ProviderResult r = run(provider(), Capability.STORY_TO_SCENES, null, Map.of("text", "A story.",
                "num_scenes", 3));

        assertThat(r.metadata()).containsEntry("note", "asked for 3 scenes, the model wrote 2");
    }

    // ---- answers that are not usable ----------------------------------------------------------

    @Test
    void should_fail_transiently_when_the_scenes_are_not_json_and_name_the_cost() throws Exception {
        answer(completion("gen-6", "openai/gpt-4o-mini", "Scene 1: a keeper. Scene 2: a storm.", "stop", USAGE));

        assertThatThrownBy(() -> run(provider(), Capability.STORY_TO_SCENES, null, Map.of("story", "A story.")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
                    assertThat(e.getMessage()).contains("scenes are not usable").contains("not JSON")
                            .contains("the answer cost $0.0012");
                    assertThat(e.requestId()).contains("gen-abc123");
                });
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_name_the_missing_field_of_scenes_of_the_wrong_shape() throws Exception {
        answer(completion("gen-7", "openai/gpt-4o-mini", "{\"scenes\":[{\"title\":\"t\",\"description\":\"d\","
                + "\"narration\":\"n\",\"duration\":3}]}", "stop", USAGE));

        assertThatThrownBy(() -> run(provider(), Capability.STORY_TO_SCENES, null, Map.of("story", "A story.")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
                    assertThat(e.getMessage()).contains("scene 1: image_prompt is missing");
                });
    }

    // ---- answers repaired locally, partial answers, wrong counts --------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("repairableScenes")
    void should_repair_broken_scene_json_locally_without_asking_again(String name, String content, String finish,
            String note) throws Exception {
        answer(completion("gen-r", "openai/gpt-4o-mini", content, finish, USAGE));

        ProviderResult r = run(provider(), Capability.STORY_TO_SCENES, null, Map.of("story", "A story.",
                "num_scenes", 2));

        JsonNode out = json(r.text());
        assertThat(out.get("scenes")).hasSize(2);
        assertThat(out.at("/scenes/1/title").asText()).isEqualTo("The Storm");
        assertThat(SceneSchema.parse(r.text())).isEqualTo(SceneSchema.parse(SCENES));
        assertThat(r.metadata()).containsEntry("scenes", 2).doesNotContainKey("dropped_scenes");
        assertThat((String) r.metadata().getOrDefault("note", "")).contains(note);
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    static Stream<Arguments> repairableScenes() {
        String trailing = SCENES.replace("\"mood\": \"tense\"}", "\"mood\": \"tense\"},");
        int end = SCENES.lastIndexOf('}', SCENES.lastIndexOf(']'));
        String cutOff = SCENES.substring(0, end + 1) + ",\n  {\"title\": \"The Resc";
        return Stream.of(
                arguments("fenced", "```json\n" + SCENES + "\n```", "stop", ""),
                arguments("trailing comma", "Here are your scenes:\n" + trailing, "stop", "trailing commas"),
                arguments("cut off at the token limit", cutOff, "length", "cut off mid-JSON"));
    }

    @Test
    void should_keep_the_valid_scenes_of_a_partial_answer_and_report_the_dropped_ones() throws Exception {
        String bad = "{\"title\": \"Nothing\", \"description\": \"d\", \"image_prompt\": \"\","
                + " \"narration\": \"n\", \"duration\": 3}";
        answer(completion("gen-p", "openai/gpt-4o-mini", SCENES.replace("{\"scenes\": [", "{\"scenes\": [" + bad + ","),
                "stop", USAGE));

        ProviderResult r = run(provider(), Capability.STORY_TO_SCENES, null, Map.of("story", "A story.",
                "num_scenes", 3));

        assertThat(json(r.text()).get("scenes")).extracting(n -> n.get("title").asText())
                .containsExactly("The Keeper Wakes", "The Storm");
        assertThat(r.metadata()).containsEntry("scenes", 2).containsEntry("dropped_scenes", 1)
                .containsEntry("note", "asked for 3 scenes, the model wrote 2; dropped 1 unusable scene"
                        + " (scene 1: image_prompt must be non-empty text)");
    }

    @Test
    void should_keep_more_scenes_than_asked_and_say_so() throws Exception {
        answer(completion("gen-m", "openai/gpt-4o-mini", SCENES, "stop", USAGE));

        ProviderResult r = run(provider(), Capability.STORY_TO_SCENES, null, Map.of("story", "A story.",
                "num_scenes", 1));

        assertThat(json(r.text()).get("scenes")).hasSize(2);
        assertThat(r.metadata()).containsEntry("note", "asked for 1 scenes, the model wrote 2");
    }

    @Test
    void should_show_the_rejected_answer_and_its_reason_on_the_next_attempt_of_the_same_step_only() throws Exception {
        Provider p = provider();
        server.stubFor(post(urlEqualTo(PATH)).inScenario("repair").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(completion("gen-1", "openai/gpt-4o-mini", "Sure! Scene one is a keeper.", "stop",
                        USAGE))).willSetStateTo("good"));
        server.stubFor(post(urlEqualTo(PATH)).inScenario("repair").whenScenarioStateIs("good")
                .willReturn(okJson(completion("gen-2", "openai/gpt-4o-mini", SCENES, "stop", USAGE))));
        Map<String, Object> params = Map.of("story", "A story.", "num_scenes", 2);

        assertThatThrownBy(() -> run(p, Capability.STORY_TO_SCENES, null, params))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT));
        ProviderResult r = run(p, Capability.STORY_TO_SCENES, null, params);
        assertThat(json(r.text()).get("scenes")).hasSize(2);

        List<JsonNode> bodies = sentBodies(server);
        assertThat(bodies.get(0).get("messages")).hasSize(2);
        JsonNode retry = bodies.get(1).get("messages");
        assertThat(retry).hasSize(4);
        assertThat(retry.get(2).get("role").asText()).isEqualTo("assistant");
        assertThat(retry.get(2).get("content").asText()).isEqualTo("Sure! Scene one is a keeper.");
        assertThat(retry.get(3).get("role").asText()).isEqualTo("user");
        assertThat(retry.get(3).get("content").asText()).startsWith("Your previous answer was not usable: the answer"
                + " is not JSON").endsWith(". Answer again with JSON only that matches the schema.");

        // success clears the memory: a third run of the step asks afresh
        run(p, Capability.STORY_TO_SCENES, null, params);
        assertThat(sentBodies(server).get(2).get("messages")).hasSize(2);
    }

    @Test
    void should_not_carry_a_rejected_answer_into_a_cut_off_retry_or_another_provider_instance() throws Exception {
        Provider p = provider();
        answer(completion("gen-1", "openai/gpt-4o-mini", "{\"scenes\":[{\"title\":\"The Ke", "length", USAGE));
        assertThatThrownBy(() -> run(p, Capability.STORY_TO_SCENES, null, Map.of("story", "A story.")))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION));
        answer(completion("gen-2", "openai/gpt-4o-mini", "not json", "stop", USAGE));
        assertThatThrownBy(() -> run(p, Capability.STORY_TO_SCENES, null, Map.of("story", "A story.")));
        assertThatThrownBy(() -> run(provider(), Capability.STORY_TO_SCENES, null, Map.of("story", "A story.")));

        List<JsonNode> bodies = sentBodies(server);
        assertThat(bodies).extracting(b -> b.get("messages").size()).containsExactly(2, 2, 2);
    }

    @Test
    void should_fail_as_validation_when_the_scenes_were_cut_off_at_the_token_limit() throws Exception {
        answer(completion("gen-8", "openai/gpt-4o-mini", "{\"scenes\":[{\"title\":\"The Ke", "length", USAGE));

        assertThatThrownBy(() -> run(provider(), Capability.STORY_TO_SCENES, null,
                Map.of("story", "A story.", "max_tokens", 10)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
                    assertThat(e.getMessage()).contains("cut off").contains("raise max_tokens");
                });
    }

    @Test
    void should_fail_as_validation_when_a_reasoning_model_spent_the_limit_before_any_text() throws Exception {
        answer(completion("gen-9", "openai/o4-mini", "", "length", USAGE));

        assertThatThrownBy(() -> run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
                    assertThat(e.getMessage()).contains("raise max_tokens");
                });
    }

    @Test
    void should_fail_transiently_when_a_variant_list_is_not_json() throws Exception {
        answer(completion("gen-10", "openai/gpt-4o-mini", "1. a fox\n2. another fox", "stop", USAGE));

        assertThatThrownBy(() -> run(provider(), Capability.PROMPT_GENERATION, null,
                Map.of("prompt", "fox", "count", 2)))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT));
    }

    @Test
    void should_treat_finish_reason_content_filter_as_content_policy() throws Exception {
        answer(completion("gen-11", "openai/gpt-4o-mini", "", "content_filter", USAGE));

        assertThatThrownBy(() -> run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONTENT_POLICY);
                    assertThat(e.getMessage()).contains("content filter");
                });
    }

    @Test
    void should_treat_a_refusal_as_content_policy() throws Exception {
        answer("""
                {"id":"gen-12","model":"openai/gpt-4o","choices":[{"index":0,"finish_reason":"stop",
                 "message":{"role":"assistant","content":null,"refusal":"I can't help with that."}}]}""");

        assertThatThrownBy(() -> run(provider(), Capability.STORY_TO_SCENES, null, Map.of("story", "x")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONTENT_POLICY);
                    assertThat(e.getMessage()).contains("I can't help with that.");
                });
    }

    @Test
    void should_classify_a_200_answer_that_carries_an_error_object() throws Exception {
        answer("""
                {"error":{"code":502,"message":"Provider returned error","metadata":{"error_type":"server",
                 "provider_name":"Lambda"}}}""");

        assertThatThrownBy(() -> run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
                    assertThat(e.getMessage()).contains("the answer carries an error")
                            .contains("Provider returned error").contains("upstream Lambda");
                });
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_classify_a_200_error_by_its_own_code() throws Exception {
        answer("{\"error\":{\"code\":402,\"message\":\"Insufficient credits\"}}");

        assertThatThrownBy(() -> run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.QUOTA));
    }

    @Test
    void should_treat_finish_reason_error_with_a_choice_error_as_a_failure() throws Exception {
        answer("""
                {"id":"gen-13","model":"openai/gpt-4o-mini","choices":[{"index":0,"finish_reason":"error",
                 "native_finish_reason":"error","message":{"role":"assistant","content":"partial"},
                 "error":{"code":429,"message":"Upstream rate limited","metadata":{"error_type":"rate_limit_exceeded"}}}],
                 "usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4,"cost":0.00002}}""");

        assertThatThrownBy(() -> run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
                    assertThat(e.getMessage()).contains("finish_reason error").contains("Upstream rate limited")
                            .contains("$0.00002");
                });
    }

    @Test
    void should_fail_transiently_on_malformed_json() throws Exception {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"gen-14\",\"choices\":[")));

        assertThatThrownBy(() -> run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
                    assertThat(e.getMessage()).contains("not a chat completion");
                });
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_fail_transiently_on_an_answer_without_choices() throws Exception {
        answer("{\"id\":\"gen-15\",\"choices\":[]}");

        assertThatThrownBy(() -> run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT));
    }

    // ---- cost -----------------------------------------------------------------------------------

    @Test
    void should_add_the_upstream_bill_of_a_bring_your_own_key_call() throws Exception {
        answer(completion("gen-16", "openai/gpt-4o-mini", "ok", "stop", """
                {"prompt_tokens":1,"completion_tokens":1,"total_tokens":2,"cost":0.0001,"is_byok":true,
                 "cost_details":{"upstream_inference_cost":0.002}}"""));

        ProviderResult r = run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"));

        assertThat(r.actualCost()).isEqualByComparingTo("0.0021");
        assertThat(r.metadata()).containsEntry("byok", true);
    }

    @Test
    void should_leave_the_cost_unknown_when_openrouter_reports_none_even_on_a_local_address() throws Exception {
        answer(completion("gen-17", "openai/gpt-4o-mini", "ok", "stop",
                "{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}"));

        ProviderResult r = run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"));

        assertThat(r.actualCost()).isNull();
        assertThat(r.metadata()).containsEntry("cost_source", "not reported");
        assertThat(provider().costsMoney()).isTrue();
    }

    // ---- what settles the cost -------------------------------------------------------------------

    @Test
    void should_report_the_answers_tokens_beside_openrouters_cost() throws Exception {
        answer(completion("gen-20", "openai/gpt-4o-mini", "ok", "stop", USAGE));

        ProviderResult r = run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"));

        assertThat(r.actualCost()).isEqualByComparingTo("0.0012");
        assertThat(r.usage()).isEqualTo(new Usage.Tokens(42, 17));
    }

    @Test
    void should_report_the_tokens_of_an_answer_without_a_cost_so_that_they_price_it() throws Exception {
        answer(completion("gen-21", "openai/gpt-4o-mini", "ok", "stop", """
                {"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,
                 "completion_tokens_details":{"reasoning_tokens":100}}"""));

        ProviderResult r = run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"));

        assertThat(r.actualCost()).isNull();
        // completion_tokens already counts the reasoning tokens: they are not added twice.
        assertThat(r.usage()).isEqualTo(new Usage.Tokens(1200, 300));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{\"total_tokens\":59}", "{\"prompt_tokens\":42}",
            "{\"prompt_tokens\":-1,\"completion_tokens\":3}",
            "{\"prompt_tokens\":\"many\",\"completion_tokens\":3,\"cost\":\"a lot\"}", "\"free\"", "[1,2]"})
    void should_answer_without_tokens_when_usage_is_absent_or_malformed(String usage) throws Exception {
        answer(completion("gen-22", "openai/gpt-4o-mini", "still answered", "stop", usage));

        ProviderResult r = run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"));

        assertThat(r.text()).isEqualTo("still answered");
        assertThat(r.usage()).isNull();
        assertThat(r.actualCost()).isNull();
    }

    // ---- models ---------------------------------------------------------------------------------

    @Test
    void should_send_a_model_slug_as_written_and_a_catalog_name_as_its_id() throws Exception {
        answer(completion("gen-18", "x", "ok", "stop", USAGE));
        Provider p = provider();

        run(p, Capability.PROMPT_GENERATION, "anthropic/claude-3.5-haiku", Map.of("prompt", "x"));
        run(p, Capability.PROMPT_GENERATION, "openrouter-chat", Map.of("prompt", "x"));

        assertThat(sentBodies(server)).extracting(b -> b.get("model").asText())
                .containsExactly("anthropic/claude-3.5-haiku", "openai/gpt-4o-mini");
    }

    @Test
    void should_resolve_catalog_names_and_honour_the_model_variable() {
        Provider p = new OpenRouterProviderFactory().create(context(Map.of()));
        ChatProvider chat = (ChatProvider) p;
        assertThat(chat.model(Capability.STORY_TO_SCENES, "openrouter-scenes")).isEqualTo("openai/gpt-4o-mini");
        assertThat(chat.model(Capability.PROMPT_GENERATION, "anthropic/claude-3.5-haiku"))
                .isEqualTo("anthropic/claude-3.5-haiku");
        assertThat(chat.model(Capability.PROMPT_GENERATION, "flux-dev")).as("another provider's catalog name")
                .isEqualTo("flux-dev");
        assertThat(chat.model(Capability.IMAGE_UNDERSTANDING, null)).isEqualTo("openai/gpt-4o-mini");

        ChatProvider overridden = (ChatProvider) new OpenRouterProviderFactory()
                .create(context(Map.of("ACP_OPENROUTER_MODEL", "google/gemini-2.5-flash")));
        assertThat(overridden.model(Capability.STORY_TO_SCENES, null)).isEqualTo("google/gemini-2.5-flash");
    }

    // ---- errors ---------------------------------------------------------------------------------

    static Stream<Arguments> errorTable() {
        return Stream.of(
                arguments(400, "{\"error\":{\"code\":400,\"message\":\"Invalid model parameter\"}}", ErrorKind.VALIDATION),
                arguments(400, "{\"error\":{\"code\":400,\"message\":\"This endpoint's maximum context length is"
                        + " 128000 tokens\",\"metadata\":{\"error_type\":\"context_length_exceeded\"}}}",
                        ErrorKind.VALIDATION),
                arguments(401, "{\"error\":{\"code\":401,\"message\":\"No auth credentials found\"}}", ErrorKind.AUTH),
                arguments(402, "{\"error\":{\"code\":402,\"message\":\"Insufficient credits. Add more using"
                        + " https://openrouter.ai/credits\"}}", ErrorKind.QUOTA),
                arguments(403, "{\"error\":{\"code\":403,\"message\":\"Input was flagged\",\"metadata\":{\"reasons\":"
                        + "[\"violence\"],\"flagged_input\":\"...\",\"provider_name\":\"OpenAI\",\"model_slug\":"
                        + "\"openai/gpt-4o\"}}}", ErrorKind.CONTENT_POLICY),
                arguments(403, "{\"error\":{\"code\":403,\"message\":\"Blocked by guardrail\",\"metadata\":"
                        + "{\"patterns\":[\"ssn\"]}}}", ErrorKind.CONTENT_POLICY),
                arguments(403, "{\"error\":{\"code\":403,\"message\":\"This key is not allowed to use this model\"}}",
                        ErrorKind.AUTH),
                arguments(404, "{\"error\":{\"code\":404,\"message\":\"No endpoints found for x/y\"}}",
                        ErrorKind.NOT_FOUND),
                arguments(408, "{\"error\":{\"code\":408,\"message\":\"Request timed out\"}}", ErrorKind.TRANSIENT),
                arguments(413, "{\"error\":{\"code\":413,\"message\":\"Payload too large\"}}", ErrorKind.VALIDATION),
                arguments(422, "{\"error\":{\"code\":422,\"message\":\"Unprocessable\"}}", ErrorKind.VALIDATION),
                arguments(500, "{\"error\":{\"code\":500,\"message\":\"Internal Server Error\"}}", ErrorKind.TRANSIENT),
                arguments(502, "{\"error\":{\"code\":502,\"message\":\"Provider returned error\",\"metadata\":"
                        + "{\"provider_name\":\"Together\",\"raw\":\"upstream said no\"}}}", ErrorKind.TRANSIENT),
                arguments(503, "{\"error\":{\"code\":503,\"message\":\"No available model provider meets your"
                        + " routing requirements\"}}", ErrorKind.TRANSIENT),
                arguments(524, "{\"error\":{\"code\":524,\"message\":\"Edge timeout\"}}", ErrorKind.TRANSIENT),
                arguments(529, "{\"error\":{\"code\":529,\"message\":\"Provider overloaded\"}}", ErrorKind.TRANSIENT),
                arguments(500, "<html>Bad gateway</html>", ErrorKind.TRANSIENT),
                arguments(400, "", ErrorKind.VALIDATION));
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
    @MethodSource("errorTable")
    void should_classify_the_error_table_and_send_the_paid_call_once(int status, String body, ErrorKind kind) {
        answer(status, body);

        assertThatThrownBy(() -> run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(kind);
                    assertThat(e.getMessage()).startsWith("openrouter: HTTP " + status).doesNotContain(CANARY);
                    assertThat(e.retryAfter()).isEmpty();
                });
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_name_the_fix_for_credits_context_and_moderation() {
        answer(402, "{\"error\":{\"code\":402,\"message\":\"Insufficient credits\"}}");
        assertThatThrownBy(() -> run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .hasMessageContaining("Fix: add credits");
        answer(400, "{\"error\":{\"code\":400,\"message\":\"too long\",\"metadata\":{\"error_type\":"
                + "\"context_length_exceeded\"}}}");
        assertThatThrownBy(() -> run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .hasMessageContaining("error_type context_length_exceeded").hasMessageContaining("longer context");
        answer(403, "{\"error\":{\"code\":403,\"message\":\"flagged\",\"metadata\":{\"reasons\":[\"hate\",\"violence\"]}}}");
        assertThatThrownBy(() -> run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .hasMessageContaining("flagged for hate, violence");
    }

    static Stream<Arguments> rateLimits() {
        return Stream.of(
                arguments("7", Duration.ofSeconds(7)),
                arguments("Sun, 01 Mar 2026 12:00:30 GMT", Duration.ofSeconds(30)),
                arguments(null, null));
    }

    @ParameterizedTest(name = "Retry-After {0}")
    @MethodSource("rateLimits")
    void should_map_429_to_rate_limit_with_its_retry_after(String retryAfter, Duration expected) {
        var response = aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                .withHeader("X-RateLimit-Limit", "20").withHeader("X-RateLimit-Remaining", "0")
                .withBody("{\"error\":{\"code\":429,\"message\":\"Rate limit exceeded: free-models-per-min\","
                        + "\"metadata\":{\"error_type\":\"rate_limit_exceeded\"}}}");
        if (retryAfter != null) {
            response = response.withHeader("Retry-After", retryAfter);
        }
        server.stubFor(post(urlEqualTo(PATH)).willReturn(response));
        ProviderContext context = context(Map.of());
        Provider p = new OpenRouterProviderFactory().create(context);

        assertThatThrownBy(() -> p.execute(ChatFixtures.request(Capability.PROMPT_GENERATION, null,
                Map.of("prompt", "x"), dir)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfter().orElse(null)).isEqualTo(expected);
                });
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
        Governor governor = context.governors().of(OpenRouterProviderFactory.ID);
        assertThat(governor.rateLimitedCount()).isEqualTo(1);
        assertThat(governor.rate()).isEqualTo(5.0);
    }

    @Test
    void should_report_a_timeout_of_the_paid_call_as_unknown_outcome_and_not_send_it_again() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(completion("gen-19", "m", "late", "stop", USAGE))
                .withFixedDelay(2_000)));
        Provider p = new OpenRouterProviderFactory().create(context(Map.of("ACP_OPENROUTER_TIMEOUT", "0.3")));

        assertThatThrownBy(() -> p.execute(ChatFixtures.request(Capability.PROMPT_GENERATION, null,
                Map.of("prompt", "x"), dir)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("no answer within").doesNotContain(CANARY);
                });
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_report_a_connection_reset_of_the_paid_call_as_unknown_outcome_and_not_send_it_again() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME));
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    // ---- secrets and credentials ----------------------------------------------------------------

    @Test
    void should_never_put_the_key_in_messages_metadata_or_results() throws Exception {
        answer(401, "{\"error\":{\"code\":401,\"message\":\"Key " + CANARY + " is disabled\"}}");
        assertThatThrownBy(() -> run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
                    assertThat(e.getMessage()).doesNotContain(CANARY).contains("****").contains("OPENROUTER_API_KEY");
                });

        answer("{\"error\":{\"code\":401,\"message\":\"Key " + CANARY + " is disabled\"}}");
        assertThatThrownBy(() -> run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x")))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.getMessage()).doesNotContain(CANARY).contains("****"));

        answer(completion("gen-20", "openai/gpt-4o-mini", "fine", "stop", USAGE));
        ProviderResult r = run(provider(), Capability.PROMPT_GENERATION, null, Map.of("prompt", "x"));
        assertThat(r.toString()).doesNotContain(CANARY);
        for (JsonNode body : sentBodies(server)) {
            assertThat(body.toString()).doesNotContain(CANARY);
        }
    }

    @Test
    void should_require_the_key_and_fail_before_sending_without_it() {
        ProviderContext noKey = ChatFixtures.context(Map.of("ACP_OPENROUTER_BASE_URL", server.baseUrl() + "/api/v1"),
                dir);
        OpenRouterProviderFactory factory = new OpenRouterProviderFactory();
        assertThat(factory.missingCredentials(noKey)).hasValueSatisfying(m -> assertThat(m)
                .contains("OPENROUTER_API_KEY"));
        assertThat(factory.missingCredentials(context(Map.of()))).isEmpty();

        assertThatThrownBy(() -> factory.create(noKey).execute(ChatFixtures.request(Capability.PROMPT_GENERATION,
                null, Map.of("prompt", "x"), dir)))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.AUTH));
        server.verify(0, postRequestedFor(urlEqualTo(PATH)));
    }

    // ---- validation -----------------------------------------------------------------------------

    @Test
    void should_refuse_bad_parameters_before_anything_is_paid() {
        assertThatThrownBy(() -> run(provider(), Capability.PROMPT_GENERATION, null,
                Map.of("prompt", "x", "count", 11)))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
                    assertThat(e.getMessage()).contains("count must be a whole number from 1 to 10");
                });
        Path missing = dir.resolve("missing.png");
        assertThatThrownBy(() -> run(provider(), Capability.IMAGE_UNDERSTANDING, null,
                Map.of("image", missing.toString())))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION));
        server.verify(0, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_check_steps_at_validation_and_accept_templates() {
        Provider p = provider();
        assertThat(p.check(Capability.PROMPT_GENERATION, null, Map.of("prompt", "{{steps.idea.text}}",
                "count", "{{inputs.count}}"), "txt")).isEmpty();
        assertThat(p.check(Capability.PROMPT_GENERATION, null, Map.of("prompt", "x", "count", 0,
                "temperature", 3), "txt")).extracting(Provider.Issue::parameter).containsExactly("count", "temperature");
        assertThat(p.check(Capability.IMAGE_UNDERSTANDING, null, Map.of("image", "scan.tiff"), "txt"))
                .singleElement().satisfies(i -> {
                    assertThat(i.parameter()).isEqualTo("image");
                    assertThat(i.message()).contains("scan.tiff").contains("png");
                });
        assertThat(p.check(Capability.IMAGE_UNDERSTANDING, null, Map.of("image", "photo.JPG"), "txt")).isEmpty();
        assertThat(p.check(Capability.STORY_TO_SCENES, null, Map.of("story", "x", "num_scenes", 51), "json"))
                .extracting(Provider.Issue::parameter).containsExactly("num_scenes");
        assertThat(p.check(Capability.STORY_TO_SCENES, null, Map.of(), "json"))
                .extracting(Provider.Issue::parameter).containsExactly("story");
    }

    @Test
    void should_declare_its_parameters_determinism_revision_and_limits() {
        Provider p = provider();
        assertThat(p.capabilities()).containsExactlyInAnyOrder(Capability.PROMPT_GENERATION,
                Capability.IMAGE_UNDERSTANDING, Capability.STORY_TO_SCENES);
        assertThat(p.parameters(Capability.PROMPT_GENERATION)).contains("prompt", "topic", "text", "style", "count",
                "system", "max_tokens", "temperature", "seed");
        assertThat(p.parameters(Capability.IMAGE_UNDERSTANDING)).contains("image", "question", "detail");
        assertThat(p.parameters(Capability.STORY_TO_SCENES)).contains("story", "num_scenes", "style");
        assertThat(p.deterministic(Capability.PROMPT_GENERATION, Map.of("prompt", "x"))).isFalse();
        assertThat(p.deterministic(Capability.PROMPT_GENERATION, Map.of("prompt", "x", "seed", 1))).isTrue();
        assertThat(p.revision()).isEqualTo(ChatProvider.REVISION);
        ProviderContext context = context(Map.of());
        new OpenRouterProviderFactory().create(context);
        assertThat(context.governors().of(OpenRouterProviderFactory.ID).settings())
                .isEqualTo(new Governor.Settings(8, 8, 10));
    }

    @Test
    void should_reject_an_unusable_base_url_naming_the_variable() {
        assertThatThrownBy(() -> new OpenRouterProviderFactory()
                .create(context(Map.of("ACP_OPENROUTER_BASE_URL", "openrouter.ai/api/v1"))))
                .hasMessageContaining("ACP_OPENROUTER_BASE_URL");
    }
}
