package dev.acp.content.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContainerTagsTest {
    private static final String MP4 = """
            Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'clip.mp4':
              Metadata:
                major_brand     : isom
                title           : Rain on the window
                comment         : first line
                                : second line
                encoder         : Lavf58.76.100
              Duration: 00:00:04.00, start: 0.000000, bitrate: 12 kb/s
              Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 128x72, 25 fps
                Metadata:
                  handler_name    : VideoHandler
            At least one output file must be specified
            """;

    @Test
    void container_tags_are_read_with_continued_values_and_stream_tags_left_out() {
        assertThat(ContainerTags.parse(MP4)).containsExactly(
                java.util.Map.entry("major_brand", "isom"),
                java.util.Map.entry("title", "Rain on the window"),
                java.util.Map.entry("comment", "first line\nsecond line"),
                java.util.Map.entry("encoder", "Lavf58.76.100"));
    }

    @Test
    void a_file_without_container_tags_has_none() {
        assertThat(ContainerTags.parse("""
                Input #0, png_pipe, from 'a.png':
                  Duration: N/A, bitrate: N/A
                  Stream #0:0: Video: png, rgb24(pc), 200x200, 25 tbr, 25 tbn, 25 tbc
                    Metadata:
                      comment         : not the file's
                """)).isEmpty();
        assertThat(ContainerTags.parse("not.mp4: Invalid data found when processing input")).isEmpty();
    }
}
