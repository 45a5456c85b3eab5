package dev.acp.local.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.acp.local.testing.TestImages;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageMeasurementTest {

    @Test
    void should_measure_a_flat_grey_image_as_featureless() {
        ImageStatistics s = ImageStatistics.of(TestImages.solid(300, 200, 0x808080));

        assertThat(s.meanLuma()).isCloseTo(128 / 255.0, within(0.01));
        assertThat(s.contrast()).isZero();
        assertThat(s.colourfulness()).isZero();
        assertThat(s.sharpness()).isZero();
        assertThat(s.noise()).isZero();
        assertThat(s.shadowClipping()).isZero();
        assertThat(s.highlightClipping()).isZero();
    }

    @Test
    void should_measure_clipped_shadows_and_highlights_as_shares() {
        ImageStatistics s = ImageStatistics.of(TestImages.halves(200, 100, 0x000000, 0xFFFFFF));

        assertThat(s.shadowClipping()).isCloseTo(0.5, within(0.02));
        assertThat(s.highlightClipping()).isCloseTo(0.5, within(0.02));
    }

    @Test
    void should_estimate_the_deviation_of_added_noise_and_not_take_edges_for_noise() {
        java.util.Random random = new java.util.Random(3);
        java.awt.image.BufferedImage grey = TestImages.solid(300, 200, 0x808080);
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 300; x++) {
                int v = (int) Math.round(128 + 5 * random.nextGaussian());
                grey.setRGB(x, y, 0xFF000000 | v << 16 | v << 8 | v);
            }
        }

        assertThat(ImageStatistics.of(grey).noise()).isCloseTo(5, within(0.5));
        assertThat(ImageStatistics.of(TestImages.halves(300, 200, 0x000000, 0xFFFFFF)).noise()).isZero();
    }

    @Test
    void should_measure_a_detailed_image_as_contrasty_colourful_and_sharp() {
        ImageStatistics s = ImageStatistics.of(TestImages.detailed(640, 480));

        assertThat(s.contrast()).isGreaterThan(0.25);
        assertThat(s.colourfulness()).isGreaterThan(60);
        assertThat(s.sharpness()).isGreaterThan(100);
    }

    @Test
    void should_find_the_dominant_colours_with_names_and_shares() {
        List<DominantColours.Share> colours = DominantColours.of(TestImages.halves(200, 100, 0xFF0000, 0x0000FF), 5);

        assertThat(colours).hasSize(2);
        assertThat(colours).extracting(DominantColours.Share::hex).containsExactlyInAnyOrder("#FF0000", "#0000FF");
        assertThat(colours).extracting(DominantColours.Share::name).containsExactlyInAnyOrder("red", "blue");
        assertThat(colours).allSatisfy(c -> assertThat(c.share()).isCloseTo(0.5, within(0.02)));
    }

    @Test
    void should_report_shades_with_the_same_name_once() {
        List<DominantColours.Share> colours = DominantColours.of(TestImages.halves(200, 100, 0xFF0000, 0xE00000), 5);

        assertThat(colours).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("red");
            assertThat(c.share()).isCloseTo(1.0, within(0.02));
        });
    }

    @Test
    void should_order_colours_by_share() {
        var image = TestImages.solid(100, 100, 0xFFFFFF);
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 25; x++) {
                image.setRGB(x, y, 0xFF008000);
            }
        }

        List<DominantColours.Share> colours = DominantColours.of(image, 5);

        assertThat(colours).extracting(DominantColours.Share::name).containsExactly("white", "green");
        assertThat(colours.getFirst().share()).isCloseTo(0.75, within(0.02));
    }

    @Test
    void should_name_colours_by_perceptual_distance() {
        assertThat(ColourNames.nameOf(0xFE0101)).isEqualTo("red");
        assertThat(ColourNames.nameOf(0x87CEEA)).isEqualTo("sky blue");
        assertThat(ColourNames.nameOf(0x0A0A0A)).isEqualTo("black");
        assertThat(ColourNames.nameOf(0x7F7F7F)).isEqualTo("grey");
    }

    @Test
    void should_describe_aspect_ratios_exactly_or_approximately() {
        assertThat(ImageAnalysis.aspectRatio(1024, 768)).isEqualTo("4:3");
        assertThat(ImageAnalysis.aspectRatio(1366, 768)).isEqualTo("≈16:9");
        assertThat(ImageAnalysis.aspectRatio(1000, 301)).isEqualTo("3.32:1");
    }

    @Test
    void should_write_a_labelled_report_that_declines_questions() {
        ImageFacts facts = ImageAnalysis.analyse(TestImages.halves(160, 90, 0xFF0000, 0x0000FF), "png", 2048);

        String report = ImageAnalysis.report("flag.png", facts, "What animal is this?");

        assertThat(facts.orientation()).isEqualTo("landscape");
        assertThat(facts.aspectRatio()).isEqualTo("16:9");
        assertThat(report).startsWith("Local analysis (not AI) of flag.png")
                .contains("160 x 90 px", "PNG", "2.0 KB", "16:9, landscape")
                .contains("red #FF0000 (50%)", "blue #0000FF (50%)")
                .contains("cannot answer free-form questions", "What animal is this?");
        assertThat(ImageAnalysis.summary(facts)).startsWith("A ").contains("landscape image dominated by").endsWith(".");
    }

    @Test
    void should_parse_only_supported_aspect_ratios() {
        assertThat(AspectRatio.parse("16:9")).contains(new AspectRatio(16, 9));
        assertThat(AspectRatio.parse("1280:720")).contains(new AspectRatio(16, 9));
        assertThat(AspectRatio.parse(" 9 : 16 ")).contains(new AspectRatio(9, 16));
        assertThat(AspectRatio.parse("7:5")).isEmpty();
        assertThat(AspectRatio.parse("wide")).isEmpty();
        assertThat(AspectRatio.parse("0:1")).isEmpty();
        assertThat(new AspectRatio(21, 9).withLongSide(1024, 8)).isEqualTo(new ImageSize(1024, 440));
        assertThat(new AspectRatio(9, 16).withShortSide(720, 2)).isEqualTo(new ImageSize(720, 1280));
    }
}
