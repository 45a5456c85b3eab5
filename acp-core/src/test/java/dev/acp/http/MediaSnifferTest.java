package dev.acp.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.http.MediaSniffer.Kind;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Result files are told by their first bytes, for every output extension a step may name. */
class MediaSnifferTest {
    private static final List<Kind> IMAGE = List.of(Kind.IMAGE);
    private static final List<Kind> VIDEO = List.of(Kind.VIDEO);
    private static final List<Kind> AUDIO = List.of(Kind.AUDIO);

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    private static String misfit(byte[] head, List<Kind> kinds) {
        return MediaSniffer.misfit(head, head.length, kinds);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "png,  89504e470d0a1a0a0000000d49484452, IMAGE",
        "jpeg, ffd8ffe000104a464946, IMAGE",
        "gif,  474946383961, IMAGE",
        "webp, 52494646 24000000 57454250 5650384c, IMAGE",
        "bmp,  424d 3a000000 0000 0000 3600 0000, IMAGE",
        "tiff little-endian, 49492a00 08000000, IMAGE",
        "tiff big-endian,    4d4d002a 00000008, IMAGE",
        "mp4,  00000018 66747970 69736f6d, VIDEO",
        "mov,  00000014 66747970 71742020, VIDEO",
        "old quicktime, 00000008 77696465 00000000, VIDEO",
        "webm, 1a45dfa3 9f428681, VIDEO",
        "avi,  52494646 24000000 41564920 4c495354, VIDEO",
        "mp3 with id3, 494433 04000000 0000, AUDIO",
        "mp3 frame,    fffb9064 0000, AUDIO",
        "wav,  52494646 24000000 57415645 666d7420, AUDIO",
        "ogg,  4f676753 0002 0000, AUDIO",
        "flac, 664c6143 00000022, AUDIO",
        "aac adts, fff15080 2bff, AUDIO",
        "m4a,  00000020 66747970 4d344120, AUDIO",
    })
    void should_recognise_every_format_of_its_kind(String name, String head, Kind kind) {
        assertThat(misfit(hex(head), List.of(kind))).as(name).isNull();
    }

    @Test
    void should_name_what_arrived_instead() {
        assertThat(misfit("<!DOCTYPE html><html>".getBytes(StandardCharsets.UTF_8), IMAGE)).isEqualTo("HTML");
        assertThat(misfit("\n  <html><body>502".getBytes(StandardCharsets.UTF_8), IMAGE)).isEqualTo("HTML");
        assertThat(misfit("{\"detail\":\"gone\"}".getBytes(StandardCharsets.UTF_8), VIDEO)).isEqualTo("JSON");
        assertThat(misfit("<?xml version=\"1.0\"?><Error>".getBytes(StandardCharsets.UTF_8), AUDIO)).isEqualTo("XML");
        assertThat(misfit("Access denied".getBytes(StandardCharsets.UTF_8), AUDIO)).isEqualTo("text");
        assertThat(misfit(hex("89504e470d0a1a0a0000"), VIDEO)).isEqualTo("a PNG image");
        assertThat(misfit(hex("494433040000"), IMAGE)).isEqualTo("MP3 audio");
        assertThat(misfit(hex("00000000deadbeef"), IMAGE)).isEqualTo(
                "of no known media format (it starts with 00 00 00 00 de ad be ef)");
        assertThat(misfit(new byte[0], IMAGE)).isEqualTo("empty");
        assertThat(misfit(new byte[0], List.of())).as("empty is never a result").isEqualTo("empty");
    }

    @Test
    void should_take_what_a_step_accepts_from_its_content_types() {
        assertThat(MediaSniffer.kinds(List.of("image/"))).containsExactly(Kind.IMAGE);
        assertThat(MediaSniffer.kinds(List.of("video/"))).containsExactly(Kind.VIDEO);
        assertThat(MediaSniffer.kinds(List.of("audio/", "video/mp4"))).as("M4A in an MP4 box is audio")
                .containsExactly(Kind.AUDIO);
        assertThat(MediaSniffer.kinds(List.of("image/", "video/"))).containsExactly(Kind.IMAGE, Kind.VIDEO);
        assertThat(MediaSniffer.kinds(List.of("text/", "application/json"))).isEmpty();
        assertThat(MediaSniffer.expected(List.of(Kind.IMAGE, Kind.VIDEO))).isEqualTo("an image or a video");
    }

    @Test
    void should_accept_any_non_empty_body_when_no_kind_is_asked_for() {
        assertThat(misfit("plain words".getBytes(StandardCharsets.UTF_8), List.of())).isNull();
    }
}
