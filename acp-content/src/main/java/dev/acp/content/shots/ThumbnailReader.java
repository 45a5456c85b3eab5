package dev.acp.content.shots;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.media.Ffmpeg;
import dev.acp.local.process.CommandResult;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Decodes a video once with ffmpeg, which scales every frame down to a {@value #WIDTH} x
 * {@value #HEIGHT} RGB thumbnail and writes it raw to its standard output, and hands the
 * thumbnails to a {@link SignalRecorder}. Decoding dominates the cost, so the video is never
 * decoded a second time for the analysis.
 */
final class ThumbnailReader {
    /** Thumbnail width: 64 x 36 keeps 16:9 and is still enough to tell shots apart. */
    static final int WIDTH = 64;
    static final int HEIGHT = 36;

    private final Ffmpeg ffmpeg;

    ThumbnailReader(Ffmpeg ffmpeg) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
    }

    /**
     * Reads every frame of the first video stream of {@code video} at a constant {@code fps} (a
     * variable frame rate is evened out by ffmpeg's {@code fps} filter, so that frame {@code i}
     * is at {@code i / fps} seconds).
     */
    void read(Path video, double fps, SignalRecorder recorder) throws ProviderException, InterruptedException {
        String filter = "scale=" + WIDTH + ":" + HEIGHT + ":flags=area,fps=" + String.format(Locale.ROOT, "%.6f", fps)
                + ",format=rgb24";
        CommandResult result = ffmpeg.executeReading("reading the frames of " + video, List.of("-nostats",
                "-loglevel", "error", "-i", video.toAbsolutePath().toString(), "-map", "0:v:0", "-an", "-sn", "-dn",
                "-vf", filter, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"), in -> readFrames(in, recorder));
        if (!result.succeeded()) {
            throw new ProviderException(ErrorKind.LOCAL, "cannot decode the video in " + video + " (ffmpeg: "
                    + result.stderrTail(2) + "); the file may be damaged: re-export or re-download it");
        }
    }

    private static void readFrames(InputStream in, SignalRecorder recorder) throws IOException {
        byte[] frame = new byte[recorder.frameBytes()];
        while (true) {
            int got = in.readNBytes(frame, 0, frame.length);
            if (got == 0) {
                return;
            }
            if (got < frame.length) {
                throw new EOFException("the last frame was cut short (" + got + " of " + frame.length + " bytes)");
            }
            recorder.add(frame);
        }
    }
}
