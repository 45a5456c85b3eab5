package dev.acp.content.process;

import dev.acp.content.faces.FaceDetector;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * How to process a file.
 *
 * @param text the text to embed instead of the file's own (its content, a sidecar, its metadata)
 * @param index an index to place the file in: its cluster and nearest items
 * @param keyframes a folder for a video's keyframes, one per shot
 * @param neighbours how many nearest items of the index to report
 * @param faceMinScore the least confidence of a reported face, 0..1
 * @param faceEverySeconds for a video, the interval between frames searched for faces
 */
public record ProcessOptions(@Nullable String text, @Nullable Path index, @Nullable Path keyframes, int neighbours,
        double faceMinScore, double faceEverySeconds) {
    public static final int DEFAULT_NEIGHBOURS = 5;

    public ProcessOptions {
        if (neighbours < 1) {
            throw new IllegalArgumentException("neighbours must be at least 1: " + neighbours);
        }
        if (!(faceMinScore >= 0 && faceMinScore <= 1)) {
            throw new IllegalArgumentException("faceMinScore must be from 0 to 1: " + faceMinScore);
        }
        if (!(faceEverySeconds > 0) || Double.isInfinite(faceEverySeconds)) {
            throw new IllegalArgumentException("faceEverySeconds must be above 0: " + faceEverySeconds);
        }
    }

    /** Nothing extra: no text given, no index, no keyframes; faces as {@code acp content faces} finds them. */
    public static ProcessOptions defaults() {
        return new ProcessOptions(null, null, null, DEFAULT_NEIGHBOURS, FaceDetector.DEFAULT_MIN_SCORE, 1.0);
    }

    public ProcessOptions withText(@Nullable String newText) {
        return new ProcessOptions(newText, index, keyframes, neighbours, faceMinScore, faceEverySeconds);
    }

    public ProcessOptions withIndex(@Nullable Path newIndex) {
        return new ProcessOptions(text, newIndex, keyframes, neighbours, faceMinScore, faceEverySeconds);
    }

    public ProcessOptions withKeyframes(@Nullable Path newKeyframes) {
        return new ProcessOptions(text, index, newKeyframes, neighbours, faceMinScore, faceEverySeconds);
    }

    public ProcessOptions withNeighbours(int n) {
        return new ProcessOptions(text, index, keyframes, n, faceMinScore, faceEverySeconds);
    }
}
