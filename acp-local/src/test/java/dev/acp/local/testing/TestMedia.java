package dev.acp.local.testing;

import dev.acp.local.process.CommandResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Audio and video files of known length made with ffmpeg's lavfi sources, and measurements of outputs. */
public final class TestMedia {
    private TestMedia() {}

    /** A mono tone of {@code seconds}, as WAV (or whatever the extension says). */
    public static Path tone(Path file, double seconds, int hertz) throws Exception {
        TestHome.ffmpeg().run("making a test tone", List.of("-loglevel", "error", "-f", "lavfi", "-i",
                String.format(Locale.ROOT, "sine=frequency=%d:duration=%.3f:sample_rate=22050", hertz, seconds),
                "-ac", "1", file.toString()));
        return file;
    }

    /** A test-pattern video of {@code seconds} at {@code size} (WxH) and 25 fps, with no audio. */
    public static Path pattern(Path file, double seconds, String size) throws Exception {
        TestHome.ffmpeg().run("making a test video", List.of("-loglevel", "error", "-f", "lavfi", "-i",
                String.format(Locale.ROOT, "testsrc=size=%s:rate=25:duration=%.3f", size, seconds),
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", file.toString()));
        return file;
    }

    /** One frame of {@code video} at {@code seconds}, as PNG. */
    public static Path frame(Path video, double seconds, Path png) throws Exception {
        TestHome.ffmpeg().run("extracting a frame", List.of("-loglevel", "error", "-ss",
                String.format(Locale.ROOT, "%.3f", seconds), "-i", video.toString(), "-frames:v", "1", png.toString()));
        return png;
    }

    /**
     * The length of {@code file}'s audio found by decoding all of it (not read from its header,
     * which for an MP3 may be an estimate): the samples of 48 kHz mono PCM it decodes to.
     */
    public static double decodedSeconds(Path file, Path scratch) throws Exception {
        Path pcm = scratch.resolve(file.getFileName() + ".pcm");
        TestHome.ffmpeg().run("decoding audio", List.of("-loglevel", "error", "-y", "-i", file.toString(),
                "-map", "0:a:0", "-ac", "1", "-ar", "48000", "-f", "s16le", pcm.toString()));
        long bytes = java.nio.file.Files.size(pcm);
        java.nio.file.Files.delete(pcm);
        return bytes / 2.0 / 48_000;
    }

    /** Integrated loudness of {@code file} in LUFS, measured with ffmpeg's ebur128 filter. */
    public static double integratedLoudness(Path file) throws Exception {
        CommandResult r = TestHome.ffmpeg().run("measuring loudness", List.of("-nostats", "-i", file.toString(),
                "-map", "0:a", "-af", "ebur128", "-f", "null", "-"));
        Matcher m = Pattern.compile("I:\\s+(-?\\d+(?:\\.\\d+)?) LUFS").matcher(r.stderr());
        double last = Double.NaN;
        while (m.find()) {
            last = Double.parseDouble(m.group(1));
        }
        return last;
    }

    /** Mean volume in dB of {@code file}'s audio between {@code from} and {@code to} seconds, after {@code filter}. */
    public static double meanVolume(Path file, double from, double to, String filter) throws Exception {
        CommandResult r = TestHome.ffmpeg().run("measuring volume", List.of("-nostats", "-i", file.toString(),
                "-map", "0:a", "-af", String.format(Locale.ROOT, "atrim=%.3f:%.3f,%s,volumedetect", from, to, filter), "-f", "null", "-"));
        Matcher m = Pattern.compile("mean_volume:\\s+(-?\\d+(?:\\.\\d+)?|-inf) dB").matcher(r.stderr());
        if (!m.find()) {
            throw new AssertionError("no volume measured: " + r.stderrTail(3));
        }
        return m.group(1).equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(m.group(1));
    }
}
