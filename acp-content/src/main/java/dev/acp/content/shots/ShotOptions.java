package dev.acp.content.shots;

/**
 * How shots are found.
 *
 * @param minShotSeconds the shortest shot: of two boundaries closer than this, the weaker is
 *     dropped (a flash or a source that jumps in its first frames is not a shot)
 * @param sceneThreshold ffmpeg's scene score at or above which a frame starts a new shot
 * @param adaptiveThreshold how many times larger than the average change of its neighbours a
 *     frame's change must be to start a new shot (PySceneDetect's adaptive ratio)
 */
public record ShotOptions(double minShotSeconds, double sceneThreshold, double adaptiveThreshold) {
    /** The defaults: half a second, scene score 0.3, adaptive ratio 3. */
    public static final ShotOptions DEFAULTS = new ShotOptions(0.5, 0.3, 3.0);

    public ShotOptions {
        if (!(minShotSeconds >= 0) || minShotSeconds > 3600) {
            throw new IllegalArgumentException("the minimum shot length must be between 0 and 3600 seconds, not "
                    + minShotSeconds);
        }
        if (!(sceneThreshold > 0) || sceneThreshold > 1) {
            throw new IllegalArgumentException("the scene threshold must be above 0 and at most 1, not " + sceneThreshold);
        }
        if (!(adaptiveThreshold > 1)) {
            throw new IllegalArgumentException("the adaptive threshold must be above 1, not " + adaptiveThreshold);
        }
    }

    /** The same options with another minimum shot length. */
    public ShotOptions withMinShotSeconds(double seconds) {
        return new ShotOptions(seconds, sceneThreshold, adaptiveThreshold);
    }
}
