package dev.acp.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.acp.providers.openai.ChatFixtures.CANARY;
import static dev.acp.providers.openai.ChatFixtures.sentBodies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.StepContext;
import dev.acp.provider.Usage;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

/**
 * {@code openai} text_to_speech against a mock of {@code POST /v1/audio/speech}: as OpenAI itself
 * (through the factory's classifier seam) and as a self-hosted server such as Kokoro-FastAPI on
 * this machine; the portable emotion parameters become {@code instructions} only for models that
 * follow them.
 *
 * <p>What every provider keeps alike (lost answers, time limits, Retry-After, the key masked and
 * kept home) is checked by {@link OpenAiSpeechProviderContractTest}, the shared contract suite.
 */
final class OpenAiSpeechContractTest {
    private static final String PATH = "/v1/audio/speech";
    private static final byte[] MP3 = {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFB, 0x50, 0x44};

    @RegisterExtension
    static final WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).failOnUnmatchedRequests(true).build();

    @TempDir
    Path dir;

    private ProviderContext context(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("ACP_OPENAI_BASE_URL", server.baseUrl() + "/v1",
                "ACP_OPENAI_TIMEOUT", "10"));
        env.putAll(extra);
        return ChatFixtures.context(env, dir.resolve("home"));
    }

    private Provider openAi() {
        return new OpenAiProviderFactory(uri -> ServerKind.OPENAI).create(context(Map.of("OPENAI_API_KEY", CANARY)));
    }

    private Provider local() {
        return new OpenAiProviderFactory().create(context(Map.of()));
    }

    private ProviderRequest request(String file, String model, Map<String, Object> params) {
        return new ProviderRequest("narration", Capability.TEXT_TO_SPEECH, model, params, dir.resolve(file),
                new StepContext() {
                    @Override
                    public Path scratchDirectory() {
                        return dir;
                    }

                    @Override
                    public void progress(double fraction, String message) {}
                });
    }

    private static void audio(String contentType, byte[] body) {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", contentType).withHeader("x-request-id", "req_8f2c")
                .withBody(body)));
    }

    private static void error(int status, String body, String... headers) {
        var response = aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            response = response.withHeader(headers[i], headers[i + 1]);
        }
        server.stubFor(post(urlEqualTo(PATH)).willReturn(response));
    }

    private static JsonNode onlyBody() {
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
        return sentBodies(server).getFirst();
    }

    // ---- OpenAI itself -------------------------------------------------------------------------------

    @Test
    void should_speak_with_an_emotion_as_instructions_on_gpt_4o_mini_tts() throws Exception {
        audio("audio/mpeg", MP3);

        ProviderResult r = openAi().execute(request("line.mp3", null, Map.of("text", "We won the cup!",
                "emotion", "excited", "intensity", 0.9, "description", "a sports commentator, shouting over a crowd",
                "voice", "coral", "speed", 1.1)));

        JsonNode body = onlyBody();
        assertThat(body.get("model").asText()).as("OpenAI's default follows instructions").isEqualTo("gpt-4o-mini-tts");
        assertThat(body.get("input").asText()).isEqualTo("We won the cup!");
        assertThat(body.get("voice").asText()).isEqualTo("coral");
        assertThat(body.get("response_format").asText()).isEqualTo("mp3");
        assertThat(body.get("speed").asDouble()).isEqualTo(1.1);
        assertThat(body.get("instructions").asText()).isEqualTo("Tone: excited and energetic (strong, intensity 0.90"
                + " of 1). Delivery: a sports commentator, shouting over a crowd.");
        server.verify(postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer " + CANARY))
                .withHeader("Content-Type", equalTo("application/json")));

        assertThat(Files.readAllBytes(dir.resolve("line.mp3"))).isEqualTo(MP3);
        assertThat(r.wroteFile()).isTrue();
        assertThat(r.requestIds()).containsExactly("req_8f2c");
        assertThat(r.actualCost()).as("OpenAI names no price for speech").isNull();
        assertThat(r.usage()).as("the characters sent").isEqualTo(new Usage.Characters(15));
        assertThat(r.metadata()).containsEntry("model", "gpt-4o-mini-tts").containsEntry("emotion", "excited")
                .containsEntry("intensity", 0.9).containsEntry("emotion_applied", true)
                .containsEntry("request_id", "req_8f2c").containsEntry("file_bytes", (long) MP3.length)
                .doesNotContainKey("emotion_note");
        assertThat(r.metadata().toString()).doesNotContain(CANARY);
    }

    @Test
    void should_not_send_instructions_to_tts_1_and_report_the_emotion_as_ignored() throws Exception {
        audio("audio/mpeg", MP3);
        Provider p = openAi();
        Map<String, Object> params = Map.of("text", "Goodbye.", "emotion", "sad");

        assertThat(p.check(Capability.TEXT_TO_SPEECH, "tts-1", params, "mp3")).singleElement().satisfies(i -> {
            assertThat(i.isWarning()).isTrue();
            assertThat(i.parameter()).isEqualTo("emotion");
            assertThat(i.message()).contains("model tts-1 takes no instructions");
        });
        ProviderResult r = p.execute(request("bye.mp3", "tts-1", params));

        assertThat(onlyBody().has("instructions")).isFalse();
        assertThat(r.usage()).isEqualTo(new Usage.Characters(8));
        assertThat(r.metadata()).containsEntry("emotion_applied", false).containsEntry("emotion", "sad")
                .containsEntry("intensity", 0.5);
        assertThat((String) r.metadata().get("emotion_note")).contains("emotion not applied")
                .contains("gpt-4o-mini-tts");
    }

    @Test
    void should_report_the_characters_sent_which_tts_1_is_billed_by() throws Exception {
        audio("audio/mpeg", MP3);

        ProviderResult r = openAi().execute(request("cafe.mp3", "tts-1-hd", Map.of("text", "Café ☕ at 🚀 speed")));

        assertThat(onlyBody().get("input").asText()).isEqualTo("Café ☕ at 🚀 speed");
        // Characters, not UTF-16 units: the rocket is one, as in the 4096-character limit.
        assertThat(r.usage()).isEqualTo(new Usage.Characters(17));
        assertThat(r.actualCost()).isNull();
        assertThat(r.metadata()).containsEntry("characters", 17);
    }

    @Test
    void should_send_neutral_direction_and_the_steps_own_instructions_first() throws Exception {
        audio("audio/mpeg", MP3);

        openAi().execute(request("a.mp3", "gpt-4o-mini-tts", Map.of("text", "Hi.", "emotion", "neutral",
                "instructions", "British accent.")));

        assertThat(onlyBody().get("instructions").asText())
                .isEqualTo("British accent. Tone: neutral and even, without emotional colouring.");
    }

    @Test
    void should_require_a_key_for_openai_and_send_nothing_without_one() {
        Provider p = new OpenAiProviderFactory(uri -> ServerKind.OPENAI).create(context(Map.of()));

        assertThatThrownBy(() -> p.execute(request("a.mp3", null, Map.of("text", "Hi."))))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
                    assertThat(e.getMessage()).contains("OPENAI_API_KEY");
                });
        server.verify(0, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_refuse_before_paying_what_openai_cannot_speak() {
        Provider p = openAi();
        assertThat(p.check(Capability.TEXT_TO_SPEECH, null, Map.of("text", "x".repeat(4097)), "mp3"))
                .anySatisfy(i -> assertThat(i.message()).contains("4097 characters").contains("at most 4096"));
        assertThat(p.check(Capability.TEXT_TO_SPEECH, null, Map.of("text", "hi"), "m4a"))
                .singleElement().satisfies(i -> {
                    assertThat(i.isWarning()).isFalse();
                    assertThat(i.fix()).contains(".mp3, .opus, .ogg, .aac, .flac or .wav");
                });
        assertThat(p.check(Capability.TEXT_TO_SPEECH, null, Map.of("text", "hi", "speed", 5), "mp3"))
                .singleElement().satisfies(i -> assertThat(i.parameter()).isEqualTo("speed"));

        assertThatThrownBy(() -> p.execute(request("a.mp3", null, Map.of("text", "hi", "emotion", "cheerful"))))
                .as("an emotion resolved at run time to a word outside the set")
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
                    assertThat(e.getMessage()).contains("unknown emotion 'cheerful'").contains("did you mean 'happy'?");
                });
        server.verify(0, postRequestedFor(urlEqualTo(PATH)));
    }

    // ---- a self-hosted compatible server ---------------------------------------------------------------

    @Test
    void should_speak_on_a_local_server_without_a_key_for_free_in_the_files_format() throws Exception {
        byte[] wav = {'R', 'I', 'F', 'F', 36, 0, 0, 0, 'W', 'A', 'V', 'E'};
        audio("audio/wav", wav);
        Provider p = local();

        ProviderResult r = p.execute(request("line.wav", null, Map.of("text", "Hello.", "voice", "af_bella",
                "rate", 0.9)));

        JsonNode body = onlyBody();
        assertThat(body.get("model").asText()).as("the name compatible servers map").isEqualTo("tts-1");
        assertThat(body.get("voice").asText()).isEqualTo("af_bella");
        assertThat(body.get("response_format").asText()).isEqualTo("wav");
        assertThat(body.get("speed").asDouble()).isEqualTo(0.9);
        assertThat(body.has("instructions")).isFalse();
        assertThat(ChatFixtures.events(server).getFirst().getRequest().containsHeader("Authorization")).isFalse();
        assertThat(r.actualCost()).as("free: the zero settles it, whatever the characters")
                .isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(r.metadata()).containsEntry("cost_source", "local server (free)").doesNotContainKey("emotion_applied");
        assertThat(p.costsMoney()).isFalse();
    }

    @Test
    void should_ask_for_opus_for_an_ogg_file_and_take_the_model_from_the_variables() throws Exception {
        audio("audio/ogg", new byte[] {'O', 'g', 'g', 'S', 0, 2});
        Provider p = new OpenAiProviderFactory().create(context(Map.of("ACP_OPENAI_SPEECH_MODEL", "kokoro",
                "ACP_OPENAI_VOICE", "af_sky")));

        p.execute(request("line.ogg", null, Map.of("text", "Hello.")));

        JsonNode body = onlyBody();
        assertThat(body.get("response_format").asText()).isEqualTo("opus");
        assertThat(body.get("model").asText()).isEqualTo("kokoro");
        assertThat(body.get("voice").asText()).isEqualTo("af_sky");
    }

    @Test
    void should_send_explicit_instructions_to_a_servers_own_model_but_not_guess_for_the_emotion() throws Exception {
        audio("audio/mpeg", MP3);

        ProviderResult r = local().execute(request("a.mp3", "kokoro", Map.of("text", "Hi.", "emotion", "calm",
                "instructions", "speak slowly")));

        assertThat(onlyBody().get("instructions").asText()).isEqualTo("speak slowly");
        assertThat(r.metadata()).containsEntry("emotion_applied", false);
        assertThat((String) r.metadata().get("emotion_note")).contains("not known to follow instructions");
    }

    // ---- errors -------------------------------------------------------------------------------------

    static Stream<Arguments> errorTable() {
        return Stream.of(
                arguments(400, "{\"error\":{\"message\":\"[{'type': 'string_too_long', 'loc': ('body', 'input')}]\","
                        + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}", ErrorKind.VALIDATION),
                arguments(400, "{\"error\":{\"message\":\"Input flagged by our safety system\",\"type\":"
                        + "\"invalid_request_error\",\"code\":\"moderation_blocked\"}}", ErrorKind.CONTENT_POLICY),
                arguments(401, "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":"
                        + "\"invalid_request_error\",\"code\":\"invalid_api_key\"}}", ErrorKind.AUTH),
                arguments(403, "{\"error\":{\"message\":\"You are not allowed to use this model\",\"type\":"
                        + "\"invalid_request_error\",\"code\":null}}", ErrorKind.AUTH),
                arguments(404, "{\"error\":{\"message\":\"The model `tts-9` does not exist\",\"type\":"
                        + "\"invalid_request_error\",\"code\":\"model_not_found\"}}", ErrorKind.NOT_FOUND),
                arguments(429, "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":"
                        + "\"insufficient_quota\",\"code\":\"insufficient_quota\"}}", ErrorKind.QUOTA),
                arguments(429, "{\"error\":{\"message\":\"Rate limit reached for tts-1\",\"type\":\"requests\","
                        + "\"code\":\"rate_limit_exceeded\"}}", ErrorKind.RATE_LIMIT),
                arguments(500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}",
                        ErrorKind.TRANSIENT),
                arguments(503, "{\"detail\":\"Kokoro model is loading\"}", ErrorKind.TRANSIENT));
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
    @MethodSource("errorTable")
    void should_classify_the_error_table_and_send_once(int status, String body, ErrorKind kind) {
        error(status, body);

        assertThatThrownBy(() -> openAi().execute(request("a.mp3", "tts-1", Map.of("text", "Hi."))))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(kind);
                    assertThat(e.getMessage()).startsWith("openai: HTTP " + status).doesNotContain(CANARY);
                });
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
        assertThat(dir.resolve("a.mp3")).doesNotExist();
    }

    @Test
    void should_mask_a_key_the_server_echoes() {
        error(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + CANARY + "\",\"type\":"
                + "\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");

        assertThatThrownBy(() -> openAi().execute(request("a.mp3", null, Map.of("text", "Hi."))))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
                    assertThat(e.getMessage()).doesNotContain(CANARY).contains("check OPENAI_API_KEY");
                });
    }

    @Test
    void should_not_write_json_that_a_server_sent_as_if_it_were_audio() {
        audio("application/json", "{\"status\":\"queued\"}".getBytes());

        assertThatThrownBy(() -> openAi().execute(request("a.mp3", null, Map.of("text", "Hi."))))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
                    assertThat(e.getMessage()).contains("application/json").contains("not sent again");
                    assertThat(e.requestId()).contains("req_8f2c");
                });
        assertThat(dir.resolve("a.mp3")).doesNotExist();
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_fail_an_empty_answer_as_unknown_outcome() {
        audio("audio/mpeg", new byte[0]);

        assertThatThrownBy(() -> openAi().execute(request("a.mp3", null, Map.of("text", "Hi."))))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME));
    }

    @Test
    void should_fail_audio_cut_short_as_unknown_outcome_and_send_once() throws Exception {
        try (CutShortServer cut = CutShortServer.start("audio/mpeg")) {
            Provider p = new OpenAiProviderFactory(uri -> ServerKind.OPENAI).create(ChatFixtures.context(Map.of(
                    "ACP_OPENAI_BASE_URL", cut.baseUrl() + "/v1", "OPENAI_API_KEY", CANARY), dir.resolve("home")));

            assertThatThrownBy(() -> p.execute(request("cut.mp3", null, Map.of("text", "Hi."))))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
                        assertThat(e.getMessage()).doesNotContain(CANARY);
                    });
            assertThat(cut.requestLines()).containsExactly("POST /v1/audio/speech HTTP/1.1");
        }
        assertThat(dir.resolve("cut.mp3")).doesNotExist();
    }

    @Test
    void should_claim_speech_and_images_besides_chat() {
        assertThat(new OpenAiProviderFactory().capabilities()).contains(Capability.TEXT_TO_SPEECH,
                Capability.TEXT_TO_IMAGE, Capability.PROMPT_GENERATION);
        assertThat(local().parameters(Capability.TEXT_TO_SPEECH)).contains("emotion", "intensity", "description",
                "instructions").doesNotContain("language");
        assertThat(List.of(local().deterministic(Capability.TEXT_TO_SPEECH, Map.of("seed", 1)))).containsExactly(false);
    }
}
