package dev.acp.content.quality;

import static dev.acp.content.quality.QualityDimension.unit;

import dev.acp.local.image.ImageStatistics;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The video dimensions of a quality report: each image dimension averaged (raw value and score)
 * over the sampled frames, weighted 0.6 in all; the audio track's dimensions prefixed
 * {@code audio_}, weighted 0.3 in all; and shot rhythm, weighted 0.1.
 */
final class VideoQuality {
    static final String AUDIO_PREFIX = "audio_";
    static final String CUTS_PER_MINUTE = "cuts_per_minute";
    static final String MEAN_SHOT_LENGTH = "mean_shot_length";
    static final String FRAMES = "frames_sampled";
    /** Shots at least this long score 1; shorter ones flicker. */
    static final double COMFORTABLE_SHOT_SECONDS = 2;

    private static final double PICTURE_WEIGHT = 0.6;
    private static final double AUDIO_WEIGHT = 0.3;
    private static final double RHYTHM_WEIGHT = 0.1;

    private VideoQuality() {}

    static List<QualityDimension> dimensions(List<ImageStatistics> frames, @Nullable AudioMeasurement audio,
            ShotRhythm rhythm) {
        List<QualityDimension> out = new ArrayList<>(meanOverFrames(frames));
        out.add(new QualityDimension(FRAMES, frames.size(), "frames", 1, 0));
        if (audio != null) {
            for (QualityDimension d : AudioQuality.dimensions(audio)) {
                out.add(d.renamed(AUDIO_PREFIX + d.name()).weighted(AUDIO_WEIGHT));
            }
        }
        double rhythmScore = unit(rhythm.meanShotSeconds() / COMFORTABLE_SHOT_SECONDS);
        out.add(new QualityDimension(CUTS_PER_MINUTE, rhythm.cutsPerMinute(), "changes/min", rhythmScore, 0));
        out.add(new QualityDimension(MEAN_SHOT_LENGTH, rhythm.meanShotSeconds(), "s", rhythmScore, RHYTHM_WEIGHT));
        return out;
    }

    /** Each image dimension's mean value and mean score; its weight scaled so the picture weighs {@value #PICTURE_WEIGHT}. */
    private static List<QualityDimension> meanOverFrames(List<ImageStatistics> frames) {
        List<List<QualityDimension>> perFrame = frames.stream().map(ImageQuality::dimensions).toList();
        List<QualityDimension> first = perFrame.getFirst();
        List<QualityDimension> out = new ArrayList<>(first.size());
        for (int i = 0; i < first.size(); i++) {
            double value = 0, score = 0;
            for (List<QualityDimension> f : perFrame) {
                value += f.get(i).value();
                score += f.get(i).score();
            }
            QualityDimension d = first.get(i);
            out.add(new QualityDimension(d.name(), value / frames.size(), d.unit(), unit(score / frames.size()),
                    d.weight() * PICTURE_WEIGHT));
        }
        return out;
    }
}
