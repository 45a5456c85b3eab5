package dev.acp.testkit.fal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeFalServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "test-key-id:test-key-secret";
    private final HttpClient client = HttpClient.newHttpClient();
    private FakeFalServer server = FakeFalServer.start(FakeFalServer.Settings.defaults().withApiKey(KEY)
            .withLatency(Duration.ZERO).withImageBytes(64 * 1024));

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<byte[]> send(String method, String url, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.startsWith("http") ? url : server.baseUrl() + url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Key " + key);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return JSON.readTree(r.body());
    }

    private JsonNode submit(String prompt) throws Exception {
        HttpResponse<byte[]> r = send("POST", "/fal-ai/flux/dev",
                "{\"prompt\":\"" + prompt + "\",\"image_size\":{\"width\":40,\"height\":30},\"num_images\":1}", KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-fal-request-id")).isPresent();
        return json(r);
    }

    @Test
    void submit_poll_result_and_download_follow_the_queue_api() throws Exception {
        JsonNode submitted = submit("a cat");
        String id = submitted.get("request_id").asText();
        assertThat(submitted.get("status").asText()).isEqualTo("IN_QUEUE");
        // Status, result and cancel URLs use owner/app only (providers.md 1.2).
        assertThat(submitted.get("status_url").asText()).isEqualTo(server.baseUrl() + "/fal-ai/flux/requests/" + id + "/status");
        assertThat(submitted.get("response_url").asText()).isEqualTo(server.baseUrl() + "/fal-ai/flux/requests/" + id);
        assertThat(submitted.get("cancel_url").asText()).endsWith("/fal-ai/flux/requests/" + id + "/cancel");

        HttpResponse<byte[]> status = send("GET", submitted.get("status_url").asText() + "?logs=1", null, KEY);
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(json(status).get("status").asText()).isEqualTo("COMPLETED");
        assertThat(json(status).has("error")).isTrue();

        JsonNode result = json(send("GET", submitted.get("response_url").asText(), null, KEY));
        JsonNode image = result.get("images").get(0);
        assertThat(image.get("width").asInt()).isEqualTo(40);
        assertThat(image.get("height").asInt()).isEqualTo(30);
        assertThat(image.get("content_type").asText()).isEqualTo("image/png");

        HttpResponse<byte[]> file = send("GET", image.get("url").asText(), null, null);
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).hasSize(64 * 1024);
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(file.body()));
        assertThat(png.getWidth()).isEqualTo(40);
        assertThat(png.getHeight()).isEqualTo(30);
        assertThat(server.fileSha256(id)).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(file.body())));

        assertThat(server.submissionCount()).isEqualTo(1);
        assertThat(server.polls(id)).isEqualTo(1);
        assertThat(server.downloads(id)).isEqualTo(1);
        assertThat(server.bytesServed()).isEqualTo(64 * 1024);
    }

    @Test
    void identical_requests_give_identical_files_in_any_server_and_are_counted_per_content() throws Exception {
        String a = submit("same").get("request_id").asText();
        String b = submit("same").get("request_id").asText();
        String c = submit("other").get("request_id").asText();
        assertThat(server.fileSha256(a)).isEqualTo(server.fileSha256(b)).isNotEqualTo(server.fileSha256(c));
        assertThat(server.submissionsByContent().values()).containsExactlyInAnyOrder(2, 1);

        try (FakeFalServer second = FakeFalServer.start(server.settings())) {
            HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(second.baseUrl() + "/fal-ai/flux/dev"))
                    .header("Authorization", "Key " + KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"num_images\":1,\"image_size\":{\"height\":30,\"width\":40},\"prompt\":\"same\"}"))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            String id = JSON.readTree(r.body()).get("request_id").asText();
            assertThat(second.fileSha256(id)).isEqualTo(server.fileSha256(a));
        }
    }

    @Test
    void held_requests_stay_pending_with_202_until_released() throws Exception {
        server.hold();
        JsonNode submitted = submit("held");
        HttpResponse<byte[]> pending = send("GET", submitted.get("status_url").asText(), null, KEY);
        assertThat(pending.statusCode()).isEqualTo(202);
        assertThat(json(pending).get("status").asText()).isIn("IN_QUEUE", "IN_PROGRESS");
        assertThat(json(pending).has("logs")).isTrue();
        assertThat(send("GET", submitted.get("response_url").asText(), null, KEY).statusCode()).isEqualTo(400);
        assertThat(server.awaitPollsOfEach(1, Duration.ofSeconds(5))).isTrue();

        server.release();
        assertThat(send("GET", submitted.get("status_url").asText(), null, KEY).statusCode()).isEqualTo(200);
        server.hold();
        // Once seen completed, a request stays completed.
        assertThat(send("GET", submitted.get("status_url").asText(), null, KEY).statusCode()).isEqualTo(200);
    }

    @Test
    void cancel_answers_as_documented() throws Exception {
        server.hold();
        JsonNode submitted = submit("to cancel");
        HttpResponse<byte[]> cancelled = send("PUT", submitted.get("cancel_url").asText(), null, KEY);
        assertThat(cancelled.statusCode()).isEqualTo(202);
        assertThat(json(cancelled).get("status").asText()).isEqualTo("CANCELLATION_REQUESTED");
        JsonNode status = json(send("GET", submitted.get("status_url").asText(), null, KEY));
        assertThat(status.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(status.get("error_type").asText()).isEqualTo("client_cancelled");
        assertThat(send("PUT", submitted.get("cancel_url").asText(), null, KEY).statusCode()).isEqualTo(400);
        assertThat(send("PUT", server.baseUrl() + "/fal-ai/flux/requests/nope/cancel", null, KEY).statusCode())
                .isEqualTo(404);
        assertThat(server.cancellations()).isEqualTo(1);
    }

    @Test
    void wrong_key_is_refused_and_echo_auth_mode_echoes_the_credentials() throws Exception {
        assertThat(send("POST", "/fal-ai/flux/dev", "{\"prompt\":\"x\"}", "wrong").statusCode()).isEqualTo(401);
        assertThat(send("POST", "/fal-ai/flux/dev", "{\"prompt\":\"x\"}", null).statusCode()).isEqualTo(401);
        server.mode(FakeFalServer.Mode.ECHO_AUTH);
        HttpResponse<byte[]> echoed = send("POST", "/fal-ai/flux/dev", "{\"prompt\":\"x\"}", KEY);
        assertThat(echoed.statusCode()).isEqualTo(422);
        assertThat(new String(echoed.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("Key " + KEY);
        assertThat(server.submissionCount()).isZero();
        assertThat(server.echoedRequests()).isEqualTo(1);
    }
}
