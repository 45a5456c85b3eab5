package dev.acp.providers.google;

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
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.JobHandle;
import dev.acp.provider.JobStatus;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.Usage;
import dev.acp.providers.support.Json;
import dev.acp.providers.support.Mp4Fixtures;
import java.nio.charset.StandardCharsets;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
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
 * Veo's long-running operations against WireMock (providers.md 6.3): submit once, poll the
 * operation by name, download the video it names (key sent, redirect followed), and every way an
 * operation can end badly. Every request must match a stub.
 */
final class VeoContractTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    private static final byte[] MP4 = "\0\0\0 ftypisom a fake veo video body".getBytes(StandardCharsets.ISO_8859_1);
    private static final String SUBMIT = "/v1beta/models/veo-3.1-generate-preview:predictLongRunning";
    private static final String OP = "models/veo-3.1-generate-preview/operations/vz341u0pmdlc";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .failOnUnmatchedRequests(true).build();

    @TempDir
    Path dir;

    private GoogleProvider google;

    @BeforeEach
    void setUp() {
        google = new GoogleTestSupport(wm.baseUrl(), dir).provider();
    }

    @AfterEach
    void nothingUnmatched() {
        assertThat(wm.findAllUnmatchedRequests()).as("requests no stub matched").isEmpty();
    }

    private static String done(String response) {
        return "{\"name\":\"" + OP + "\",\"done\":true,\"response\":" + response + "}";
    }

    private String samples(String... uris) {
        StringBuilder s = new StringBuilder("{\"@type\":\"type.googleapis.com/google.ai.generativelanguage.v1beta"
                + ".PredictLongRunningResponse\",\"generateVideoResponse\":{\"generatedSamples\":[");
        for (int i = 0; i < uris.length; i++) {
            s.append(i == 0 ? "" : ",").append("{\"video\":{\"uri\":\"").append(uris[i]).append("\"}}");
        }
        return s.append("]}}").toString();
    }

    private void stubSubmit() {
        wm.stubFor(post(urlEqualTo(SUBMIT)).willReturn(okJson("{\"name\":\"" + OP + "\"}")));
    }

    private void stubOperation(String body) {
        wm.stubFor(get(urlEqualTo("/v1beta/" + OP)).willReturn(okJson(body)));
    }

    private ProviderRequest textToVideo(Map<String, Object> parameters, String file) {
        return GoogleTestSupport.request(Capability.TEXT_TO_VIDEO, null, parameters, dir.resolve(file));
    }

    // ---- happy paths ---------------------------------------------------------------------------

    @Test
    void text_to_video_submits_once_polls_until_done_and_downloads_through_the_files_redirect() throws Exception {
        stubSubmit();
        wm.stubFor(get(urlEqualTo("/v1beta/" + OP)).inScenario("op").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"name\":\"" + OP + "\",\"done\":false,\"metadata\":{}}")).willSetStateTo("done"));
        wm.stubFor(get(urlEqualTo("/v1beta/" + OP)).inScenario("op").whenScenarioStateIs("done")
                .willReturn(okJson(done(samples("https://generativelanguage.googleapis.com/v1beta/files/abc123:download?alt=media")))));
        wm.stubFor(get(urlEqualTo("/v1beta/files/abc123:download?alt=media")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", wm.baseUrl() + "/storage/video-abc123.mp4")));
        wm.stubFor(get(urlEqualTo("/storage/video-abc123.mp4")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "video/mp4").withBody(MP4)));
        ProviderRequest request = textToVideo(Map.of("prompt", "waves at dusk", "duration", 8, "aspect_ratio", "9:16",
                "resolution", "1080p", "negative_prompt", "people", "person_generation", "dont_allow",
                "enhance_prompt", true), "waves.mp4");

        JobHandle handle = google.submit(request, "key-1");

        assertThat(handle.provider()).isEqualTo("google");
        assertThat(handle.id()).isEqualTo(OP);
        assertThat(handle.data()).containsEntry("model", "veo-3.1-generate-preview")
                .containsEntry("duration_seconds", "8").containsEntry("aspect_ratio", "9:16");
        List<LoggedRequest> submitted = wm.findAll(postRequestedFor(urlEqualTo(SUBMIT)));
        assertThat(submitted).hasSize(1);
        assertThat(submitted.get(0).getHeader("x-goog-api-key")).isEqualTo(GoogleTestSupport.KEY);
        JsonNode body = Json.MAPPER.readTree(submitted.get(0).getBodyAsString());
        assertThat(body.at("/instances/0/prompt").asText()).isEqualTo("waves at dusk");
        assertThat(body.at("/instances/0").has("image")).isFalse();
        JsonNode p = body.get("parameters");
        assertThat(p.get("sampleCount").asInt()).isEqualTo(1);
        assertThat(p.get("durationSeconds").asInt()).isEqualTo(8);
        assertThat(p.get("aspectRatio").asText()).isEqualTo("9:16");
        assertThat(p.get("resolution").asText()).isEqualTo("1080p");
        assertThat(p.get("negativePrompt").asText()).isEqualTo("people");
        assertThat(p.get("personGeneration").asText()).isEqualTo("dont_allow");
        assertThat(p.get("enhancePrompt").asBoolean()).isTrue();

        assertThat(google.poll(handle)).isInstanceOf(JobStatus.Pending.class);
        assertThat(google.poll(handle)).isInstanceOf(JobStatus.Succeeded.class);
        ProviderResult result = google.fetch(handle, request);

        assertThat(Files.readAllBytes(dir.resolve("waves.mp4"))).isEqualTo(MP4);
        assertThat(result.wroteFile()).isTrue();
        assertThat(result.actualCost()).isNull();
        assertThat(result.requestIds()).containsExactly(OP);
        assertThat(result.metadata()).containsEntry("model", "veo-3.1-generate-preview").containsEntry("operation", OP)
                .containsEntry("duration_seconds", 8L).containsEntry("resolution", "1080p")
                .containsEntry("bytes", (long) MP4.length)
                .containsEntry("billing", Map.of("unit", "second", "quantity", 8L, "source", "request"));
        // The mock's bytes are no MP4 a length can be read from: the seconds asked for are reported.
        assertThat(result.usage()).isEqualTo(new Usage.Video(new BigDecimal("8"), "1080p", null));
        // The download is rebuilt on the configured host, with the key; polls carry it too.
        wm.verify(getRequestedFor(urlEqualTo("/v1beta/files/abc123:download?alt=media"))
                .withHeader("x-goog-api-key", equalTo(GoogleTestSupport.KEY)));
        wm.verify(getRequestedFor(urlEqualTo("/v1beta/" + OP)).withHeader("x-goog-api-key", equalTo(GoogleTestSupport.KEY)));
        wm.verify(1, postRequestedFor(urlEqualTo(SUBMIT)));
    }

    @Test
    void image_to_video_sends_the_first_frame_as_base64_bytes_with_its_type() throws Exception {
        Path still = dir.resolve("still.png");
        Files.write(still, PNG);
        wm.stubFor(post(urlEqualTo("/v1beta/models/veo-2.0-generate-001:predictLongRunning"))
                .willReturn(okJson("{\"name\":\"models/veo-2.0-generate-001/operations/op2\",\"done\":false}")));

        JobHandle handle = google.submit(GoogleTestSupport.request(Capability.IMAGE_TO_VIDEO, "veo-2-image-to-video",
                Map.of("image", still.toString(), "prompt", "slow zoom", "duration", 6), dir.resolve("v.mp4")), "k");

        assertThat(handle.id()).isEqualTo("models/veo-2.0-generate-001/operations/op2");
        JsonNode instance = Json.MAPPER.readTree(wm.findAll(postRequestedFor(
                urlEqualTo("/v1beta/models/veo-2.0-generate-001:predictLongRunning"))).get(0).getBodyAsString())
                .at("/instances/0");
        assertThat(instance.at("/image/bytesBase64Encoded").asText()).isEqualTo(Base64.getEncoder().encodeToString(PNG));
        assertThat(instance.at("/image/mimeType").asText()).isEqualTo("image/png");
        assertThat(instance.get("prompt").asText()).isEqualTo("slow zoom");
    }

    @Test
    void an_image_url_is_downloaded_without_the_key_and_sent_as_bytes() throws Exception {
        wm.stubFor(get(urlEqualTo("/assets/frame.jpg")).willReturn(aResponse().withHeader("Content-Type", "image/jpeg")
                .withBody(PNG)));
        stubSubmit();

        google.submit(GoogleTestSupport.request(Capability.IMAGE_TO_VIDEO, null,
                Map.of("image", "http://127.0.0.1:" + wm.getPort() + "/assets/frame.jpg"), dir.resolve("v.mp4")), "k");

        wm.verify(getRequestedFor(urlEqualTo("/assets/frame.jpg")).withHeader("x-goog-api-key", absent()));
        JsonNode image = Json.MAPPER.readTree(wm.findAll(postRequestedFor(urlEqualTo(SUBMIT))).get(0).getBodyAsString())
                .at("/instances/0/image");
        assertThat(image.get("mimeType").asText()).isEqualTo("image/jpeg");
        assertThat(Base64.getDecoder().decode(image.get("bytesBase64Encoded").asText())).isEqualTo(PNG);
    }

    @Test
    void a_video_delivered_inline_is_decoded_to_the_output() throws Exception {
        JobHandle handle = new JobHandle("google", OP, Map.of("model", "veo-3.1-generate-preview"));
        stubOperation(done("{\"generateVideoResponse\":{\"generatedSamples\":[{\"video\":{\"encodedVideo\":\""
                + Base64.getEncoder().encodeToString(MP4) + "\",\"encoding\":\"video/mp4\"}}]}}"));

        ProviderResult r = google.fetch(handle, textToVideo(Map.of("prompt", "x"), "inline.mp4"));

        assertThat(Files.readAllBytes(dir.resolve("inline.mp4"))).isEqualTo(MP4);
        assertThat(r.metadata()).containsEntry("video_delivery", "inline")
                .containsEntry("billing", Map.of("unit", "second", "source", "model default"));
        assertThat(r.usage()).as("neither the file nor the request tells the seconds").isNull();
    }

    @Test
    void an_inline_video_is_measured_too() throws Exception {
        JobHandle handle = new JobHandle("google", OP, Map.of("model", "veo-3.1-generate-preview"));
        stubOperation(done("{\"generateVideoResponse\":{\"generatedSamples\":[{\"video\":{\"encodedVideo\":\""
                + Base64.getEncoder().encodeToString(Mp4Fixtures.video(4_000)) + "\",\"encoding\":\"video/mp4\"}}]}}"));

        ProviderResult r = google.fetch(handle, textToVideo(Map.of("prompt", "x"), "inline4.mp4"));

        assertThat(r.usage()).isEqualTo(new Usage.Video(new BigDecimal("4"), null, null));
    }

    // ---- what settles the cost -----------------------------------------------------------------

    @Test
    void the_seconds_delivered_are_read_from_the_mp4_with_the_resolution_asked() throws Exception {
        stubSubmit();
        byte[] mp4 = Mp4Fixtures.video(8_041);
        stubOperation(done(samples(wm.baseUrl() + "/v1beta/files/c0ffee:download?alt=media")));
        wm.stubFor(get(urlEqualTo("/v1beta/files/c0ffee:download?alt=media")).willReturn(aResponse()
                .withHeader("Content-Type", "video/mp4").withBody(mp4)));
        ProviderRequest request = textToVideo(Map.of("prompt", "waves", "duration", 8, "resolution", "720p"), "s.mp4");
        JobHandle handle = google.submit(request, "k");

        ProviderResult r = google.fetch(handle, request);

        assertThat(r.usage()).isEqualTo(new Usage.Video(new BigDecimal("8.041"), "720p", null));
        assertThat(r.actualCost()).isNull();
        assertThat(r.metadata()).containsEntry("billing", Map.of("unit", "second", "quantity", 8.041, "source", "file"));
    }

    @Test
    void a_video_whose_length_cannot_be_read_reports_the_seconds_asked_or_nothing() throws Exception {
        stubOperation(done(samples(wm.baseUrl() + "/v1beta/files/bad1:download?alt=media")));
        wm.stubFor(get(urlEqualTo("/v1beta/files/bad1:download?alt=media")).willReturn(aResponse()
                .withHeader("Content-Type", "video/mp4").withBody(MP4)));

        ProviderResult asked = google.fetch(new JobHandle("google", OP, Map.of("model", "veo-3.1-generate-preview",
                "duration_seconds", "6")), textToVideo(Map.of("prompt", "x"), "a.mp4"));
        ProviderResult unknown = google.fetch(new JobHandle("google", OP, Map.of("model", "veo-3.1-generate-preview")),
                textToVideo(Map.of("prompt", "x"), "b.mp4"));

        assertThat(asked.usage()).isEqualTo(new Usage.Video(new BigDecimal("6"), null, null));
        assertThat(unknown.usage()).as("the model's default length: the estimate settles it").isNull();
        assertThat(unknown.wroteFile()).isTrue();
    }

    // ---- resume --------------------------------------------------------------------------------

    @Test
    void a_journaled_handle_is_polled_and_fetched_by_a_fresh_provider_without_submitting() throws Exception {
        stubSubmit();
        ProviderRequest request = textToVideo(Map.of("prompt", "waves"), "resumed.mp4");
        JobHandle submitted = google.submit(request, "k");
        stubOperation(done(samples(wm.baseUrl() + "/v1beta/files/f00d:download?alt=media")));
        wm.stubFor(get(urlEqualTo("/v1beta/files/f00d:download?alt=media")).willReturn(aResponse()
                .withHeader("Content-Type", "video/mp4").withBody(MP4)));

        // What the journal keeps: provider, id and plain strings.
        JobHandle restored = new JobHandle(submitted.provider(), submitted.id(), new HashMap<>(submitted.data()));
        Provider fresh = new GoogleProviderFactory().create(new GoogleTestSupport(wm.baseUrl(), dir).context());
        GoogleProvider veo = (GoogleProvider) fresh;

        assertThat(veo.poll(restored)).isInstanceOf(JobStatus.Succeeded.class);
        veo.fetch(restored, request);
        veo.cancel(restored);

        assertThat(Files.readAllBytes(dir.resolve("resumed.mp4"))).isEqualTo(MP4);
        wm.verify(1, postRequestedFor(urlEqualTo(SUBMIT)));
    }

    // ---- operations that end badly -------------------------------------------------------------

    @ParameterizedTest(name = "{index}: {1}")
    @MethodSource("operationErrors")
    void a_failed_operation_is_classified_from_its_status(String error, ErrorKind kind, String inMessage) throws Exception {
        stubOperation("{\"name\":\"" + OP + "\",\"done\":true,\"error\":" + error + "}");

        JobStatus s = google.poll(new JobHandle("google", OP, Map.of()));

        assertThat(s).isInstanceOfSatisfying(JobStatus.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo(kind);
            assertThat(f.message()).contains(inMessage);
        });
    }

    static Stream<Arguments> operationErrors() {
        return Stream.of(
                Arguments.of("{\"code\":3,\"message\":\"Unsupported aspect ratio\"}", ErrorKind.VALIDATION,
                        "INVALID_ARGUMENT: Unsupported aspect ratio"),
                Arguments.of("{\"code\":3,\"message\":\"The prompt could not be submitted. It violates Google's"
                        + " Responsible AI practices.\"}", ErrorKind.CONTENT_POLICY, "Responsible AI"),
                Arguments.of("{\"code\":8,\"message\":\"Quota exceeded\"}", ErrorKind.RATE_LIMIT, "RESOURCE_EXHAUSTED"),
                Arguments.of("{\"code\":13,\"message\":\"Internal error\"}", ErrorKind.TRANSIENT, "INTERNAL"),
                Arguments.of("{\"code\":14,\"message\":\"Service unavailable\"}", ErrorKind.TRANSIENT, "UNAVAILABLE"),
                Arguments.of("{\"code\":4,\"message\":\"Deadline exceeded\"}", ErrorKind.TIMEOUT, "DEADLINE_EXCEEDED"),
                Arguments.of("{\"code\":7,\"message\":\"Permission denied\"}", ErrorKind.AUTH, "PERMISSION_DENIED"));
    }

    @Test
    void a_video_removed_by_the_safety_filters_is_a_content_policy_failure_with_the_reasons() throws Exception {
        stubOperation(done("{\"generateVideoResponse\":{\"raiMediaFilteredCount\":1,\"raiMediaFilteredReasons\":"
                + "[\"Your prompt may depict a public figure.\"]}}"));

        JobStatus s = google.poll(new JobHandle("google", OP, Map.of()));

        assertThat(s).isInstanceOfSatisfying(JobStatus.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.CONTENT_POLICY);
            assertThat(f.message()).contains("public figure");
        });
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.fetch(
                new JobHandle("google", OP, Map.of()), textToVideo(Map.of("prompt", "x"), "f.mp4")));
        assertThat(e.kind()).isEqualTo(ErrorKind.CONTENT_POLICY);
        assertThat(dir.resolve("f.mp4")).doesNotExist();
    }

    @Test
    void an_operation_done_without_a_video_or_a_reason_is_transient() throws Exception {
        stubOperation(done("{\"generateVideoResponse\":{}}"));

        JobStatus s = google.poll(new JobHandle("google", OP, Map.of()));

        assertThat(s).isInstanceOfSatisfying(JobStatus.Failed.class, f -> assertThat(f.kind()).isEqualTo(ErrorKind.TRANSIENT));
    }

    @Test
    void a_download_that_breaks_off_is_retried_then_transient_and_leaves_no_file() {
        stubOperation(done(samples(wm.baseUrl() + "/v1beta/files/cut1:download?alt=media")));
        wm.stubFor(get(urlEqualTo("/v1beta/files/cut1:download?alt=media")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "video/mp4").withFault(Fault.MALFORMED_RESPONSE_CHUNK)));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.fetch(
                new JobHandle("google", OP, Map.of()), textToVideo(Map.of("prompt", "x"), "cut.mp4")));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(dir.resolve("cut.mp4")).doesNotExist();
        wm.verify(5, getRequestedFor(urlEqualTo("/v1beta/files/cut1:download?alt=media")));
    }

    @Test
    void a_download_that_is_not_a_video_is_refused() {
        stubOperation(done(samples(wm.baseUrl() + "/v1beta/files/html1:download?alt=media")));
        wm.stubFor(get(urlEqualTo("/v1beta/files/html1:download?alt=media")).willReturn(aResponse()
                .withHeader("Content-Type", "text/html").withBody("<html>sign in</html>")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.fetch(
                new JobHandle("google", OP, Map.of()), textToVideo(Map.of("prompt", "x"), "h.mp4")));

        // Known by its bytes, and not asked for again: the same URL gives the same page.
        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).contains("is HTML (sent as text/html), not a video");
        wm.verify(1, getRequestedFor(urlEqualTo("/v1beta/files/html1:download?alt=media")));
        assertThat(dir.resolve("h.mp4")).doesNotExist();
    }

    @Test
    void polls_that_time_out_are_retried_then_a_timeout() {
        wm.stubFor(get(urlEqualTo("/v1beta/" + OP)).willReturn(okJson("{\"name\":\"" + OP + "\"}").withFixedDelay(2500)));
        GoogleProvider impatient = new GoogleTestSupport(wm.baseUrl(), dir).impatientProvider();

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> impatient.poll(
                new JobHandle("google", OP, Map.of())));

        assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT);
        wm.verify(5, getRequestedFor(urlEqualTo("/v1beta/" + OP)));
    }

    @Test
    void a_rate_limited_poll_waits_as_google_asks_and_is_asked_again() throws Exception {
        GoogleTestSupport support = new GoogleTestSupport(wm.baseUrl(), dir);
        GoogleProvider veo = support.provider();
        wm.stubFor(get(urlEqualTo("/v1beta/" + OP)).inScenario("busy").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3").withHeader("Content-Type",
                        "application/json").withBody(GeminiContractTest.error(429, "RESOURCE_EXHAUSTED", "slow", "")))
                .willSetStateTo("ok"));
        wm.stubFor(get(urlEqualTo("/v1beta/" + OP)).inScenario("busy").whenScenarioStateIs("ok")
                .willReturn(okJson("{\"name\":\"" + OP + "\",\"done\":false}")));

        assertThat(veo.poll(new JobHandle("google", OP, Map.of()))).isInstanceOf(JobStatus.Pending.class);

        assertThat(support.sleeps).contains(java.time.Duration.ofSeconds(3));
        wm.verify(2, getRequestedFor(urlEqualTo("/v1beta/" + OP)));
    }

    @Test
    void a_malformed_poll_answer_is_retried_by_the_engine_as_transient() {
        wm.stubFor(get(urlEqualTo("/v1beta/" + OP)).willReturn(aResponse().withStatus(200).withBody("<html>")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.poll(
                new JobHandle("google", OP, Map.of())));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
    }

    @Test
    void an_operation_google_no_longer_knows_is_not_found() {
        wm.stubFor(get(urlEqualTo("/v1beta/" + OP)).willReturn(aResponse().withStatus(404).withHeader("Content-Type",
                "application/json").withBody(GeminiContractTest.error(404, "NOT_FOUND", "Operation not found", ""))));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.poll(
                new JobHandle("google", OP, Map.of())));

        assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
    }

    // ---- submission failures -------------------------------------------------------------------

    @ParameterizedTest(name = "{index}: HTTP {0} -> {2}")
    @MethodSource("submitErrors")
    void submission_errors_are_classified_and_never_resent(int status, String body, ErrorKind kind) {
        wm.stubFor(post(urlEqualTo(SUBMIT)).willReturn(aResponse().withStatus(status).withBody(body)
                .withHeader("Content-Type", "application/json")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.submit(
                textToVideo(Map.of("prompt", "x"), "o.mp4"), "k"));

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.getMessage()).contains("HTTP " + status).doesNotContain(GoogleTestSupport.KEY);
        wm.verify(1, postRequestedFor(urlEqualTo(SUBMIT)));
    }

    static Stream<Arguments> submitErrors() {
        return Stream.of(
                Arguments.of(400, GeminiContractTest.error(400, "INVALID_ARGUMENT", "durationSeconds out of bound", ""),
                        ErrorKind.VALIDATION),
                Arguments.of(403, GeminiContractTest.error(403, "PERMISSION_DENIED", "Veo needs a paid tier", ""),
                        ErrorKind.AUTH),
                Arguments.of(429, GeminiContractTest.error(429, "RESOURCE_EXHAUSTED", "Too many requests", ""),
                        ErrorKind.RATE_LIMIT),
                Arguments.of(503, GeminiContractTest.error(503, "UNAVAILABLE", "The service is currently unavailable", ""),
                        ErrorKind.TRANSIENT),
                Arguments.of(504, GeminiContractTest.error(504, "DEADLINE_EXCEEDED", "Deadline exceeded", ""),
                        ErrorKind.UNKNOWN_OUTCOME),
                Arguments.of(404, GeminiContractTest.error(404, "NOT_FOUND", "models/veo-9 is not found", ""),
                        ErrorKind.NOT_FOUND));
    }

    @Test
    void a_submission_answer_without_an_operation_is_an_unknown_outcome() {
        wm.stubFor(post(urlEqualTo(SUBMIT)).willReturn(okJson("{\"done\":false}")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.submit(
                textToVideo(Map.of("prompt", "x"), "o.mp4"), "k"));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(e.getMessage()).contains("not sent again");
    }

    @Test
    void a_malformed_submission_answer_is_an_unknown_outcome() {
        wm.stubFor(post(urlEqualTo(SUBMIT)).willReturn(aResponse().withStatus(200).withBody("{\"name\":")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.submit(
                textToVideo(Map.of("prompt", "x"), "o.mp4"), "k"));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        wm.verify(1, postRequestedFor(urlEqualTo(SUBMIT)));
    }

    @Test
    void a_submission_that_times_out_is_an_unknown_outcome_and_not_resent() {
        wm.stubFor(post(urlEqualTo(SUBMIT)).willReturn(okJson("{\"name\":\"" + OP + "\"}").withFixedDelay(2500)));
        GoogleProvider impatient = new GoogleTestSupport(wm.baseUrl(), dir).impatientProvider();

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> impatient.submit(
                textToVideo(Map.of("prompt", "x"), "o.mp4"), "k"));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        wm.verify(1, postRequestedFor(urlEqualTo(SUBMIT)));
    }

    // ---- validation ----------------------------------------------------------------------------

    @Test
    void check_refuses_what_veo_cannot_take_before_anything_is_sent() {
        assertThat(google.check(Capability.TEXT_TO_VIDEO, null, Map.of("prompt", "x", "seed", 4, "generate_audio",
                true), "mp4")).extracting(Provider.Issue::parameter).containsExactly("generate_audio", "seed");
        assertThat(google.check(Capability.TEXT_TO_VIDEO, "veo-3.1", Map.of("prompt", "x", "aspect_ratio", "4:3",
                "duration", 10), "mp4")).extracting(Provider.Issue::parameter)
                .containsExactlyInAnyOrder("aspect_ratio", "duration");
        assertThat(google.check(Capability.TEXT_TO_VIDEO, "veo-2", Map.of("prompt", "x", "resolution", "1080p"), "mp4"))
                .singleElement().satisfies(i -> assertThat(i.message()).contains("veo-2.0-generate-001 takes resolution 720p"));
        assertThat(google.check(Capability.TEXT_TO_VIDEO, null, Map.of("prompt", "x"), "mov"))
                .singleElement().satisfies(i -> assertThat(i.fix()).contains(".mp4"));
        assertThat(google.check(Capability.TEXT_TO_VIDEO, "gemini-2.5-flash", Map.of("prompt", "x"), "mp4"))
                .extracting(Provider.Issue::parameter).containsExactly("model");
        assertThat(google.check(Capability.TEXT_TO_VIDEO, null, Map.of(), "mp4"))
                .extracting(Provider.Issue::parameter).containsExactly("prompt");
        assertThat(google.check(Capability.IMAGE_TO_VIDEO, "veo-3", Map.of("image", "a.gif", "last_frame", "b.png"), "mp4"))
                .extracting(Provider.Issue::parameter).containsExactly("image", "last_frame");
        assertThat(google.check(Capability.IMAGE_TO_VIDEO, null, Map.of("image", "{{steps.still.output}}",
                "duration", "{{inputs.seconds}}", "person_generation", "allow_all"), "mp4")).isEmpty();
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void a_step_that_check_would_refuse_is_refused_at_submission_too_without_a_request() {
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> google.submit(
                textToVideo(Map.of("prompt", "x", "aspect_ratio", "1:1"), "o.mp4"), "k"));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).contains("config.aspect_ratio").contains("16:9 or 9:16");
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    // ---- discovery -----------------------------------------------------------------------------

    @Test
    void the_factory_is_discovered_with_both_key_variables_and_all_five_capabilities() {
        ProviderFactory factory = ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.id().equals("google")).findFirst().orElseThrow();

        assertThat(factory.credentialVariables()).containsExactly("GOOGLE_API_KEY", "GEMINI_API_KEY");
        assertThat(factory.capabilities()).containsExactlyInAnyOrder(Capability.IMAGE_UNDERSTANDING,
                Capability.PROMPT_GENERATION, Capability.STORY_TO_SCENES, Capability.TEXT_TO_VIDEO,
                Capability.IMAGE_TO_VIDEO);
        assertThat(google.runsAsJob(Capability.TEXT_TO_VIDEO)).isTrue();
        assertThat(google.runsAsJob(Capability.STORY_TO_SCENES)).isFalse();
    }
}
