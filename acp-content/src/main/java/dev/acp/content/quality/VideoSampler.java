package dev.acp.content.quality;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.image.ImageStatistics;
import dev.acp.local.media.Ffmpeg;
import java.awt.image.BufferedImage;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One ffmpeg pass over a video's picture: one frame a second (fewer for videos longer than
 * {@value #MAX_FRAMES} seconds, so a long film still costs {@value #MAX_FRAMES} measurements),
 * scaled with area averaging to at most {@value #SIDE} pixels on its long side as
 * {@link ImageStatistics} analyses still images, piped raw to Java and measured as it arrives:
 * nothing is written to disk.
 */
final class VideoSampler {
    static final int MAX_FRAMES = 600;
    static final int SIDE = 512;

    private final Ffmpeg ffmpeg;

    VideoSampler(Ffmpeg ffmpeg) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
    }

    /**
     * The measurements of the frames sampled, in order.
     *
     * @param width the video's frame width as probed, 0 when unknown
     * @param height its frame height, 0 when unknown
     * @param durationSeconds its duration, 0 when unknown
     */
    List<ImageStatistics> sample(Path file, int width, int height, double durationSeconds)
            throws ProviderException, InterruptedException {
        int[] size = frameSize(width, height);
        double rate = durationSeconds > MAX_FRAMES ? MAX_FRAMES / durationSeconds : 1;
        String filter = String.format(Locale.ROOT, "fps=%.6f,scale=%d:%d:flags=area,format=rgb24", rate, size[0],
                size[1]);
        List<ImageStatistics> frames = new ArrayList<>();
        var result = ffmpeg.executeReading("sampling the frames of " + file, List.of("-nostats", "-loglevel",
                "error", "-i", file.toAbsolutePath().toString(), "-map", "0:v:0", "-an", "-sn", "-dn", "-vf", filter,
                "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"), in -> read(in, size[0], size[1], frames));
        if (!result.succeeded()) {
            throw new ProviderException(ErrorKind.LOCAL, "could not decode the frames of " + file + " (ffmpeg exit "
                    + result.exitCode() + "): " + result.stderrTail(3) + "; check that the file is a complete video");
        }
        if (frames.isEmpty()) {
            throw new ProviderException(ErrorKind.VALIDATION, file + " has a video stream but no frame decodes;"
                    + " check that the file is complete (re-export or re-download it)");
        }
        return frames;
    }

    /** The probed size fitted into {@value #SIDE} pixels, even (the scaler's chroma needs it); 16:9 when unknown. */
    static int[] frameSize(int width, int height) {
        if (width <= 0 || height <= 0) {
            return new int[] {SIDE, SIDE * 9 / 16};
        }
        double scale = Math.min(1, (double) SIDE / Math.max(width, height));
        return new int[] {even(width * scale), even(height * scale)};
    }

    private static int even(double v) {
        return Math.max(2, 2 * (int) Math.round(v / 2));
    }

    private static void read(InputStream in, int w, int h, List<ImageStatistics> out) throws IOException {
        byte[] frame = new byte[w * h * 3];
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        int[] argb = new int[w * h];
        while (true) {
            int got = in.readNBytes(frame, 0, frame.length);
            if (got == 0) {
                return;
            }
            if (got < frame.length) {
                throw new EOFException("the last frame was cut short (" + got + " of " + frame.length + " bytes)");
            }
            for (int i = 0, j = 0; i < argb.length; i++, j += 3) {
                argb[i] = 0xFF000000 | (frame[j] & 0xFF) << 16 | (frame[j + 1] & 0xFF) << 8 | (frame[j + 2] & 0xFF);
            }
            image.setRGB(0, 0, w, h, argb, 0, w);
            out.add(ImageStatistics.of(image));
        }
    }
}
