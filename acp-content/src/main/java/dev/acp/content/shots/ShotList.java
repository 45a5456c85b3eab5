package dev.acp.content.shots;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The shots of a video.
 *
 * @param video the file analysed
 * @param fps frames per second the frames were counted at
 * @param frames number of frames analysed
 * @param width frame width in pixels
 * @param height frame height in pixels
 * @param shots the shots, in order, covering every frame
 */
public record ShotList(Path video, double fps, long frames, int width, int height, List<Shot> shots) {
    public ShotList {
        Objects.requireNonNull(video, "video");
        shots = List.copyOf(shots);
    }

    /** Length of the analysed video in seconds. */
    public double durationSeconds() {
        return frames / fps;
    }

    /** The same list with other shots (for example with their keyframe files). */
    public ShotList withShots(List<Shot> newShots) {
        return new ShotList(video, fps, frames, width, height, newShots);
    }
}
