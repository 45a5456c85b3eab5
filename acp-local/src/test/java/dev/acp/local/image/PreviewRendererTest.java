package dev.acp.local.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.local.fonts.BundledFonts;
import dev.acp.local.testing.TestHome;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PreviewRendererTest {
    private static final BundledFonts FONTS = new BundledFonts(TestHome.acpHome().resolve("tools").resolve("fonts"));
    private final PreviewRenderer renderer = new PreviewRenderer(FONTS);

    @Test
    void should_render_at_the_requested_size() {
        BufferedImage image = renderer.render("A lighthouse", 1, new ImageSize(320, 180));

        assertThat(image.getWidth()).isEqualTo(320);
        assertThat(image.getHeight()).isEqualTo(180);
    }

    @Test
    void should_write_byte_identical_png_for_the_same_prompt_seed_and_size() throws Exception {
        byte[] first = png(renderer.render("A serene mountain landscape at sunset", 42, new ImageSize(256, 144)));
        byte[] second = png(new PreviewRenderer(FONTS).render("A serene mountain landscape at sunset", 42, new ImageSize(256, 144)));

        assertThat(second).isEqualTo(first);
    }

    @Test
    void should_look_different_for_different_prompts_and_seeds() {
        BufferedImage a = renderer.render("A serene mountain landscape at sunset", 0, new ImageSize(200, 120), false);
        BufferedImage b = renderer.render("A cute robot reading a book", 0, new ImageSize(200, 120), false);
        BufferedImage c = renderer.render("A serene mountain landscape at sunset", 1, new ImageSize(200, 120), false);

        assertThat(meanAbsoluteDifference(a, b)).isGreaterThan(20);
        assertThat(meanAbsoluteDifference(a, c)).isGreaterThan(3);
    }

    @Test
    void should_warm_the_palette_for_sunsets_and_cool_it_for_the_ocean() {
        BufferedImage sunset = renderer.render("sunset over the desert", 7, new ImageSize(200, 120), false);
        BufferedImage ocean = renderer.render("the deep blue ocean", 7, new ImageSize(200, 120), false);

        assertThat(mean(sunset, 16) - mean(sunset, 0)).as("sunset: red over blue").isGreaterThan(20);
        assertThat(mean(ocean, 0) - mean(ocean, 16)).as("ocean: blue over red").isGreaterThan(20);
    }

    @Test
    void should_draw_the_preview_badge_and_the_caption() {
        BufferedImage withCaption = renderer.render("Words on the picture", 3, new ImageSize(400, 300), true);
        BufferedImage without = renderer.render("Words on the picture", 3, new ImageSize(400, 300), false);

        // The badge's yellow outline sits at the top, centred, inside what a slideshow's 125% zoom
        // or 120% pan keeps in view (the outer sixth at each side, a tenth at the top may go).
        boolean yellow = false;
        for (int y = 0; y < 60 && !yellow; y++) {
            for (int x = 0; x < 400 && !yellow; x++) {
                int p = without.getRGB(x, y);
                yellow = ((p >> 16) & 0xFF) > 230 && ((p >> 8) & 0xFF) > 190 && (p & 0xFF) < 60;
            }
        }
        assertThat(yellow).as("badge outline").isTrue();
        assertThat(firstYellowColumn(without)).as("badge inside the part every camera move keeps")
                .isGreaterThanOrEqualTo((int) (400 * PreviewRenderer.SAFE_X));
        assertThat(firstYellowRow(without)).isGreaterThanOrEqualTo((int) (300 * 0.1));
        // The caption sits under the badge, in the upper half: the lower half, where a film burns
        // its subtitles, and the outer sixths are untouched.
        assertThat(meanAbsoluteDifference(crop(withCaption, 0, 150, 400, 150), crop(without, 0, 150, 400, 150))).isZero();
        assertThat(meanAbsoluteDifference(crop(withCaption, 0, 0, 66, 300), crop(without, 0, 0, 66, 300))).isZero();
        assertThat(meanAbsoluteDifference(crop(withCaption, 334, 0, 66, 300), crop(without, 334, 0, 66, 300))).isZero();
        assertThat(meanAbsoluteDifference(crop(withCaption, 66, 40, 268, 110), crop(without, 66, 40, 268, 110)))
                .isGreaterThan(5);
    }

    @Test
    void should_wrap_long_prompts_and_end_with_an_ellipsis_when_out_of_lines() {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Font font = FONTS.regular(12);
        var metrics = scratch.createGraphics().getFontMetrics(font);

        List<String> lines = PreviewRenderer.wrap("one two three four five six seven eight nine ten eleven twelve", metrics, 80, 3);
        List<String> word = PreviewRenderer.wrap("Supercalifragilisticexpialidocious", metrics, 60, 5);

        assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(metrics.stringWidth(l)).isLessThanOrEqualTo(80));
        assertThat(lines.getLast()).endsWith("…");
        assertThat(String.join("", word)).isEqualTo("Supercalifragilisticexpialidocious");
    }

    @Test
    void should_survive_tiny_and_empty_prompts() {
        BufferedImage tiny = renderer.render("", 0, new ImageSize(16, 16));

        assertThat(tiny.getWidth()).isEqualTo(16);
    }

    static byte[] png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
        double sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    private static double mean(BufferedImage image, int shift) {
        double sum = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                sum += (image.getRGB(x, y) >> shift) & 0xFF;
            }
        }
        return sum / (image.getWidth() * image.getHeight());
    }

    private static BufferedImage crop(BufferedImage image, int x, int y, int w, int h) {
        return image.getSubimage(x, y, w, h);
    }

    private static boolean isBadgeYellow(int p) {
        return ((p >> 16) & 0xFF) > 230 && ((p >> 8) & 0xFF) > 190 && (p & 0xFF) < 60;
    }

    private static int firstYellowColumn(BufferedImage image) {
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if (isBadgeYellow(image.getRGB(x, y))) {
                    return x;
                }
            }
        }
        return -1;
    }

    private static int firstYellowRow(BufferedImage image) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (isBadgeYellow(image.getRGB(x, y))) {
                    return y;
                }
            }
        }
        return -1;
    }
}
