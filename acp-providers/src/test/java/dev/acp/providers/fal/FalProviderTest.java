package dev.acp.providers.fal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.JobHandle;
import dev.acp.provider.JobStatus;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.Usage;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fal provider against a WireMock queue: the wire contract of providers.md 1 (submit, status,
 * result, media, cancel, storage upload) and ACP's guarantees around it (a paid submission is
 * never sent twice, reads are retried, failures are classified, the key never shows).
 *
 * <p>What every provider keeps alike (lost answers, time limits, Retry-After, the key masked and
 * kept home) is checked by {@link FalContractTest}, the shared contract suite.
 */
final class FalProviderTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    private static final byte[] MP4 = "\0\0\0 ftypisom fake mp4 body, long enough".getBytes(StandardCharsets.ISO_8859_1);

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;

    private FalTestSupport support;
    private FalProvider fal;

    @BeforeEach
    void setUp() {
        support = new FalTestSupport(wm.baseUrl(), dir);
        fal = support.provider();
    }

    // ---- happy paths ---------------------------------------------------------------------------

    @Test
    void text_to_image_submits_polls_through_the_queue_states_fetches_and_downloads() throws Exception {
        stubSubmit("fal-ai/flux/dev", "fal-ai/flux", "req-1");
        stubStatusScenario("fal-ai/flux", "req-1");
        wm.stubFor(get(urlEqualTo("/fal-ai/flux/requests/req-1")).willReturn(okJson("""
                {"images":[{"url":"%s/media/cat.png","width":1024,"height":576,"content_type":"image/png"}],
                 "timings":{"inference":1.25},"seed":42,"has_nsfw_concepts":[false],"prompt":"a cat"}
                """.formatted(wm.baseUrl()))));
        stubMedia("/media/cat.png", "image/png", PNG);
        Path out = dir.resolve("cat.png");
        ProviderRequest request = FalTestSupport.request(Capability.TEXT_TO_IMAGE, "flux-dev",
                Map.of("prompt", "a cat", "image_size", "landscape_16_9", "seed", 42), out);

        JobHandle handle = fal.submit(request, "key-1");

        assertThat(handle.provider()).isEqualTo("fal");
        assertThat(handle.id()).isEqualTo("req-1");
        assertThat(handle.data()).containsEntry("status_url", wm.baseUrl() + "/fal-ai/flux/requests/req-1/status")
                .containsEntry("endpoint", "fal-ai/flux/dev").containsEntry("model", "flux-dev");
        LoggedRequest submitted = single(postRequestedFor(urlEqualTo("/fal-ai/flux/dev")));
        assertThat(submitted.getHeader("Authorization")).isEqualTo("Key " + FalTestSupport.KEY);
        JsonNode body = Json.MAPPER.readTree(submitted.getBodyAsString());
        assertThat(body.get("prompt").asText()).isEqualTo("a cat");
        assertThat(body.get("image_size").asText()).isEqualTo("landscape_16_9");
        assertThat(body.get("seed").asLong()).isEqualTo(42);
        assertThat(body.get("num_images").asInt()).isEqualTo(1);
        assertThat(body.get("output_format").asText()).isEqualTo("png");
        assertThat(body.has("model")).isFalse();

        JobStatus queued = fal.poll(handle);
        assertThat(queued).isInstanceOf(JobStatus.Pending.class);
        assertThat(((JobStatus.Pending) queued).queuePosition()).as("fal's queue position, for the polls")
                .isEqualTo(3);
        assertThat(((JobStatus.Pending) queued).message()).isEqualTo("in fal's queue (position 3)");
        JobStatus running = fal.poll(handle);
        assertThat(((JobStatus.Pending) running).message()).isEqualTo("running: step 7/28");
        assertThat(((JobStatus.Pending) running).progress()).isEqualTo(0.25);
        assertThat(fal.poll(handle)).isInstanceOf(JobStatus.Succeeded.class);
        wm.verify(3, getRequestedFor(urlPathEqualTo("/fal-ai/flux/requests/req-1/status"))
                .withQueryParam("logs", equalTo("1")).withHeader("Authorization", equalTo("Key " + FalTestSupport.KEY)));

        ProviderResult result = fal.fetch(handle, request);

        assertThat(result.wroteFile()).isTrue();
        assertThat(Files.readAllBytes(out)).isEqualTo(PNG);
        // Hashed as it streamed in, so that the engine need not read the file again.
        assertThat(result.outputSha256()).isEqualTo(dev.acp.util.Hashing.sha256(out));
        assertThat(result.actualCost()).isNull();
        assertThat(result.requestIds()).containsExactly("req-1");
        assertThat(result.metadata()).containsEntry("endpoint", "fal-ai/flux/dev").containsEntry("model", "flux-dev")
                .containsEntry("seed", 42L).containsEntry("width", 1024L).containsEntry("height", 576L)
                .containsEntry("request_id", "req-1").containsEntry("images_returned", 1)
                .containsEntry("has_nsfw_concepts", List.of(false)).containsEntry("bytes", (long) PNG.length)
                .containsEntry("timings", Map.of("inference", 1.25))
                .containsEntry("billing", Map.of("unit", "image", "quantity", 1, "source", "output"));
        assertThat(result.usage()).isEqualTo(new Usage.Images(List.of(new Usage.Size(1024, 576))));
        // Media URLs get no key.
        wm.verify(getRequestedFor(urlEqualTo("/media/cat.png")).withHeader("Authorization", absent()));
    }

    @Test
    void text_to_video_sends_the_models_own_parameter_forms_and_reports_seconds_billed() throws Exception {
        stubSubmit("fal-ai/kling-video/v1.5/pro/text-to-video", "fal-ai/kling-video", "vid-1");
        stubCompleted("fal-ai/kling-video", "vid-1");
        wm.stubFor(get(urlEqualTo("/fal-ai/kling-video/requests/vid-1")).willReturn(okJson("""
                {"video":{"url":"%s/media/v.mp4","content_type":"video/mp4","file_name":"output.mp4","file_size":%d}}
                """.formatted(wm.baseUrl(), MP4.length))));
        stubMedia("/media/v.mp4", "video/mp4", MP4);
        Path out = dir.resolve("clip.mp4");
        ProviderRequest request = FalTestSupport.request(Capability.TEXT_TO_VIDEO, "kling-video",
                Map.of("text", "waves", "duration", 10, "width", 1080, "height", 1920), out);

        JobHandle handle = fal.submit(request, "k");
        assertThat(fal.poll(handle)).isInstanceOf(JobStatus.Succeeded.class);
        ProviderResult result = fal.fetch(handle, request);

        JsonNode body = submittedBody("/fal-ai/kling-video/v1.5/pro/text-to-video");
        assertThat(body.get("prompt").asText()).isEqualTo("waves");
        assertThat(body.get("duration").isTextual()).isTrue();
        assertThat(body.get("duration").asText()).isEqualTo("10");
        assertThat(body.get("aspect_ratio").asText()).isEqualTo("9:16");
        assertThat(Files.readAllBytes(out)).isEqualTo(MP4);
        assertThat(result.metadata()).containsEntry("file_size", (long) MP4.length)
                .containsEntry("billing", Map.of("unit", "second", "quantity", 10.0, "source", "request"));
        // Neither the mock's bytes nor the output tell the seconds: the estimate settles it.
        assertThat(result.usage()).isNull();
    }

    @Test
    void image_to_video_uploads_a_local_image_to_fal_storage_and_submits_its_file_url() throws Exception {
        Path image = dir.resolve("start.png");
        Files.write(image, PNG);
        wm.stubFor(post(urlEqualTo("/rest/storage/upload/initiate?storage_type=fal-cdn-v3")).willReturn(okJson("""
                {"upload_url":"%s/upload/signed-123?sig=abc","file_url":"https://v3.fal.media/files/start.png"}
                """.formatted(wm.baseUrl()))));
        wm.stubFor(put(urlPathEqualTo("/upload/signed-123")).willReturn(aResponse().withStatus(200)));
        stubSubmit("fal-ai/kling-video/v2.1/standard/image-to-video", "fal-ai/kling-video", "i2v-1");
        stubCompleted("fal-ai/kling-video", "i2v-1");
        wm.stubFor(get(urlEqualTo("/fal-ai/kling-video/requests/i2v-1")).willReturn(okJson("""
                {"video":{"url":"%s/media/i2v.mp4"}}""".formatted(wm.baseUrl()))));
        stubMedia("/media/i2v.mp4", "video/mp4", MP4);
        Path out = dir.resolve("moving.mp4");
        ProviderRequest request = FalTestSupport.request(Capability.IMAGE_TO_VIDEO, null,
                Map.of("image", image.toString(), "prompt", "slow zoom", "duration", 5), out);

        JobHandle handle = fal.submit(request, "k");
        fal.poll(handle);
        fal.fetch(handle, request);

        LoggedRequest initiate = single(postRequestedFor(urlPathEqualTo("/rest/storage/upload/initiate")));
        assertThat(initiate.getHeader("Authorization")).isEqualTo("Key " + FalTestSupport.KEY);
        JsonNode initBody = Json.MAPPER.readTree(initiate.getBodyAsString());
        assertThat(initBody.get("file_name").asText()).isEqualTo("start.png");
        assertThat(initBody.get("content_type").asText()).isEqualTo("image/png");
        LoggedRequest upload = single(putRequestedFor(urlPathEqualTo("/upload/signed-123")));
        assertThat(upload.getBody()).isEqualTo(PNG);
        assertThat(upload.getHeader("Content-Type")).isEqualTo("image/png");
        assertThat(upload.containsHeader("Authorization")).isFalse();
        JsonNode body = submittedBody("/fal-ai/kling-video/v2.1/standard/image-to-video");
        assertThat(body.get("image_url").asText()).isEqualTo("https://v3.fal.media/files/start.png");
        assertThat(body.get("prompt").asText()).isEqualTo("slow zoom");
        assertThat(body.get("duration").asText()).isEqualTo("5");
        assertThat(Files.readAllBytes(out)).isEqualTo(MP4);
    }

    @Test
    void a_file_used_twice_is_uploaded_once() throws Exception {
        Path image = dir.resolve("a.png");
        Files.write(image, PNG);
        wm.stubFor(post(urlPathEqualTo("/rest/storage/upload/initiate")).willReturn(okJson("""
                {"upload_url":"%s/upload/u1","file_url":"https://v3.fal.media/files/a.png"}""".formatted(wm.baseUrl()))));
        wm.stubFor(put(urlPathEqualTo("/upload/u1")).willReturn(aResponse().withStatus(200)));
        stubSubmit("fal-ai/flux/dev/image-to-image", "fal-ai/flux", "r");
        Map<String, Object> p = Map.of("image", image.toString(), "prompt", "as a painting");

        fal.submit(FalTestSupport.request(Capability.IMAGE_TO_IMAGE, null, p, dir.resolve("o1.png")), "1");
        fal.submit(FalTestSupport.request(Capability.IMAGE_TO_IMAGE, null, p, dir.resolve("o2.png")), "2");

        wm.verify(1, putRequestedFor(urlPathEqualTo("/upload/u1")));
        wm.verify(2, postRequestedFor(urlEqualTo("/fal-ai/flux/dev/image-to-image")));
    }

    @Test
    void a_small_file_goes_inline_as_a_data_uri_when_fal_storage_fails() throws Exception {
        Path image = dir.resolve("small.png");
        Files.write(image, PNG);
        wm.stubFor(post(urlPathEqualTo("/rest/storage/upload/initiate")).willReturn(aResponse().withStatus(503)));
        stubSubmit("fal-ai/kling-video/v2.1/standard/image-to-video", "fal-ai/kling-video", "r");

        fal.submit(FalTestSupport.request(Capability.IMAGE_TO_VIDEO, "kling-video-image-to-video",
                Map.of("image", image.toString(), "prompt", "p"), dir.resolve("o.mp4")), "k");

        JsonNode body = submittedBody("/fal-ai/kling-video/v2.1/standard/image-to-video");
        assertThat(body.get("image_url").asText())
                .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(PNG));
    }

    @Test
    void an_endpoint_id_named_directly_gets_the_parameters_as_written() throws Exception {
        stubSubmit("fal-ai/some-lab/new-model/v2", "fal-ai/some-lab", "r");

        fal.submit(FalTestSupport.request(Capability.IMAGE_TO_IMAGE, "fal-ai/some-lab/new-model/v2",
                Map.of("image", "https://example.com/in.png", "prompt", "p", "acceleration", "high",
                        "num_inference_steps", 12), dir.resolve("o.png")), "k");

        JsonNode body = submittedBody("/fal-ai/some-lab/new-model/v2");
        assertThat(body.get("image_url").asText()).isEqualTo("https://example.com/in.png");
        assertThat(body.get("acceleration").asText()).isEqualTo("high");
        assertThat(body.get("num_inference_steps").asInt()).isEqualTo(12);
        assertThat(body.has("model")).isFalse();
        assertThat(body.has("image")).isFalse();
    }

    @Test
    void a_sync_mode_data_uri_result_is_written_without_a_download() throws Exception {
        JobHandle handle = handle("fal-ai/flux", "d1");
        wm.stubFor(get(urlEqualTo("/fal-ai/flux/requests/d1")).willReturn(okJson("""
                {"images":[{"url":"data:image/png;base64,%s"},{"url":"data:image/png;base64,%s"}]}"""
                .formatted(Base64.getEncoder().encodeToString(PNG), Base64.getEncoder().encodeToString(PNG)))));
        Path out = dir.resolve("inline.png");

        ProviderResult r = fal.fetch(handle, FalTestSupport.request(Capability.TEXT_TO_IMAGE, "flux-dev",
                Map.of("prompt", "x"), out));

        assertThat(Files.readAllBytes(out)).isEqualTo(PNG);
        assertThat(r.outputSha256()).as("not hashed on the way: the engine hashes the file").isNull();
        assertThat(r.metadata()).containsEntry("images_returned", 2)
                .containsEntry("note", "fal returned 2 images; only the first is this step's output");
    }

    @Test
    void media_urls_are_found_in_the_shapes_models_use() throws Exception {
        String[] outputs = {
            "{\"image\":{\"url\":\"%s/media/x\"}}",
            "{\"images\":[\"%s/media/x\"]}",
            "{\"output\":\"%s/media/x\"}",
            "{\"url\":\"%s/media/x\"}",
            "{\"result\":{\"url\":\"%s/media/x\",\"content_type\":\"image/png\"}}"
        };
        stubMedia("/media/x", "image/png", PNG);
        for (int i = 0; i < outputs.length; i++) {
            JobHandle handle = handle("fal-ai/app", "shape" + i);
            wm.stubFor(get(urlEqualTo("/fal-ai/app/requests/shape" + i)).willReturn(okJson(outputs[i].formatted(wm.baseUrl()))));
            Path out = dir.resolve("shape" + i + ".png");
            fal.fetch(handle, FalTestSupport.request(Capability.TEXT_TO_IMAGE, "flux-dev", Map.of("prompt", "x"), out));
            assertThat(Files.readAllBytes(out)).as(outputs[i]).isEqualTo(PNG);
        }
    }

    // ---- what settles the cost -------------------------------------------------------------------

    @Test
    void images_are_reported_at_the_sizes_fal_gives_else_at_the_size_read_from_the_image_downloaded()
            throws Exception {
        byte[] png = png(640, 480);
        wm.stubFor(get(urlEqualTo("/fal-ai/flux/requests/sz-1")).willReturn(okJson("""
                {"images":[{"url":"%1$s/media/sz.png"},{"url":"%1$s/media/sz2.png","width":1024,"height":768},
                           {"url":"%1$s/media/sz3.png","width":"wide","height":0}]}""".formatted(wm.baseUrl()))));
        stubMedia("/media/sz.png", "image/png", png);

        ProviderResult result = fal.fetch(handle("fal-ai/flux", "sz-1"), FalTestSupport.request(Capability.TEXT_TO_IMAGE,
                "flux-dev", Map.of("prompt", "x"), dir.resolve("sz.png")));

        // Every image is billed, though the step keeps the first; a size fal does not give is the header's.
        assertThat(result.usage()).isEqualTo(new Usage.Images(List.of(new Usage.Size(640, 480),
                new Usage.Size(1024, 768), new Usage.Size(640, 480))));
        assertThat(result.actualCost()).isNull();
    }

    @Test
    void images_whose_size_neither_fal_nor_the_file_tells_are_left_to_the_size_asked() throws Exception {
        wm.stubFor(get(urlEqualTo("/fal-ai/flux/requests/sz-2")).willReturn(okJson("""
                {"images":["%1$s/media/bare.png"]}""".formatted(wm.baseUrl()))));
        stubMedia("/media/bare.png", "image/png", PNG);

        ProviderResult result = fal.fetch(handle("fal-ai/flux", "sz-2"), FalTestSupport.request(Capability.TEXT_TO_IMAGE,
                "flux-dev", Map.of("prompt", "x"), dir.resolve("bare.png")));

        assertThat(result.usage()).isEqualTo(Usage.Images.count(1));
    }

    @Test
    void a_video_reports_the_seconds_of_its_file_with_the_resolution_and_sound_asked() throws Exception {
        stubSubmit("fal-ai/veo3.1/fast", "fal-ai/veo3.1", "veo-1");
        stubCompleted("fal-ai/veo3.1", "veo-1");
        wm.stubFor(get(urlEqualTo("/fal-ai/veo3.1/requests/veo-1")).willReturn(okJson("""
                {"video":{"url":"%s/media/veo.mp4","content_type":"video/mp4"}}""".formatted(wm.baseUrl()))));
        stubMedia("/media/veo.mp4", "video/mp4", Mp4Fixtures.video(8_000));
        ProviderRequest request = FalTestSupport.request(Capability.TEXT_TO_VIDEO, "fal-ai/veo3.1/fast",
                Map.of("prompt", "waves", "resolution", "1080P", "generate_audio", false, "duration", "8s"),
                dir.resolve("veo.mp4"));

        JobHandle handle = fal.submit(request, "k");
        ProviderResult result = fal.fetch(handle, request);

        assertThat(result.usage()).isEqualTo(new Usage.Video(new BigDecimal("8"), "1080p", false));
    }

    @Test
    void a_video_whose_file_tells_no_length_reports_the_seconds_the_output_states_or_nothing() throws Exception {
        wm.stubFor(get(urlEqualTo("/fal-ai/kling-video/requests/d-1")).willReturn(okJson("""
                {"video":{"url":"%s/media/d1.mp4","duration":5.04}}""".formatted(wm.baseUrl()))));
        wm.stubFor(get(urlEqualTo("/fal-ai/kling-video/requests/d-2")).willReturn(okJson("""
                {"video":{"url":"%s/media/d1.mp4"}}""".formatted(wm.baseUrl()))));
        stubMedia("/media/d1.mp4", "video/mp4", MP4);
        Map<String, Object> params = Map.of("prompt", "x", "duration", 5, "generate_audio", "true");

        ProviderResult stated = fal.fetch(handle("fal-ai/kling-video", "d-1"), FalTestSupport.request(
                Capability.TEXT_TO_VIDEO, "kling-video", params, dir.resolve("d1.mp4")));
        ProviderResult unknown = fal.fetch(handle("fal-ai/kling-video", "d-2"), FalTestSupport.request(
                Capability.TEXT_TO_VIDEO, "kling-video", params, dir.resolve("d2.mp4")));

        assertThat(stated.usage()).isEqualTo(new Usage.Video(new BigDecimal("5.04"), null, true));
        assertThat(unknown.usage()).as("the estimate settles it").isNull();
        assertThat(unknown.wroteFile()).isTrue();
    }

    @Test
    void speech_reports_the_characters_of_the_text_sent() throws Exception {
        stubSubmit("fal-ai/f5-tts", "fal-ai/f5-tts", "tts-1");
        wm.stubFor(get(urlEqualTo("/fal-ai/f5-tts/requests/tts-1")).willReturn(okJson("""
                {"audio_url":{"url":"%s/media/speech.wav","content_type":"audio/wav"}}""".formatted(wm.baseUrl()))));
        stubMedia("/media/speech.wav", "audio/wav", "RIFF....WAVE".getBytes(StandardCharsets.ISO_8859_1));
        ProviderRequest request = FalTestSupport.request(Capability.TEXT_TO_SPEECH, "fal-ai/f5-tts",
                Map.of("gen_text", "Grüße aus Köln! 👋", "ref_audio_url", "https://example.com/voice.wav"),
                dir.resolve("speech.wav"));

        JobHandle handle = fal.submit(request, "k");
        // What the journal keeps: a resumed run prices it from the handle alone.
        JobHandle restored = new JobHandle(handle.provider(), handle.id(), new HashMap<>(handle.data()));
        ProviderResult result = support.provider().fetch(restored, request);

        assertThat(submittedBody("/fal-ai/f5-tts").get("gen_text").asText()).isEqualTo("Grüße aus Köln! 👋");
        assertThat(handle.data()).containsEntry("characters_sent", "17");
        assertThat(result.usage()).isEqualTo(new Usage.Characters(17));
    }

    @Test
    void speech_with_no_text_field_or_an_unreadable_count_reports_nothing() throws Exception {
        wm.stubFor(get(urlEqualTo("/fal-ai/f5-tts/requests/tts-2")).willReturn(okJson("""
                {"audio":{"url":"%s/media/s2.mp3"}}""".formatted(wm.baseUrl()))));
        stubMedia("/media/s2.mp3", "audio/mpeg", "ID3 x".getBytes(StandardCharsets.ISO_8859_1));
        String base = wm.baseUrl() + "/fal-ai/f5-tts/requests/tts-2";
        Map<String, String> data = new HashMap<>(Map.of("status_url", base + "/status", "response_url", base,
                "cancel_url", base + "/cancel", "endpoint", "fal-ai/f5-tts"));
        ProviderRequest request = FalTestSupport.request(Capability.TEXT_TO_SPEECH, "fal-ai/f5-tts",
                Map.of("voice", "x"), dir.resolve("s2.mp3"));

        ProviderResult none = fal.fetch(new JobHandle("fal", "tts-2", data), request);
        data.put("characters_sent", "many");
        ProviderResult unreadable = fal.fetch(new JobHandle("fal", "tts-2", data), request);

        assertThat(none.usage()).isNull();
        assertThat(unreadable.usage()).isNull();
    }

    private static byte[] png(int width, int height) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(width, height,
                java.awt.image.BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    // ---- resume --------------------------------------------------------------------------------

    @Test
    void a_job_handle_survives_a_round_trip_into_a_fresh_provider_that_uses_its_urls_as_given() throws Exception {
        // fal's URLs need not follow its own URL rules: the handle's are used, never rebuilt.
        wm.stubFor(post(urlEqualTo("/fal-ai/flux/dev")).willReturn(okJson("""
                {"request_id":"res-1","status_url":"%1$s/elsewhere/res-1/s","response_url":"%1$s/elsewhere/res-1/r",
                 "cancel_url":"%1$s/elsewhere/res-1/c"}""".formatted(wm.baseUrl()))));
        wm.stubFor(get(urlPathEqualTo("/elsewhere/res-1/s")).willReturn(okJson("{\"status\":\"COMPLETED\"}")));
        wm.stubFor(get(urlEqualTo("/elsewhere/res-1/r")).willReturn(okJson("""
                {"images":[{"url":"%s/media/r.png"}],"seed":7}""".formatted(wm.baseUrl()))));
        wm.stubFor(put(urlEqualTo("/elsewhere/res-1/c")).willReturn(aResponse().withStatus(202)));
        stubMedia("/media/r.png", "image/png", PNG);
        Path out = dir.resolve("resumed.png");
        ProviderRequest request = FalTestSupport.request(Capability.TEXT_TO_IMAGE, "flux-dev", Map.of("prompt", "x"), out);
        JobHandle submitted = fal.submit(request, "k");

        // What the journal keeps: provider, id and plain strings.
        JobHandle restored = new JobHandle(submitted.provider(), submitted.id(), new HashMap<>(submitted.data()));
        FalProvider fresh = new FalProviderFactory().create(new FalTestSupport(wm.baseUrl(), dir).context()) instanceof
                FalProvider p ? p : null;

        assertThat(fresh).isNotNull();
        assertThat(fresh.poll(restored)).isInstanceOf(JobStatus.Succeeded.class);
        ProviderResult result = fresh.fetch(restored, request);
        fresh.cancel(restored);

        assertThat(Files.readAllBytes(out)).isEqualTo(PNG);
        assertThat(result.metadata()).containsEntry("seed", 7L).containsEntry("model", "flux-dev");
        wm.verify(1, putRequestedFor(urlEqualTo("/elsewhere/res-1/c")));
    }

    @Test
    void a_gateway_request_id_that_differs_from_the_queues_is_kept_for_tracing() throws Exception {
        String base = wm.baseUrl() + "/fal-ai/flux/requests/req-9";
        wm.stubFor(post(urlEqualTo("/fal-ai/flux/dev")).willReturn(okJson("{\"request_id\":\"req-9\",\"status_url\":\""
                + base + "/status\",\"response_url\":\"" + base + "\",\"cancel_url\":\"" + base + "/cancel\"}")
                .withHeader("x-fal-request-id", "gw-9")));
        wm.stubFor(get(urlEqualTo("/fal-ai/flux/requests/req-9")).willReturn(okJson(
                "{\"images\":[{\"url\":\"" + wm.baseUrl() + "/media/g.png\"}]}")));
        stubMedia("/media/g.png", "image/png", PNG);
        ProviderRequest request = FalTestSupport.request(Capability.TEXT_TO_IMAGE, "flux-dev", Map.of("prompt", "x"),
                dir.resolve("g.png"));

        JobHandle handle = fal.submit(request, "k");
        ProviderResult result = fal.fetch(handle, request);

        assertThat(handle.id()).isEqualTo("req-9");
        assertThat(result.requestIds()).containsExactly("req-9", "gw-9");
    }

    // ---- failures of a finished request --------------------------------------------------------

    @ParameterizedTest
    @MethodSource("completedErrors")
    void a_completed_request_with_an_error_is_failed_with_its_classification(String status, ErrorKind kind) throws Exception {
        JobHandle handle = handle("fal-ai/flux", "bad");
        wm.stubFor(get(urlPathEqualTo("/fal-ai/flux/requests/bad/status")).willReturn(okJson(status)));

        JobStatus s = fal.poll(handle);

        assertThat(s).isInstanceOf(JobStatus.Failed.class);
        assertThat(((JobStatus.Failed) s).kind()).isEqualTo(kind);
        assertThat(((JobStatus.Failed) s).message()).contains("fal-ai/flux/dev failed").contains("bad");
    }

    static Stream<Arguments> completedErrors() {
        return Stream.of(
                Arguments.of("{\"status\":\"COMPLETED\",\"error\":\"Request timed out\",\"error_type\":\"request_timeout\"}",
                        ErrorKind.TRANSIENT),
                Arguments.of("{\"status\":\"COMPLETED\",\"error\":\"boom\",\"error_type\":\"startup_timeout\"}",
                        ErrorKind.TRANSIENT),
                Arguments.of("{\"status\":\"COMPLETED\",\"error\":\"runner died\",\"error_type\":\"runner_disconnected\"}",
                        ErrorKind.TRANSIENT),
                Arguments.of("{\"status\":\"COMPLETED\",\"error\":\"cancelled\",\"error_type\":\"client_cancelled\"}",
                        ErrorKind.TRANSIENT),
                Arguments.of("{\"status\":\"COMPLETED\",\"error\":\"bad input\",\"error_type\":\"bad_request\"}",
                        ErrorKind.VALIDATION),
                Arguments.of("{\"status\":\"COMPLETED\",\"error\":\"The prompt was flagged by the content policy\"}",
                        ErrorKind.CONTENT_POLICY),
                Arguments.of("{\"status\":\"COMPLETED\",\"error\":[{\"loc\":[\"body\",\"prompt\"],\"msg\":\"nope\","
                        + "\"type\":\"content_policy_violation\"}]}", ErrorKind.CONTENT_POLICY));
    }

    @Test
    void a_completed_error_without_a_type_is_classified_by_the_result_url_answer() throws Exception {
        JobHandle handle = handle("fal-ai/flux", "v1");
        wm.stubFor(get(urlPathEqualTo("/fal-ai/flux/requests/v1/status")).willReturn(okJson(
                "{\"status\":\"COMPLETED\",\"error\":\"Unprocessable\"}")));
        wm.stubFor(get(urlEqualTo("/fal-ai/flux/requests/v1")).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json").withBody(
                        "{\"detail\":[{\"loc\":[\"body\",\"image_url\"],\"msg\":\"Image too small\",\"type\":\"image_too_small\"}]}")));

        JobStatus.Failed f = (JobStatus.Failed) fal.poll(handle);

        assertThat(f.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(f.message()).contains("Unprocessable").contains("v1");
    }

    @Test
    void an_image_flagged_by_the_safety_checker_is_a_content_policy_failure_not_a_black_image() throws Exception {
        JobHandle handle = handle("fal-ai/flux", "n1");
        wm.stubFor(get(urlEqualTo("/fal-ai/flux/requests/n1")).willReturn(okJson("""
                {"images":[{"url":"%s/media/black.png"}],"has_nsfw_concepts":[true]}""".formatted(wm.baseUrl()))));
        Path out = dir.resolve("n.png");

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> fal.fetch(handle,
                FalTestSupport.request(Capability.TEXT_TO_IMAGE, "flux-dev", Map.of("prompt", "x"), out)));

        assertThat(e.kind()).isEqualTo(ErrorKind.CONTENT_POLICY);
        assertThat(out).doesNotExist();
        wm.verify(0, getRequestedFor(urlEqualTo("/media/black.png")));
    }

    // ---- HTTP errors ---------------------------------------------------------------------------

    @ParameterizedTest(name = "{index}: HTTP {0} {2}")
    @MethodSource("httpErrors")
    void submission_errors_are_classified_and_never_resent(int status, String body, String errorType, ErrorKind kind,
            String inMessage) throws Exception {
        ResponseDefinitionBuilder answer = aResponse().withStatus(status).withBody(body)
                .withHeader("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
        if (!errorType.isEmpty()) {
            answer.withHeader("X-Fal-Error-Type", errorType);
        }
        wm.stubFor(post(urlEqualTo("/fal-ai/flux/dev")).willReturn(answer));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> fal.submit(
                FalTestSupport.request(Capability.TEXT_TO_IMAGE, "flux-dev", Map.of("prompt", "x"), dir.resolve("o.png")),
                "k"));

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.getMessage()).contains("HTTP " + status).contains(inMessage).doesNotContain(FalTestSupport.KEY);
        wm.verify(1, postRequestedFor(urlEqualTo("/fal-ai/flux/dev")));
    }

    /** fal's own error shapes; a plain status in fal's body (403, 429, ...) is the contract suite's table (FalContractTest). */
    static Stream<Arguments> httpErrors() {
        String key = FalTestSupport.KEY;
        return Stream.of(
                Arguments.of(400, "{\"detail\":\"Bad request\",\"error_type\":\"bad_request\"}", "", ErrorKind.VALIDATION,
                        "Bad request"),
                Arguments.of(401, "{\"detail\":\"Invalid key: Key " + key + "\"}", "", ErrorKind.AUTH, "Invalid key"),
                Arguments.of(403, "{\"detail\":\"User is locked. Reason: Exhausted balance.\"}", "", ErrorKind.QUOTA,
                        "Exhausted balance"),
                Arguments.of(404, "{\"detail\":\"Application not found\"}", "", ErrorKind.NOT_FOUND, "fal endpoint id"),
                Arguments.of(422, "{\"detail\":[{\"loc\":[\"body\",\"prompt\"],\"msg\":\"field required\","
                        + "\"type\":\"missing\"}]}", "", ErrorKind.VALIDATION, "prompt: field required"),
                Arguments.of(422, "{\"detail\":\"Unsupported image size\"}", "", ErrorKind.VALIDATION,
                        "Unsupported image size"),
                Arguments.of(422, "{\"detail\":[{\"loc\":[\"body\",\"prompt\"],\"msg\":\"refused\","
                        + "\"type\":\"content_policy_violation\"}]}", "", ErrorKind.CONTENT_POLICY, "refused"),
                Arguments.of(500, "{\"detail\":\"Internal error\",\"error_type\":\"internal_error\"}", "internal_error",
                        ErrorKind.TRANSIENT, "internal_error"),
                Arguments.of(503, "<html>nginx 503</html>", "runner_scheduling_failure", ErrorKind.TRANSIENT,
                        "runner_scheduling_failure"),
                Arguments.of(502, "", "", ErrorKind.TRANSIENT, "HTTP 502"));
    }

    @Test
    void a_server_error_that_carries_a_request_id_may_have_been_queued_and_is_unknown_outcome() throws Exception {
        wm.stubFor(post(urlEqualTo("/fal-ai/flux/dev")).willReturn(aResponse().withStatus(504)
                .withHeader("x-fal-request-id", "maybe-1").withBody("{\"detail\":\"Gateway timeout\"}")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> fal.submit(
                FalTestSupport.request(Capability.TEXT_TO_IMAGE, "flux-dev", Map.of("prompt", "x"), dir.resolve("o.png")),
                "k"));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(e.getMessage()).contains("maybe-1");
        wm.verify(1, postRequestedFor(urlEqualTo("/fal-ai/flux/dev")));
    }

    @Test
    void a_429_with_retry_after_is_a_rate_limit_that_says_how_long_to_wait() throws Exception {
        wm.stubFor(post(urlEqualTo("/fal-ai/flux/dev")).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "7").withBody("{\"detail\":\"Too many concurrent requests\"}")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> fal.submit(
                FalTestSupport.request(Capability.TEXT_TO_IMAGE, "flux-dev", Map.of("prompt", "x"), dir.resolve("o.png")),
                "k"));

        assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(support.governors.of("fal").rateLimitedCount()).isEqualTo(1);
    }

    @Test
    void a_poll_that_times_out_is_retried() throws Exception {
        JobHandle handle = handle("fal-ai/flux", "slow");
        wm.stubFor(get(urlPathEqualTo("/fal-ai/flux/requests/slow/status")).inScenario("slow").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"status\":\"IN_QUEUE\"}").withFixedDelay(3000)).willSetStateTo("fast"));
        wm.stubFor(get(urlPathEqualTo("/fal-ai/flux/requests/slow/status")).inScenario("slow").whenScenarioStateIs("fast")
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                        .withBody("{\"status\":\"IN_PROGRESS\",\"logs\":[]}")));

        JobStatus s = fal.poll(handle);

        assertThat(s).isEqualTo(new JobStatus.Pending(-1, "running", null));
        wm.verify(2, getRequestedFor(urlPathEqualTo("/fal-ai/flux/requests/slow/status")));
    }

    @Test
    void polls_are_retried_on_server_errors_and_then_fail_transient() throws Exception {
        JobHandle handle = handle("fal-ai/flux", "down");
        wm.stubFor(get(urlPathEqualTo("/fal-ai/flux/requests/down/status")).willReturn(aResponse().withStatus(500)
                .withHeader("X-Fal-Error-Type", "runner_server_error")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> fal.poll(handle));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        wm.verify(5, getRequestedFor(urlPathEqualTo("/fal-ai/flux/requests/down/status")));
    }

    @Test
    void a_truncated_media_download_is_transient_and_leaves_no_file() throws Exception {
        JobHandle handle = handle("fal-ai/kling-video", "cut");
        wm.stubFor(get(urlEqualTo("/fal-ai/kling-video/requests/cut")).willReturn(okJson("""
                {"video":{"url":"%s/media/cut.mp4","file_size":%d}}""".formatted(wm.baseUrl(), MP4.length + 100))));
        stubMedia("/media/cut.mp4", "video/mp4", MP4);
        Path out = dir.resolve("cut.mp4");

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> fal.fetch(handle,
                FalTestSupport.request(Capability.TEXT_TO_VIDEO, "kling-video", Map.of("prompt", "x"), out)));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.getMessage()).contains("cut short");
        assertThat(out).doesNotExist();
    }

    @Test
    void a_media_download_that_breaks_off_is_retried_then_transient() throws Exception {
        JobHandle handle = handle("fal-ai/kling-video", "broken");
        wm.stubFor(get(urlEqualTo("/fal-ai/kling-video/requests/broken")).willReturn(okJson("""
                {"video":{"url":"%s/media/broken.mp4"}}""".formatted(wm.baseUrl()))));
        wm.stubFor(get(urlEqualTo("/media/broken.mp4")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "video/mp4").withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
        Path out = dir.resolve("broken.mp4");

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> fal.fetch(handle,
                FalTestSupport.request(Capability.TEXT_TO_VIDEO, "kling-video", Map.of("prompt", "x"), out)));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(out).doesNotExist();
        wm.verify(5, getRequestedFor(urlEqualTo("/media/broken.mp4")));
    }

    @Test
    void malformed_json_is_unknown_outcome_for_a_submission_and_transient_for_reads() throws Exception {
        wm.stubFor(post(urlEqualTo("/fal-ai/flux/dev")).willReturn(aResponse().withStatus(200).withBody("<html>oops")));
        JobHandle handle = handle("fal-ai/flux", "mal");
        wm.stubFor(get(urlPathEqualTo("/fal-ai/flux/requests/mal/status")).willReturn(okJson("{\"status\":")));
        wm.stubFor(get(urlEqualTo("/fal-ai/flux/requests/mal")).willReturn(okJson("not json")));
        ProviderRequest request = FalTestSupport.request(Capability.TEXT_TO_IMAGE, "flux-dev", Map.of("prompt", "x"),
                dir.resolve("o.png"));

        assertThat(catchThrowableOfType(ProviderException.class, () -> fal.submit(request, "k")).kind())
                .isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(catchThrowableOfType(ProviderException.class, () -> fal.poll(handle)).kind())
                .isEqualTo(ErrorKind.TRANSIENT);
        assertThat(catchThrowableOfType(ProviderException.class, () -> fal.fetch(handle, request)).kind())
                .isEqualTo(ErrorKind.TRANSIENT);
        wm.verify(1, postRequestedFor(urlEqualTo("/fal-ai/flux/dev")));
    }

    @Test
    void an_output_without_media_of_the_capabilitys_kind_is_refused_with_its_field_names() throws Exception {
        JobHandle handle = handle("fal-ai/x", "nomedia");
        wm.stubFor(get(urlEqualTo("/fal-ai/x/requests/nomedia")).willReturn(okJson("{\"text\":\"hello\",\"seed\":1}")));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> fal.fetch(handle,
                FalTestSupport.request(Capability.TEXT_TO_IMAGE, "flux-dev", Map.of("prompt", "x"), dir.resolve("o.png"))));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).contains("text, seed");
    }

    // ---- cancel --------------------------------------------------------------------------------

    @Test
    void cancel_puts_the_cancel_url_and_tolerates_finished_or_unknown_requests() throws Exception {
        for (int status : new int[] {202, 400, 404}) {
            JobHandle handle = handle("fal-ai/flux", "c" + status);
            wm.stubFor(put(urlEqualTo("/fal-ai/flux/requests/c" + status + "/cancel")).willReturn(aResponse()
                    .withStatus(status).withHeader("Content-Type", "application/json")
                    .withBody("{\"status\":\"" + (status == 202 ? "CANCELLATION_REQUESTED" : "ALREADY_COMPLETED") + "\"}")));
            fal.cancel(handle);
            wm.verify(1, putRequestedFor(urlEqualTo("/fal-ai/flux/requests/c" + status + "/cancel"))
                    .withHeader("Authorization", equalTo("Key " + FalTestSupport.KEY)));
        }
        JobHandle refused = handle("fal-ai/flux", "c401");
        wm.stubFor(put(urlEqualTo("/fal-ai/flux/requests/c401/cancel")).willReturn(aResponse().withStatus(401)));
        assertThatThrownBy(() -> fal.cancel(refused)).isInstanceOf(ProviderException.class)
                .satisfies(t -> assertThat(((ProviderException) t).kind()).isEqualTo(ErrorKind.AUTH));
    }

    // ---- keys ----------------------------------------------------------------------------------

    @Test
    void without_a_key_calls_fail_with_auth_naming_the_variable_and_nothing_is_sent() throws Exception {
        FalProvider keyless = new FalProvider(new FalTestSupport(wm.baseUrl(), dir, Map.of("FAL_KEY", "")).context(),
                FalProvider.Timeouts.DEFAULT);

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> keyless.submit(
                FalTestSupport.request(Capability.TEXT_TO_IMAGE, "flux-dev", Map.of("prompt", "x"), dir.resolve("o.png")),
                "k"));

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
        assertThat(e.getMessage()).contains("FAL_KEY");
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @Test
    void the_key_never_appears_in_a_failed_jobs_message_even_when_fal_echoes_it() throws Exception {
        JobHandle handle = handle("fal-ai/flux", "echo");
        wm.stubFor(get(urlPathEqualTo("/fal-ai/flux/requests/echo/status")).willReturn(okJson(
                "{\"status\":\"COMPLETED\",\"error\":\"auth header was Key " + FalTestSupport.KEY
                        + "\",\"error_type\":\"bad_request\"}")));

        JobStatus.Failed f = (JobStatus.Failed) fal.poll(handle);

        assertThat(f.message()).doesNotContain(FalTestSupport.KEY).contains("****");
    }

    @Test
    void the_factory_is_found_by_the_service_loader_and_names_its_credential() {
        FalProviderFactory factory = ServiceLoader.load(dev.acp.provider.ProviderFactory.class).stream()
                .map(ServiceLoader.Provider::get).filter(f -> f.id().equals("fal")).map(FalProviderFactory.class::cast)
                .findFirst().orElseThrow();

        assertThat(factory.credentialVariables()).containsExactly("FAL_KEY");
        assertThat(factory.capabilities()).hasSize(6);
        assertThat(factory.missingCredentials(new FalTestSupport(wm.baseUrl(), dir).context())).isEmpty();
        assertThat(factory.missingCredentials(new FalTestSupport(wm.baseUrl(), dir, Map.of("FAL_KEY", "")).context()))
                .hasValueSatisfying(m -> assertThat(m).contains("FAL_KEY"));
        assertThat(factory.create(new FalTestSupport(wm.baseUrl(), dir).context())).isInstanceOf(FalProvider.class)
                .satisfies(p -> {
                    FalProvider f = (FalProvider) p;
                    assertThat(f.costsMoney()).isTrue();
                    assertThat(f.idempotentSubmit()).isFalse();
                    assertThat(f.revision()).isEqualTo("1");
                });
        assertThat(support.context().governors().of("fal", FalProviderFactory.GOVERNOR).settings())
                .isEqualTo(FalProviderFactory.GOVERNOR);
    }

    @Test
    void many_submissions_and_polls_go_out_without_waiting_for_a_rate_slot() throws Exception {
        // fal documents no request-rate limit (providers.md 1.3): only a 429 may slow ACP down.
        int jobs = 40;
        for (int i = 0; i < jobs; i++) {
            stubSubmit("fal-ai/flux/dev", "fal-ai/flux", "req-" + i);
        }
        wm.stubFor(get(urlMatching("/fal-ai/flux/requests/req-[0-9]+/status.*")).willReturn(aResponse()
                .withStatus(202).withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"IN_QUEUE\",\"queue_position\":3}")));
        List<JobHandle> handles = new java.util.ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            handles.add(fal.submit(FalTestSupport.request(Capability.TEXT_TO_IMAGE, "flux-dev",
                    Map.of("prompt", "picture " + i), dir.resolve("p" + i + ".png")), "key-" + i));
        }
        for (JobHandle h : handles) {
            assertThat(fal.poll(h)).isInstanceOf(JobStatus.Pending.class);
        }

        wm.verify(jobs, postRequestedFor(urlEqualTo("/fal-ai/flux/dev")));
        assertThat(support.governorSleeps).as("waits for a rate slot").isEmpty();
        assertThat(support.governors.of("fal").settings().capped()).isFalse();
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void stubSubmit(String endpoint, String app, String id) {
        wm.stubFor(post(urlEqualTo("/" + endpoint)).willReturn(okJson("""
                {"request_id":"%2$s","status_url":"%1$s/%3$s/requests/%2$s/status",
                 "response_url":"%1$s/%3$s/requests/%2$s","cancel_url":"%1$s/%3$s/requests/%2$s/cancel",
                 "status":"IN_QUEUE","queue_position":0}""".formatted(wm.baseUrl(), id, app))
                .withHeader("x-fal-request-id", id)));
    }

    private void stubStatusScenario(String app, String id) {
        String path = "/" + app + "/requests/" + id + "/status";
        wm.stubFor(get(urlPathEqualTo(path)).inScenario(id).whenScenarioStateIs(STARTED)
                .willReturn(status(202, "{\"status\":\"IN_QUEUE\",\"queue_position\":3}")).willSetStateTo("running"));
        wm.stubFor(get(urlPathEqualTo(path)).inScenario(id).whenScenarioStateIs("running")
                .willReturn(status(202, """
                        {"status":"IN_PROGRESS","logs":[{"message":"loading","level":"INFO"},
                         {"message":"step 7/28","level":"INFO","source":"USER","timestamp":"2026-01-01T00:00:00Z"}]}"""))
                .willSetStateTo("done"));
        wm.stubFor(get(urlPathEqualTo(path)).inScenario(id).whenScenarioStateIs("done")
                .willReturn(status(200, "{\"status\":\"COMPLETED\",\"logs\":null,\"metrics\":{\"inference_time\":1.7},"
                        + "\"error\":null,\"error_type\":null}")));
    }

    private void stubCompleted(String app, String id) {
        wm.stubFor(get(urlPathEqualTo("/" + app + "/requests/" + id + "/status"))
                .willReturn(status(200, "{\"status\":\"COMPLETED\"}")));
    }

    private void stubMedia(String path, String type, byte[] bytes) {
        wm.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(200).withHeader("Content-Type", type)
                .withBody(bytes)));
    }

    private static ResponseDefinitionBuilder status(int code, String json) {
        return aResponse().withStatus(code).withHeader("Content-Type", "application/json").withBody(json);
    }

    private JobHandle handle(String app, String id) {
        String base = wm.baseUrl() + "/" + app + "/requests/" + id;
        return new JobHandle("fal", id, Map.of("status_url", base + "/status", "response_url", base,
                "cancel_url", base + "/cancel", "endpoint", app.equals("fal-ai/flux") ? "fal-ai/flux/dev" : app));
    }

    private JsonNode submittedBody(String path) throws Exception {
        return Json.MAPPER.readTree(single(postRequestedFor(urlEqualTo(path))).getBodyAsString());
    }

    private LoggedRequest single(com.github.tomakehurst.wiremock.matching.RequestPatternBuilder pattern) {
        List<LoggedRequest> found = wm.findAll(pattern);
        assertThat(found).hasSize(1);
        return found.get(0);
    }
}
