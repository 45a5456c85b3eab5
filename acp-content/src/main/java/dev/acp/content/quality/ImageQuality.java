package dev.acp.content.quality;

import static dev.acp.content.quality.QualityDimension.unit;

import dev.acp.local.image.ImageStatistics;
import dev.acp.local.quality.QualityScores;
import java.util.List;

/**
 * The image dimensions of a quality report, from acp-local's {@link ImageStatistics} (one
 * definition of each measurement, shared with the {@code best_quality} score of local steps).
 * Scores and weights are documented in the module README.
 */
final class ImageQuality {
    static final String SHARPNESS = "sharpness";
    static final String EXPOSURE = "exposure";
    static final String SHADOW_CLIPPING = "shadow_clipping";
    static final String HIGHLIGHT_CLIPPING = "highlight_clipping";
    static final String NOISE = "noise";
    static final String COLOURFULNESS = "colourfulness";
    static final String CONTRAST = "contrast";

    /** Crushed shadows: a quarter of the picture black scores 0. */
    private static final double SHADOW_CLIPPING_ZERO = 0.25;
    /** Blown highlights look worse than crushed shadows: a tenth of the picture white scores 0. */
    private static final double HIGHLIGHT_CLIPPING_ZERO = 0.10;
    /** Noise deviation (luma 0..255) scoring 0.5. */
    private static final double NOISE_HALF = 3;

    private ImageQuality() {}

    static List<QualityDimension> dimensions(ImageStatistics s) {
        return List.of(
                new QualityDimension(SHARPNESS, s.sharpness(), "laplacian variance",
                        QualityScores.sharpnessTerm(s.sharpness()), 0.25),
                new QualityDimension(EXPOSURE, s.meanLuma(), "mean luma 0..1", QualityScores.exposureTerm(s.meanLuma()),
                        0.15),
                new QualityDimension(SHADOW_CLIPPING, s.shadowClipping(), "share",
                        unit(1 - s.shadowClipping() / SHADOW_CLIPPING_ZERO), 0.075),
                new QualityDimension(HIGHLIGHT_CLIPPING, s.highlightClipping(), "share",
                        unit(1 - s.highlightClipping() / HIGHLIGHT_CLIPPING_ZERO), 0.075),
                new QualityDimension(NOISE, s.noise(), "luma sigma 0..255", noiseScore(s.noise()), 0.20),
                new QualityDimension(COLOURFULNESS, s.colourfulness(), "hasler-susstrunk M",
                        QualityScores.colourTerm(s.colourfulness()), 0.15),
                new QualityDimension(CONTRAST, s.contrast(), "luma std 0..0.5", QualityScores.contrastTerm(s.contrast()),
                        0.10));
    }

    /** {@code 1 / (1 + (sigma / 3)^2)}: 0.9 at sigma 1, 0.5 at 3, 0.2 at 6. */
    static double noiseScore(double sigma) {
        double r = sigma / NOISE_HALF;
        return unit(1 / (1 + r * r));
    }
}
