package dev.acp.content.quality;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.image.ImageStatistics;
import dev.acp.local.media.Ffmpeg;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * One ffmpeg pass over a video's picture: one frame a second, scaled (area averaging) to at most
 * 512 pixels on its long side as {@link ImageStatistics} analyses still images, written as PNG
 * to a scratch folder and measured.
 */
final class VideoSampler {

    private final Ffmpeg ffmpeg;
    private final Path scratchRoot;

    VideoSampler(Ffmpeg ffmpeg, Path scratchRoot) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
        this.scratchRoot = Objects.requireNonNull(scratchRoot, "scratchRoot");
    }

    /** The measurements of the frames sampled, in order. */
    List<ImageStatistics> sample(Path file) throws ProviderException, InterruptedException {
        Path dir = scratch(file);
        try {
            ffmpeg.run("sampling the frames of " + file, List.of("-i", file.toAbsolutePath().toString(),
                    "-map", "0:v:0", "-vf", "fps=1,scale=w=512:h=512:force_original_aspect_ratio=decrease:flags=area",
                    "-f", "image2", dir.resolve("frame-%05d.png").toString()));
            List<ImageStatistics> frames = new ArrayList<>();
            for (Path png : frames(dir)) {
                BufferedImage image = ImageIO.read(png.toFile());
                if (image != null) {
                    frames.add(ImageStatistics.of(image));
                }
            }
            if (frames.isEmpty()) {
                throw new ProviderException(ErrorKind.VALIDATION, file + " has a video stream but no frame decodes;"
                        + " check that the file is complete (re-export or re-download it)");
            }
            return frames;
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not read the frames of " + file + " sampled into " + dir
                    + ": " + e.getMessage() + "; check free disk space", e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private Path scratch(Path file) throws ProviderException {
        try {
            Files.createDirectories(scratchRoot);
            return Files.createTempDirectory(scratchRoot, "quality-frames-");
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not create a scratch folder in " + scratchRoot
                    + " to sample " + file + ": " + e.getMessage() + "; check that it is writable", e);
        }
    }

    private static List<Path> frames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".png")).sorted(Comparator.naturalOrder()).toList();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover scratch folder under the temporary folder is harmless.
        }
    }
}
