package dev.acp.content.shots;

import java.util.Arrays;

/**
 * Computes {@link FrameSignals} from RGB thumbnails handed over one frame at a time, keeping only
 * the last {@code 2N + 1} frames: memory does not grow with the length of the video beyond a few
 * numbers per frame. Not thread-safe; one recorder per video.
 */
final class SignalRecorder {
    /** Luma above which a pixel counts as lit, for telling black frames apart. */
    static final int BRIGHT_LUMA = 40;
    /** Histogram bins per channel (4 x 4 x 4 colours): coarse enough that motion barely moves pixels between bins. */
    private static final int BINS_PER_CHANNEL = 4;

    private final int width;
    private final int height;
    private final int frameBytes;
    private final int span;
    private final double fps;
    private final byte[][] ring;
    private final int[] currentHistogram = new int[BINS_PER_CHANNEL * BINS_PER_CHANNEL * BINS_PER_CHANNEL];
    private final int[] previousHistogram = new int[currentHistogram.length];
    private float[] luma = new float[1024];
    private float[] bright = new float[1024];
    private float[] change = new float[1024];
    private float[] histogram = new float[1024];
    private float[] scene = new float[1024];
    private float[] spanChange = new float[1024];
    private float[] spanResidual = new float[1024];
    private int frames;
    private double previousMafd;

    /**
     * @param width thumbnail width in pixels
     * @param height thumbnail height in pixels
     * @param fps frames per second of the stream
     * @param span the half-width N of the span measurements, in frames (at least 1)
     */
    SignalRecorder(int width, int height, double fps, int span) {
        if (width < 1 || height < 1 || span < 1 || !(fps > 0)) {
            throw new IllegalArgumentException("bad thumbnail geometry " + width + "x" + height + " span " + span
                    + " fps " + fps);
        }
        this.width = width;
        this.height = height;
        this.frameBytes = width * height * 3;
        this.span = span;
        this.fps = fps;
        this.ring = new byte[2 * span + 1][frameBytes];
    }

    /** Bytes of one RGB24 thumbnail. */
    int frameBytes() {
        return frameBytes;
    }

    /** Adds the next frame, {@link #frameBytes()} bytes of packed RGB24. */
    void add(byte[] rgb) {
        if (rgb.length != frameBytes) {
            throw new IllegalArgumentException("expected " + frameBytes + " bytes, got " + rgb.length);
        }
        grow();
        int i = frames;
        byte[] slot = ring[i % ring.length];
        System.arraycopy(rgb, 0, slot, 0, frameBytes);
        measureAlone(i, slot);
        if (i > 0) {
            byte[] previous = ring[(i - 1) % ring.length];
            long sad = sumOfAbsoluteDifferences(slot, previous);
            double meanChange = (double) sad / frameBytes;
            change[i] = (float) meanChange;
            // ffmpeg's select filter: mafd in percent of full scale; the score is the smaller of it
            // and its change since the previous frame, so steady motion scores low.
            double mafd = meanChange * 100.0 / 256.0;
            scene[i] = (float) Math.clamp(Math.min(mafd, Math.abs(mafd - previousMafd)) / 100.0, 0.0, 1.0);
            previousMafd = mafd;
            histogram[i] = histogramDistance();
        }
        System.arraycopy(currentHistogram, 0, previousHistogram, 0, currentHistogram.length);
        if (i >= 2 * span) {
            measureSpan(i - span);
        }
        frames++;
    }

    /** The measurements of every frame added so far. */
    FrameSignals signals() {
        return new FrameSignals(fps, span, Arrays.copyOf(luma, frames), Arrays.copyOf(bright, frames),
                Arrays.copyOf(change, frames), Arrays.copyOf(histogram, frames), Arrays.copyOf(scene, frames),
                Arrays.copyOf(spanChange, frames), Arrays.copyOf(spanResidual, frames));
    }

    private void measureAlone(int i, byte[] rgb) {
        Arrays.fill(currentHistogram, 0);
        long lumaSum = 0;
        int lit = 0;
        int shift = 8 - Integer.numberOfTrailingZeros(BINS_PER_CHANNEL);
        for (int p = 0; p < frameBytes; p += 3) {
            int r = rgb[p] & 0xff;
            int g = rgb[p + 1] & 0xff;
            int b = rgb[p + 2] & 0xff;
            // BT.601 luma in fixed point, as ffmpeg's rgb-to-yuv does.
            int y = (77 * r + 150 * g + 29 * b) >> 8;
            lumaSum += y;
            if (y > BRIGHT_LUMA) {
                lit++;
            }
            currentHistogram[((r >> shift) * BINS_PER_CHANNEL + (g >> shift)) * BINS_PER_CHANNEL + (b >> shift)]++;
        }
        int pixels = width * height;
        luma[i] = (float) lumaSum / pixels;
        bright[i] = (float) lit / pixels;
    }

    private float histogramDistance() {
        long distance = 0;
        for (int k = 0; k < currentHistogram.length; k++) {
            distance += Math.abs(currentHistogram[k] - previousHistogram[k]);
        }
        return (float) distance / (2f * width * height);
    }

    /** The span measurements centred on frame {@code c}, once frame {@code c + N} is in. */
    private void measureSpan(int c) {
        byte[] before = ring[(c - span) % ring.length];
        byte[] middle = ring[c % ring.length];
        byte[] after = ring[(c + span) % ring.length];
        long total = 0;
        long residual = 0;
        for (int p = 0; p < frameBytes; p++) {
            int a = before[p] & 0xff;
            int b = after[p] & 0xff;
            int m = middle[p] & 0xff;
            total += Math.abs(a - b);
            // Twice the residual, in integers: |2m - (a + b)|.
            residual += Math.abs(2 * m - a - b);
        }
        spanChange[c] = (float) total / frameBytes;
        spanResidual[c] = (float) residual / (2f * frameBytes);
    }

    private long sumOfAbsoluteDifferences(byte[] a, byte[] b) {
        long sad = 0;
        for (int p = 0; p < frameBytes; p++) {
            sad += Math.abs((a[p] & 0xff) - (b[p] & 0xff));
        }
        return sad;
    }

    private void grow() {
        if (frames < luma.length) {
            return;
        }
        int size = luma.length * 2;
        luma = Arrays.copyOf(luma, size);
        bright = Arrays.copyOf(bright, size);
        change = Arrays.copyOf(change, size);
        histogram = Arrays.copyOf(histogram, size);
        scene = Arrays.copyOf(scene, size);
        spanChange = Arrays.copyOf(spanChange, size);
        spanResidual = Arrays.copyOf(spanResidual, size);
    }
}
