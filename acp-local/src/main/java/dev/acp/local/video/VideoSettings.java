package dev.acp.local.video;

import java.util.Locale;
import java.util.Objects;

/**
 * How a pan-and-zoom video is encoded.
 *
 * @param width frame width in pixels, even (H.264 with yuv420p requires it)
 * @param height frame height in pixels, even
 * @param fps frames per second
 * @param frames total number of frames; the duration is exactly {@code frames / fps}
 * @param motion the camera move
 * @param container {@code mp4}, {@code mov} or {@code mkv}
 */
public record VideoSettings(int width, int height, int fps, int frames, Motion motion, String container) {
    public VideoSettings {
        if (width < 2 || height < 2 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("video size must be even and positive, was " + width + "x" + height);
        }
        if (fps < 1 || frames < 1) {
            throw new IllegalArgumentException("fps and frames must be positive");
        }
        Objects.requireNonNull(motion, "motion");
        container = container.toLowerCase(Locale.ROOT);
        if (!container.equals("mp4") && !container.equals("mov") && !container.equals("mkv")) {
            throw new IllegalArgumentException("container must be mp4, mov or mkv, was " + container);
        }
    }

    public double durationSeconds() {
        return (double) frames / fps;
    }
}
