package dev.acp.providers.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.HttpResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaResponsesTest {
    private static final List<String> AUDIO = List.of("audio/", "video/mp4");

    @TempDir
    Path dir;

    private static HttpResult answer(Map<String, List<String>> headers, byte[] body) {
        return new HttpResult(200, headers, body);
    }

    @Test
    void should_write_the_body_and_return_its_size() throws Exception {
        Path target = dir.resolve("a.mp3");
        long n = MediaResponses.write(answer(Map.of("content-type", List.of("audio/mpeg"), "Content-Length",
                List.of("3")), new byte[] {1, 2, 3}), target, AUDIO, "p", "r1");

        assertThat(n).isEqualTo(3);
        assertThat(Files.readAllBytes(target)).containsExactly(1, 2, 3);
    }

    @Test
    void should_accept_octet_stream_and_a_missing_content_type() throws Exception {
        MediaResponses.write(answer(Map.of("Content-Type", List.of("application/octet-stream")), new byte[] {1}),
                dir.resolve("a"), AUDIO, "p", null);
        MediaResponses.write(answer(Map.of(), new byte[] {1}), dir.resolve("b"), AUDIO, "p", null);

        assertThat(dir.resolve("a")).exists();
        assertThat(dir.resolve("b")).exists();
    }

    @Test
    void should_call_a_short_body_an_unknown_outcome_and_write_nothing() {
        Path target = dir.resolve("a.mp3");
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> MediaResponses.write(answer(
                Map.of("Content-Length", List.of("1000")), new byte[10]), target, AUDIO, "p", "r9"));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(e.getMessage()).contains("cut short (10 of 1000 bytes)").contains("[request r9]");
        assertThat(e.requestId()).contains("r9");
        assertThat(target).doesNotExist();
    }

    @Test
    void should_call_an_empty_or_wrongly_typed_body_an_unknown_outcome() {
        ProviderException empty = catchThrowableOfType(ProviderException.class, () -> MediaResponses.write(
                answer(Map.of("Content-Type", List.of("audio/mpeg")), new byte[0]), dir.resolve("a"), AUDIO, "p", null));
        ProviderException json = catchThrowableOfType(ProviderException.class, () -> MediaResponses.write(
                answer(Map.of("Content-Type", List.of("application/json")), "{\"error\":\"x\"}".getBytes()),
                dir.resolve("b"), AUDIO, "p", null));

        assertThat(empty.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(json.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(json.getMessage()).contains("application/json, not audio/* or video/mp4").contains("{\"error\":\"x\"}");
    }

    @Test
    void should_report_an_unwritable_target_as_local() {
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> MediaResponses.write(
                answer(Map.of(), new byte[] {1}), dir.resolve("missing/folder/a.mp3"), AUDIO, "p", null));

        assertThat(e.kind()).isEqualTo(ErrorKind.LOCAL);
    }
}
