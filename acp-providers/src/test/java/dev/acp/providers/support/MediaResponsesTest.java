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

    /** The first bytes of an MP3 (an ID3 tag), which is what the answers are checked for. */
    private static final byte[] MP3 = {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0};

    private static HttpResult answer(Map<String, List<String>> headers, byte[] body) {
        return new HttpResult(200, headers, body);
    }

    @Test
    void should_write_the_body_and_return_its_size() throws Exception {
        Path target = dir.resolve("a.mp3");
        long n = MediaResponses.write(answer(Map.of("content-type", List.of("audio/mpeg"), "Content-Length",
                List.of("10")), MP3), target, AUDIO, "p", "r1");

        assertThat(n).isEqualTo(10);
        assertThat(Files.readAllBytes(target)).isEqualTo(MP3);
    }

    @Test
    void should_accept_audio_whatever_its_content_type_says() throws Exception {
        MediaResponses.write(answer(Map.of("Content-Type", List.of("application/octet-stream")), MP3),
                dir.resolve("a"), AUDIO, "p", null);
        MediaResponses.write(answer(Map.of(), MP3), dir.resolve("b"), AUDIO, "p", null);
        MediaResponses.write(answer(Map.of("Content-Type", List.of("text/plain")), MP3), dir.resolve("c"), AUDIO, "p",
                null);

        assertThat(dir.resolve("a")).exists();
        assertThat(dir.resolve("b")).exists();
        assertThat(dir.resolve("c")).exists();
    }

    @Test
    void should_refuse_html_sent_as_audio_and_write_nothing() {
        Path target = dir.resolve("a.mp3");
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> MediaResponses.write(answer(
                Map.of("Content-Type", List.of("audio/mpeg")), "<!DOCTYPE html><p>gateway".getBytes()), target, AUDIO,
                "p", "r3"));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(e.getMessage()).startsWith("p: the answer is HTML (sent as audio/mpeg), not audio")
                .contains("[request r3]");
        assertThat(target).doesNotExist();
    }

    @Test
    void should_refuse_an_image_where_speech_was_asked_for() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0};
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> MediaResponses.write(answer(
                Map.of("Content-Type", List.of("audio/mpeg")), png), dir.resolve("a.mp3"), AUDIO, "p", null));

        assertThat(e.getMessage()).contains("the answer is a PNG image (sent as audio/mpeg), not audio");
    }

    @Test
    void should_call_a_short_body_an_unknown_outcome_and_write_nothing() {
        Path target = dir.resolve("a.mp3");
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> MediaResponses.write(answer(
                Map.of("Content-Length", List.of("1000")), MP3), target, AUDIO, "p", "r9"));

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
        assertThat(empty.getMessage()).contains("the answer has no content");
        assertThat(json.getMessage()).contains("is JSON (sent as application/json), not audio")
                .contains("{\"error\":\"x\"}");
    }

    @Test
    void should_report_an_unwritable_target_as_local() {
        ProviderException e = catchThrowableOfType(ProviderException.class, () -> MediaResponses.write(
                answer(Map.of(), MP3), dir.resolve("missing/folder/a.mp3"), AUDIO, "p", null));

        assertThat(e.kind()).isEqualTo(ErrorKind.LOCAL);
    }
}
