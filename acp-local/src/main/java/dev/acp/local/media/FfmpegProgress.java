package dev.acp.local.media;

import java.util.function.Consumer;
import java.util.function.DoubleConsumer;

/**
 * Turns the {@code key=value} lines that ffmpeg writes with {@code -progress pipe:1} into a
 * completion fraction. The fraction comes from the frame count when the expected number of frames
 * is known, else from {@code out_time_us} against the expected duration. It is reported at the
 * end of each progress block ({@code progress=continue|end}), never above 1 and never backwards.
 */
public final class FfmpegProgress implements Consumer<String> {
    private final long expectedFrames;
    private final double expectedSeconds;
    private final DoubleConsumer listener;
    private long frame = -1;
    private double seconds = -1;
    private double reported = -1;

    private FfmpegProgress(long expectedFrames, double expectedSeconds, DoubleConsumer listener) {
        this.expectedFrames = expectedFrames;
        this.expectedSeconds = expectedSeconds;
        this.listener = listener;
    }

    /** Progress measured in output frames out of {@code expectedFrames}. */
    public static FfmpegProgress ofFrames(long expectedFrames, DoubleConsumer listener) {
        return new FfmpegProgress(expectedFrames, -1, listener);
    }

    /** Progress measured in output time out of {@code expectedSeconds}. */
    public static FfmpegProgress ofDuration(double expectedSeconds, DoubleConsumer listener) {
        return new FfmpegProgress(-1, expectedSeconds, listener);
    }

    @Override
    public void accept(String line) {
        int eq = line.indexOf('=');
        if (eq <= 0) {
            return;
        }
        String key = line.substring(0, eq).strip();
        String value = line.substring(eq + 1).strip();
        switch (key) {
            case "frame" -> frame = parseLong(value, frame);
            // ffmpeg 4.x writes microseconds under both names (out_time_ms is a historical misnomer).
            case "out_time_us", "out_time_ms" -> {
                long micros = parseLong(value, -1);
                if (micros >= 0) {
                    seconds = micros / 1_000_000.0;
                }
            }
            case "progress" -> report("end".equals(value));
            default -> {
                // Other keys (bitrate, speed...) do not measure completion.
            }
        }
    }

    private void report(boolean end) {
        double fraction;
        if (end) {
            fraction = 1;
        } else if (expectedFrames > 0 && frame >= 0) {
            fraction = (double) frame / expectedFrames;
        } else if (expectedSeconds > 0 && seconds >= 0) {
            fraction = seconds / expectedSeconds;
        } else {
            return;
        }
        fraction = Math.min(1, Math.max(0, fraction));
        if (fraction > reported) {
            reported = fraction;
            listener.accept(fraction);
        }
    }

    private static long parseLong(String value, long fallback) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
