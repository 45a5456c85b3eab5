package dev.acp.local.fonts;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Font;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledFontsTest {

    @Test
    void should_load_liberation_sans_from_the_jar_at_the_requested_size(@TempDir Path dir) {
        Font font = new BundledFonts(dir).regular(24);

        assertThat(font.getFamily(java.util.Locale.ROOT)).isEqualTo("Liberation Sans");
        assertThat(font.getSize2D()).isEqualTo(24f);
        assertThat(font.canDisplay('·')).isTrue();
    }

    @Test
    void should_extract_the_font_file_once_and_replace_a_damaged_copy(@TempDir Path dir) throws Exception {
        Path file = new BundledFonts(dir).regularFile();
        long size = Files.size(file);
        Files.writeString(file, "damaged");

        Path again = new BundledFonts(dir).regularFile();

        assertThat(again).isEqualTo(dir.resolve("LiberationSans-Regular.ttf"));
        assertThat(Files.size(again)).isEqualTo(size).isGreaterThan(100_000);
        try (var files = Files.list(dir)) {
            assertThat(files).hasSize(1);
        }
    }
}
