package dev.acp.local.image;

import static dev.acp.local.testing.TestImages.blue;
import static dev.acp.local.testing.TestImages.green;
import static dev.acp.local.testing.TestImages.red;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.acp.local.testing.TestImages;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImageOperationTest {
    private static final Background BLUR = new Background.Blurred();

    @Test
    void should_rotate_clockwise_and_swap_sides() {
        BufferedImage source = TestImages.markedGradient(40, 20); // red marker top-left

        BufferedImage quarter = new ImageOperation.Rotate(90).apply(source);
        BufferedImage half = new ImageOperation.Rotate(180).apply(source);

        assertThat(quarter.getWidth()).isEqualTo(20);
        assertThat(quarter.getHeight()).isEqualTo(40);
        assertThat(quarter.getRGB(19, 0)).isEqualTo(0xFFFF0000); // top-left went to top-right
        assertThat(half.getRGB(39, 19)).isEqualTo(0xFFFF0000); // and to bottom-right after 180
        assertThat(new ImageOperation.Rotate(270).apply(quarter).getRGB(0, 0)).isEqualTo(0xFFFF0000);
    }

    @Test
    void should_flip_horizontally_and_vertically() {
        BufferedImage source = TestImages.markedGradient(40, 20);

        assertThat(new ImageOperation.Flip(true).apply(source).getRGB(39, 0)).isEqualTo(0xFFFF0000);
        assertThat(new ImageOperation.Flip(false).apply(source).getRGB(0, 19)).isEqualTo(0xFFFF0000);
    }

    @Test
    void should_keep_the_aspect_ratio_when_only_one_side_is_given() {
        BufferedImage source = TestImages.detailed(400, 300);

        BufferedImage byWidth = new ImageOperation.Resize(200, null, Fit.CROP, BLUR).apply(source);
        BufferedImage byHeight = new ImageOperation.Resize(null, 60, Fit.CROP, BLUR).apply(source);

        assertThat(byWidth.getWidth()).isEqualTo(200);
        assertThat(byWidth.getHeight()).isEqualTo(150);
        assertThat(byHeight.getWidth()).isEqualTo(80);
        assertThat(byHeight.getHeight()).isEqualTo(60);
    }

    @Test
    void should_crop_centred_when_reframing() {
        // Left red, right blue; a 1:1 crop of a 2:1 image keeps the middle: red left, blue right.
        BufferedImage source = TestImages.halves(200, 100, 0xFF0000, 0x0000FF);

        BufferedImage square = new ImageOperation.Reframe(new AspectRatio(1, 1), Fit.CROP, BLUR).apply(source);

        assertThat(square.getWidth()).isEqualTo(100);
        assertThat(square.getHeight()).isEqualTo(100);
        assertThat(square.getRGB(5, 50)).isEqualTo(0xFFFF0000);
        assertThat(square.getRGB(94, 50)).isEqualTo(0xFF0000FF);
    }

    @Test
    void should_pad_with_a_solid_colour_or_a_blurred_copy() {
        BufferedImage source = TestImages.solid(100, 100, 0xFF0000);

        BufferedImage solid = new ImageOperation.Reframe(new AspectRatio(16, 9), Fit.PAD, new Background.Solid(0x00FF00)).apply(source);
        BufferedImage blurred = new ImageOperation.Reframe(new AspectRatio(16, 9), Fit.PAD, BLUR).apply(source);

        assertThat(solid.getHeight()).isEqualTo(100);
        assertThat(solid.getWidth()).isEqualTo(178);
        assertThat(solid.getRGB(2, 50)).isEqualTo(0xFF00FF00);
        assertThat(solid.getRGB(89, 50)).isEqualTo(0xFFFF0000);
        int edge = blurred.getRGB(2, 50);
        assertThat(red(edge)).as("blurred, darkened red").isBetween(100, 230);
        assertThat(green(edge)).isLessThan(30);
    }

    @Test
    void should_stretch_keeping_roughly_the_pixel_count() {
        BufferedImage stretched = new ImageOperation.Reframe(new AspectRatio(16, 9), Fit.STRETCH, BLUR)
                .apply(TestImages.solid(90, 90, 0x123456));

        assertThat((double) stretched.getWidth() / stretched.getHeight()).isCloseTo(16 / 9.0, within(0.03));
        assertThat(stretched.getWidth() * stretched.getHeight()).isCloseTo(8100, within(200));
    }

    @Test
    void should_adjust_brightness_contrast_and_saturation() {
        BufferedImage grey = TestImages.solid(4, 4, 0x646464); // 100
        BufferedImage orange = TestImages.solid(4, 4, 0xFF8000);

        assertThat(red(new ImageOperation.Adjust(0.5, 1, 1).apply(grey).getRGB(0, 0))).isEqualTo(178);
        assertThat(red(new ImageOperation.Adjust(-0.5, 1, 1).apply(grey).getRGB(0, 0))).isEqualTo(50);
        assertThat(red(new ImageOperation.Adjust(0, 2, 1).apply(grey).getRGB(0, 0))).isEqualTo(72);
        int desaturated = new ImageOperation.Adjust(0, 1, 0).apply(orange).getRGB(0, 0);
        assertThat(red(desaturated)).isEqualTo(green(desaturated)).isEqualTo(blue(desaturated));
    }

    @Test
    void should_apply_colour_filters() {
        BufferedImage orange = TestImages.solid(8, 8, 0xFF8000);

        int gray = apply(Filter.GRAYSCALE, orange).getRGB(0, 0);
        int sepia = apply(Filter.SEPIA, TestImages.solid(8, 8, 0x808080)).getRGB(0, 0);
        int inverted = apply(Filter.INVERT, orange).getRGB(0, 0);
        int posterized = apply(Filter.POSTERIZE, TestImages.solid(8, 8, 0x7A7A7A)).getRGB(0, 0);

        assertThat(red(gray)).isEqualTo(green(gray)).isEqualTo(blue(gray)).isEqualTo(146);
        assertThat(red(sepia)).isGreaterThan(green(sepia));
        assertThat(green(sepia)).isGreaterThan(blue(sepia));
        assertThat(inverted & 0xFFFFFF).isEqualTo(0x007FFF);
        assertThat(red(posterized)).isEqualTo(85);
    }

    @Test
    void should_blur_sharpen_and_find_edges() {
        BufferedImage halves = TestImages.halves(100, 40, 0x000000, 0xFFFFFF);

        BufferedImage blurred = apply(Filter.BLUR, halves);
        BufferedImage edges = apply(Filter.EDGE, halves);
        BufferedImage sharpened = apply(Filter.SHARPEN, TestImages.halves(100, 40, 0x404040, 0xC0C0C0));

        assertThat(red(blurred.getRGB(50, 20))).as("blur softens the step").isBetween(60, 200);
        assertThat(red(blurred.getRGB(5, 20))).isZero();
        assertThat(red(edges.getRGB(50, 20))).as("edge at the step").isGreaterThan(200);
        assertThat(red(edges.getRGB(10, 20))).as("no edge in flat areas").isZero();
        assertThat(red(sharpened.getRGB(50, 20))).as("sharpen overshoots at the step").isGreaterThan(0xC0);
        assertThat(red(sharpened.getRGB(49, 20))).isLessThan(0x40);
    }

    @Test
    void should_darken_the_corners_with_a_vignette() {
        BufferedImage vignetted = apply(Filter.VIGNETTE, TestImages.solid(101, 101, 0xC8C8C8));

        assertThat(red(vignetted.getRGB(50, 50))).isEqualTo(200);
        assertThat(red(vignetted.getRGB(0, 0))).isEqualTo(80);
    }

    @Test
    void should_never_modify_the_input() {
        BufferedImage source = TestImages.detailed(32, 32);
        int before = source.getRGB(3, 3);

        for (Filter f : Filter.values()) {
            apply(f, source);
        }

        assertThat(source.getRGB(3, 3)).isEqualTo(before);
    }

    @Test
    void should_parse_filter_names_and_aliases() {
        assertThat(Filter.parse("Greyscale")).contains(Filter.GRAYSCALE);
        assertThat(Filter.parse("edges")).contains(Filter.EDGE);
        assertThat(Filter.parse("sepia")).contains(Filter.SEPIA);
        assertThat(Filter.parse("cartoonify")).isEmpty();
    }

    private static BufferedImage apply(Filter filter, BufferedImage image) {
        return new ImageOperation.ApplyFilter(filter).apply(image);
    }
}
