package dev.acp.content.shots;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One shot of a video: frames {@code [startFrame, endFrame)}.
 *
 * <p>A gradual transition (dissolve, fade) is split at its middle: the frames before the middle
 * belong to the earlier shot, the rest to this one; {@link #transitionFrames()} says how long the
 * transition into this shot lasted.
 *
 * @param index position of the shot, from 0
 * @param startFrame first frame of the shot, from 0
 * @param endFrame the frame after its last one
 * @param startSeconds time of {@code startFrame}
 * @param endSeconds time of {@code endFrame}
 * @param transition how the shot begins
 * @param transitionFrames how many frames the transition into the shot took (1 for a cut, 0 for
 *     the first shot)
 * @param confidence how sure the detector is of the transition into the shot, 0 to 1 (1 for the
 *     first shot)
 * @param keyframe the frame that represents the shot (see {@link ShotDetector})
 * @param keyframeFile where the keyframe image was written, if it was
 */
public record Shot(
        int index,
        long startFrame,
        long endFrame,
        double startSeconds,
        double endSeconds,
        Transition transition,
        int transitionFrames,
        double confidence,
        long keyframe,
        Optional<Path> keyframeFile) {

    public Shot {
        Objects.requireNonNull(transition, "transition");
        Objects.requireNonNull(keyframeFile, "keyframeFile");
        if (endFrame <= startFrame) {
            throw new IllegalArgumentException("a shot needs at least one frame: " + startFrame + ".." + endFrame);
        }
        if (keyframe < startFrame || keyframe >= endFrame) {
            throw new IllegalArgumentException("keyframe " + keyframe + " is outside the shot");
        }
    }

    /** Length in seconds. */
    public double durationSeconds() {
        return endSeconds - startSeconds;
    }

    /** Length in frames. */
    public long frames() {
        return endFrame - startFrame;
    }

    /** The same shot with its keyframe written to {@code file}. */
    public Shot withKeyframeFile(Path file) {
        return new Shot(index, startFrame, endFrame, startSeconds, endSeconds, transition, transitionFrames,
                confidence, keyframe, Optional.of(file));
    }
}
