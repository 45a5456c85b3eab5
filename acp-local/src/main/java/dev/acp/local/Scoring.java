package dev.acp.local;

import dev.acp.local.image.ImageStatistics;
import dev.acp.local.quality.QualityScores;

/** Applies {@link QualityScores} to the measurements the engines produce. */
final class Scoring {
    private Scoring() {}

    static double image(ImageStatistics s) {
        return QualityScores.image(s.meanLuma(), s.contrast(), s.colourfulness(), s.sharpness());
    }
}
