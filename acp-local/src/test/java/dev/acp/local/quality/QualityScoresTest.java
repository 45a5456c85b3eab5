package dev.acp.local.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.acp.local.image.ImageStatistics;
import dev.acp.local.testing.TestImages;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class QualityScoresTest {

    @Test
    void should_score_a_flat_grey_image_below_a_detailed_one() {
        double grey = score(TestImages.solid(200, 200, 0x808080));
        double blurredDetail = score(new dev.acp.local.image.ImageOperation.ApplyFilter(dev.acp.local.image.Filter.BLUR)
                .apply(TestImages.detailed(200, 200)));
        double detailed = score(TestImages.detailed(200, 200));

        assertThat(grey).isCloseTo(0.15, within(0.01));
        assertThat(detailed).isGreaterThan(0.8);
        assertThat(grey).isLessThan(blurredDetail);
        assertThat(blurredDetail).isLessThan(detailed);
    }

    @Test
    void should_score_black_and_white_images_low() {
        assertThat(score(TestImages.solid(50, 50, 0x000000))).isCloseTo(0, within(1e-9));
        assertThat(score(TestImages.solid(50, 50, 0xFFFFFF))).isCloseTo(0, within(1e-9));
    }

    @Test
    void should_score_audio_by_activity_and_clipping() {
        assertThat(QualityScores.audio(0, 0)).isZero();
        assertThat(QualityScores.audio(0.8, 0)).isEqualTo(1.0);
        assertThat(QualityScores.audio(0.3, 0)).isCloseTo(0.5, within(1e-9));
        assertThat(QualityScores.audio(0.8, 0.01)).isEqualTo(0.5);
    }

    @Test
    void should_score_text_by_diversity_and_length() {
        assertThat(QualityScores.text("")).isZero();
        double repetitive = QualityScores.text("word word word word word word word word word word word word");
        double varied = QualityScores.text("A lighthouse on a rocky coast at dusk, waves crashing, warm light in the window");
        double terse = QualityScores.text("lighthouse");

        assertThat(varied).isGreaterThan(repetitive).isGreaterThan(terse);
        assertThat(varied).isBetween(0.0, 1.0);
    }

    private static double score(BufferedImage image) {
        ImageStatistics s = ImageStatistics.of(image);
        return QualityScores.image(s.meanLuma(), s.contrast(), s.colourfulness(), s.sharpness());
    }
}
