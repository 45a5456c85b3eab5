package dev.acp.providers.runware;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
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
 * The Runware provider against a WireMock {@code POST /v1} (providers.md 4): task bodies, sync and
 * async delivery, getResponse polling, the error table, and ACP's guarantees (a task UUID known
 * before sending, never sent twice, the key never shown). Unmatched requests fail the test.
 */
final class RunwareProviderContractTest {
    static final String KEY = "rw-test-key-0123456789-secret";
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    private static final byte[] MP4 = "\0\0\0 ftypisom fake mp4 body, long enough".getBytes(StandardCharsets.ISO_8859_1);

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .failOnUnmatchedRequests(true).build();

    @TempDir
    Path dir;

    private MockedContexts support;
    private RunwareProvider runware;

    @BeforeEach
    void setUp() {
        support = contexts(Map.of());
        runware = provider(support);
    }

    private MockedContexts contexts(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("RUNWARE_API_KEY", KEY, "ACP_RUNWARE_BASE_URL", wm.baseUrl()));
        env.putAll(extra);
        return new MockedContexts(env, dir);
    }

    private static RunwareProvider provider(MockedContexts c) {
        return new RunwareProvider(c.context(), new RunwareProvider.Timeouts(Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofMillis(700), Duration.ofSeconds(10)));
    }

    // ---- happy paths ---------------------------------------------------------------------------

    @Test
    void text_to_image_asks_for_the_uuid_then_submits_async_polls_until_success_and_downloads() throws Exception {
        String uuid = RunwareProvider.taskUuid("run/session/step/1");
        stubUnknown(uuid);
        wm.stubFor(submission().willReturn(okJson("{\"data\":[]}")));
        wm.stubFor(poll(uuid).inScenario("t2i").whenScenarioStateIs("submitted").willReturn(okJson("""
                {"data":[{"taskType":"imageInference","taskUUID":"%s","status":"processing"}]}""".formatted(uuid)))
                .willSetStateTo("done"));
        wm.stubFor(poll(uuid).inScenario("t2i").whenScenarioStateIs("done").willReturn(okJson("""
                {"data":[{"taskType":"imageInference","taskUUID":"%1$s","status":"success","imageUUID":"img-1",
                  "imageURL":"%2$s/image/img-1.png","seed":12345,"NSFWContent":false,"cost":0.0038}]}"""
                .formatted(uuid, wm.baseUrl()))));
        stubMedia("/image/img-1.png", "image/png", PNG);
        Path out = dir.resolve("cat.png");
        ProviderRequest request = MockedContexts.request(Capability.TEXT_TO_IMAGE, "runware-flux-dev",
                Map.of("prompt", "a cat", "negative_prompt", "dogs", "image_size", "landscape_16_9", "seed", 42,
                        "num_inference_steps", 28, "guidance_scale", 3.5), out);

        JobHandle handle = runware.submit(request, "run/session/step/1");
        wm.setScenarioState("t2i", "submitted");

        assertThat(handle.id()).isEqualTo(uuid);
        assertThat(handle.provider()).isEqualTo("runware");
        assertThat(handle.data()).containsEntry("delivery", "async").containsEntry("air", "runware:101@1")
                .containsEntry("model", "runware-flux-dev");
        LoggedRequest sent = single(postRequestedFor(urlEqualTo("/v1"))
                .withRequestBody(matchingJsonPath("$[0].taskType", equalTo("imageInference"))));
        assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(sent.getHeader("Content-Type")).startsWith("application/json");
        JsonNode body = Json.MAPPER.readTree(sent.getBodyAsString());
        assertThat(body.isArray()).isTrue();
        assertThat(body).hasSize(1);
        JsonNode task = body.get(0);
        assertThat(task.get("taskUUID").asText()).isEqualTo(uuid);
        assertThat(task.get("model").asText()).isEqualTo("runware:101@1");
        assertThat(task.get("positivePrompt").asText()).isEqualTo("a cat");
        assertThat(task.get("negativePrompt").asText()).isEqualTo("dogs");
        assertThat(task.get("width").asInt()).isEqualTo(1024);
        assertThat(task.get("height").asInt()).isEqualTo(576);
        assertThat(task.get("seed").asLong()).isEqualTo(42);
        assertThat(task.get("steps").asInt()).isEqualTo(28);
        assertThat(task.get("CFGScale").asDouble()).isEqualTo(3.5);
        assertThat(task.get("includeCost").asBoolean()).isTrue();
        assertThat(task.get("deliveryMethod").asText()).isEqualTo("async");
        assertThat(task.get("outputType").asText()).isEqualTo("URL");
        assertThat(task.get("outputFormat").asText()).isEqualTo("PNG");
        assertThat(task.has("apiKey")).isFalse();

        JobStatus first = runware.poll(handle);
        assertThat(first).isInstanceOf(JobStatus.Pending.class);
        assertThat(((JobStatus.Pending) first).message()).isEqualTo("processing at Runware");
        assertThat(runware.poll(handle)).isInstanceOf(JobStatus.Succeeded.class);
        ProviderResult result = runware.fetch(handle, request);

        assertThat(Files.readAllBytes(out)).isEqualTo(PNG);
        assertThat(result.wroteFile()).isTrue();
        assertThat(result.actualCost()).isEqualByComparingTo("0.0038");
        assertThat(result.usage()).as("the cost settles it").isNull();
        assertThat(result.requestIds()).containsExactly(uuid, "img-1");
        assertThat(result.metadata()).containsEntry("seed", 12345L).containsEntry("task_uuid", uuid)
                .containsEntry("model", "runware-flux-dev").containsEntry("delivery", "async");
        // The media host is not Runware's API: the key stays home.
        assertThat(single(getRequestedFor(urlEqualTo("/image/img-1.png"))).containsHeader("Authorization")).isFalse();
    }

    @Test
    void sync_delivery_keeps_the_results_of_the_answer_in_the_handle_and_never_polls() throws Exception {
        String uuid = RunwareProvider.taskUuid("sync-key");
        stubUnknown(uuid);
        wm.stubFor(submission().willReturn(okJson("""
                {"data":[{"taskType":"imageInference","taskUUID":"%1$s","imageUUID":"a","imageURL":"%2$s/image/a.jpg",
                  "seed":1,"cost":0.0013},
                 {"taskType":"imageInference","taskUUID":"%1$s","imageUUID":"b","imageURL":"%2$s/image/b.jpg",
                  "seed":2,"cost":0.0013}]}""".formatted(uuid, wm.baseUrl()))));
        stubMedia("/image/a.jpg", "image/jpeg", PNG);
        Path out = dir.resolve("two.jpg");
        ProviderRequest request = MockedContexts.request(Capability.TEXT_TO_IMAGE, null,
                Map.of("prompt", "a cat", "delivery", "sync", "num_images", 2, "width", 512, "height", 512), out);

        JobHandle handle = runware.submit(request, "sync-key");
        // What the journal keeps: plain strings; a fresh provider (a resumed run) reads them.
        JobHandle restored = new JobHandle(handle.provider(), handle.id(), new HashMap<>(handle.data()));
        RunwareProvider fresh = provider(contexts(Map.of()));

        assertThat(fresh.poll(restored)).isInstanceOf(JobStatus.Succeeded.class);
        ProviderResult result = fresh.fetch(restored, request);

        JsonNode task = sentTask("imageInference");
        assertThat(task.get("deliveryMethod").asText()).isEqualTo("sync");
        assertThat(task.get("numberResults").asInt()).isEqualTo(2);
        assertThat(task.get("outputFormat").asText()).isEqualTo("JPG");
        assertThat(task.get("model").asText()).isEqualTo("runware:101@1");
        assertThat(Files.readAllBytes(out)).isEqualTo(PNG);
        assertThat(result.actualCost()).isEqualByComparingTo(new BigDecimal("0.0026"));
        assertThat(result.metadata()).containsEntry("results_returned", 2).containsEntry("delivery", "sync");
        wm.verify(1, postRequestedFor(urlEqualTo("/v1")).withRequestBody(matchingJsonPath("$[0].taskType",
                equalTo("getResponse"))));
    }

    @Test
    void image_to_image_sends_a_local_file_inline_as_the_seed_image_with_its_strength() throws Exception {
        Path still = dir.resolve("still.png");
        Files.write(still, PNG);
        String uuid = RunwareProvider.taskUuid("i2i");
        stubUnknown(uuid);
        wm.stubFor(submission().willReturn(okJson("{\"data\":[{\"taskType\":\"imageInference\",\"taskUUID\":\"" + uuid
                + "\"}]}")));

        runware.submit(MockedContexts.request(Capability.IMAGE_TO_IMAGE, "runware-flux-dev-image-to-image",
                Map.of("image", still.toString(), "prompt", "as a watercolour", "strength", 0.6, "aspect_ratio", "9:16"),
                dir.resolve("w.webp")), "i2i");

        JsonNode task = sentTask("imageInference");
        assertThat(task.get("seedImage").asText())
                .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(PNG));
        assertThat(task.get("strength").asDouble()).isEqualTo(0.6);
        assertThat(task.get("width").asInt()).isEqualTo(576);
        assertThat(task.get("height").asInt()).isEqualTo(1024);
        assertThat(task.get("outputFormat").asText()).isEqualTo("WEBP");
    }

    @Test
    void image_to_video_is_a_video_inference_with_the_first_frame_and_a_downloaded_video() throws Exception {
        String uuid = RunwareProvider.taskUuid("i2v");
        stubUnknown(uuid);
        wm.stubFor(submission().willReturn(okJson("{\"data\":[]}")));
        wm.stubFor(poll(uuid).inScenario("i2v").whenScenarioStateIs("sent").willReturn(okJson("""
                {"data":[{"taskType":"videoInference","taskUUID":"%1$s","status":"success","videoUUID":"v-1",
                  "videoURL":"%2$s/video/v-1.mp4","cost":0.35,"seed":9}]}""".formatted(uuid, wm.baseUrl()))));
        stubMedia("/video/v-1.mp4", "video/mp4", MP4);
        Path out = dir.resolve("clip.mp4");
        ProviderRequest request = MockedContexts.request(Capability.IMAGE_TO_VIDEO, "runware-kling-image-to-video",
                Map.of("image", "https://example.com/still.png", "prompt", "slow zoom", "duration", 5), out);

        JobHandle handle = runware.submit(request, "i2v");
        wm.setScenarioState("i2v", "sent");
        assertThat(runware.poll(handle)).isInstanceOf(JobStatus.Succeeded.class);
        ProviderResult result = runware.fetch(handle, request);

        JsonNode task = sentTask("videoInference");
        assertThat(task.get("model").asText()).isEqualTo("klingai:5@3");
        assertThat(task.get("deliveryMethod").asText()).isEqualTo("async");
        assertThat(task.get("duration").asInt()).isEqualTo(5);
        assertThat(task.get("outputFormat").asText()).isEqualTo("MP4");
        assertThat(task.get("includeCost").asBoolean()).isTrue();
        assertThat(task.get("frameImages").get(0).get("inputImage").asText()).isEqualTo("https://example.com/still.png");
        assertThat(task.has("width")).isFalse();
        assertThat(Files.readAllBytes(out)).isEqualTo(MP4);
        assertThat(result.actualCost()).isEqualByComparingTo("0.35");
        assertThat(result.metadata()).containsEntry("output_uuid", "v-1").containsEntry("task_type", "videoInference");
    }

    @Test
    void cumulative_poll_answers_count_each_generation_once_and_wait_for_the_rest() throws Exception {
        JobHandle handle = new JobHandle("runware", "u-many", Map.of("delivery", "async", "expected_results", "3",
                "task_type", "imageInference"));
        wm.stubFor(poll("u-many").willReturn(okJson("""
                {"data":[{"taskUUID":"u-many","status":"success","imageUUID":"x","imageURL":"%1$s/image/x.png","cost":1},
                         {"taskUUID":"u-many","status":"success","imageUUID":"x","imageURL":"%1$s/image/x.png","cost":1},
                         {"taskUUID":"u-many","status":"processing"}]}""".formatted(wm.baseUrl()))));

        JobStatus.Pending p = (JobStatus.Pending) runware.poll(handle);

        assertThat(p.message()).isEqualTo("processing at Runware (1 of 3 done)");
        assertThat(p.progress()).isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    // ---- what settles the cost -------------------------------------------------------------------

    @Test
    void images_without_a_cost_report_each_image_returned_at_the_size_sent() throws Exception {
        wm.stubFor(poll("u-free").willReturn(okJson("""
                {"data":[{"taskUUID":"u-free","status":"success","imageUUID":"p","imageURL":"%1$s/image/p.png"},
                         {"taskUUID":"u-free","status":"success","imageUUID":"q","imageURL":"%1$s/image/q.png"}]}"""
                .formatted(wm.baseUrl()))));
        stubMedia("/image/p.png", "image/png", PNG);
        ProviderRequest request = MockedContexts.request(Capability.TEXT_TO_IMAGE, null,
                Map.of("prompt", "x", "num_images", 2, "width", 768, "height", 512), dir.resolve("p.png"));

        ProviderResult result = runware.fetch(asyncHandle("u-free"), request);

        assertThat(result.actualCost()).isNull();
        assertThat(result.usage()).isEqualTo(new Usage.Images(List.of(new Usage.Size(768, 512),
                new Usage.Size(768, 512))));
    }

    @Test
    void a_cost_that_is_not_a_number_reads_as_none_and_the_image_is_reported_at_runwares_default_size()
            throws Exception {
        wm.stubFor(poll("u-odd").willReturn(okJson("""
                {"data":[{"taskUUID":"u-odd","status":"success","imageUUID":"o","imageURL":"%s/image/o.png",
                  "cost":"n/a"}]}""".formatted(wm.baseUrl()))));
        stubMedia("/image/o.png", "image/png", PNG);

        ProviderResult result = runware.fetch(asyncHandle("u-odd"), MockedContexts.request(Capability.TEXT_TO_IMAGE,
                null, Map.of("prompt", "x"), dir.resolve("o.png")));

        assertThat(result.wroteFile()).isTrue();
        assertThat(result.actualCost()).isNull();
        assertThat(result.usage()).isEqualTo(new Usage.Images(List.of(new Usage.Size(1024, 1024))));
    }

    @Test
    void a_reported_cost_settles_the_task_and_no_usage_is_reported_beside_it() throws Exception {
        wm.stubFor(poll("u-paid").willReturn(okJson("""
                {"data":[{"taskUUID":"u-paid","status":"success","imageUUID":"c","imageURL":"%s/image/c.png",
                  "cost":"0.0042"}]}""".formatted(wm.baseUrl()))));
        stubMedia("/image/c.png", "image/png", PNG);

        ProviderResult result = runware.fetch(asyncHandle("u-paid"), MockedContexts.request(Capability.TEXT_TO_IMAGE,
                null, Map.of("prompt", "x"), dir.resolve("c.png")));

        assertThat(result.actualCost()).as("a cost in text is still a cost").isEqualByComparingTo("0.0042");
        assertThat(result.usage()).isNull();
    }

    static Stream<Arguments> videosWithoutACost() {
        return Stream.of(
                Arguments.of(Mp4Fixtures.video(6_200), Map.of("prompt", "x", "duration", 5), new BigDecimal("6.2")),
                Arguments.of(MP4, Map.of("prompt", "x", "duration", "10s"), new BigDecimal("10.0")),
                Arguments.of(MP4, Map.of("prompt", "x"), null));
    }

    @ParameterizedTest
    @MethodSource("videosWithoutACost")
    void a_video_without_a_cost_reports_the_seconds_of_the_file_else_those_asked_for(byte[] video,
            Map<String, Object> params, BigDecimal seconds) throws Exception {
        wm.stubFor(poll("u-vid").willReturn(okJson("""
                {"data":[{"taskUUID":"u-vid","status":"success","videoUUID":"v","videoURL":"%s/video/v.mp4"}]}"""
                .formatted(wm.baseUrl()))));
        stubMedia("/video/v.mp4", "video/mp4", video);
        JobHandle handle = new JobHandle("runware", "u-vid", Map.of("delivery", "async", "task_type", "videoInference",
                "air", "klingai:5@1", "expected_results", "1"));

        ProviderResult result = runware.fetch(handle, MockedContexts.request(Capability.TEXT_TO_VIDEO, null, params,
                dir.resolve("v.mp4")));

        assertThat(result.actualCost()).isNull();
        assertThat(result.usage()).isEqualTo(seconds == null ? null : new Usage.Video(seconds, null, null));
    }

    // ---- never sent twice ------------------------------------------------------------------------

    @Test
    void a_resubmission_with_the_same_key_attaches_to_the_task_runware_has_instead_of_sending_it_again()
            throws Exception {
        String uuid = RunwareProvider.taskUuid("crash-key");
        // The first session sent the task, and stopped before recording Runware's answer.
        wm.stubFor(poll(uuid).willReturn(okJson("{\"data\":[{\"taskType\":\"imageInference\",\"taskUUID\":\"" + uuid
                + "\",\"status\":\"processing\"}]}")));
        ProviderRequest request = MockedContexts.request(Capability.TEXT_TO_IMAGE, "runware-flux-dev",
                Map.of("prompt", "a cat", "delivery", "sync"), dir.resolve("o.png"));

        JobHandle handle = provider(contexts(Map.of())).submit(request, "crash-key");

        assertThat(handle.id()).isEqualTo(uuid);
        assertThat(handle.data()).containsEntry("delivery", "async").containsEntry("attached", "true");
        wm.verify(0, postRequestedFor(urlEqualTo("/v1")).withRequestBody(matchingJsonPath("$[0].taskType",
                equalTo("imageInference"))));
    }

    @Test
    void an_async_submission_cut_by_a_reset_is_retryable_and_the_retry_finds_the_task_instead_of_paying_twice()
            throws Exception {
        String uuid = RunwareProvider.taskUuid("reset-key");
        wm.stubFor(poll(uuid).inScenario("reset").whenScenarioStateIs(STARTED).willReturn(notFound(uuid)));
        wm.stubFor(submission().inScenario("reset").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("accepted"));
        wm.stubFor(poll(uuid).inScenario("reset").whenScenarioStateIs("accepted").willReturn(okJson(
                "{\"data\":[{\"taskUUID\":\"" + uuid + "\",\"status\":\"processing\"}]}")));
        ProviderRequest request = MockedContexts.request(Capability.TEXT_TO_IMAGE, "runware-flux-dev",
                Map.of("prompt", "a cat"), dir.resolve("o.png"));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> runware.submit(request, "reset-key"));
        JobHandle handle = runware.submit(request, "reset-key");

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.getMessage()).contains("never sent twice").doesNotContain(KEY);
        assertThat(handle.id()).isEqualTo(uuid);
        wm.verify(1, postRequestedFor(urlEqualTo("/v1")).withRequestBody(matchingJsonPath("$[0].taskType",
                equalTo("imageInference"))));
    }

    @Test
    void a_sync_submission_cut_by_a_reset_is_unknown_outcome_and_sent_exactly_once() throws Exception {
        String uuid = RunwareProvider.taskUuid("sync-reset");
        stubUnknown(uuid);
        wm.stubFor(submission().willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> runware.submit(
                MockedContexts.request(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x", "delivery", "sync"),
                        dir.resolve("o.png")), "sync-reset"));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        wm.verify(1, submittedPattern());
    }

    @Test
    void the_task_uuid_is_a_stable_uuid4_of_the_key() {
        String a = RunwareProvider.taskUuid("run-1/s/step/1");
        assertThat(a).isEqualTo(RunwareProvider.taskUuid("run-1/s/step/1"));
        assertThat(a).isNotEqualTo(RunwareProvider.taskUuid("run-1/s/step/2"));
        java.util.UUID u = java.util.UUID.fromString(a);
        assertThat(u.version()).isEqualTo(4);
        assertThat(u.variant()).isEqualTo(2);
    }

    // ---- errors --------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("errorTable")
    void submission_errors_are_classified_and_never_resent(int status, String code, ErrorKind kind) throws Exception {
        String uuid = RunwareProvider.taskUuid("err-" + status + code);
        stubUnknown(uuid);
        wm.stubFor(submission().willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"refused: " + code
                        + "\",\"parameter\":\"positivePrompt\",\"taskType\":\"imageInference\",\"taskUUID\":\"" + uuid
                        + "\"}]}")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> runware.submit(
                MockedContexts.request(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x"), dir.resolve("o.png")),
                "err-" + status + code));

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.getMessage()).contains("HTTP " + status).contains(code).doesNotContain(KEY);
        wm.verify(1, submittedPattern());
    }

    static Stream<Arguments> errorTable() {
        return Stream.of(
                Arguments.of(401, "invalidApiKey", ErrorKind.AUTH),
                Arguments.of(403, "forbidden", ErrorKind.AUTH),
                Arguments.of(402, "insufficientCredits", ErrorKind.QUOTA),
                Arguments.of(400, "invalidPositivePrompt", ErrorKind.VALIDATION),
                Arguments.of(400, "contentPolicyViolation", ErrorKind.CONTENT_POLICY),
                Arguments.of(400, "modelNotFound", ErrorKind.NOT_FOUND),
                Arguments.of(429, "rateLimitExceeded", ErrorKind.RATE_LIMIT),
                Arguments.of(503, "serviceUnavailable", ErrorKind.TRANSIENT),
                Arguments.of(504, "timeoutProvider", ErrorKind.TRANSIENT),
                Arguments.of(404, "", ErrorKind.NOT_FOUND),
                Arguments.of(500, "", ErrorKind.TRANSIENT));
    }

    @Test
    void errors_inside_a_successful_answer_refuse_the_task_with_their_classification() throws Exception {
        String uuid = RunwareProvider.taskUuid("partial");
        stubUnknown(uuid);
        wm.stubFor(submission().willReturn(okJson("{\"data\":[],\"errors\":[{\"code\":\"invalidPositivePrompt\","
                + "\"message\":\"Prompt too short\",\"taskUUID\":\"" + uuid + "\"}]}")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> runware.submit(
                MockedContexts.request(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x"), dir.resolve("o.png")),
                "partial"));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).contains("Prompt too short");
    }

    @Test
    void a_429_with_retry_after_is_a_rate_limit_that_says_how_long_to_wait() throws Exception {
        String uuid = RunwareProvider.taskUuid("rl");
        stubUnknown(uuid);
        wm.stubFor(submission().willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")
                .withHeader("Content-Type", "application/json").withBody("{\"errors\":[{\"code\":\"queueFull\"}]}")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> runware.submit(
                MockedContexts.request(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x"), dir.resolve("o.png")),
                "rl"));

        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(support.governors.of("runware").rateLimitedCount()).isEqualTo(1);
    }

    @Test
    void a_polled_429_is_retried_after_its_retry_after_and_a_poll_that_times_out_is_retried() throws Exception {
        JobHandle handle = asyncHandle("slow");
        wm.stubFor(poll("slow").inScenario("slow").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")).willSetStateTo("late"));
        wm.stubFor(poll("slow").inScenario("slow").whenScenarioStateIs("late")
                .willReturn(okJson("{\"data\":[]}").withFixedDelay(3000)).willSetStateTo("ok"));
        wm.stubFor(poll("slow").inScenario("slow").whenScenarioStateIs("ok")
                .willReturn(okJson("{\"data\":[{\"taskUUID\":\"slow\",\"status\":\"pending\"}]}")));

        assertThat(runware.poll(handle)).isInstanceOf(JobStatus.Pending.class);
        assertThat(support.sleeps).contains(Duration.ofSeconds(2));
        wm.verify(3, pollPattern("slow"));
    }

    @ParameterizedTest
    @MethodSource("failedTasks")
    void a_task_that_failed_at_runware_is_a_failed_job_with_its_classification(String answer, ErrorKind kind)
            throws Exception {
        JobHandle handle = asyncHandle("bad");
        wm.stubFor(poll("bad").willReturn(answer.startsWith("400")
                ? aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody(answer.substring(4))
                : okJson(answer)));

        JobStatus s = runware.poll(handle);

        assertThat(s).isInstanceOf(JobStatus.Failed.class);
        assertThat(((JobStatus.Failed) s).kind()).isEqualTo(kind);
        assertThat(((JobStatus.Failed) s).message()).contains("task bad");
    }

    static Stream<Arguments> failedTasks() {
        return Stream.of(
                Arguments.of("{\"data\":[{\"taskUUID\":\"bad\",\"status\":\"error\",\"error\":{\"code\":"
                        + "\"contentPolicyViolation\",\"message\":\"flagged\"}}]}", ErrorKind.CONTENT_POLICY),
                Arguments.of("{\"data\":[{\"taskUUID\":\"bad\",\"status\":\"error\",\"error\":{\"code\":"
                        + "\"timeoutProvider\",\"message\":\"upstream took too long\"}}]}", ErrorKind.TRANSIENT),
                Arguments.of("{\"data\":[{\"taskUUID\":\"bad\",\"status\":\"error\",\"error\":{\"code\":"
                        + "\"invalidFrameImages\",\"message\":\"no\"}}]}", ErrorKind.VALIDATION),
                Arguments.of("{\"errors\":[{\"code\":\"taskFailedOrNotFound\",\"taskUUID\":\"bad\"}]}",
                        ErrorKind.TRANSIENT),
                Arguments.of("400 {\"errors\":[{\"code\":\"taskFailedOrNotFound\",\"taskUUID\":\"bad\"}]}",
                        ErrorKind.TRANSIENT));
    }

    @Test
    void a_poll_refused_for_the_key_is_thrown_not_a_verdict_on_the_task() throws Exception {
        JobHandle handle = asyncHandle("auth");
        wm.stubFor(poll("auth").willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"code\":\"invalidApiKey\",\"message\":\"Invalid API key\"}]}")));

        assertThat(catchThrowableOfType(ProviderException.class, () -> runware.poll(handle)).kind())
                .isEqualTo(ErrorKind.AUTH);
    }

    @Test
    void a_result_flagged_nsfw_is_a_content_policy_failure() throws Exception {
        JobHandle handle = asyncHandle("nsfw");
        wm.stubFor(poll("nsfw").willReturn(okJson("{\"data\":[{\"taskUUID\":\"nsfw\",\"status\":\"success\","
                + "\"imageUUID\":\"n\",\"imageURL\":\"" + wm.baseUrl() + "/image/n.png\",\"NSFWContent\":true}]}")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> runware.fetch(handle,
                MockedContexts.request(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x"), dir.resolve("n.png"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.CONTENT_POLICY);
    }

    @Test
    void a_download_that_breaks_off_is_retried_then_transient_and_leaves_no_file() throws Exception {
        JobHandle handle = asyncHandle("cut");
        wm.stubFor(poll("cut").willReturn(okJson("{\"data\":[{\"taskUUID\":\"cut\",\"status\":\"success\","
                + "\"videoUUID\":\"c\",\"videoURL\":\"" + wm.baseUrl() + "/video/c.mp4\"}]}")));
        wm.stubFor(get(urlEqualTo("/video/c.mp4")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "video/mp4").withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
        Path out = dir.resolve("c.mp4");

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> runware.fetch(handle,
                MockedContexts.request(Capability.TEXT_TO_VIDEO, null, Map.of("prompt", "x"), out)));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(out).doesNotExist();
        wm.verify(5, getRequestedFor(urlEqualTo("/video/c.mp4")));
    }

    @Test
    void a_download_of_the_wrong_content_type_is_refused() throws Exception {
        JobHandle handle = asyncHandle("html");
        wm.stubFor(poll("html").willReturn(okJson("{\"data\":[{\"taskUUID\":\"html\",\"status\":\"success\","
                + "\"imageUUID\":\"h\",\"imageURL\":\"" + wm.baseUrl() + "/image/h.png\"}]}")));
        stubMedia("/image/h.png", "text/html", "<html>".getBytes(StandardCharsets.UTF_8));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> runware.fetch(handle,
                MockedContexts.request(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x"), dir.resolve("h.png"))));

        assertThat(e.getMessage()).contains("text/html");
    }

    @Test
    void malformed_json_is_unknown_outcome_for_a_sync_submission_retryable_for_async_and_transient_for_polls()
            throws Exception {
        stubUnknown(RunwareProvider.taskUuid("m1"));
        stubUnknown(RunwareProvider.taskUuid("m2"));
        wm.stubFor(submission().willReturn(aResponse().withStatus(200).withBody("<html>oops")));
        wm.stubFor(poll("mal").willReturn(okJson("{\"data\":")));

        ProviderException sync = catchThrowableOfType(ProviderException.class, () -> runware.submit(
                MockedContexts.request(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x", "delivery", "sync"),
                        dir.resolve("o.png")), "m1"));
        ProviderException async = catchThrowableOfType(ProviderException.class, () -> runware.submit(
                MockedContexts.request(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x"), dir.resolve("o.png")),
                "m2"));
        ProviderException poll = catchThrowableOfType(ProviderException.class, () -> runware.poll(asyncHandle("mal")));

        assertThat(sync.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(async.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(poll.kind()).isEqualTo(ErrorKind.TRANSIENT);
        wm.verify(2, submittedPattern());
    }

    // ---- keys, access, catalog -----------------------------------------------------------------

    @Test
    void without_a_key_calls_fail_with_auth_naming_the_variable_and_nothing_is_sent() throws Exception {
        RunwareProvider keyless = provider(contexts(Map.of("RUNWARE_API_KEY", "")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> keyless.submit(
                MockedContexts.request(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x"), dir.resolve("o.png")),
                "k"));

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
        assertThat(e.getMessage()).contains("RUNWARE_API_KEY");
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void the_key_never_appears_in_a_failed_tasks_message_even_when_runware_echoes_it() throws Exception {
        JobHandle handle = asyncHandle("echo");
        wm.stubFor(poll("echo").willReturn(okJson("{\"data\":[{\"taskUUID\":\"echo\",\"status\":\"error\",\"error\":"
                + "{\"code\":\"invalidSeedImage\",\"message\":\"key " + KEY + " cannot read it\"}}]}")));

        JobStatus.Failed f = (JobStatus.Failed) runware.poll(handle);

        assertThat(f.message()).doesNotContain(KEY).contains("****");
    }

    @Test
    void check_access_asks_for_an_unknown_task_and_reads_not_found_as_a_working_key() throws Exception {
        wm.stubFor(post(urlEqualTo("/v1")).withHeader("Authorization", equalTo("Bearer " + KEY))
                .withRequestBody(matchingJsonPath("$[0].taskType", equalTo("getResponse")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"errors\":[{\"code\":\"taskFailedOrNotFound\"}]}")));

        AccessCheck ok = runware.checkAccess();

        wm.resetAll();
        wm.stubFor(post(urlEqualTo("/v1")).willReturn(aResponse().withStatus(401).withHeader("Content-Type",
                "application/json").withBody("{\"errors\":[{\"code\":\"invalidApiKey\",\"message\":\"Invalid API key\"}]}")));
        AccessCheck refused = runware.checkAccess();

        assertThat(ok.status()).isEqualTo(AccessCheck.Status.OK);
        assertThat(refused.status()).isEqualTo(AccessCheck.Status.REFUSED);
        assertThat(refused.fix()).contains("RUNWARE_API_KEY");
        assertThat(refused.detail()).doesNotContain(KEY);
    }

    @Test
    void validation_refuses_unknown_models_wrong_files_and_bad_values_before_anything_is_sent() {
        assertThat(runware.check(Capability.TEXT_TO_IMAGE, "fluxdev", Map.of("prompt", "x"), "png"))
                .anySatisfy(i -> assertThat(i.message()).contains("unknown Runware model 'fluxdev'"));
        assertThat(runware.check(Capability.TEXT_TO_IMAGE, "runware-kling", Map.of("prompt", "x"), "png"))
                .anySatisfy(i -> assertThat(i.message()).contains("does text_to_video"));
        assertThat(runware.check(Capability.TEXT_TO_IMAGE, "civitai:4384@128713", Map.of("prompt", "x"), "png"))
                .isEmpty();
        assertThat(runware.check(Capability.TEXT_TO_VIDEO, null, Map.of("prompt", "x", "delivery", "sync"), "mp4"))
                .anySatisfy(i -> assertThat(i.parameter()).isEqualTo("delivery"));
        assertThat(runware.check(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x", "outputQuality", 5), "png"))
                .anySatisfy(i -> assertThat(i.parameter()).isEqualTo("outputQuality"));
        assertThat(runware.check(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x", "width", 768), "png"))
                .anySatisfy(i -> assertThat(i.message()).contains("width and height together"));
        assertThat(runware.check(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x"), "mp3"))
                .anySatisfy(i -> assertThat(i.message()).contains(".mp3"));
        assertThat(runware.check(Capability.TEXT_TO_SPEECH, null, Map.of("text", "x"), "mp3")).isNotEmpty();
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void the_runware_models_of_the_core_catalog_are_exactly_these_with_the_same_air_ids() {
        Map<String, String> core = new TreeMap<>();
        ProviderCatalog.builtIn().models().values().stream().filter(m -> m.provider().equals("runware"))
                .forEach(m -> core.put(m.name(), m.capability().wireName() + " " + m.providerModelId()));
        Map<String, String> ours = new TreeMap<>();
        RunwareModels.builtIn().known().values().forEach(k -> ours.put(k.name(), k.capability().wireName() + " "
                + k.air()));

        assertThat(ours).isEqualTo(core).containsEntry("runware-flux-dev", "text_to_image runware:101@1");
        for (Capability c : RunwareProviderFactory.CAPABILITIES) {
            assertThat(ProviderCatalog.builtIn().provider("runware").orElseThrow().capabilities()).contains(c);
        }
    }

    @Test
    void the_factory_is_found_by_the_service_loader_and_names_its_credential() {
        RunwareProviderFactory factory = ServiceLoader.load(dev.acp.provider.ProviderFactory.class).stream()
                .map(ServiceLoader.Provider::get).filter(f -> f.id().equals("runware"))
                .map(RunwareProviderFactory.class::cast).findFirst().orElseThrow();

        assertThat(factory.credentialVariables()).containsExactly("RUNWARE_API_KEY");
        assertThat(factory.missingCredentials(contexts(Map.of("RUNWARE_API_KEY", "")).context()))
                .hasValueSatisfying(m -> assertThat(m).contains("RUNWARE_API_KEY"));
        Provider p = factory.create(support.context());
        assertThat(p).isInstanceOf(RunwareProvider.class);
        assertThat(((RunwareProvider) p).idempotentSubmit()).isTrue();
        assertThat(p.parameters(Capability.TEXT_TO_IMAGE)).contains("prompt", "width", "delivery", "lora");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static MappingBuilder submission() {
        return post(urlEqualTo("/v1")).withHeader("Authorization", equalTo("Bearer " + KEY))
                .withRequestBody(matchingJsonPath("$[0].includeCost", equalTo("true")));
    }

    private static RequestPatternBuilder submittedPattern() {
        return postRequestedFor(urlEqualTo("/v1")).withRequestBody(matchingJsonPath("$[0].includeCost", equalTo("true")));
    }

    private static MappingBuilder poll(String uuid) {
        return post(urlEqualTo("/v1")).withHeader("Authorization", equalTo("Bearer " + KEY))
                .withRequestBody(matchingJsonPath("$[0].taskType", equalTo("getResponse")))
                .withRequestBody(matchingJsonPath("$[0].taskUUID", equalTo(uuid)));
    }

    private static RequestPatternBuilder pollPattern(String uuid) {
        return postRequestedFor(urlEqualTo("/v1")).withRequestBody(matchingJsonPath("$[0].taskType",
                equalTo("getResponse"))).withRequestBody(matchingJsonPath("$[0].taskUUID", equalTo(uuid)));
    }

    /** Runware does not know the task (providers.md 4.3: taskFailedOrNotFound). */
    private static void stubUnknown(String uuid) {
        wm.stubFor(poll(uuid).willReturn(notFound(uuid)));
    }

    private static ResponseDefinitionBuilder notFound(String uuid) {
        return aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody(
                "{\"errors\":[{\"code\":\"taskFailedOrNotFound\",\"message\":\"no task\",\"taskType\":\"getResponse\","
                        + "\"taskUUID\":\"" + uuid + "\"}]}");
    }

    private static void stubMedia(String path, String type, byte[] bytes) {
        wm.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(200).withHeader("Content-Type", type)
                .withBody(bytes)));
    }

    private static JobHandle asyncHandle(String uuid) {
        return new JobHandle("runware", uuid, Map.of("delivery", "async", "task_type", "imageInference",
                "air", "runware:101@1", "expected_results", "1"));
    }

    private JsonNode sentTask(String taskType) throws Exception {
        return Json.MAPPER.readTree(single(postRequestedFor(urlEqualTo("/v1"))
                .withRequestBody(matchingJsonPath("$[0].taskType", equalTo(taskType)))).getBodyAsString()).get(0);
    }

    private LoggedRequest single(RequestPatternBuilder pattern) {
        List<LoggedRequest> found = wm.findAll(pattern);
        assertThat(found).hasSize(1);
        return found.get(0);
    }
}
