package dev.acp.content.shots;

import java.util.Arrays;

/**
 * The per-frame measurements that shot boundaries are found from, all taken on small RGB
 * thumbnails of the frames. Values are 0 where a measurement is not defined (the first frame has
 * no previous one; the span measurements need {@code span} frames on each side).
 *
 * @param fps frames per second of the analysed stream
 * @param span the half-width N of the span measurements, in frames
 * @param luma mean luma of each frame, 0 to 255
 * @param bright the fraction of each frame's pixels brighter than {@value SignalRecorder#BRIGHT_LUMA}
 *     (near 0 for a black frame)
 * @param change mean absolute difference from the previous frame over all channels, 0 to 255
 * @param histogram half the L1 distance between the colour histograms of a frame and the previous
 *     one, 0 (same colours) to 1 (no colour in common)
 * @param scene ffmpeg's scene score ({@code select}'s {@code scene} variable) by ffmpeg's own
 *     formula, 0 to 1
 * @param spanChange mean absolute difference between frames {@code i - N} and {@code i + N}
 * @param spanResidual mean absolute difference between frame {@code i} and the average of frames
 *     {@code i - N} and {@code i + N}: near 0 in the middle of a dissolve, where every frame is a
 *     blend of the two shots, near half of {@code spanChange} across a cut
 */
record FrameSignals(
        double fps,
        int span,
        float[] luma,
        float[] bright,
        float[] change,
        float[] histogram,
        float[] scene,
        float[] spanChange,
        float[] spanResidual) {

    FrameSignals {
        int n = luma.length;
        for (float[] a : new float[][] {bright, change, histogram, scene, spanChange, spanResidual}) {
            if (a.length != n) {
                throw new IllegalArgumentException("every signal needs one value per frame");
            }
        }
    }

    /** Number of frames. */
    int frames() {
        return luma.length;
    }

    /** A copy with {@code frames} frames; for tests that build signals by hand. */
    FrameSignals truncated(int frames) {
        return new FrameSignals(fps, span, Arrays.copyOf(luma, frames), Arrays.copyOf(bright, frames),
                Arrays.copyOf(change, frames), Arrays.copyOf(histogram, frames), Arrays.copyOf(scene, frames),
                Arrays.copyOf(spanChange, frames), Arrays.copyOf(spanResidual, frames));
    }
}
