package dev.acp.content.quality;

import java.util.Objects;

/**
 * One measured aspect of a file.
 *
 * @param name snake_case name, for example {@code sharpness} or {@code integrated_loudness}
 * @param value the raw measurement, in {@code unit}
 * @param unit the unit of {@code value}, for example {@code LUFS}, {@code share} (0..1) or
 *     {@code laplacian variance}
 * @param score the measurement mapped to 0 (bad) .. 1 (good)
 * @param weight this dimension's weight in the overall score (0 for dimensions only reported)
 */
public record QualityDimension(String name, double value, String unit, double score, double weight) {
    public QualityDimension {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException(name + " score must lie in 0..1: " + score);
        }
        if (!(weight >= 0)) {
            throw new IllegalArgumentException(name + " weight must be 0 or more: " + weight);
        }
    }

    /** This dimension under another name, for example an audio track's inside a video report. */
    QualityDimension renamed(String newName) {
        return new QualityDimension(newName, value, unit, score, weight);
    }

    /** This dimension with its weight multiplied by {@code factor}. */
    QualityDimension weighted(double factor) {
        return new QualityDimension(name, value, unit, score, weight * factor);
    }

    /** The weighted mean of the scores; 0 when no dimension has weight. */
    static double overall(java.util.List<QualityDimension> dimensions) {
        double weights = 0;
        double sum = 0;
        for (QualityDimension d : dimensions) {
            weights += d.weight();
            sum += d.weight() * d.score();
        }
        return weights == 0 ? 0 : Math.max(0, Math.min(1, sum / weights));
    }

    /** {@code v} clamped to 0..1, NaN as 0. */
    static double unit(double v) {
        return Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
    }
}
