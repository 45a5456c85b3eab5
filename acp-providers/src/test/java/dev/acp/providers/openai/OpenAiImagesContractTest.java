package dev.acp.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
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

/**
 * {@code openai} text_to_image against a mock of {@code POST /v1/images/generations}: GPT image
 * models (base64, token usage priced), DALL-E 3 (asked for base64, a URL answer downloaded at
 * once) and a self-hosted server's own model (sizes as written, free).
 */
final class OpenAiImagesContractTest {
    private static final String PATH = "/v1/images/generations";
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};

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
        return new ProviderRequest("poster", Capability.TEXT_TO_IMAGE, model, params, dir.resolve(file),
                new StepContext() {
                    @Override
                    public Path scratchDirectory() {
                        return dir;
                    }

                    @Override
                    public void progress(double fraction, String message) {}
                });
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static void answer(String json) {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson(json).withHeader("x-request-id", "req_img1")));
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
        return sentBodies(server).stream().filter(b -> b.has("prompt")).findFirst().orElseThrow();
    }

    // ---- OpenAI itself ----------------------------------------------------------------------------

    @Test
    void should_draw_with_gpt_image_1_and_report_the_image_it_returned_for_the_catalog_to_price() throws Exception {
        answer("{\"created\":1772366400,\"background\":\"opaque\",\"output_format\":\"jpeg\",\"quality\":\"high\","
                + "\"size\":\"1536x1024\",\"data\":[{\"b64_json\":\"" + b64(JPEG) + "\"}],"
                + "\"usage\":{\"input_tokens\":20,\"output_tokens\":4160,\"total_tokens\":4180,"
                + "\"input_tokens_details\":{\"text_tokens\":20,\"image_tokens\":0}}}");

        ProviderResult r = openAi().execute(request("poster.jpg", null, Map.of("prompt", "a lighthouse at dawn",
                "image_size", "landscape_16_9", "quality", "high")));

        JsonNode body = onlyBody();
        assertThat(body.get("model").asText()).isEqualTo("gpt-image-1");
        assertThat(body.get("prompt").asText()).isEqualTo("a lighthouse at dawn");
        assertThat(body.get("n").asInt()).isEqualTo(1);
        assertThat(body.get("size").asText()).as("the offered size nearest 16:9").isEqualTo("1536x1024");
        assertThat(body.get("quality").asText()).isEqualTo("high");
        assertThat(body.get("output_format").asText()).isEqualTo("jpeg");
        assertThat(body.has("response_format")).as("GPT image models refuse it").isFalse();
        server.verify(postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer " + CANARY)));

        assertThat(Files.readAllBytes(dir.resolve("poster.jpg"))).isEqualTo(JPEG);
        // No price here: the image and its size go to the pricing catalog (per image, by quality and size).
        assertThat(r.actualCost()).isNull();
        assertThat(r.usage()).isEqualTo(new Usage.Images(List.of(new Usage.Size(1536, 1024))));
        assertThat(r.requestIds()).containsExactly("req_img1");
        assertThat(r.metadata()).containsEntry("size", "1536x1024").containsEntry("requested_size", "1024x576")
                .containsEntry("output_tokens", 4160L).containsEntry("delivery", "b64_json")
                .containsEntry("cost_source", "not reported by the server; priced from the images returned");
    }

    @Test
    void should_download_a_dall_e_3_url_answer_at_once_and_leave_its_cost_to_the_estimate() throws Exception {
        server.stubFor(get(urlEqualTo("/files/img-42.png")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "image/png").withBody(PNG)));
        answer("{\"created\":1772366400,\"data\":[{\"url\":\"" + server.baseUrl() + "/files/img-42.png\","
                + "\"revised_prompt\":\"A tall white lighthouse at dawn\"}]}");

        ProviderResult r = openAi().execute(request("poster.png", "dall-e-3", Map.of("prompt", "a lighthouse",
                "aspect_ratio", "9:16", "quality", "hd", "style", "natural")));

        JsonNode body = onlyBody();
        assertThat(body.get("model").asText()).isEqualTo("dall-e-3");
        assertThat(body.get("size").asText()).isEqualTo("1024x1792");
        assertThat(body.get("quality").asText()).isEqualTo("hd");
        assertThat(body.get("style").asText()).isEqualTo("natural");
        assertThat(body.get("response_format").asText()).isEqualTo("b64_json");
        assertThat(body.has("output_format")).isFalse();
        server.verify(1, getRequestedFor(urlEqualTo("/files/img-42.png"))
                .withoutHeader("Authorization"));

        assertThat(Files.readAllBytes(dir.resolve("poster.png"))).isEqualTo(PNG);
        assertThat(r.actualCost()).isNull();
        assertThat(r.usage()).as("the size sent, since the answer names none")
                .isEqualTo(new Usage.Images(List.of(new Usage.Size(1024, 1792))));
        assertThat(r.metadata()).containsEntry("delivery", "url")
                .containsEntry("revised_prompt", "A tall white lighthouse at dawn");
    }

    @Test
    void should_report_each_image_returned_at_the_size_asked_when_the_answer_names_none_or_a_bad_one()
            throws Exception {
        answer("{\"created\":1772366400,\"size\":\"huge\",\"data\":[{\"b64_json\":\"" + b64(PNG) + "\"},"
                + "{\"b64_json\":\"" + b64(PNG) + "\"}]}");

        ProviderResult r = openAi().execute(request("two.png", "gpt-image-1", Map.of("prompt", "x",
                "image_size", "portrait_16_9", "quality", "low")));

        assertThat(onlyBody().get("size").asText()).isEqualTo("1024x1536");
        // Both images are billed, though the step keeps the first.
        assertThat(r.usage()).isEqualTo(new Usage.Images(List.of(new Usage.Size(1024, 1536),
                new Usage.Size(1024, 1536))));
        assertThat(r.actualCost()).isNull();
    }

    @Test
    void should_report_an_image_of_unknown_size_when_neither_the_answer_nor_the_step_names_one() throws Exception {
        answer("{\"created\":1772366400,\"size\":\"auto\",\"data\":[{\"b64_json\":\"" + b64(PNG) + "\"}]}");

        ProviderResult r = openAi().execute(request("any.png", "gpt-image-1", Map.of("prompt", "x")));

        assertThat(onlyBody().has("size")).isFalse();
        assertThat(r.usage()).as("the step's parameters price it").isEqualTo(Usage.Images.count(1));
        assertThat(r.actualCost()).isNull();
    }

    @Test
    void should_check_each_model_familys_settings_before_paying() {
        Provider p = openAi();
        assertThat(p.check(Capability.TEXT_TO_IMAGE, null, Map.of("prompt", "x", "num_images", 2), "png"))
                .singleElement().satisfies(i -> assertThat(i.message()).contains("one image, not 2"));
        assertThat(p.check(Capability.TEXT_TO_IMAGE, "dall-e-3", Map.of("prompt", "x"), "jpg"))
                .singleElement().satisfies(i -> assertThat(i.fix()).contains(".png"));
        assertThat(p.check(Capability.TEXT_TO_IMAGE, "gpt-image-1", Map.of("prompt", "x", "quality", "hd"), "png"))
                .singleElement().satisfies(i -> {
                    assertThat(i.isWarning()).isFalse();
                    assertThat(i.message()).contains("not one of low, medium, high, auto");
                });
        assertThat(p.check(Capability.TEXT_TO_IMAGE, "gpt-image-1", Map.of("prompt", "x", "style", "vivid"), "webp"))
                .singleElement().satisfies(i -> assertThat(i.isWarning()).isTrue());
        assertThat(p.check(Capability.TEXT_TO_IMAGE, "gpt-image-1", Map.of("prompt", "x"), "gif"))
                .singleElement().satisfies(i -> assertThat(i.message()).contains("cannot write .gif"));
        assertThat(p.check(Capability.TEXT_TO_IMAGE, "gpt-image-1", Map.of("prompt", "x", "image_size", "huge"),
                "png")).singleElement().satisfies(i -> assertThat(i.parameter()).isEqualTo("image_size"));
        assertThat(p.check(Capability.TEXT_TO_IMAGE, "gpt-image-1", Map.of("prompt", "{{steps.idea.text}}",
                "image_size", Map.of("width", 1024, "height", 1024)), "png")).isEmpty();
        server.verify(0, postRequestedFor(urlEqualTo(PATH)));
    }

    // ---- a self-hosted compatible server ---------------------------------------------------------------

    @Test
    void should_draw_on_a_local_server_with_its_own_model_and_size_for_free() throws Exception {
        answer("{\"created\":1772366400,\"data\":[{\"b64_json\":\"" + b64(PNG) + "\"}]}");
        Provider p = new OpenAiProviderFactory().create(context(Map.of("ACP_OPENAI_IMAGE_MODEL", "stablediffusion")));

        ProviderResult r = p.execute(request("cat.png", null, Map.of("text", "a cat", "width", 512, "height", 768)));

        JsonNode body = onlyBody();
        assertThat(body.get("model").asText()).isEqualTo("stablediffusion");
        assertThat(body.get("size").asText()).as("a server's own model gets the size as asked").isEqualTo("512x768");
        assertThat(body.get("response_format").asText()).isEqualTo("b64_json");
        assertThat(ChatFixtures.events(server).getFirst().getRequest().containsHeader("Authorization")).isFalse();
        assertThat(r.actualCost()).as("free: the zero settles it, whatever the images")
                .isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(r.usage()).isEqualTo(new Usage.Images(List.of(new Usage.Size(512, 768))));
        assertThat(r.metadata()).doesNotContainKey("requested_size");
        assertThat(Files.readAllBytes(dir.resolve("cat.png"))).isEqualTo(PNG);
    }

    // ---- errors ---------------------------------------------------------------------------------------

    static Stream<Arguments> errorTable() {
        return Stream.of(
                arguments(400, "{\"error\":{\"message\":\"Invalid size '999x999'\",\"type\":\"invalid_request_error\","
                        + "\"param\":\"size\",\"code\":\"invalid_value\"}}", ErrorKind.VALIDATION),
                arguments(400, "{\"error\":{\"message\":\"Your request was rejected by the safety system\",\"type\":"
                        + "\"image_generation_user_error\",\"code\":\"moderation_blocked\"}}", ErrorKind.CONTENT_POLICY),
                arguments(400, "{\"error\":{\"message\":\"Your request was rejected as a result of our safety system\","
                        + "\"type\":\"invalid_request_error\",\"code\":\"content_policy_violation\"}}",
                        ErrorKind.CONTENT_POLICY),
                arguments(401, "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":"
                        + "\"invalid_request_error\",\"code\":\"invalid_api_key\"}}", ErrorKind.AUTH),
                arguments(403, "{\"error\":{\"message\":\"Your organization must be verified to use gpt-image-1\","
                        + "\"type\":\"invalid_request_error\",\"code\":null}}", ErrorKind.AUTH),
                arguments(404, "{\"error\":{\"message\":\"The model `dall-e-9` does not exist\",\"type\":"
                        + "\"invalid_request_error\",\"code\":\"model_not_found\"}}", ErrorKind.NOT_FOUND),
                arguments(400, "{\"error\":{\"message\":\"Billing hard limit has been reached\",\"type\":"
                        + "\"image_generation_user_error\",\"code\":\"billing_hard_limit_reached\"}}", ErrorKind.QUOTA),
                arguments(429, "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":"
                        + "\"insufficient_quota\",\"code\":\"insufficient_quota\"}}", ErrorKind.QUOTA),
                arguments(429, "{\"error\":{\"message\":\"Rate limit reached for images per minute\",\"type\":"
                        + "\"requests\",\"code\":\"rate_limit_exceeded\"}}", ErrorKind.RATE_LIMIT),
                arguments(500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}",
                        ErrorKind.TRANSIENT),
                arguments(502, "<html>Bad Gateway</html>", ErrorKind.TRANSIENT));
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
    @MethodSource("errorTable")
    void should_classify_the_error_table_and_send_once(int status, String body, ErrorKind kind) {
        error(status, body);

        assertThatThrownBy(() -> openAi().execute(request("a.png", null, Map.of("prompt", "x"))))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(kind);
                    assertThat(e.getMessage()).startsWith("openai: HTTP " + status).doesNotContain(CANARY);
                });
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
        assertThat(dir.resolve("a.png")).doesNotExist();
    }

    @Test
    void should_carry_retry_after_of_a_429() {
        error(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":"
                + "\"rate_limit_exceeded\"}}", "Retry-After", "12");

        assertThatThrownBy(() -> openAi().execute(request("a.png", null, Map.of("prompt", "x"))))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.RATE_LIMIT);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(12));
                });
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_report_malformed_json_as_unknown_outcome_and_send_once() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"data\":[{\"b64_json\":")));

        assertThatThrownBy(() -> openAi().execute(request("a.png", null, Map.of("prompt", "x"))))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
                    assertThat(e.getMessage()).contains("not an image answer").contains("not sent again");
                });
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_refuse_base64_that_is_not_an_image_and_an_answer_without_one() {
        answer("{\"data\":[{\"b64_json\":\"" + b64("<html>oops</html>".getBytes()) + "\"}]}");
        assertThatThrownBy(() -> openAi().execute(request("a.png", null, Map.of("prompt", "x"))))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
                    assertThat(e.requestId()).contains("req_img1");
                });
        assertThat(dir.resolve("a.png")).doesNotExist();

        answer("{\"created\":1,\"data\":[]}");
        assertThatThrownBy(() -> openAi().execute(request("a.png", null, Map.of("prompt", "x"))))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.getMessage()).contains("has no image"));
    }

    @Test
    void should_report_a_timeout_as_unknown_outcome_and_send_once() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(okJson("{\"data\":[{\"b64_json\":\"" + b64(PNG) + "\"}]}")
                .withFixedDelay(2_000)));
        Provider p = new OpenAiProviderFactory(uri -> ServerKind.OPENAI).create(context(Map.of("OPENAI_API_KEY",
                CANARY, "ACP_OPENAI_TIMEOUT", "0.3")));

        assertThatThrownBy(() -> p.execute(request("a.png", null, Map.of("prompt", "x"))))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME));
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_name_the_url_when_the_download_of_a_generated_image_is_cut_short() throws Exception {
        try (CutShortServer cut = CutShortServer.start("image/png")) {
            answer("{\"data\":[{\"url\":\"" + cut.baseUrl() + "/img/cut.png\"}]}");

            assertThatThrownBy(() -> openAi().execute(request("a.png", "dall-e-3", Map.of("prompt", "x"))))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.getMessage()).contains("generated but its download failed")
                                .contains(cut.baseUrl() + "/img/cut.png");
                        assertThat(e.requestId()).contains("req_img1");
                    });
            assertThat(cut.requestLines()).isNotEmpty().allMatch(l -> l.equals("GET /img/cut.png HTTP/1.1"));
        }
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
        assertThat(dir.resolve("a.png")).doesNotExist();
    }
}
