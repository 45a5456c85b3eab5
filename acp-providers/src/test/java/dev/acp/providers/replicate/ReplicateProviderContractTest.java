package dev.acp.providers.replicate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.acp.catalog.ProviderCatalog;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.AccessCheck;
import dev.acp.pipeline.Capability;
import dev.acp.provider.JobHandle;
import dev.acp.provider.JobStatus;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.Usage;
import dev.acp.providers.MockedContexts;
import dev.acp.providers.support.Json;
import dev.acp.providers.support.Mp4Fixtures;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Replicate provider against a WireMock API (providers.md 7): creates by model and by
 * version, Prefer: wait, polling, cancel, uploads, output shapes, the error table, and ACP's
 * guarantees (a create sent once, outputs downloaded at once, the token never shown).
 * Unmatched requests fail the test.
 */
final class ReplicateProviderContractTest {
    static final String TOKEN = "r8_testtoken0123456789secret";
    private static final String VERSION = "39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b";
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    private static final byte[] MP4 = "\0\0\0 ftypisom fake mp4 body, long enough".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] MP3 = "ID3 fake mp3 body".getBytes(StandardCharsets.ISO_8859_1);

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .failOnUnmatchedRequests(true).build();

    @TempDir
    Path dir;

    private MockedContexts support;
    private ReplicateProvider replicate;

    @BeforeEach
    void setUp() {
        support = contexts(Map.of());
        replicate = provider(support);
    }

    private MockedContexts contexts(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("REPLICATE_API_TOKEN", TOKEN, "ACP_REPLICATE_BASE_URL",
                wm.baseUrl()));
        env.putAll(extra);
        return new MockedContexts(env, dir);
    }

    private static ReplicateProvider provider(MockedContexts c) {
        return new ReplicateProvider(c.context(), new ReplicateProvider.Timeouts(Duration.ofSeconds(10),
                Duration.ofMillis(700), Duration.ofSeconds(10), Duration.ofSeconds(10)));
    }

    // ---- happy paths ---------------------------------------------------------------------------

    @Test
    void an_official_model_is_created_by_name_with_prefer_wait_and_its_data_uri_output_is_written() throws Exception {
        String dataUri = "data:image/webp;base64," + Base64.getEncoder().encodeToString(PNG);
        // Observed (providers.md 7.2): with Prefer: wait, status may still say processing while output is there.
        wm.stubFor(post(urlEqualTo("/v1/models/black-forest-labs/flux-schnell/predictions")).willReturn(
                created("""
                        {"id":"p-1","model":"black-forest-labs/flux-schnell","version":"v","status":"processing",
                         "input":{},"output":["%s"],"error":null,
                         "urls":{"get":"%2$s/v1/predictions/p-1","cancel":"%2$s/v1/predictions/p-1/cancel"}}"""
                        .formatted(dataUri, wm.baseUrl())).withHeader("Preference-Applied", "wait")));
        Path out = dir.resolve("cat.webp");
        ProviderRequest request = MockedContexts.request(Capability.TEXT_TO_IMAGE, "replicate-flux-schnell",
                Map.of("prompt", "a cat", "aspect_ratio", "16:9", "seed", 7, "megapixels", "1", "image_size",
                        "landscape_16_9"), out);

        JobHandle handle = replicate.submit(request, "k");
        JobStatus status = replicate.poll(handle);
        ProviderResult result = replicate.fetch(handle, request);

        assertThat(handle.id()).isEqualTo("p-1");
        assertThat(handle.data()).containsEntry("model_ref", "black-forest-labs/flux-schnell")
                .containsEntry("model", "replicate-flux-schnell");
        assertThat(status).isInstanceOf(JobStatus.Succeeded.class);
        LoggedRequest sent = single(postRequestedFor(urlEqualTo("/v1/models/black-forest-labs/flux-schnell/predictions")));
        assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(sent.getHeader("Prefer")).isEqualTo("wait=30");
        JsonNode body = Json.MAPPER.readTree(sent.getBodyAsString());
        assertThat(body.has("version")).isFalse();
        JsonNode input = body.get("input");
        assertThat(input.get("prompt").asText()).isEqualTo("a cat");
        assertThat(input.get("aspect_ratio").asText()).isEqualTo("16:9");
        assertThat(input.get("seed").asInt()).isEqualTo(7);
        assertThat(input.get("output_format").asText()).isEqualTo("webp");
        // A model-specific input passes through; a portable one the model has no field for does not.
        assertThat(input.get("megapixels").asText()).isEqualTo("1");
        assertThat(input.has("image_size")).isFalse();
        assertThat(input.has("model")).isFalse();
        assertThat(Files.readAllBytes(out)).isEqualTo(PNG);
        assertThat(result.requestIds()).containsExactly("p-1");
        assertThat(result.metadata()).containsEntry("prediction_id", "p-1")
                .containsEntry("ignored_parameters", List.of("image_size"));
        // No metrics in an early answer: the image alone, which prices this official model.
        assertThat(result.usage()).isEqualTo(Usage.Images.count(1));
        // The answer of the create was enough: no GET at all.
        wm.verify(0, getRequestedFor(urlEqualTo("/v1/predictions/p-1")));
    }

    @Test
    void an_output_on_the_api_host_is_downloaded_with_the_token() throws Exception {
        wm.stubFor(get(urlEqualTo("/v1/predictions/api")).willReturn(okJson("{\"id\":\"api\",\"status\":\"succeeded\","
                + "\"output\":\"" + wm.baseUrl() + "/v1/files/out.png\"}")));
        wm.stubFor(get(urlEqualTo("/v1/files/out.png")).withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(PNG)));
        Path out = dir.resolve("api.png");

        replicate.fetch(new JobHandle("replicate", "api", Map.of()), MockedContexts.request(Capability.TEXT_TO_IMAGE,
                null, Map.of("prompt", "x"), out));

        assertThat(Files.readAllBytes(out)).isEqualTo(PNG);
    }

    @Test
    void a_versioned_model_is_created_with_its_version_then_polled_through_its_states_and_downloaded() throws Exception {
        wm.stubFor(post(urlEqualTo("/v1/predictions")).willReturn(created(prediction("p-2", "starting", "null"))));
        wm.stubFor(get(urlEqualTo("/v1/predictions/p-2")).inScenario("p2").whenScenarioStateIs(STARTED)
                .willReturn(okJson(prediction("p-2", "starting", "null"))).willSetStateTo("running"));
        wm.stubFor(get(urlEqualTo("/v1/predictions/p-2")).inScenario("p2").whenScenarioStateIs("running")
                .willReturn(okJson("""
                        {"id":"p-2","status":"processing","output":null,"logs":"Using seed: 1\\n 45%%|####   | 9/20"}""")))
                .getRequest();
        Path out = dir.resolve("clip.mp4");
        ProviderRequest request = MockedContexts.request(Capability.TEXT_TO_VIDEO, "someone/video-model:" + VERSION,
                Map.of("prompt", "waves", "duration", 5, "input", Map.of("fps", 24)), out);

        JobHandle handle = replicate.submit(request, "k");
        JobStatus starting = replicate.poll(handle);
        JobStatus running = replicate.poll(handle);
        wm.stubFor(get(urlEqualTo("/v1/predictions/p-2")).willReturn(okJson("""
                {"id":"p-2","status":"succeeded","output":"%s/files/clip.mp4","metrics":{"predict_time":3.8}}"""
                .formatted(deliveryHost()))));
        JobStatus done = replicate.poll(handle);
        stubMedia("/files/clip.mp4", "video/mp4", MP4);
        ProviderResult result = replicate.fetch(handle, request);

        JsonNode body = Json.MAPPER.readTree(single(postRequestedFor(urlEqualTo("/v1/predictions"))).getBodyAsString());
        assertThat(body.get("version").asText()).isEqualTo(VERSION);
        assertThat(body.get("input").get("prompt").asText()).isEqualTo("waves");
        assertThat(body.get("input").get("duration").asInt()).isEqualTo(5);
        assertThat(body.get("input").get("fps").asInt()).isEqualTo(24);
        wm.verify(postRequestedFor(urlEqualTo("/v1/predictions")).withHeader("Prefer", absent()));
        assertThat(((JobStatus.Pending) starting).message()).contains("starting");
        assertThat(((JobStatus.Pending) running).progress()).isEqualTo(0.45);
        assertThat(done).isInstanceOf(JobStatus.Succeeded.class);
        assertThat(Files.readAllBytes(out)).isEqualTo(MP4);
        assertThat(result.metadata()).containsEntry("predict_time_s", 3.8).containsEntry("model_ref",
                "someone/video-model:" + VERSION);
        // The mock's bytes are no MP4 a length can be read from: the seconds of hardware alone.
        assertThat(result.usage()).isEqualTo(new Usage.HardwareTime(new BigDecimal("3.8"), null));
        wm.verify(getRequestedFor(urlEqualTo("/v1/predictions/p-2")).withHeader("Authorization",
                equalTo("Bearer " + TOKEN)));
        // Delivery URLs are not the API: the token stays home.
        assertThat(single(getRequestedFor(urlEqualTo("/files/clip.mp4"))).containsHeader("Authorization")).isFalse();
    }

    @Test
    void a_local_image_is_uploaded_to_the_files_api_once_and_the_lip_sync_model_gets_its_url() throws Exception {
        Path portrait = dir.resolve("face.png");
        Files.write(portrait, PNG);
        wm.stubFor(post(urlEqualTo("/v1/files")).willReturn(created("""
                {"id":"f-1","name":"face.png","content_type":"image/png","size":16,
                 "urls":{"get":"https://api.replicate.com/v1/files/f-1"}}""")));
        wm.stubFor(post(urlEqualTo("/v1/models/bytedance/omni-human/predictions"))
                .willReturn(created(prediction("p-3", "starting", "null"))));
        ProviderRequest request = MockedContexts.request(Capability.AVATAR_GENERATION, null,
                Map.of("image", portrait.toString(), "audio", "https://example.com/speech.mp3"), dir.resolve("a.mp4"));

        replicate.submit(request, "k1");
        replicate.submit(request, "k2");

        LoggedRequest upload = wm.findAll(postRequestedFor(urlEqualTo("/v1/files"))).get(0);
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/files")));
        assertThat(upload.getHeader("Content-Type")).startsWith("multipart/form-data; boundary=");
        assertThat(upload.getBodyAsString()).contains("name=\"content\"; filename=\"face.png\"")
                .contains("Content-Type: image/png");
        assertThat(upload.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
        JsonNode input = Json.MAPPER.readTree(wm.findAll(postRequestedFor(urlEqualTo(
                "/v1/models/bytedance/omni-human/predictions"))).get(0).getBodyAsString()).get("input");
        assertThat(input.get("image").asText()).isEqualTo("https://api.replicate.com/v1/files/f-1");
        assertThat(input.get("audio").asText()).isEqualTo("https://example.com/speech.mp3");
    }

    @Test
    void text_to_speech_maps_voice_and_speed_and_keeps_a_single_url_output() throws Exception {
        wm.stubFor(post(urlEqualTo("/v1/models/minimax/speech-02-turbo/predictions")).willReturn(created("""
                {"id":"p-4","status":"succeeded","output":"%s/files/speech.mp3"}""".formatted(wm.baseUrl()))));
        stubMedia("/files/speech.mp3", "audio/mpeg", MP3);
        Path out = dir.resolve("hello.mp3");
        ProviderRequest request = MockedContexts.request(Capability.TEXT_TO_SPEECH, "replicate-minimax-speech",
                Map.of("text", "Hello there", "voice", "Wise_Woman", "speed", 1.1, "emotion", "happy"), out);

        JobHandle handle = replicate.submit(request, "k");
        assertThat(replicate.poll(handle)).isInstanceOf(JobStatus.Succeeded.class);
        replicate.fetch(handle, request);

        JsonNode input = Json.MAPPER.readTree(single(postRequestedFor(urlEqualTo(
                "/v1/models/minimax/speech-02-turbo/predictions"))).getBodyAsString()).get("input");
        assertThat(input.get("text").asText()).isEqualTo("Hello there");
        assertThat(input.get("voice_id").asText()).isEqualTo("Wise_Woman");
        assertThat(input.get("speed").asDouble()).isEqualTo(1.1);
        assertThat(input.get("emotion").asText()).isEqualTo("happy");
        assertThat(Files.readAllBytes(out)).isEqualTo(MP3);
    }

    @Test
    void outputs_are_found_in_the_shapes_models_use_and_only_the_first_file_is_kept() throws Exception {
        String[] outputs = {"\"%s/m/x\"", "[\"%s/m/x\",\"%s/m/y\"]", "{\"video\":\"%s/m/x\"}", "[{\"url\":\"%s/m/x\"}]"};
        stubMedia("/m/x", "video/mp4", MP4);
        for (int i = 0; i < outputs.length; i++) {
            String id = "shape" + i;
            wm.stubFor(get(urlEqualTo("/v1/predictions/" + id)).willReturn(okJson("{\"id\":\"" + id
                    + "\",\"status\":\"succeeded\",\"output\":" + outputs[i].replace("%s", wm.baseUrl()) + "}")));
            Path out = dir.resolve(id + ".mp4");
            ProviderResult r = replicate.fetch(new JobHandle("replicate", id, Map.of()), MockedContexts.request(
                    Capability.VIDEO_TO_VIDEO, "owner/model", Map.of("video", "https://e.com/v.mp4"), out));
            assertThat(Files.readAllBytes(out)).as(outputs[i]).isEqualTo(MP4);
            if (i == 1) {
                assertThat(r.metadata()).containsEntry("outputs_returned", 2);
            }
        }
    }

    // ---- what settles the cost -------------------------------------------------------------------

    @Test
    void images_report_both_the_outputs_and_the_seconds_on_the_hardware_the_step_names() throws Exception {
        wm.stubFor(post(urlEqualTo("/v1/predictions")).willReturn(created(prediction("p-hw", "starting", "null"))));
        wm.stubFor(get(urlEqualTo("/v1/predictions/p-hw")).willReturn(okJson("""
                {"id":"p-hw","status":"succeeded","output":["%1$s/files/a.png","%1$s/files/b.png"],
                 "metrics":{"predict_time":2.5,"total_time":3.1}}""".formatted(deliveryHost()))));
        stubMedia("/files/a.png", "image/png", PNG);
        ProviderRequest request = MockedContexts.request(Capability.TEXT_TO_IMAGE, "someone/sdxl:" + VERSION,
                Map.of("prompt", "two cats", "num_outputs", 2, "hardware", "A100-80GB"), dir.resolve("a.png"));

        JobHandle handle = replicate.submit(request, "k");
        ProviderResult result = replicate.fetch(handle, request);

        // Official models are priced by the first reading, all others by the second.
        assertThat(result.usage()).isEqualTo(new Usage.Several(List.of(Usage.Images.count(2),
                new Usage.HardwareTime(new BigDecimal("2.5"), "a100-80gb"))));
        assertThat(result.actualCost()).isNull();
        JsonNode input = Json.MAPPER.readTree(single(postRequestedFor(urlEqualTo("/v1/predictions")))
                .getBodyAsString()).get("input");
        assertThat(input.has("hardware")).as("a pricing hint, not a model input").isFalse();
        assertThat(input.get("num_outputs").asInt()).isEqualTo(2);
    }

    @Test
    void a_video_reports_the_seconds_of_its_file_and_the_seconds_of_unknown_hardware() throws Exception {
        wm.stubFor(get(urlEqualTo("/v1/predictions/p-vid")).willReturn(okJson("""
                {"id":"p-vid","status":"succeeded","output":"%s/files/v.mp4","metrics":{"predict_time":12}}"""
                .formatted(deliveryHost()))));
        stubMedia("/files/v.mp4", "video/mp4", Mp4Fixtures.video(5_000));

        ProviderResult result = replicate.fetch(new JobHandle("replicate", "p-vid", Map.of()),
                MockedContexts.request(Capability.TEXT_TO_VIDEO, null, Map.of("prompt", "x"), dir.resolve("v.mp4")));

        assertThat(result.usage()).isEqualTo(new Usage.Several(List.of(
                new Usage.Video(new BigDecimal("5"), null, null), new Usage.HardwareTime(new BigDecimal("12"), null))));
    }

    static Stream<Arguments> predictionsWithoutTime() {
        return Stream.of(
                Arguments.of("", PNG, Capability.TEXT_TO_IMAGE, Usage.Images.count(1)),
                Arguments.of(",\"metrics\":\"n/a\"", PNG, Capability.TEXT_TO_IMAGE, Usage.Images.count(1)),
                Arguments.of(",\"metrics\":{\"predict_time\":\"slow\"}", PNG, Capability.TEXT_TO_IMAGE,
                        Usage.Images.count(1)),
                Arguments.of(",\"metrics\":{\"predict_time\":-1}", MP4, Capability.TEXT_TO_VIDEO, null),
                Arguments.of(",\"metrics\":{\"total_time\":4}", MP4, Capability.TEXT_TO_VIDEO, null));
    }

    @ParameterizedTest
    @MethodSource("predictionsWithoutTime")
    void metrics_that_are_missing_or_malformed_report_only_what_the_output_tells(String metrics, byte[] media,
            Capability capability, Usage usage) throws Exception {
        wm.stubFor(get(urlEqualTo("/v1/predictions/p-nm")).willReturn(okJson("{\"id\":\"p-nm\",\"status\":"
                + "\"succeeded\",\"output\":\"" + deliveryHost() + "/files/nm\"" + metrics + "}")));
        stubMedia("/files/nm", capability == Capability.TEXT_TO_IMAGE ? "image/png" : "video/mp4", media);

        ProviderResult result = replicate.fetch(new JobHandle("replicate", "p-nm", Map.of()),
                MockedContexts.request(capability, null, Map.of("prompt", "x"), dir.resolve("nm.bin")));

        assertThat(result.wroteFile()).isTrue();
        assertThat(result.usage()).isEqualTo(usage);
    }

    // ---- failures of a finished prediction -------------------------------------------------------

    @ParameterizedTest
    @MethodSource("endedPredictions")
    void a_prediction_that_ended_without_output_is_a_failed_job_with_its_classification(String json, ErrorKind kind)
            throws Exception {
        wm.stubFor(get(urlEqualTo("/v1/predictions/bad")).willReturn(okJson(json)));

        JobStatus s = replicate.poll(new JobHandle("replicate", "bad", Map.of("model_ref", "owner/model")));

        assertThat(s).isInstanceOf(JobStatus.Failed.class);
        assertThat(((JobStatus.Failed) s).kind()).isEqualTo(kind);
        assertThat(((JobStatus.Failed) s).message()).contains("prediction bad of owner/model");
    }

    static Stream<Arguments> endedPredictions() {
        return Stream.of(
                Arguments.of("{\"id\":\"bad\",\"status\":\"failed\",\"error\":\"CUDA out of memory\"}", ErrorKind.TRANSIENT),
                Arguments.of("{\"id\":\"bad\",\"status\":\"failed\",\"error\":\"NSFW content detected. Try another"
                        + " prompt\"}", ErrorKind.CONTENT_POLICY),
                Arguments.of("{\"id\":\"bad\",\"status\":\"failed\",\"error\":\"Invalid image: cannot identify image"
                        + " file\"}", ErrorKind.VALIDATION),
                Arguments.of("{\"id\":\"bad\",\"status\":\"canceled\",\"error\":null}", ErrorKind.TRANSIENT),
                Arguments.of("{\"id\":\"bad\",\"status\":\"aborted\"}", ErrorKind.TIMEOUT));
    }

    @Test
    void a_create_that_already_failed_under_prefer_wait_fails_at_the_first_poll_without_a_get() throws Exception {
        wm.stubFor(post(urlEqualTo("/v1/models/black-forest-labs/flux-schnell/predictions")).willReturn(created(
                "{\"id\":\"p-f\",\"status\":\"failed\",\"error\":\"prompt must not be empty\",\"output\":null}")));

        JobHandle handle = replicate.submit(MockedContexts.request(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", " "),
                dir.resolve("o.png")), "k");
        JobStatus s = replicate.poll(handle);

        assertThat(((JobStatus.Failed) s).kind()).isEqualTo(ErrorKind.VALIDATION);
        wm.verify(0, getRequestedFor(urlEqualTo("/v1/predictions/p-f")));
    }

    // ---- create errors -------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("errorTable")
    void create_errors_are_classified_and_never_resent(int status, String body, ErrorKind kind) throws Exception {
        wm.stubFor(post(urlEqualTo("/v1/models/owner/model/predictions")).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/problem+json").withBody(body)));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> replicate.submit(
                MockedContexts.request(Capability.TEXT_TO_IMAGE, "owner/model", Map.of("prompt", "x"),
                        dir.resolve("o.png")), "k"));

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.getMessage()).contains("HTTP " + status).doesNotContain(TOKEN);
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/models/owner/model/predictions")));
    }

    static Stream<Arguments> errorTable() {
        return Stream.of(
                Arguments.of(401, "{\"title\":\"Unauthenticated\",\"detail\":\"You did not pass a valid authentication"
                        + " token\",\"status\":401}", ErrorKind.AUTH),
                Arguments.of(403, "{\"detail\":\"You do not have permission\",\"status\":403}", ErrorKind.AUTH),
                Arguments.of(402, "{\"title\":\"Insufficient credit\",\"detail\":\"Add a payment method\",\"status\":402}",
                        ErrorKind.QUOTA),
                Arguments.of(422, "{\"title\":\"Input validation failed\",\"detail\":\"- input.prompt: required\","
                        + "\"status\":422,\"invalid_fields\":[{\"field\":\"input.prompt\",\"description\":\"required\"}]}",
                        ErrorKind.VALIDATION),
                Arguments.of(422, "{\"detail\":\"The input was flagged as sensitive content\",\"status\":422}",
                        ErrorKind.CONTENT_POLICY),
                Arguments.of(404, "{\"detail\":\"The requested resource could not be found.\",\"status\":404}",
                        ErrorKind.NOT_FOUND),
                Arguments.of(429, "{\"detail\":\"Request was throttled. Your rate limit resets in ~30s.\",\"status\":429}",
                        ErrorKind.RATE_LIMIT),
                Arguments.of(503, "{\"detail\":\"Service unavailable\",\"status\":503}", ErrorKind.TRANSIENT),
                Arguments.of(500, "{\"detail\":\"Internal server error\",\"status\":500}", ErrorKind.UNKNOWN_OUTCOME));
    }

    @Test
    void a_throttled_create_says_how_long_to_wait_and_slows_the_governor() throws Exception {
        wm.stubFor(post(urlEqualTo("/v1/models/owner/model/predictions")).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "30").withHeader("Content-Type", "application/problem+json")
                .withBody("{\"detail\":\"Request was throttled. Your rate limit resets in ~30s.\",\"status\":429}")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> replicate.submit(
                MockedContexts.request(Capability.TEXT_TO_IMAGE, "owner/model", Map.of("prompt", "x"),
                        dir.resolve("o.png")), "k"));

        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
        assertThat(support.governors.of("replicate").rateLimitedCount()).isEqualTo(1);
    }

    @Test
    void a_create_cut_by_a_reset_or_answered_with_garbage_is_unknown_outcome_and_sent_exactly_once() throws Exception {
        wm.stubFor(post(urlEqualTo("/v1/models/owner/reset/predictions"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        wm.stubFor(post(urlEqualTo("/v1/models/owner/garbage/predictions"))
                .willReturn(aResponse().withStatus(201).withBody("<html>oops")));

        for (String model : List.of("reset", "garbage")) {
            ProviderException e = catchThrowableOfType(ProviderException.class, () -> replicate.submit(
                    MockedContexts.request(Capability.TEXT_TO_IMAGE, "owner/" + model, Map.of("prompt", "x"),
                            dir.resolve("o.png")), "k"));
            assertThat(e.kind()).as(model).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
            wm.verify(1, postRequestedFor(urlEqualTo("/v1/models/owner/" + model + "/predictions")));
        }
    }

    // ---- polls and downloads -------------------------------------------------------------------

    @Test
    void a_polled_429_is_retried_after_its_retry_after_and_a_poll_that_times_out_is_retried() throws Exception {
        wm.stubFor(get(urlEqualTo("/v1/predictions/slow")).inScenario("slow").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")).willSetStateTo("late"));
        wm.stubFor(get(urlEqualTo("/v1/predictions/slow")).inScenario("slow").whenScenarioStateIs("late")
                .willReturn(okJson(prediction("slow", "starting", "null")).withFixedDelay(3000)).willSetStateTo("ok"));
        wm.stubFor(get(urlEqualTo("/v1/predictions/slow")).inScenario("slow").whenScenarioStateIs("ok")
                .willReturn(okJson(prediction("slow", "processing", "null"))));

        assertThat(replicate.poll(new JobHandle("replicate", "slow", Map.of()))).isInstanceOf(JobStatus.Pending.class);
        assertThat(support.sleeps).contains(Duration.ofSeconds(2));
        wm.verify(3, getRequestedFor(urlEqualTo("/v1/predictions/slow")));
    }

    @Test
    void malformed_json_and_unknown_states_of_a_poll_are_transient() throws Exception {
        wm.stubFor(get(urlEqualTo("/v1/predictions/mal")).willReturn(okJson("{\"status\":")));
        wm.stubFor(get(urlEqualTo("/v1/predictions/odd")).willReturn(okJson(prediction("odd", "dreaming", "null"))));

        assertThat(catchThrowableOfType(ProviderException.class, () -> replicate.poll(new JobHandle("replicate", "mal",
                Map.of()))).kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(catchThrowableOfType(ProviderException.class, () -> replicate.poll(new JobHandle("replicate", "odd",
                Map.of()))).getMessage()).contains("dreaming");
    }

    @Test
    void a_download_that_breaks_off_is_retried_then_transient_and_leaves_no_file() throws Exception {
        wm.stubFor(get(urlEqualTo("/v1/predictions/cut")).willReturn(okJson("{\"id\":\"cut\",\"status\":\"succeeded\","
                + "\"output\":\"" + wm.baseUrl() + "/files/cut.mp4\"}")));
        wm.stubFor(get(urlEqualTo("/files/cut.mp4")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "video/mp4").withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
        Path out = dir.resolve("cut.mp4");

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> replicate.fetch(new JobHandle(
                "replicate", "cut", Map.of()), MockedContexts.request(Capability.TEXT_TO_VIDEO, null,
                Map.of("prompt", "x"), out)));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(out).doesNotExist();
        wm.verify(5, getRequestedFor(urlEqualTo("/files/cut.mp4")));
    }

    @Test
    void an_expired_output_is_not_found_and_an_output_without_a_file_is_refused() throws Exception {
        wm.stubFor(get(urlEqualTo("/v1/predictions/old")).willReturn(okJson(
                "{\"id\":\"old\",\"status\":\"succeeded\",\"output\":null,\"data_removed\":true}")));
        wm.stubFor(get(urlEqualTo("/v1/predictions/txt")).willReturn(okJson(
                "{\"id\":\"txt\",\"status\":\"succeeded\",\"output\":[\"just\",\"tokens\"]}")));
        ProviderRequest request = MockedContexts.request(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x"),
                dir.resolve("o.png"));

        assertThat(catchThrowableOfType(ProviderException.class, () -> replicate.fetch(new JobHandle("replicate", "old",
                Map.of()), request)).kind()).isEqualTo(ErrorKind.NOT_FOUND);
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> replicate.fetch(new JobHandle(
                "replicate", "txt", Map.of()), request));
        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).contains("holds no file");
    }

    // ---- cancel --------------------------------------------------------------------------------

    @Test
    void cancel_posts_to_the_predictions_cancel_and_tolerates_finished_or_unknown_predictions() throws Exception {
        wm.stubFor(post(urlEqualTo("/v1/predictions/c1/cancel")).willReturn(okJson(prediction("c1", "canceled", "null"))));
        wm.stubFor(post(urlEqualTo("/v1/predictions/gone/cancel")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/problem+json").withBody("{\"detail\":\"Not found\",\"status\":404}")));

        replicate.cancel(new JobHandle("replicate", "c1", Map.of()));
        replicate.cancel(new JobHandle("replicate", "gone", Map.of()));

        wm.verify(1, postRequestedFor(urlEqualTo("/v1/predictions/c1/cancel")).withHeader("Authorization",
                equalTo("Bearer " + TOKEN)));
    }

    @Test
    void an_interrupted_direct_execution_cancels_its_prediction() throws Exception {
        wm.stubFor(post(urlEqualTo("/v1/models/owner/slow/predictions")).willReturn(created(prediction("run", "starting",
                "null"))));
        wm.stubFor(get(urlEqualTo("/v1/predictions/run")).willReturn(okJson(prediction("run", "processing", "null"))));
        wm.stubFor(post(urlEqualTo("/v1/predictions/run/cancel")).willReturn(okJson(prediction("run", "canceled",
                "null"))));
        ProviderRequest request = MockedContexts.request(Capability.TEXT_TO_VIDEO, "owner/slow", Map.of("prompt", "x"),
                dir.resolve("o.mp4"));
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();

        Thread t = Thread.ofVirtual().start(() -> {
            try {
                replicate.execute(request);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        while (wm.findAll(getRequestedFor(urlEqualTo("/v1/predictions/run"))).isEmpty()) {
            Thread.sleep(10);
        }
        t.interrupt();
        t.join(10_000);

        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/predictions/run/cancel")));
    }

    // ---- keys, access, catalog -----------------------------------------------------------------

    @Test
    void without_a_token_calls_fail_with_auth_naming_the_variable_and_nothing_is_sent() throws Exception {
        ReplicateProvider tokenless = provider(contexts(Map.of("REPLICATE_API_TOKEN", "")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> tokenless.submit(
                MockedContexts.request(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x"), dir.resolve("o.png")),
                "k"));

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
        assertThat(e.getMessage()).contains("REPLICATE_API_TOKEN");
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void the_token_never_appears_in_a_failed_predictions_message_even_when_the_model_echoes_it() throws Exception {
        wm.stubFor(get(urlEqualTo("/v1/predictions/echo")).willReturn(okJson(
                "{\"id\":\"echo\",\"status\":\"failed\",\"error\":\"token " + TOKEN + " is invalid input\"}")));

        JobStatus.Failed f = (JobStatus.Failed) replicate.poll(new JobHandle("replicate", "echo", Map.of()));

        assertThat(f.message()).doesNotContain(TOKEN).contains("****");
    }

    @Test
    void check_access_reads_a_404_for_a_made_up_prediction_as_a_working_token_and_a_401_as_refused() throws Exception {
        wm.stubFor(get(com.github.tomakehurst.wiremock.client.WireMock.urlMatching("/v1/predictions/acp-doctor-.*"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .willReturn(aResponse().withStatus(404).withBody("{\"detail\":\"Not found.\",\"status\":404}")));
        AccessCheck ok = replicate.checkAccess();
        wm.resetAll();
        wm.stubFor(get(com.github.tomakehurst.wiremock.client.WireMock.urlMatching("/v1/predictions/acp-doctor-.*"))
                .willReturn(aResponse().withStatus(401).withBody(
                        "{\"title\":\"Unauthenticated\",\"detail\":\"You did not pass a valid authentication token\"}")));
        AccessCheck refused = replicate.checkAccess();

        assertThat(ok.status()).isEqualTo(AccessCheck.Status.OK);
        assertThat(refused.status()).isEqualTo(AccessCheck.Status.REFUSED);
        assertThat(refused.fix()).contains("REPLICATE_API_TOKEN");
    }

    @Test
    void validation_checks_model_refs_required_inputs_output_files_and_prefer_wait_before_anything_is_sent() {
        assertThat(replicate.check(Capability.TEXT_TO_IMAGE, "not a model", Map.of("prompt", "x"), "png"))
                .anySatisfy(i -> assertThat(i.message()).contains("owner/name"));
        assertThat(replicate.check(Capability.TEXT_TO_IMAGE, "owner/model:abc", Map.of("prompt", "x"), "png"))
                .anySatisfy(i -> assertThat(i.parameter()).isEqualTo("model"));
        assertThat(replicate.check(Capability.TEXT_TO_IMAGE, "owner/model:" + VERSION, Map.of("prompt", "x",
                "anything_the_model_takes", 3), "png")).isEmpty();
        assertThat(replicate.check(Capability.TEXT_TO_IMAGE, VERSION, Map.of("prompt", "x"), "png")).isEmpty();
        assertThat(replicate.check(Capability.IMAGE_TO_VIDEO, "replicate-minimax-video-image-to-video",
                Map.of("image", "a.png"), "mp4")).anySatisfy(i -> assertThat(i.message()).contains("needs prompt"));
        assertThat(replicate.check(Capability.TEXT_TO_IMAGE, "replicate-flux-kontext", Map.of("prompt", "x"), "png"))
                .anySatisfy(i -> assertThat(i.message()).contains("does image_to_image"));
        assertThat(replicate.check(Capability.TEXT_TO_IMAGE, "replicate-flux-schnell", Map.of("prompt", "x"), "gif"))
                .isNotEmpty();
        assertThat(replicate.check(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x", "prefer_wait", 90), "png"))
                .anySatisfy(i -> assertThat(i.parameter()).isEqualTo("prefer_wait"));
        assertThat(replicate.check(Capability.IMAGE_UNDERSTANDING, null, Map.of("image", "x"), "txt")).isNotEmpty();
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void the_replicate_models_of_the_core_catalog_are_exactly_these_and_every_capability_has_a_default() throws Exception {
        Map<String, String> core = new TreeMap<>();
        ProviderCatalog.builtIn().models().values().stream().filter(m -> m.provider().equals("replicate"))
                .forEach(m -> core.put(m.name(), m.capability().wireName() + " " + m.providerModelId()));
        Map<String, String> ours = new TreeMap<>();
        ReplicateModels models = ReplicateModels.builtIn();
        models.known().values().forEach(k -> ours.put(k.name(), k.capability().wireName() + " " + k.ref()));

        assertThat(ours).isEqualTo(core);
        for (Capability c : ReplicateProviderFactory.CAPABILITIES) {
            assertThat(models.resolve(c, null).known()).as(c.wireName()).isNotNull();
            assertThat(ProviderCatalog.builtIn().provider("replicate").orElseThrow().capabilities()).contains(c);
        }
    }

    @Test
    void the_factory_is_found_by_the_service_loader_and_names_its_credential() {
        ReplicateProviderFactory factory = ServiceLoader.load(dev.acp.provider.ProviderFactory.class).stream()
                .map(ServiceLoader.Provider::get).filter(f -> f.id().equals("replicate"))
                .map(ReplicateProviderFactory.class::cast).findFirst().orElseThrow();

        assertThat(factory.credentialVariables()).containsExactly("REPLICATE_API_TOKEN");
        assertThat(factory.missingCredentials(contexts(Map.of("REPLICATE_API_TOKEN", "")).context()))
                .hasValueSatisfying(m -> assertThat(m).contains("REPLICATE_API_TOKEN"));
        Provider p = factory.create(support.context());
        assertThat(p).isInstanceOf(ReplicateProvider.class);
        assertThat(((ReplicateProvider) p).idempotentSubmit()).isFalse();
        assertThat(p.capabilities()).hasSize(7);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** The mock server under another host name, as replicate.delivery is another host than the API. */
    private static String deliveryHost() {
        return wm.baseUrl().replace("localhost", "127.0.0.1");
    }

    private static ResponseDefinitionBuilder created(String json) {
        return aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(json);
    }

    private static String prediction(String id, String status, String output) {
        return "{\"id\":\"" + id + "\",\"status\":\"" + status + "\",\"output\":" + output + ",\"error\":null}";
    }

    private static void stubMedia(String path, String type, byte[] bytes) {
        wm.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(200).withHeader("Content-Type", type)
                .withBody(bytes)));
    }

    private LoggedRequest single(RequestPatternBuilder pattern) {
        List<LoggedRequest> found = wm.findAll(pattern);
        assertThat(found).hasSize(1);
        return found.get(0);
    }

}
