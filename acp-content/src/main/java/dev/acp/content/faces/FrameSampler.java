package dev.acp.content.faces;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.media.Ffmpeg;
import dev.acp.local.process.CommandResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Takes one frame every so many seconds from a video with ffmpeg's {@code fps} filter: the frame
 * on screen at 0 s, every, 2 x every... The frames are written as JPEG files no larger than
 * {@value #MAX_SIDE} pixels on their longer side, which is five times the model's input and keeps a
 * long video's frames small on disk; faces are mapped back to the full frame's pixels.
 */
final class FrameSampler {
    /** Longest side of a sampled frame in pixels. */
    static final int MAX_SIDE = 640;

    private final Ffmpeg ffmpeg;

    FrameSampler(Ffmpeg ffmpeg) {
        this.ffmpeg = ffmpeg;
    }

    /** Receives each sampled frame in time order. */
    interface FrameConsumer {
        void accept(double seconds, BufferedImage frame) throws ProviderException;
    }

    /**
     * Samples {@code video} into {@code folder} (which must be empty) and hands each frame to
     * {@code consumer}, deleting it once handled.
     *
     * @throws ProviderException {@link ErrorKind#VALIDATION} when ffmpeg cannot decode the video
     */
    void sample(Path video, double everySeconds, Path folder, FrameConsumer consumer)
            throws ProviderException, InterruptedException {
        long millis = Math.max(1, Math.round(everySeconds * 1000));
        CommandResult result = ffmpeg.execute(List.of(
                "-loglevel", "error", "-i", video.toAbsolutePath().toString(), "-map", "0:v:0", "-an", "-sn",
                "-vf", "fps=fps=1000/" + millis + ",scale=w='min(" + MAX_SIDE + ",iw)':h='min(" + MAX_SIDE
                        + ",ih)':force_original_aspect_ratio=decrease",
                "-q:v", "3", "-f", "image2", folder.resolve("frame-%06d.jpg").toString()), line -> {});
        if (!result.succeeded()) {
            // The video was probed already, so this is a damaged or undecodable stream.
            throw new ProviderException(ErrorKind.VALIDATION, "could not decode the video " + video + " ("
                    + result.stderrTail(2) + "); check that the file is complete, or convert it to H.264 MP4");
        }
        List<Path> frames = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "frame-*.jpg")) {
            files.forEach(frames::add);
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not list the frames sampled into " + folder + " ("
                    + e.getMessage() + "); check free disk space", e);
        }
        frames.sort(null);
        for (int i = 0; i < frames.size(); i++) {
            Path frame = frames.get(i);
            try {
                BufferedImage image = ImageIO.read(frame.toFile());
                if (image == null) {
                    throw new IOException("not a JPEG");
                }
                consumer.accept(i * millis / 1000.0, image);
                Files.delete(frame);
            } catch (IOException e) {
                throw new ProviderException(ErrorKind.LOCAL, "could not read the frame ffmpeg sampled to " + frame
                        + " (" + e.getMessage() + "); check free disk space", e);
            }
        }
    }

    /** The frame of {@code video} at {@code seconds}, at full size. */
    BufferedImage frameAt(Path video, double seconds, Path folder) throws ProviderException, InterruptedException {
        Path png = folder.resolve("frame-at.png");
        ffmpeg.run("taking the frame at " + seconds + " s of " + video.getFileName(), List.of(
                "-loglevel", "error", "-ss", String.format(Locale.ROOT, "%.3f", seconds),
                "-i", video.toAbsolutePath().toString(), "-map", "0:v:0", "-frames:v", "1", "-f", "image2",
                png.toString()));
        try {
            BufferedImage image = Files.isRegularFile(png) ? ImageIO.read(png.toFile()) : null;
            if (image == null) {
                throw new ProviderException(ErrorKind.LOCAL, "ffmpeg gave no frame at " + seconds + " s of " + video
                        + "; check that the video is complete");
            }
            Files.delete(png);
            return image;
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not read the frame at " + seconds + " s of " + video
                    + " (" + e.getMessage() + "); check free disk space", e);
        }
    }
}
