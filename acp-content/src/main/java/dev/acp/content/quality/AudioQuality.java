package dev.acp.content.quality;

import static dev.acp.content.quality.QualityDimension.unit;

import dev.acp.local.quality.QualityScores;
import java.util.List;

/**
 * The audio dimensions of a quality report. Loudness is scored against a broadcast-to-streaming
 * window (-24 to -14 LUFS), peaks against EBU R128's -1 dBTP ceiling; clipping and silence reuse
 * the terms of acp-local's {@link QualityScores}. Weights are in the module README.
 */
final class AudioQuality {
    static final String LOUDNESS = "integrated_loudness";
    static final String LOUDNESS_RANGE = "loudness_range";
    static final String TRUE_PEAK = "true_peak";
    static final String SAMPLE_PEAK = "sample_peak";
    static final String CLIPPING = "clipping";
    static final String SILENCE = "silence";
    static final String DURATION = "duration";

    static final double LOUDNESS_LOW = -24;
    static final double LOUDNESS_HIGH = -14;

    private AudioQuality() {}

    static List<QualityDimension> dimensions(AudioMeasurement m) {
        return List.of(
                new QualityDimension(LOUDNESS, finite(m.integratedLufs()), "LUFS", loudnessScore(m.integratedLufs()),
                        0.25),
                new QualityDimension(LOUDNESS_RANGE, m.loudnessRangeLu(), "LU", unit(1 - (m.loudnessRangeLu() - 15) / 15),
                        0.05),
                new QualityDimension(TRUE_PEAK, finite(m.truePeakDbfs()), "dBTP", peakScore(m.truePeakDbfs()), 0.10),
                new QualityDimension(SAMPLE_PEAK, finite(m.samplePeakDbfs()), "dBFS", peakScore(m.samplePeakDbfs()), 0),
                new QualityDimension(CLIPPING, m.clippedShare(), "share",
                        1 - QualityScores.clippingTerm(m.clippedShare()), 0.25),
                new QualityDimension(SILENCE, m.silenceShare(), "share",
                        QualityScores.activityTerm(1 - m.silenceShare()), 0.30),
                new QualityDimension(DURATION, m.durationSeconds(), "s", unit(m.durationSeconds()), 0.05));
    }

    /** 1 inside -24..-14 LUFS, falling linearly to 0 at 20 LU outside it. */
    static double loudnessScore(double lufs) {
        if (!Double.isFinite(lufs)) {
            return 0;
        }
        double off = lufs < LOUDNESS_LOW ? LOUDNESS_LOW - lufs : lufs > LOUDNESS_HIGH ? lufs - LOUDNESS_HIGH : 0;
        return unit(1 - off / 20);
    }

    /** 1 at or below -1 dB, falling linearly to 0 at +2 dB (inter-sample overs). */
    static double peakScore(double db) {
        if (db == Double.NEGATIVE_INFINITY) {
            return 1;
        }
        return unit(1 - (db + 1) / 3);
    }

    /** JSON has no infinities: digital silence reports the -120 dB floor. */
    private static double finite(double db) {
        return Double.isFinite(db) ? db : -120;
    }
}
