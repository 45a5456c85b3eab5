package dev.acp.local.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.local.fonts.BundledFonts;
import dev.acp.local.testing.TestHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilterEscapingTest {

    @Test
    void should_escape_for_the_option_parser_and_then_the_filter_graph() {
        assertThat(FilterEscaping.optionValue("/a b/c")).isEqualTo("/a b/c");
        assertThat(FilterEscaping.optionValue("C:\\fonts")).isEqualTo("C\\\\:\\\\\\\\fonts");
        assertThat(FilterEscaping.optionValue("it's,[x];")).isEqualTo("it\\\\\\'s\\,\\[x\\]\\;");
    }

    @Test
    void should_let_ffmpeg_open_a_font_whose_path_has_special_characters(@TempDir Path dir) throws Exception {
        Path odd = Files.createDirectories(dir.resolve("fonts: it's, [odd]; yes"));
        Path font = new BundledFonts(odd).regularFile();
        Path text = Files.writeString(odd.resolve("label.txt"), "PREVIEW · ok");
        Path out = dir.resolve("frame.png");

        TestHome.ffmpeg().run("drawing text", List.of("-loglevel", "error", "-f", "lavfi", "-i", "color=c=blue:s=160x90",
                "-vf", "drawtext=fontfile=" + FilterEscaping.optionValue(font.toString())
                        + ":textfile=" + FilterEscaping.optionValue(text.toString()) + ":fontcolor=white:fontsize=14",
                "-frames:v", "1", out.toString()));

        assertThat(Files.size(out)).isPositive();
    }
}
