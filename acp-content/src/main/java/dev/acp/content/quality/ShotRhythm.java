package dev.acp.content.quality;

import java.util.List;

/**
 * How often a video changes shot, from the shots of {@link dev.acp.content.shots.ShotDetector}
 * (cuts, dissolves and fades all count as a change).
 *
 * @param cuts the times shots start after the first, in seconds, ascending
 * @param shots number of shots ({@code cuts + 1})
 * @param cutsPerMinute cuts per minute of video
 * @param meanShotSeconds mean shot length (duration / shots)
 */
public record ShotRhythm(List<Double> cuts, int shots, double cutsPerMinute, double meanShotSeconds) {
    public ShotRhythm {
        cuts = List.copyOf(cuts);
    }

    static ShotRhythm of(List<Double> cuts, double durationSeconds) {
        int shots = cuts.size() + 1;
        double minutes = durationSeconds / 60;
        return new ShotRhythm(cuts, shots, minutes > 0 ? cuts.size() / minutes : 0, durationSeconds / shots);
    }
}
