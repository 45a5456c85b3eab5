package dev.acp.providers.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.provider.Usage;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The size of an image from its header, and nothing from what is not a readable image. */
final class ImageHeaderTest {
    @TempDir
    Path dir;

    @Test
    void reads_the_size_of_a_png_and_a_jpeg() throws Exception {
        Path png = dir.resolve("a.png");
        ImageIO.write(new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        Path jpeg = dir.resolve("b.jpg");
        ImageIO.write(new BufferedImage(30, 70, BufferedImage.TYPE_INT_RGB), "jpeg", jpeg.toFile());

        assertThat(ImageHeader.size(png)).contains(new Usage.Size(64, 48));
        assertThat(ImageHeader.size(jpeg)).contains(new Usage.Size(30, 70));
    }

    @Test
    void a_png_cut_after_its_header_still_tells_its_size() throws Exception {
        Path png = dir.resolve("a.png");
        ImageIO.write(new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        // Signature (8) and IHDR (25): the pixels are never needed for the size.
        Path cut = Files.write(dir.resolve("cut.png"), Arrays.copyOf(Files.readAllBytes(png), 33));
        assertThat(ImageHeader.size(cut)).contains(new Usage.Size(200, 100));
    }

    @Test
    void anything_else_gives_nothing() throws Exception {
        Path fake = Files.write(dir.resolve("fake.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 'x'});
        Path text = Files.writeString(dir.resolve("t.png"), "not an image", StandardCharsets.UTF_8);
        Path empty = Files.write(dir.resolve("e.png"), new byte[0]);
        assertThat(ImageHeader.size(fake)).isEmpty();
        assertThat(ImageHeader.size(text)).isEmpty();
        assertThat(ImageHeader.size(empty)).isEmpty();
        assertThat(ImageHeader.size(dir.resolve("absent.png"))).isEmpty();
    }
}
