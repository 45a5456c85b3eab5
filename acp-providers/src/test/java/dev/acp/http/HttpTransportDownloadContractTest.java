package dev.acp.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming downloads: byte-exact, size- and type-checked, retried when SAFE, and sent once when
 * ONCE (a paid POST answered with the media itself, like ElevenLabs text-to-speech).
 */
class HttpTransportDownloadContractTest extends AbstractTransportContractTest {
    private static final long ONE_MB = 1024 * 1024;
    private static final List<String> AUDIO = List.of("audio/");

    @TempDir
    Path dir;

    private Path target;

    private Path target() {
        target = dir.resolve("speech.mp3.part");
        return target;
    }

    /** {@code n} bytes of "audio": the first bytes of an ID3 tag (what the content check looks for), then noise. */
    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        System.arraycopy(new byte[] {'I', 'D', '3'}, 0, b, 0, Math.min(n, 3));
        return b;
    }

    private static ResponseDefinitionBuilder audio(byte[] body) {
        return ok().withHeader("Content-Type", "audio/mpeg").withBody(body);
    }

    /** A 200 that announces 4096 bytes and sends 1024 before closing the connection. */
    private static ResponseDefinitionBuilder truncated() {
        return ok().withHeader("Content-Type", "audio/mpeg").withHeader("Content-Length", "4096").withBody(bytes(1024));
    }

    private void assertNoFileLeft() throws IOException {
        try (var files = Files.list(dir)) {
            assertThat(files).as("files left in %s", dir).isEmpty();
        }
    }

    @Test
    void should_stream_a_binary_body_to_the_target_byte_exact() throws Exception {
        byte[] body = bytes(300_000);
        wm.stubFor(get("/files/speech.mp3").willReturn(audio(body)));

        long written = transport.download(safeGet("/files/speech.mp3"), target(), ONE_MB, AUDIO);

        assertThat(written).isEqualTo(body.length);
        assertThat(Files.readAllBytes(target)).isEqualTo(body);
        assertThat(requestsTo("/files/speech.mp3")).isEqualTo(1);
    }

    @Test
    void should_stream_a_chunked_body_to_the_target_byte_exact() throws Exception {
        byte[] body = bytes(200_000);
        wm.stubFor(get("/files/speech.mp3").willReturn(audio(body).withChunkedDribbleDelay(5, 10)));

        assertThat(transport.download(safeGet("/files/speech.mp3"), target(), ONE_MB, AUDIO)).isEqualTo(body.length);
        assertThat(Files.readAllBytes(target)).isEqualTo(body);
    }

    @Test
    void should_accept_audio_bytes_whatever_the_content_type_and_any_body_when_no_type_is_required() throws Exception {
        wm.stubFor(get("/files/a").willReturn(ok().withHeader("Content-Type", "application/octet-stream").withBody(bytes(10))));
        wm.stubFor(get("/files/b").willReturn(ok().withHeader("Content-Type", "text/plain").withBody(bytes(10))));
        wm.stubFor(get("/files/c").willReturn(ok().withHeader("Content-Type", "text/plain").withBody("plain words")));

        assertThat(transport.download(safeGet("/files/a"), dir.resolve("a"), ONE_MB, AUDIO)).isEqualTo(10);
        assertThat(transport.download(safeGet("/files/b"), dir.resolve("b"), ONE_MB, AUDIO)).isEqualTo(10);
        assertThat(transport.download(safeGet("/files/c"), dir.resolve("c"), ONE_MB, List.of())).isEqualTo(11);
    }

    @Test
    void should_refuse_html_at_once_whatever_its_content_type_and_leave_no_file() throws Exception {
        wm.stubFor(get("/files/speech.mp3").willReturn(ok("<html>not found</html>").withHeader("Content-Type", "text/html")));
        wm.stubFor(get("/files/lying.mp3").willReturn(ok("\n <!DOCTYPE html><html>sign in</html>")
                .withHeader("Content-Type", "audio/mpeg")));

        ProviderException e = failure(() -> transport.download(safeGet("/files/speech.mp3"), target(), ONE_MB, AUDIO));
        ProviderException lying = failure(() -> transport.download(safeGet("/files/lying.mp3"), target(), ONE_MB, AUDIO));

        assertThat(e.kind()).as("the same URL gives the same page: not asked again").isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).contains("/files/speech.mp3 is HTML (sent as text/html), not audio");
        assertThat(lying.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(lying.getMessage()).contains("/files/lying.mp3 is HTML (sent as audio/mpeg), not audio");
        assertThat(requestsTo("/files/speech.mp3")).isEqualTo(1);
        assertThat(requestsTo("/files/lying.mp3")).isEqualTo(1);
        assertNoFileLeft();
    }

    @Test
    void should_refuse_an_empty_body_at_once_and_leave_no_file() throws Exception {
        wm.stubFor(get("/files/speech.mp3").willReturn(ok().withHeader("Content-Type", "audio/mpeg")));

        ProviderException e = failure(() -> transport.download(safeGet("/files/speech.mp3"), target(), ONE_MB, AUDIO));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).endsWith("/files/speech.mp3 is empty");
        assertThat(requestsTo("/files/speech.mp3")).isEqualTo(1);
        assertNoFileLeft();
    }

    @Test
    void should_refuse_a_body_over_max_bytes_announced_by_content_length_as_validation() throws Exception {
        wm.stubFor(get("/files/speech.mp3").willReturn(audio(bytes((int) ONE_MB + 1))
                .withHeader("Content-Length", String.valueOf(ONE_MB + 1))));

        ProviderException e = failure(() -> transport.download(safeGet("/files/speech.mp3"), target(), ONE_MB, AUDIO));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).contains("over the limit of 1 MB");
        assertThat(requestsTo("/files/speech.mp3")).as("not retried").isEqualTo(1);
        assertNoFileLeft();
    }

    @Test
    void should_refuse_a_chunked_body_over_max_bytes_as_validation() throws Exception {
        wm.stubFor(get("/files/speech.mp3").willReturn(audio(bytes((int) ONE_MB + 1)).withChunkedDribbleDelay(4, 10)));

        ProviderException e = failure(() -> transport.download(safeGet("/files/speech.mp3"), target(), ONE_MB, AUDIO));

        assertThat(wm.getAllServeEvents().get(0).getResponse().getHeaders().getHeader("Content-Length").isPresent())
                .as("no Content-Length: only counting the bytes can tell").isFalse();
        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).contains("over the limit of 1 MB");
        assertThat(requestsTo("/files/speech.mp3")).isEqualTo(1);
        assertNoFileLeft();
    }

    @Test
    void should_retry_a_safe_download_broken_off_mid_body_and_then_succeed() throws Exception {
        byte[] body = bytes(4096);
        stubSequence("GET", "/files/speech.mp3", truncated(), audio(body));

        assertThat(transport.download(safeGet("/files/speech.mp3"), target(), ONE_MB, AUDIO)).isEqualTo(4096);

        assertThat(Files.readAllBytes(target)).isEqualTo(body);
        assertThat(requestsTo("/files/speech.mp3")).isEqualTo(2);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void should_retry_a_safe_download_answered_with_garbage_and_then_succeed() throws Exception {
        byte[] body = bytes(4096);
        stubSequence("GET", "/files/speech.mp3", aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE), audio(body));

        assertThat(transport.download(safeGet("/files/speech.mp3"), target(), ONE_MB, AUDIO)).isEqualTo(4096);

        assertThat(Files.readAllBytes(target)).isEqualTo(body);
        assertThat(requestsTo("/files/speech.mp3")).isEqualTo(2);
    }

    @Test
    void should_retry_a_safe_download_with_a_malformed_chunk_and_then_succeed() throws Exception {
        byte[] body = bytes(4096);
        stubSequence("GET", "/files/speech.mp3", aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK), audio(body));

        assertThat(transport.download(safeGet("/files/speech.mp3"), target(), ONE_MB, AUDIO)).isEqualTo(4096);
        assertThat(requestsTo("/files/speech.mp3")).isEqualTo(2);
    }

    @Test
    void should_give_up_a_safe_download_that_always_breaks_off_as_transient_and_leave_no_file() throws Exception {
        wm.stubFor(get("/files/speech.mp3").willReturn(truncated()));

        ProviderException e = failure(() -> transport.download(safeGet("/files/speech.mp3"), target(), ONE_MB, AUDIO));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.getMessage()).contains("the download broke off after 1024 bytes");
        assertThat(requestsTo("/files/speech.mp3")).isEqualTo(HttpTransport.MAX_ATTEMPTS);
        assertNoFileLeft();
    }

    // ONCE: a paid POST answered with the media itself.

    private HttpCall paidSpeech() {
        return paidPost("/v1/text-to-speech/voice-1");
    }

    @Test
    void should_download_the_answer_of_a_paid_post_once() throws Exception {
        byte[] body = bytes(50_000);
        wm.stubFor(post("/v1/text-to-speech/voice-1").willReturn(audio(body)));

        assertThat(transport.download(paidSpeech(), target(), ONE_MB, AUDIO)).isEqualTo(body.length);
        assertThat(Files.readAllBytes(target)).isEqualTo(body);
        assertThat(requestsTo("/v1/text-to-speech/voice-1")).isEqualTo(1);
    }

    @Test
    void should_give_unknown_outcome_after_one_request_when_a_paid_download_breaks_off_mid_body() throws Exception {
        stubSequence("POST", "/v1/text-to-speech/voice-1", truncated(), audio(bytes(4096)));

        ProviderException e = failure(() -> transport.download(paidSpeech(), target(), ONE_MB, AUDIO));

        HttpTransportOnceContractTest.assertUnknownOutcomeKind(e);
        assertThat(e.getMessage()).contains("the download broke off after 1024 bytes");
        assertThat(requestsTo("/v1/text-to-speech/voice-1")).isEqualTo(1);
        assertThat(sleeps).isEmpty();
        assertNoFileLeft();
    }

    @Test
    void should_give_unknown_outcome_after_one_request_when_a_paid_download_is_answered_with_garbage() throws Exception {
        stubSequence("POST", "/v1/text-to-speech/voice-1", aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE),
                audio(bytes(4096)));

        ProviderException e = failure(() -> transport.download(paidSpeech(), target(), ONE_MB, AUDIO));

        HttpTransportOnceContractTest.assertUnknownOutcomeKind(e);
        assertThat(requestsTo("/v1/text-to-speech/voice-1")).isEqualTo(1);
        assertNoFileLeft();
    }

    @Test
    void should_give_unknown_outcome_after_one_request_when_a_paid_download_is_reset() throws Exception {
        wm.stubFor(post("/v1/text-to-speech/voice-1").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        ProviderException e = failure(() -> transport.download(paidSpeech(), target(), ONE_MB, AUDIO));

        HttpTransportOnceContractTest.assertUnknownOutcomeKind(e);
        assertThat(requestsTo("/v1/text-to-speech/voice-1")).isEqualTo(1);
        assertNoFileLeft();
    }

    @Test
    void should_give_unknown_outcome_after_one_request_when_a_paid_download_times_out() throws Exception {
        wm.stubFor(post("/v1/text-to-speech/voice-1").willReturn(audio(bytes(10)).withFixedDelay(1_500)));

        ProviderException e = failure(
                () -> transport.download(paidSpeech().withTimeout(SHORT_TIMEOUT), target(), ONE_MB, AUDIO));

        HttpTransportOnceContractTest.assertUnknownOutcomeKind(e);
        assertThat(e.getMessage()).contains("no answer within");
        assertThat(requestsTo("/v1/text-to-speech/voice-1")).isEqualTo(1);
        assertNoFileLeft();
    }

    @Test
    void should_give_unknown_outcome_after_one_request_when_a_paid_post_answers_the_wrong_type() throws Exception {
        wm.stubFor(post("/v1/text-to-speech/voice-1").willReturn(ok("{\"detail\":\"?\"}")
                .withHeader("Content-Type", "application/json")));

        ProviderException e = failure(() -> transport.download(paidSpeech(), target(), ONE_MB, AUDIO));

        HttpTransportOnceContractTest.assertUnknownOutcomeKind(e);
        assertThat(e.getMessage()).contains("is JSON (sent as application/json), not audio");
        assertThat(requestsTo("/v1/text-to-speech/voice-1")).isEqualTo(1);
        assertNoFileLeft();
    }

    @Test
    void should_return_the_error_status_of_a_paid_download_classified_without_sending_it_again() throws Exception {
        wm.stubFor(post("/v1/text-to-speech/voice-1").willReturn(status(503).withBody("{\"detail\":\"system_busy\"}")));

        ProviderException e = failure(() -> transport.download(paidSpeech(), target(), ONE_MB, AUDIO));

        assertThat(e.kind()).as(e.getMessage()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.retryable()).as("answered, so not billed: the engine may retry").isTrue();
        assertThat(e.getMessage()).contains("HTTP 503").contains("system_busy");
        assertThat(requestsTo("/v1/text-to-speech/voice-1")).isEqualTo(1);
        assertThat(sleeps).isEmpty();
        assertNoFileLeft();
    }

    @Test
    void should_return_an_auth_error_of_a_paid_download_classified() throws Exception {
        wm.stubFor(post("/v1/text-to-speech/voice-1").willReturn(status(401)
                .withBody("{\"detail\":{\"status\":\"invalid_api_key\"}}")));

        ProviderException e = failure(() -> transport.download(paidSpeech(), target(), ONE_MB, AUDIO));

        assertThat(e.kind()).isEqualTo(ErrorKind.AUTH);
        assertThat(requestsTo("/v1/text-to-speech/voice-1")).isEqualTo(1);
        assertNoFileLeft();
    }

    @Test
    void should_give_transient_when_a_paid_download_cannot_connect() throws Exception {
        HttpCall call = paidSpeech();
        HttpCall refused = new HttpCall(call.method(),
                java.net.URI.create("http://127.0.0.1:" + closedPort() + "/v1/text-to-speech/voice-1"), call.headers(),
                call.body(), call.timeout(), call.retry(), call.errors(), call.governor(), call.secrets());

        ProviderException e = failure(() -> transport.download(refused, target(), ONE_MB, AUDIO));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(sleeps).isEmpty();
        assertNoFileLeft();
    }
}
