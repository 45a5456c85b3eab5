package dev.acp.testkit.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.testkit.sync.FakeSyncServer.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fake's HTTP contract and ledger, spoken to with a plain HTTP client. */
@Timeout(60)
class FakeSyncServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RACHEL = "21m00Tcm4TlvDq8ikWAM";
    private static final String ADAM = "pNInz6obpgDQGcFmaJgB";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FakeSyncServer server;

    @BeforeEach
    void start() {
        server = FakeSyncServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
        http.close();
    }

    // ---------------------------------------------------------------- addresses

    @Test
    void should_serve_each_provider_under_its_prefix_and_export_its_variables() {
        assertThat(server.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(server.baseUrl(Provider.OPENROUTER)).isEqualTo(server.baseUrl() + "/openrouter/api/v1");
        assertThat(server.baseUrl(Provider.OPENAI)).isEqualTo(server.baseUrl() + "/openai/v1");
        assertThat(server.baseUrl(Provider.ELEVENLABS)).isEqualTo(server.baseUrl() + "/elevenlabs");
        assertThat(server.baseUrl(Provider.GOOGLE)).isEqualTo(server.baseUrl() + "/google");
        assertThat(server.environment()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ACP_OPENROUTER_BASE_URL", server.baseUrl(Provider.OPENROUTER),
                "OPENROUTER_API_KEY", "fake-openrouter-key-0123456789",
                "ACP_OPENAI_BASE_URL", server.baseUrl(Provider.OPENAI),
                "OPENAI_API_KEY", "fake-openai-key-0123456789",
                "ACP_ELEVENLABS_BASE_URL", server.baseUrl(Provider.ELEVENLABS),
                "ELEVENLABS_API_KEY", "fake-elevenlabs-key-0123456789",
                "ACP_GOOGLE_BASE_URL", server.baseUrl(Provider.GOOGLE),
                "GOOGLE_API_KEY", "fake-google-key-0123456789"));
    }

    // ---------------------------------------------------------------- success shapes and bills

    @Test
    void openrouter_should_answer_with_its_cost_and_generation_id_and_bill_that_cost() throws Exception {
        String body = chat("openai/gpt-4o-mini", "Idea: a lighthouse at dusk\nStyle: cinematic");
        HttpResponse<String> r = post(Provider.OPENROUTER, "/chat/completions", body);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode json = JSON.readTree(r.body());
        String id = json.path("id").asText();
        assertThat(id).startsWith("gen-");
        assertThat(r.headers().firstValue("X-Generation-Id")).contains(id);
        assertThat(json.path("object").asText()).isEqualTo("chat.completion");
        assertThat(json.path("model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(json.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(json.at("/choices/0/message/content").asText()).startsWith("a lighthouse at dusk, cinematic style");
        JsonNode usage = json.path("usage");
        long in = usage.path("prompt_tokens").asLong();
        long out = usage.path("completion_tokens").asLong();
        assertThat(in).isPositive();
        assertThat(out).isPositive();
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(in + out);
        BigDecimal expected = new BigDecimal("0.15").multiply(BigDecimal.valueOf(in))
                .add(new BigDecimal("0.60").multiply(BigDecimal.valueOf(out))).movePointLeft(6);
        assertThat(usage.path("cost").decimalValue()).isEqualByComparingTo(expected);

        BilledRequest bill = single(server.records());
        assertThat(bill.provider()).isEqualTo(Provider.OPENROUTER);
        assertThat(bill.path()).isEqualTo("/openrouter/api/v1/chat/completions");
        assertThat(bill.bodySha256()).matches("[0-9a-f]{64}");
        assertThat(bill.prompt()).isEqualTo("Idea: a lighthouse at dusk\nStyle: cinematic");
        assertThat(bill.amount()).isEqualByComparingTo(expected);
        assertThat(bill.requestId()).isEqualTo(id);
        assertThat(server.totalBilled()).isEqualByComparingTo(expected);
        assertThat(server.billedCount()).isEqualTo(1);
    }

    @Test
    void openai_should_answer_token_counts_without_a_cost_and_bill_the_tokens_at_its_prices() throws Exception {
        HttpResponse<String> r = post(Provider.OPENAI, "/chat/completions", chat("gpt-4o-mini", "Say something"));

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.path("id").asText()).startsWith("chatcmpl-");
        assertThat(r.headers().firstValue("X-Generation-Id")).isEmpty();
        JsonNode usage = json.path("usage");
        assertThat(usage.has("cost")).isFalse();
        long in = usage.path("prompt_tokens").asLong();
        long out = usage.path("completion_tokens").asLong();
        BilledRequest bill = single(server.records(Provider.OPENAI));
        assertThat(bill.amount()).isEqualByComparingTo(FakeSyncServer.TokenPrice.of("0.15", "0.60").cost(in, out));
        assertThat(bill.path()).isEqualTo("/openai/v1/chat/completions");
        assertThat(bill.requestId()).isEqualTo(json.path("id").asText());
    }

    @Test
    void gemini_should_answer_with_usage_metadata_and_bill_the_tokens() throws Exception {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Describe a harbour\"}]}]}";
        HttpResponse<String> r = post(Provider.GOOGLE, "/v1beta/models/gemini-2.5-flash:generateContent", body);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.at("/candidates/0/content/role").asText()).isEqualTo("model");
        assertThat(json.at("/candidates/0/content/parts/0/text").asText()).isNotBlank();
        assertThat(json.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(json.path("modelVersion").asText()).isEqualTo("gemini-2.5-flash");
        JsonNode usage = json.path("usageMetadata");
        long in = usage.path("promptTokenCount").asLong();
        long out = usage.path("candidatesTokenCount").asLong();
        assertThat(usage.path("totalTokenCount").asLong()).isEqualTo(in + out);
        BilledRequest bill = single(server.records(Provider.GOOGLE));
        assertThat(bill.amount()).isEqualByComparingTo(FakeSyncServer.TokenPrice.of("0.30", "2.50").cost(in, out));
        assertThat(bill.requestId()).isEqualTo(json.path("responseId").asText());
        assertThat(bill.prompt()).isEqualTo("Describe a harbour");
    }

    @Test
    void elevenlabs_should_answer_audio_with_its_headers_and_bill_characters_times_the_model_multiplier()
            throws Exception {
        HttpResponse<byte[]> v2 = speak(RACHEL, "Hello world", "eleven_multilingual_v2");
        HttpResponse<byte[]> flash = speak(RACHEL, "Hello world", "eleven_flash_v2_5");

        assertThat(v2.statusCode()).isEqualTo(200);
        assertThat(v2.headers().firstValue("Content-Type")).contains("audio/mpeg");
        assertThat(new String(v2.body(), 0, 3, StandardCharsets.ISO_8859_1)).isEqualTo("ID3");
        assertThat(v2.headers().firstValue("character-cost")).contains("11");
        // 11 characters at half a credit each, rounded up.
        assertThat(flash.headers().firstValue("character-cost")).contains("6");
        String requestId = v2.headers().firstValue("request-id").orElseThrow();
        String historyId = v2.headers().firstValue("history-item-id").orElseThrow();
        assertThat(historyId).matches("[A-Za-z0-9]{20}");

        List<BilledRequest> bills = server.records(Provider.ELEVENLABS);
        assertThat(bills).hasSize(2);
        assertThat(bills.get(0).path()).isEqualTo("/elevenlabs/v1/text-to-speech/" + RACHEL
                + "?output_format=mp3_44100_128");
        assertThat(bills.get(0).prompt()).isEqualTo("Hello world");
        assertThat(bills.get(0).requestId()).isEqualTo(requestId);
        assertThat(bills.get(0).amount()).isEqualByComparingTo(new BigDecimal("0.000182").multiply(BigDecimal.valueOf(11)));
        assertThat(bills.get(1).amount()).isEqualByComparingTo(new BigDecimal("0.000182").multiply(BigDecimal.valueOf(6)));
        assertThat(server.history()).extracting(HistoryItem::historyItemId).first().isEqualTo(historyId);
    }

    @Test
    void the_same_body_should_get_the_same_answer_under_a_new_id() throws Exception {
        String body = chat("openai/gpt-4o-mini", "Idea: a fox in snow");
        JsonNode first = JSON.readTree(post(Provider.OPENROUTER, "/chat/completions", body).body());
        JsonNode second = JSON.readTree(post(Provider.OPENROUTER, "/chat/completions", body).body());
        byte[] audio1 = speak(ADAM, "Same words", "eleven_v3").body();
        byte[] audio2 = speak(ADAM, "Same words", "eleven_v3").body();
        byte[] other = speak(ADAM, "Other words", "eleven_v3").body();

        assertThat(second.at("/choices/0/message/content")).isEqualTo(first.at("/choices/0/message/content"));
        assertThat(second.path("id")).isNotEqualTo(first.path("id"));
        assertThat(audio2).isEqualTo(audio1);
        assertThat(other).isNotEqualTo(audio1);
    }

    // ---------------------------------------------------------------- JSON answers

    @Test
    void json_answers_should_fit_the_scene_and_variant_schemas_acp_asks_for() throws Exception {
        String story = "The keeper climbs the stair. The lamp flickers. A ship turns home. Dawn breaks over the sea.";
        String scenesBody = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
                + JSON.writeValueAsString("Split the story into exactly 3 scenes. Visual style of every image prompt:"
                        + " watercolor.\n\nAnswer with JSON only.\n\nStory:\n" + story)
                + "}],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"story_scenes\","
                + "\"strict\":true,\"schema\":{\"type\":\"object\",\"properties\":{\"scenes\":{\"type\":\"array\"}}}}}}";
        JsonNode scenes = JSON.readTree(content(post(Provider.OPENAI, "/chat/completions", scenesBody)));
        assertThat(scenes.path("scenes")).hasSize(3);
        for (JsonNode s : scenes.path("scenes")) {
            for (String field : List.of("title", "description", "image_prompt", "narration")) {
                assertThat(s.path(field).asText()).as(field).isNotBlank();
            }
            assertThat(s.path("duration").asDouble()).isPositive();
            assertThat(s.path("image_prompt").asText()).startsWith("watercolor style, ");
        }
        assertThat(scenes.at("/scenes/0/narration").asText()).isEqualTo("The keeper climbs the stair.");

        String variantsBody = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":"
                + JSON.writeValueAsString("Idea: a red kite\n\nWrite 4 distinct variants, each a complete prompt.")
                + "}]}],\"generationConfig\":{\"responseMimeType\":\"application/json\",\"responseJsonSchema\":"
                + "{\"type\":\"object\",\"properties\":{\"prompts\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}}}";
        JsonNode gemini = JSON.readTree(post(Provider.GOOGLE, "/v1beta/models/gemini-2.5-flash:generateContent",
                variantsBody).body());
        JsonNode variants = JSON.readTree(gemini.at("/candidates/0/content/parts/0/text").asText()).path("prompts");
        assertThat(variants).hasSize(4);
        var distinct = new HashSet<String>();
        variants.forEach(v -> distinct.add(v.asText()));
        assertThat(distinct).hasSize(4).allMatch(v -> v.startsWith("a red kite"));
    }

    @Test
    void other_schemas_json_mode_and_images_should_get_fitting_answers() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"},\"tags\":"
                + "{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"rating\":{\"type\":\"integer\"},"
                + "\"mood\":{\"enum\":[\"calm\",\"tense\"]}}}";
        JsonNode custom = JSON.readTree(content(post(Provider.OPENROUTER, "/chat/completions", "{\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"rate it\"}],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":"
                + "{\"name\":\"review\",\"schema\":" + schema + "}}}")));
        assertThat(custom.path("title").isTextual()).isTrue();
        assertThat(custom.path("tags").isArray()).isTrue();
        assertThat(custom.path("rating").isInt()).isTrue();
        assertThat(custom.path("mood").asText()).isEqualTo("calm");

        JsonNode jsonMode = JSON.readTree(content(post(Provider.OPENAI, "/chat/completions", "{\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"anything\"}],\"response_format\":{\"type\":\"json_object\"}}")));
        assertThat(jsonMode.isObject()).isTrue();

        String image = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Describe\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}}]}]}";
        HttpResponse<String> described = post(Provider.OPENROUTER, "/chat/completions", image);
        assertThat(content(described)).startsWith("The image shows");
        // The image is counted in the prompt tokens, as providers do.
        assertThat(JSON.readTree(described.body()).at("/usage/prompt_tokens").asLong())
                .isGreaterThanOrEqualTo(ChatRoutes.IMAGE_TOKENS);
    }

    // ---------------------------------------------------------------- keys

    @Test
    void a_wrong_key_should_get_401_in_each_providers_shape_without_a_bill_or_an_echo() throws Exception {
        String wrong = "sk-wrong-key-not-to-be-echoed";
        HttpResponse<String> openRouter = send(request(Provider.OPENROUTER, "/chat/completions")
                .header("Authorization", "Bearer " + wrong).POST(body(chat("m", "x"))));
        HttpResponse<String> openAi = send(request(Provider.OPENAI, "/chat/completions")
                .header("Authorization", "Bearer " + wrong).POST(body(chat("m", "x"))));
        HttpResponse<String> elevenLabs = send(request(Provider.ELEVENLABS, "/v1/text-to-speech/" + RACHEL)
                .header("xi-api-key", wrong).POST(body("{\"text\":\"x\"}")));
        HttpResponse<String> google = send(request(Provider.GOOGLE, "/v1beta/models/gemini-2.5-flash:generateContent")
                .header("x-goog-api-key", wrong).POST(body("{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}]}")));
        HttpResponse<String> missing = send(request(Provider.ELEVENLABS, "/v1/voices").GET());

        for (HttpResponse<String> r : List.of(openRouter, openAi, elevenLabs, google, missing)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(r.body()).doesNotContain(wrong);
        }
        assertThat(JSON.readTree(openRouter.body()).at("/error/code").asInt()).isEqualTo(401);
        assertThat(JSON.readTree(openAi.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
        assertThat(JSON.readTree(openAi.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(JSON.readTree(elevenLabs.body()).at("/detail/status").asText()).isEqualTo("invalid_api_key");
        assertThat(JSON.readTree(google.body()).at("/error/status").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(JSON.readTree(google.body()).at("/error/details/0/reason").asText()).isEqualTo("API_KEY_INVALID");
        assertThat(server.billedCount()).isZero();
    }

    @Test
    void google_should_also_take_the_key_in_the_query() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(server.baseUrl(Provider.GOOGLE)
                + "/v1beta/models/gemini-2.5-flash:generateContent?key=" + server.apiKey(Provider.GOOGLE)))
                .POST(body("{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}]}")));
        assertThat(r.statusCode()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- held and stalled answers

    @Test
    void a_held_answer_should_be_billed_before_it_is_sent() throws Exception {
        Rule rule = server.when("line 3").holdAnswer(Duration.ofSeconds(2));
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(authorized(Provider.OPENROUTER,
                "/chat/completions").POST(body(chat("m", "narrate line 3"))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(server.awaitBilled(1, Duration.ofSeconds(10))).isTrue();
        assertThat(answer).isNotDone();
        BilledRequest bill = single(server.records());
        assertThat(bill.prompt()).isEqualTo("narrate line 3");
        assertThat(rule.applied()).isEqualTo(1);

        HttpResponse<String> r = answer.get(20, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("id").asText()).isEqualTo(bill.requestId());
        // Applied once: the next matching request is answered at once.
        assertThat(post(Provider.OPENROUTER, "/chat/completions", chat("m", "narrate line 3 again")).statusCode())
                .isEqualTo(200);
        assertThat(rule.remaining()).isZero();
    }

    @Test
    void a_stalled_answer_should_be_billed_and_send_only_its_first_bytes() throws Exception {
        server.when(Provider.ELEVENLABS, "stall me").stallAfterBytes(10, Duration.ofSeconds(30), 1);
        HttpResponse<InputStream> r = http.send(authorized(Provider.ELEVENLABS, "/v1/text-to-speech/" + RACHEL)
                .POST(body("{\"text\":\"stall me\"}")).build(), HttpResponse.BodyHandlers.ofInputStream());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("history-item-id")).isPresent();
        assertThat(server.billedCount()).isEqualTo(1);
        assertThat(server.history()).hasSize(1);
        var reader = Executors.newVirtualThreadPerTaskExecutor();
        try (InputStream in = r.body()) {
            Future<byte[]> first = reader.submit(() -> in.readNBytes(10));
            assertThat(new String(first.get(10, TimeUnit.SECONDS), 0, 3, StandardCharsets.ISO_8859_1)).isEqualTo("ID3");
            Future<byte[]> rest = reader.submit(in::readAllBytes);
            assertThatThrownBy(() -> rest.get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
            rest.cancel(true);
        } finally {
            reader.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- refusing rules

    @Test
    void refusing_rules_should_bill_nothing_and_stop_after_their_count() throws Exception {
        Rule limited = server.when("alpha").answer429(2, 7);
        Rule unavailable = server.when(Provider.ELEVENLABS, "beta").answer503(1);
        Rule reset = server.when(Provider.GOOGLE, "gamma").resetBeforeAnswer(1);

        HttpResponse<String> first = post(Provider.OPENROUTER, "/chat/completions", chat("m", "alpha"));
        HttpResponse<String> second = post(Provider.OPENAI, "/chat/completions", chat("m", "alpha"));
        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.headers().firstValue("Retry-After")).contains("7");
        assertThat(JSON.readTree(first.body()).at("/error/metadata/error_type").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(second.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(post(Provider.OPENROUTER, "/chat/completions", chat("m", "alpha")).statusCode()).isEqualTo(200);
        assertThat(limited.applied()).isEqualTo(2);

        HttpResponse<byte[]> busy = speak(RACHEL, "beta", "eleven_multilingual_v2");
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(busy.body()).at("/detail/status").asText()).isEqualTo("service_unavailable");
        assertThat(speak(RACHEL, "beta", "eleven_multilingual_v2").statusCode()).isEqualTo(200);
        assertThat(unavailable.applied()).isEqualTo(1);

        String gemini = "{\"contents\":[{\"parts\":[{\"text\":\"gamma\"}]}]}";
        assertThatThrownBy(() -> post(Provider.GOOGLE, "/v1beta/models/gemini-2.5-flash:generateContent", gemini))
                .isInstanceOf(IOException.class);
        assertThat(post(Provider.GOOGLE, "/v1beta/models/gemini-2.5-flash:generateContent", gemini).statusCode())
                .isEqualTo(200);
        assertThat(reset.applied()).isEqualTo(1);

        assertThat(server.records()).extracting(BilledRequest::provider)
                .containsExactly(Provider.OPENROUTER, Provider.ELEVENLABS, Provider.GOOGLE);
        assertThat(server.history()).hasSize(1);
        assertThat(server.billedTwice()).isEmpty();
    }

    @Test
    void rules_should_leave_free_reads_alone() throws Exception {
        Rule rule = server.when("").answer503(5);

        HttpResponse<String> voices = send(authorized(Provider.ELEVENLABS, "/v1/voices").GET());
        HttpResponse<String> models = send(authorized(Provider.ELEVENLABS, "/v1/models").GET());
        HttpResponse<String> search = send(authorized(Provider.ELEVENLABS, "/v2/voices?search=rach").GET());
        HttpResponse<String> openRouterModels = send(authorized(Provider.OPENROUTER, "/models").GET());
        HttpResponse<String> openAiModels = send(authorized(Provider.OPENAI, "/models").GET());

        assertThat(JSON.readTree(voices.body()).path("voices").findValuesAsText("name")).contains("Rachel", "Adam");
        assertThat(JSON.readTree(models.body()).isArray()).isTrue();
        assertThat(JSON.readTree(models.body()).findValuesAsText("model_id")).contains("eleven_multilingual_v2",
                "eleven_v3", "eleven_flash_v2_5", "eleven_turbo_v2_5");
        assertThat(JSON.readTree(search.body()).path("voices").findValuesAsText("voice_id")).containsExactly(RACHEL);
        assertThat(JSON.readTree(openRouterModels.body()).at("/data/0/pricing/prompt").asText()).isEqualTo("0.00000015");
        assertThat(JSON.readTree(openAiModels.body()).path("data").findValuesAsText("id")).contains("llama3.2");
        assertThat(rule.applied()).isZero();
        assertThat(server.billedCount()).isZero();
    }

    // ---------------------------------------------------------------- malformed requests

    @Test
    void malformed_requests_should_be_refused_unbilled() throws Exception {
        assertThat(post(Provider.OPENROUTER, "/chat/completions", "{\"model\":\"m\"}").statusCode()).isEqualTo(400);
        assertThat(post(Provider.OPENAI, "/chat/completions", "not json").statusCode()).isEqualTo(400);
        assertThat(post(Provider.GOOGLE, "/v1beta/models/g:generateContent", "{}").statusCode()).isEqualTo(400);
        assertThat(speak("unknownvoice00000000", "hi", "eleven_v3").statusCode()).isEqualTo(404);
        assertThat(speak(RACHEL, "hi", "eleven_nonexistent").statusCode()).isEqualTo(400);
        assertThat(send(authorized(Provider.ELEVENLABS, "/v1/text-to-speech/" + RACHEL + "?output_format=mp3")
                .POST(body("{\"text\":\"hi\"}"))).statusCode()).isEqualTo(422);
        assertThat(send(authorized(Provider.ELEVENLABS, "/v1/text-to-speech/" + RACHEL).POST(body("{}"))).statusCode())
                .isEqualTo(422);
        assertThat(send(authorized(Provider.OPENAI, "/nothing").GET()).statusCode()).isEqualTo(404);
        assertThat(send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/elsewhere")).GET()).statusCode())
                .isEqualTo(404);
        assertThat(server.billedCount()).isZero();
        assertThat(server.history()).isEmpty();
    }

    // ---------------------------------------------------------------- history

    @Test
    void history_should_list_each_speech_with_its_character_counts_and_page_through_them() throws Exception {
        String id1 = speak(RACHEL, "First line.", "eleven_multilingual_v2").headers().firstValue("history-item-id")
                .orElseThrow();
        HttpResponse<byte[]> second = speak(ADAM, "Second line!", "eleven_flash_v2_5");
        String id2 = second.headers().firstValue("history-item-id").orElseThrow();
        String id3 = speak(RACHEL, "Third.", "eleven_v3").headers().firstValue("history-item-id").orElseThrow();

        JsonNode page1 = JSON.readTree(send(authorized(Provider.ELEVENLABS, "/v1/history?page_size=2").GET()).body());
        assertThat(page1.path("history").findValuesAsText("history_item_id")).containsExactly(id3, id2);
        assertThat(page1.path("has_more").asBoolean()).isTrue();
        assertThat(page1.path("last_history_item_id").asText()).isEqualTo(id2);
        JsonNode page2 = JSON.readTree(send(authorized(Provider.ELEVENLABS,
                "/v1/history?page_size=2&start_after_history_item_id=" + id2).GET()).body());
        assertThat(page2.path("history").findValuesAsText("history_item_id")).containsExactly(id1);
        assertThat(page2.path("has_more").asBoolean()).isFalse();

        JsonNode all = JSON.readTree(send(authorized(Provider.ELEVENLABS, "/v1/history?sort_direction=asc").GET())
                .body()).path("history");
        assertThat(all.findValuesAsText("history_item_id")).containsExactly(id1, id2, id3);
        // 11 credits, then ceil(12 * 0.5) = 6, then 6: the account's counter runs on.
        assertThat(all.findValuesAsText("character_count_change_from")).containsExactly("0", "11", "17");
        assertThat(all.findValuesAsText("character_count_change_to")).containsExactly("11", "17", "23");
        JsonNode item = all.get(1);
        assertThat(item.path("request_id").asText()).isEqualTo(second.headers().firstValue("request-id").orElseThrow());
        assertThat(item.path("voice_id").asText()).isEqualTo(ADAM);
        assertThat(item.path("voice_name").asText()).isEqualTo("Adam");
        assertThat(item.path("model_id").asText()).isEqualTo("eleven_flash_v2_5");
        assertThat(item.path("text").asText()).isEqualTo("Second line!");
        assertThat(item.path("content_type").asText()).isEqualTo("audio/mpeg");
        assertThat(item.path("state").asText()).isEqualTo("created");
        assertThat(item.path("source").asText()).isEqualTo("TTS");
        assertThat(item.path("date_unix").asLong()).isPositive();

        assertThat(historyIds("voice_id=" + RACHEL)).containsExactly(id3, id1);
        assertThat(historyIds("model_id=eleven_flash_v2_5")).containsExactly(id2);
        long oldest = all.get(0).path("date_unix").asLong();
        long newest = all.get(2).path("date_unix").asLong();
        assertThat(historyIds("date_after_unix=" + (newest + 1))).isEmpty();
        assertThat(historyIds("date_before_unix=" + oldest)).isEmpty();
        assertThat(historyIds("date_after_unix=" + oldest + "&date_before_unix=" + (newest + 1) + "&source=TTS"))
                .containsExactly(id3, id2, id1);
        assertThat(send(authorized(Provider.ELEVENLABS, "/v1/history?page_size=0").GET()).statusCode()).isEqualTo(422);
        assertThat(send(authorized(Provider.ELEVENLABS, "/v1/history?page_size=1001").GET()).statusCode()).isEqualTo(422);
        assertThat(server.history()).extracting(HistoryItem::characterCost).containsExactly(11L, 6L, 6L);
        assertThat(server.billedCount()).isEqualTo(3);
    }

    @Test
    void history_audio_should_be_the_bytes_of_the_speech_answer() throws Exception {
        HttpResponse<byte[]> speech = send(authorized(Provider.ELEVENLABS, "/v1/text-to-speech/" + RACHEL
                + "?output_format=wav_22050").POST(body("{\"text\":\"Keep this audio.\"}")), HttpResponse.BodyHandlers
                .ofByteArray());
        String id = speech.headers().firstValue("history-item-id").orElseThrow();

        HttpResponse<byte[]> audio = send(authorized(Provider.ELEVENLABS, "/v1/history/" + id + "/audio").GET(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<String> item = send(authorized(Provider.ELEVENLABS, "/v1/history/" + id).GET());

        assertThat(speech.headers().firstValue("Content-Type")).contains("audio/wav");
        assertThat(new String(speech.body(), 0, 4, StandardCharsets.ISO_8859_1)).isEqualTo("RIFF");
        assertThat(audio.statusCode()).isEqualTo(200);
        assertThat(audio.headers().firstValue("Content-Type")).contains("audio/wav");
        assertThat(audio.body()).isEqualTo(speech.body());
        assertThat(JSON.readTree(item.body()).path("output_format").asText()).isEqualTo("wav_22050");
        assertThat(send(authorized(Provider.ELEVENLABS, "/v1/history/nope/audio").GET()).statusCode()).isEqualTo(404);
        assertThat(server.billedCount()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- billed twice

    @Test
    void billed_twice_should_name_a_resent_identical_body_and_nothing_else() throws Exception {
        post(Provider.OPENROUTER, "/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"once\"}]}");
        post(Provider.OPENROUTER, "/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"other\"}]}");
        speak(RACHEL, "same text", "eleven_v3");
        speak(ADAM, "same text", "eleven_v3");
        assertThat(server.billedTwice()).isEmpty();

        // The same request again, its fields in another order.
        post(Provider.OPENROUTER, "/chat/completions", "{\"messages\":[{\"content\":\"once\",\"role\":\"user\"}],\"model\":\"m\"}");

        List<BilledRequest> twice = server.billedTwice();
        assertThat(twice).hasSize(2);
        assertThat(twice).extracting(BilledRequest::prompt).containsOnly("once");
        assertThat(twice.get(0).bodySha256()).isEqualTo(twice.get(1).bodySha256());
        assertThat(twice.get(0).requestId()).isNotEqualTo(twice.get(1).requestId());
    }

    @Test
    void reset_should_forget_bills_history_and_rules() throws Exception {
        server.when("x").answer503(3);
        speak(RACHEL, "one", "eleven_v3");
        server.reset();

        assertThat(server.records()).isEmpty();
        assertThat(server.history()).isEmpty();
        assertThat(server.rules()).isEmpty();
        assertThat(server.totalBilled()).isEqualByComparingTo("0");
        assertThat(speak(RACHEL, "x", "eleven_v3").statusCode()).isEqualTo(200);
        assertThat(server.history()).singleElement().extracting(HistoryItem::characterCountChangeFrom).isEqualTo(0L);
    }

    @Test
    void an_answer_delay_should_pass_before_the_bill() throws Exception {
        try (FakeSyncServer slow = FakeSyncServer.start(FakeSyncServer.Settings.defaults()
                .withAnswerDelay(Duration.ofMillis(1500)))) {
            CompletableFuture<HttpResponse<String>> answer = http.sendAsync(HttpRequest.newBuilder(URI.create(
                    slow.baseUrl(Provider.OPENAI) + "/chat/completions"))
                    .header("Authorization", "Bearer " + slow.apiKey(Provider.OPENAI))
                    .POST(body(chat("m", "slow"))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(slow.awaitBilled(1, Duration.ofMillis(200))).isFalse();
            assertThat(answer.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(slow.billedCount()).isEqualTo(1);
        }
    }

    // ---------------------------------------------------------------- helpers

    private List<String> historyIds(String query) throws Exception {
        return JSON.readTree(send(authorized(Provider.ELEVENLABS, "/v1/history?" + query).GET()).body())
                .path("history").findValuesAsText("history_item_id");
    }

    private static String chat(String model, String user) throws IOException {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":" + JSON.writeValueAsString(user) + "}],\"stream\":false}";
    }

    private static String content(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).at("/choices/0/message/content").asText();
    }

    private static <T> T single(List<T> list) {
        assertThat(list).hasSize(1);
        return list.getFirst();
    }

    private HttpResponse<byte[]> speak(String voice, String text, String model) throws Exception {
        return send(authorized(Provider.ELEVENLABS, "/v1/text-to-speech/" + voice + "?output_format=mp3_44100_128")
                .POST(body("{\"text\":" + JSON.writeValueAsString(text) + ",\"model_id\":\"" + model + "\"}")),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<String> post(Provider p, String path, String json) throws Exception {
        return send(authorized(p, path).POST(body(json)));
    }

    private HttpRequest.Builder request(Provider p, String path) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl(p) + path)).header("Content-Type", "application/json");
    }

    /** A request with the provider's key in the header it reads. */
    private HttpRequest.Builder authorized(Provider p, String path) {
        String key = server.apiKey(p);
        return switch (p) {
            case OPENROUTER, OPENAI -> request(p, path).header("Authorization", "Bearer " + key);
            case ELEVENLABS -> request(p, path).header("xi-api-key", key);
            case GOOGLE -> request(p, path).header("x-goog-api-key", key);
        };
    }

    private static HttpRequest.BodyPublisher body(String json) {
        return HttpRequest.BodyPublishers.ofString(json);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return send(b, HttpResponse.BodyHandlers.ofString());
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return http.send(b.build(), handler);
    }
}
