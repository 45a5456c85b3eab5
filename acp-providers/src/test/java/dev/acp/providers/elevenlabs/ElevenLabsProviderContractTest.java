package dev.acp.providers.elevenlabs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.acp.providers.elevenlabs.TestContexts.CANARY_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.acp.config.AcpConfig;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.Governor;
import dev.acp.http.Governors;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.Usage;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ElevenLabs text-to-speech against a mock server built from providers.md section 2. Every
 * request the provider makes must match a stub: unmatched requests fail the test.
 *
 * <p>What every provider keeps alike (lost answers, time limits, Retry-After, the key masked and
 * kept home) is checked by {@link ElevenLabsContractTest}, the shared contract suite.
 */
class ElevenLabsProviderContractTest {
    private static final String RACHEL = "21m00Tcm4TlvDq8ikWAM";
    private static final String ADAM = "pNInz6obpgDQGcFmaJgB";
    private static final String VOICES = """
            {"voices":[
              {"voice_id":"21m00Tcm4TlvDq8ikWAM","name":"Rachel","category":"premade","labels":{"accent":"american"},
               "settings":{"stability":0.5},"is_legacy":true},
              {"voice_id":"pNInz6obpgDQGcFmaJgB","name":"Adam","category":"premade"},
              {"voice_id":"AZnzlk1XvdvUeBnXmlld","name":"Domi","category":"premade"},
              {"voice_id":"EXAVITQu4vr4xnSDxMaL","name":"Bella","category":"premade"},
              {"voice_id":"ErXwobaYiN019PkySvjV","name":"Antoni","category":"premade"},
              {"name":"a voice without an id is skipped"}
            ]}""";

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .failOnUnmatchedRequests(true)
            .build();

    @TempDir
    Path dir;

    private ElevenLabsProvider provider() {
        return provider(Duration.ofSeconds(10));
    }

    private ElevenLabsProvider provider(Duration speechTimeout) {
        return new ElevenLabsProvider(TestContexts.context(dir.resolve("home"), server.baseUrl()), speechTimeout);
    }

    private ProviderRequest request(String fileName, Map<String, Object> parameters) {
        return TestContexts.request(dir, fileName, parameters);
    }

    /** {@code size} bytes of audio: an ID3 tag's first bytes (checked by content), then noise. */
    private static byte[] audio(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        b[0] = 'I';
        b[1] = 'D';
        b[2] = '3';
        return b;
    }

    private static MappingBuilder speech(String voiceId, String format) {
        return post(urlPathEqualTo("/v1/text-to-speech/" + voiceId))
                .withQueryParam("output_format", equalTo(format))
                .withHeader("xi-api-key", equalTo(CANARY_KEY));
    }

    private static ResponseDefinitionBuilder audioAnswer(byte[] body, String contentType) {
        return aResponse().withStatus(200).withHeader("Content-Type", contentType)
                .withHeader("request-id", "req-123").withHeader("history-item-id", "hist-456")
                .withHeader("character-cost", "35").withHeader("current-concurrent-requests", "1")
                .withHeader("maximum-concurrent-requests", "5").withHeader("tts-latency-ms", "412")
                .withBody(body);
    }

