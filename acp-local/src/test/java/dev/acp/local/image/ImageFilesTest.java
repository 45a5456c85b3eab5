package dev.acp.local.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.testing.TestHome;
import dev.acp.local.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {
    private final ImageFiles files = new ImageFiles(TestHome.ffmpeg());

    @Test
    void should_round_trip_every_output_format(@TempDir Path dir) throws Exception {
        BufferedImage image = TestImages.halves(64, 32, 0xFF0000, 0x0000FF);

        for (ImageFormat format : ImageFormat.values()) {
            Path file = dir.resolve("out." + format.wireName());
            files.write(image, format, file, dir.resolve("scratch"));

            LoadedImage back = files.read(file, dir.resolve("scratch"));

            assertThat(back.format()).as(format.name()).isEqualTo(format.wireName());
            assertThat(back.image().getWidth()).isEqualTo(64);
            assertThat(back.image().getHeight()).isEqualTo(32);
            int left = back.image().getRGB(8, 16);
            assertThat(TestImages.red(left)).as(format + " keeps red").isGreaterThan(200);
            assertThat(TestImages.blue(left)).isLessThan(60);
        }
        try (var left = Files.list(dir.resolve("scratch"))) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("copies decoded by ffmpeg (WebP) are deleted after reading").noneMatch(n -> n.startsWith("decoded-"));
        }
    }

    @Test
    void should_write_jpeg_bytes_recognisable_by_their_magic_number(@TempDir Path dir) throws Exception {
        Path jpg = dir.resolve("x.jpg");
        Path webp = dir.resolve("x.webp");
        files.write(TestImages.detailed(32, 32), ImageFormat.JPEG, jpg, dir);
        files.write(TestImages.detailed(32, 32), ImageFormat.WEBP, webp, dir);

        assertThat(Files.readAllBytes(jpg)).startsWith((byte) 0xFF, (byte) 0xD8);
        assertThat(new String(Files.readAllBytes(webp), 8, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("WEBP");
    }

    @Test
    void should_name_the_file_when_the_input_is_missing_or_not_an_image(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("notes.png"), "this is not a picture");

        assertThatThrownBy(() -> files.read(dir.resolve("absent.png"), dir))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION))
                .hasMessageContaining("absent.png")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> files.read(text, dir))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION))
                .hasMessageContaining("notes.png")
                .hasMessageContaining("not a readable image");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("decoded-"));
        }
    }
}