    private void stubVoices() {
        server.stubFor(get(urlEqualTo("/v1/voices?show_legacy=true")).withHeader("xi-api-key", equalTo(CANARY_KEY))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(VOICES)));
    }

    // ---- happy paths ---------------------------------------------------------------------------

    @Test
    void should_send_the_documented_request_and_write_mp3() throws Exception {
        byte[] mp3 = audio(48_000);
        stubVoices();
        server.stubFor(speech(RACHEL, "mp3_44100_128")
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(equalToJson("""
                        {"text":"Hello, this is AI-generated speech!","model_id":"eleven_monolingual_v1",
                         "voice_settings":{"stability":0.5,"similarity_boost":0.75}}""", false, false))
                .willReturn(audioAnswer(mp3, "audio/mpeg")));

        ProviderRequest request = request("speech.mp3", Map.of("text", "Hello, this is AI-generated speech!",
                "voice", "Rachel", "model", "eleven_monolingual_v1", "stability", 0.5, "similarity_boost", 0.75));
        ProviderResult result = provider().execute(request);

        assertThat(result.wroteFile()).isTrue();
        assertThat(Files.readAllBytes(request.outputFile())).isEqualTo(mp3);
        assertThat(result.actualCost()).as("ElevenLabs bills characters, not dollars").isNull();
        assertThat(result.usage()).isEqualTo(new Usage.Credits(new BigDecimal("35")));
        assertThat(result.requestIds()).containsExactly("req-123");
        assertThat(result.metadata())
                .containsEntry("provider", "elevenlabs")
                .containsEntry("characters_billed", 35L)
                .containsEntry("characters", 35)
                .containsEntry("model", "eleven_monolingual_v1")
                .containsEntry("voice_id", RACHEL)
                .containsEntry("voice_name", "Rachel")
                .containsEntry("voice_source", "name")
                .containsEntry("output_format", "mp3_44100_128")
                .containsEntry("request_id", "req-123")
                .containsEntry("history_item_id", "hist-456")
                .containsEntry("current_concurrent_requests", 1L)
                .containsEntry("maximum_concurrent_requests", 5L)
                .containsEntry("file_bytes", 48_000L)
                .containsEntry("voice_settings", Map.of("stability", 0.5, "similarity_boost", 0.75));
        server.verify(1, postRequestedFor(urlPathMatching("/v1/text-to-speech/.*")));
    }

    @Test
    void should_write_wav_with_a_voice_id_as_given_and_every_setting() throws Exception {
        byte[] wav = audio(88_244);
        server.stubFor(speech(ADAM, "wav_44100")
                .withRequestBody(equalToJson("""
                        {"text":"Bonjour","model_id":"eleven_multilingual_v2","language_code":"fr","seed":42,
                         "voice_settings":{"stability":0.3,"similarity_boost":0.8,"style":0.2,
                                           "use_speaker_boost":true,"speed":1.1}}""", false, false))
                .willReturn(audioAnswer(wav, "audio/wav")));

        Map<String, Object> params = new HashMap<>(Map.of("text", "Bonjour", "voice", ADAM,
                "model", "eleven_multilingual_v2", "language", "fr-FR", "seed", 42, "stability", 0.3,
                "similarity_boost", "0.8", "style", 0.2, "use_speaker_boost", true));
        params.put("rate", 1.1);
        ProviderRequest request = request("voice.wav", params);
        ProviderResult result = provider().execute(request);

        assertThat(Files.readAllBytes(request.outputFile())).isEqualTo(wav);
        assertThat(result.metadata()).containsEntry("voice_id", ADAM).containsEntry("voice_source", "id")
                .containsEntry("output_format", "wav_44100").containsEntry("seed", 42L)
                .containsEntry("language_code", "fr").doesNotContainKey("voice_name");
        server.verify(0, getRequestedFor(urlPathMatching("/v.*/voices")));
    }

    @Test
    void should_ask_for_opus_for_ogg_and_honour_an_explicit_output_format() throws Exception {
        server.stubFor(speech(RACHEL, "opus_48000_64").willReturn(audioAnswer(audio(100), "audio/ogg")));
        server.stubFor(speech(RACHEL, "mp3_44100_192").willReturn(audioAnswer(audio(200), "audio/mpeg")));
        ElevenLabsProvider provider = provider();

        provider.execute(request("a.ogg", Map.of("text", "one", "voice", RACHEL)));
        ProviderResult mp3 = provider.execute(request("b.mp3", Map.of("text", "two", "voice", RACHEL,
                "output_format", "mp3_44100_192")));

        assertThat(mp3.metadata()).containsEntry("output_format", "mp3_44100_192");
        assertThat(Files.size(dir.resolve("a.ogg"))).isEqualTo(100);
    }

    @Test
    void should_use_the_default_voice_and_model_when_the_step_names_none() throws Exception {
        server.stubFor(speech(VoiceDirectory.DEFAULT_VOICE_ID, "mp3_44100_128")
                .withRequestBody(equalToJson("{\"text\":\"Hi\",\"model_id\":\"eleven_multilingual_v2\"}", false, false))
                .willReturn(audioAnswer(audio(10), "audio/mpeg")));

        ProviderResult result = provider().execute(request("hi.mp3", Map.of("text", "Hi")));

        assertThat(result.metadata()).containsEntry("voice_source", "default").containsEntry("voice_name", "Rachel")
                .containsEntry("model", "eleven_multilingual_v2").doesNotContainKey("voice_settings");
    }

    // ---- what settles the cost -----------------------------------------------------------------

    static Stream<Arguments> billingHeaders() {
        return Stream.of(
                Arguments.of("character-cost", "35", new Usage.Credits(new BigDecimal("35")), 35L),
                Arguments.of("x-character-count", "120", new Usage.Credits(new BigDecimal("120")), 120L),
                Arguments.of("character-cost", "17.5", new Usage.Credits(new BigDecimal("17.5")), "17.5"),
                Arguments.of("character-cost", "lots", null, "lots"),
                Arguments.of("character-cost", "-4", null, -4L),
                Arguments.of(null, null, null, null));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("billingHeaders")
    void should_report_the_credits_a_billing_header_counts_and_nothing_without_a_usable_one(@Nullable String header,
            @Nullable String value, Usage.@Nullable Credits credits, @Nullable Object billed) throws Exception {
        stubVoices();
        ResponseDefinitionBuilder answer = aResponse().withStatus(200).withHeader("Content-Type", "audio/mpeg")
                .withHeader("request-id", "req-9").withBody(audio(2_000));
        server.stubFor(speech(RACHEL, "mp3_44100_128").willReturn(header == null ? answer
                : answer.withHeader(header, value)));

        ProviderResult result = provider().execute(request("bill.mp3", Map.of("text", "Thirty-five characters, or so.",
                "voice", "Rachel")));

        assertThat(result.wroteFile()).isTrue();
        assertThat(result.usage()).isEqualTo(credits);
        assertThat(result.actualCost()).as("credits, not dollars: the plan's price of a credit converts them")
                .isNull();
        if (billed == null) {
            assertThat(result.metadata()).doesNotContainKey("characters_billed");
        } else {
            assertThat(result.metadata()).containsEntry("characters_billed", billed);
        }
    }

    @Test
    void should_prefer_character_cost_when_both_headers_are_sent() throws Exception {
        stubVoices();
        server.stubFor(speech(RACHEL, "mp3_44100_128").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "audio/mpeg").withHeader("character-cost", "12")
                .withHeader("x-character-count", "24").withBody(audio(1_000))));

        ProviderResult result = provider().execute(request("both.mp3", Map.of("text", "Twelve chars", "voice", "Rachel")));

        assertThat(result.usage()).isEqualTo(new Usage.Credits(new BigDecimal("12")));
        assertThat(result.metadata()).containsEntry("characters_billed", 12L);
    }

    // ---- voices ---------------------------------------------------------------------------------

    @Test
    void should_resolve_names_case_insensitively_and_fetch_the_voice_list_once() throws Exception {
        stubVoices();
        server.stubFor(speech(RACHEL, "mp3_44100_128").willReturn(audioAnswer(audio(10), "audio/mpeg")));
        server.stubFor(speech(ADAM, "mp3_44100_128").willReturn(audioAnswer(audio(20), "audio/mpeg")));
        ElevenLabsProvider provider = provider();

        ProviderResult first = provider.execute(request("1.mp3", Map.of("text", "one", "voice", "rachel")));
        ProviderResult second = provider.execute(request("2.mp3", Map.of("text", "two", "voice", " Adam ")));
        ProviderResult third = provider.execute(request("3.mp3", Map.of("text", "three", "voice", RACHEL)));

        assertThat(first.metadata()).containsEntry("voice_id", RACHEL).containsEntry("voice_name", "Rachel");
        assertThat(second.metadata()).containsEntry("voice_id", ADAM).containsEntry("voice_name", "Adam");
        assertThat(third.metadata()).as("an id is named from the list already fetched")
                .containsEntry("voice_name", "Rachel").containsEntry("voice_source", "id");
        server.verify(1, getRequestedFor(urlEqualTo("/v1/voices?show_legacy=true")));
        server.verify(3, postRequestedFor(urlPathMatching("/v1/text-to-speech/.*")));
    }

    @Test
    void should_search_v2_for_a_name_missing_from_the_v1_list() throws Exception {
        stubVoices();
        server.stubFor(get(urlPathEqualTo("/v2/voices")).withQueryParam("search", equalTo("Narrator Nick"))
                .withHeader("xi-api-key", equalTo(CANARY_KEY))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("""
                        {"voices":[{"voice_id":"nick000000000000000a","name":"Narrator Nick Extended"},
                                   {"voice_id":"nick000000000000000b","name":"narrator nick"}],
                         "has_more":false,"total_count":2,"next_page_token":null}""")));
        server.stubFor(speech("nick000000000000000b", "mp3_44100_128").willReturn(audioAnswer(audio(5), "audio/mpeg")));
        ElevenLabsProvider provider = provider();

        provider.execute(request("1.mp3", Map.of("text", "one", "voice", "Narrator Nick")));
        ProviderResult again = provider.execute(request("2.mp3", Map.of("text", "two", "voice", "narrator NICK")));

        assertThat(again.metadata()).containsEntry("voice_id", "nick000000000000000b");
        server.verify(1, getRequestedFor(urlPathEqualTo("/v2/voices")));
    }

    @Test
    void should_report_an_unknown_voice_with_close_names_and_pay_nothing() {
        stubVoices();
        server.stubFor(get(urlPathEqualTo("/v2/voices")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"voices\":[],\"has_more\":false}")));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider().execute(request("x.mp3", Map.of("text", "hi", "voice", "Rachell"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(e.getMessage()).contains("no voice named 'Rachell'").contains("did you mean Rachel")
                .contains("config.voice").doesNotContain(CANARY_KEY);
        server.verify(0, postRequestedFor(urlPathMatching("/v1/text-to-speech/.*")));
    }

    @Test
    void should_list_some_voices_when_no_name_is_close() {
        stubVoices();
        server.stubFor(get(urlPathEqualTo("/v2/voices")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody("{\"detail\":\"Not Found\"}")));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider().execute(request("x.mp3", Map.of("text", "hi", "voice", "Zebedee the Narrator"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(e.getMessage()).contains("voices in the account include Adam, Antoni, Bella, Domi, Rachel");
    }

    @Test
    void should_treat_a_malformed_voice_list_as_transient_and_ask_again_next_time() throws Exception {
        server.stubFor(get(urlEqualTo("/v1/voices?show_legacy=true")).inScenario("voices")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willSetStateTo("fixed")
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"voices\":[{\"voice_id\":\"abc\", \"name\": tru")));
        server.stubFor(get(urlEqualTo("/v1/voices?show_legacy=true")).inScenario("voices")
                .whenScenarioStateIs("fixed")
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(VOICES)));
        server.stubFor(speech(ADAM, "mp3_44100_128").willReturn(audioAnswer(audio(10), "audio/mpeg")));
        ElevenLabsProvider provider = provider();

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.execute(request("x.mp3", Map.of("text", "hi", "voice", "Adam"))));
        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.getMessage()).contains("voice list").contains("not in the expected form");
        server.verify(0, postRequestedFor(urlPathMatching("/v1/text-to-speech/.*")));

        // A failed list is not cached: the engine's retry of the step succeeds.
        provider.execute(request("x.mp3", Map.of("text", "hi", "voice", "Adam")));
        server.verify(2, getRequestedFor(urlEqualTo("/v1/voices?show_legacy=true")));
    }

    @Test
    void should_treat_a_voice_list_without_voices_as_malformed() {
        server.stubFor(get(urlEqualTo("/v1/voices?show_legacy=true")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"items\":[]}")));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider().execute(request("x.mp3", Map.of("text", "hi", "voice", "Adam"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
    }

    // ---- errors ---------------------------------------------------------------------------------

    static Stream<Arguments> errorTable() {
        return Stream.of(
                Arguments.of(400, "{\"detail\":{\"status\":\"max_character_limit_exceeded\",\"message\":\"Text is too"
                        + " long\"}}", null, ErrorKind.VALIDATION, "max_character_limit_exceeded: Text is too long"),
                Arguments.of(401, "{\"detail\":{\"status\":\"invalid_api_key\",\"message\":\"Invalid API key\"}}",
                        null, ErrorKind.AUTH, "invalid_api_key"),
                Arguments.of(401, "{\"detail\":{\"status\":\"quota_exceeded\",\"message\":\"This request exceeds your"
                        + " quota of 10000. You have 12 credits remaining\"}}", null, ErrorKind.QUOTA, "quota_exceeded"),
                Arguments.of(400, "{\"detail\":{\"status\":\"quota_exceeded\",\"message\":\"quota\"}}", null,
                        ErrorKind.QUOTA, "quota_exceeded"),
                Arguments.of(403, "{\"detail\":\"Forbidden\"}", null, ErrorKind.AUTH, "Forbidden"),
                Arguments.of(404, "{\"detail\":{\"status\":\"voice_not_found\",\"message\":\"A voice with the voice_id"
                        + " was not found.\"}}", null, ErrorKind.NOT_FOUND, "voice_not_found"),
                Arguments.of(422, "{\"detail\":[{\"loc\":[\"body\",\"text\"],\"msg\":\"field required\","
                        + "\"type\":\"value_error.missing\"}]}", null, ErrorKind.VALIDATION, "body.text: field required"),
                Arguments.of(429, "{\"detail\":{\"status\":\"too_many_concurrent_requests\",\"message\":\"Too many"
                        + " concurrent requests\"}}", "3", ErrorKind.RATE_LIMIT, "too_many_concurrent_requests"),
                Arguments.of(429, "{\"detail\":{\"status\":\"too_many_concurrent_requests\",\"message\":\"Too many"
                        + " concurrent requests\"}}", null, ErrorKind.RATE_LIMIT, "too_many_concurrent_requests"),
                Arguments.of(429, "{\"detail\":{\"status\":\"system_busy\",\"message\":\"high traffic\"}}", "2",
                        ErrorKind.TRANSIENT, "system_busy"),
                Arguments.of(429, "{\"detail\":{\"status\":\"system_busy\",\"message\":\"high traffic\"}}", null,
                        ErrorKind.TRANSIENT, "system_busy"),
                Arguments.of(500, "{\"detail\":\"Internal Server Error\"}", null, ErrorKind.TRANSIENT,
                        "Internal Server Error"),
                Arguments.of(503, "<html><body>Service Unavailable</body></html>", null, ErrorKind.TRANSIENT,
                        "Service Unavailable"));
    }

    @ParameterizedTest(name = "{0} {3}")
    @MethodSource("errorTable")
    void should_classify_errors_and_never_resend_the_paid_call(int status, String body, @Nullable String retryAfter,
            ErrorKind kind, String quoted) {
        ResponseDefinitionBuilder answer = aResponse().withStatus(status).withHeader("request-id", "req-err")
                .withHeader("Content-Type", body.startsWith("<") ? "text/html" : "application/json").withBody(body);
        if (retryAfter != null) {
            answer = answer.withHeader("Retry-After", retryAfter);
        }
        server.stubFor(speech(RACHEL, "mp3_44100_128").willReturn(answer));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider().execute(request("x.mp3", Map.of("text", "hi", "voice", RACHEL))));

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.getMessage()).contains(quoted).contains("HTTP " + status).contains("req-err");
        assertThat(e.requestId()).contains("req-err");
        assertThat(e.retryAfter()).isEqualTo(retryAfter == null ? java.util.Optional.empty()
                : java.util.Optional.of(Duration.ofSeconds(Long.parseLong(retryAfter))));
        assertThat(dir.resolve("x.mp3")).doesNotExist();
        server.verify(1, postRequestedFor(urlPathMatching("/v1/text-to-speech/.*")));
    }

    @Test
    void should_not_resend_when_the_answer_breaks_off() {
        server.stubFor(speech(RACHEL, "mp3_44100_128")
                .willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider().execute(request("x.mp3", Map.of("text", "hi", "voice", RACHEL))));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(dir.resolve("x.mp3")).doesNotExist();
        server.verify(1, postRequestedFor(urlPathMatching("/v1/text-to-speech/.*")));
    }

    @Test
    void should_refuse_a_json_answer_to_the_speech_call_as_an_unknown_outcome() {
        server.stubFor(speech(RACHEL, "mp3_44100_128").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withHeader("character-cost", "2")
                .withBody("{\"note\":\"not audio, echoing " + CANARY_KEY + "\"}")));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider().execute(request("x.mp3", Map.of("text", "hi", "voice", RACHEL))));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(e.getMessage()).contains("application/json").contains("billed 2 characters")
                .doesNotContain(CANARY_KEY);
        assertThat(dir.resolve("x.mp3")).doesNotExist();
    }

    // ---- secrets, credentials, concurrency, portability -----------------------------------------

    @Test
    void should_never_put_the_key_in_messages_or_results() throws Exception {
        server.stubFor(speech(RACHEL, "mp3_44100_128").willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("{\"detail\":{\"status\":\"invalid_api_key\","
                        + "\"message\":\"Invalid API key: " + CANARY_KEY + "\"}}")));
        server.stubFor(get(urlEqualTo("/v1/voices?show_legacy=true")).willReturn(aResponse()
                .withHeader("Content-Type", "text/plain").withBody("bad gateway for key " + CANARY_KEY)));
        server.stubFor(speech(ADAM, "mp3_44100_128").willReturn(audioAnswer(audio(10), "audio/mpeg")));
        ElevenLabsProvider provider = provider();

        ProviderException auth = catchThrowableOfType(ProviderException.class,
                () -> provider.execute(request("x.mp3", Map.of("text", "hi", "voice", RACHEL))));
        ProviderException list = catchThrowableOfType(ProviderException.class,
                () -> provider.execute(request("y.mp3", Map.of("text", "hi", "voice", "Adam"))));
        ProviderResult ok = provider.execute(request("z.mp3", Map.of("text", "hi", "voice", ADAM)));

        assertThat(auth.kind()).isEqualTo(ErrorKind.AUTH);
        assertThat(auth.getMessage()).contains("Invalid API key: ****").doesNotContain(CANARY_KEY);
        assertThat(list.getMessage()).contains("bad gateway for key ****").doesNotContain(CANARY_KEY);
        assertThat(ok.toString()).doesNotContain(CANARY_KEY);
    }

    @Test
    void should_fail_with_auth_and_call_nothing_without_a_key() {
        ElevenLabsProvider provider = new ElevenLabsProvider(TestContexts.context(dir.resolve("home"),
                Map.of("ACP_ELEVENLABS_BASE_URL", server.baseUrl())), Duration.ofSeconds(5));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.execute(request("x.mp3", Map.of("text", "hi"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
        assertThat(e.getMessage()).contains("ELEVENLABS_API_KEY");
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void should_start_at_the_concurrency_of_the_plan_in_config_yaml() {
        assertThat(ElevenLabsProvider.governorDefaults("pro")).isEqualTo(Governor.Settings.uncapped(10, 10));
        assertThat(ElevenLabsProvider.governorDefaults("Free")).isEqualTo(Governor.Settings.uncapped(2, 2));
        assertThat(ElevenLabsProvider.governorDefaults(null)).isEqualTo(ElevenLabsProvider.GOVERNOR_DEFAULTS);
        assertThat(ElevenLabsProvider.governorDefaults("enterprise")).isEqualTo(ElevenLabsProvider.GOVERNOR_DEFAULTS);

        ProviderContext base = TestContexts.context(dir.resolve("home"), server.baseUrl());
        AcpConfig config = AcpConfig.parse("providers:\n  elevenlabs: { plan: scale }\n", "config.yaml");
        ProviderContext onScale = new ProviderContext(base.environment(), base.acpHome(), base.clock(),
                base.transport(), new Governors(base.environment(), config, base.clock(), d -> { }), config);
        assertThat(new ElevenLabsProvider(onScale, Duration.ofSeconds(5)).concurrencyLimit()).isEqualTo(15);
    }

    @Test
    void should_learn_the_plans_concurrency_from_answers_and_errors() throws Exception {
        server.stubFor(speech(RACHEL, "mp3_44100_128").willReturn(aResponse().withHeader("Content-Type", "audio/mpeg")
                .withHeader("maximum-concurrent-requests", "2").withBody(audio(10))));
        server.stubFor(speech(ADAM, "mp3_44100_128").willReturn(aResponse().withStatus(429)
                .withHeader("maximum-concurrent-requests", "3").withHeader("current-concurrent-requests", "3")
                .withBody("{\"detail\":{\"status\":\"too_many_concurrent_requests\",\"message\":\"busy\"}}")));
        ElevenLabsProvider provider = provider();
        assertThat(provider.concurrencyLimit()).isEqualTo(ElevenLabsProvider.GOVERNOR_DEFAULTS.maxConcurrentRequests());

        provider.execute(request("x.mp3", Map.of("text", "hi", "voice", RACHEL)));
        assertThat(provider.concurrencyLimit()).isEqualTo(2);

        catchThrowableOfType(ProviderException.class,
                () -> provider.execute(request("y.mp3", Map.of("text", "hi", "voice", ADAM))));
        assertThat(provider.concurrencyLimit()).isEqualTo(3);
    }

    @Test
    void should_map_an_emotion_onto_voice_settings_and_report_the_description_as_not_applied() throws Exception {
        server.stubFor(speech(RACHEL, "mp3_44100_128")
                .withRequestBody(equalToJson("{\"text\":\"I won!\",\"model_id\":\"eleven_multilingual_v2\","
                        + "\"voice_settings\":{\"stability\":0.22,\"similarity_boost\":0.63,\"style\":0.64}}",
                        false, false))
                .willReturn(audioAnswer(audio(10), "audio/mpeg")));

        ProviderResult result = provider().execute(request("x.mp3", Map.of("text", "I won!", "voice", RACHEL,
                "emotion", "excited", "intensity", 0.8, "description", "breathless")));

        assertThat(result.metadata()).containsEntry("emotion", "excited").containsEntry("intensity", 0.8)
                .containsEntry("emotion_applied", true).containsEntry("description", "breathless")
                .doesNotContainKey("audio_tag");
        assertThat((String) result.metadata().get("emotion_note")).startsWith("description not applied");
    }

    @Test
    void should_put_an_audio_tag_before_the_text_on_eleven_v3_and_let_the_steps_settings_win() throws Exception {
        server.stubFor(speech(RACHEL, "mp3_44100_128")
                .withRequestBody(equalToJson("{\"text\":\"[whispers] Keep quiet.\",\"model_id\":\"eleven_v3\","
                        + "\"voice_settings\":{\"stability\":0.5,\"speed\":0.9}}", false, false))
                .willReturn(audioAnswer(audio(10), "audio/mpeg")));

        ProviderResult result = provider().execute(request("x.mp3", Map.of("text", "Keep quiet.", "voice", RACHEL,
                "model", "eleven_v3", "emotion", "whisper", "intensity", 1, "speed", 0.9)));

        assertThat(result.metadata()).containsEntry("audio_tag", "[whispers]").containsEntry("emotion_applied", true)
                .doesNotContainKey("emotion_note").containsEntry("characters", 11);

        server.stubFor(speech(RACHEL, "mp3_44100_128")
                .withRequestBody(equalToJson("{\"text\":\"[angry] No.\",\"model_id\":\"eleven_v3\","
                        + "\"voice_settings\":{\"stability\":1.0}}", false, false))
                .willReturn(audioAnswer(audio(10), "audio/mpeg")));
        provider().execute(request("y.mp3", Map.of("text", "No.", "voice", RACHEL, "model", "eleven_v3",
                "emotion", "angry", "stability", 1.0)));
    }

    @Test
    void should_fail_validation_at_run_time_without_calling_when_rendered_values_are_bad() {
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider().execute(request("x.mp3", Map.of("text", "hi", "voice", RACHEL, "stability", "high"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).contains("config.stability");
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void should_send_no_voice_settings_and_no_absent_fields() throws Exception {
        server.stubFor(speech(RACHEL, "mp3_44100_128")
                .withRequestBody(equalToJson("{\"text\":\"x\",\"model_id\":\"eleven_v3\"}", false, false))
                .withQueryParam("enable_logging", absent())
                .willReturn(audioAnswer(audio(3), "application/octet-stream")));

        ProviderResult result = provider().execute(request("x.mp3", Map.of("text", "x", "voice", RACHEL,
                "model", "eleven_v3")));

        assertThat(result.metadata()).containsEntry("content_type", "application/octet-stream");
    }
}
