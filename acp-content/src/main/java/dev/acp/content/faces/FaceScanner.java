package dev.acp.content.faces;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.image.ImageFiles;
import dev.acp.local.image.LoadedImage;
import dev.acp.local.media.Ffmpeg;
import dev.acp.local.media.MediaInfo;
import dev.acp.local.media.MediaProbe;
import dev.acp.local.media.MediaStream;
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
import javax.imageio.stream.ImageInputStream;

/**
 * Finds the faces in an image file, or in frames sampled from a video file. Images are read as
 * ACP reads them elsewhere ({@link ImageFiles}: ImageIO, then ffmpeg for WebP and the like);
 * anything ImageIO does not recognise is probed with ffmpeg and scanned as a video when it has a
 * video stream.
 *
 * <p>Bad input fails with a {@link ProviderException} of kind {@link ErrorKind#VALIDATION} whose
 * one-line message names the file and what to do. Thread-safe when the detector is.
 */
public final class FaceScanner {
    /** Ffmpeg's demuxers for single pictures: {@code png_pipe}, {@code webp_pipe}, {@code image2}... */
    private static final List<String> IMAGE_FORMAT_SUFFIXES = List.of("_pipe", "image2");
    private static final String FORMATS = "use a PNG, JPEG, BMP, GIF, TIFF or WebP image or a video file";

    private final FaceDetector detector;
    private final Ffmpeg ffmpeg;
    private final Path scratch;

    /**
     * @param scratch a folder for sampled frames and decoded images; each scan uses and removes a
     *     folder of its own inside it
     */
    public FaceScanner(FaceDetector detector, Ffmpeg ffmpeg, Path scratch) {
        this.detector = Objects.requireNonNull(detector, "detector");
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
        this.scratch = Objects.requireNonNull(scratch, "scratch");
    }

    /**
     * The faces of {@code file} with at least {@code minScore} confidence; for a video, those of a
     * frame every {@code everySeconds}.
     */
    public FaceScan scan(Path file, double minScore, double everySeconds)
            throws ProviderException, InterruptedException {
        if (!(everySeconds > 0) || Double.isInfinite(everySeconds)) {
            throw new IllegalArgumentException("everySeconds must be above 0: " + everySeconds);
        }
        requireReadable(file);
        Path work = workFolder();
        try {
            if (imageIoReads(file)) {
                return imageScan(file, new ImageFiles(ffmpeg).read(file, work).image(), minScore);
            }
            MediaInfo info = probe(file);
            if (IMAGE_FORMAT_SUFFIXES.stream().anyMatch(info.format()::endsWith)) {
                return imageScan(file, new ImageFiles(ffmpeg).read(file, work).image(), minScore);
            }
            MediaStream.Video stream = info.video().orElseThrow(() -> new ProviderException(ErrorKind.VALIDATION,
                    file + " has no video stream (" + describe(info) + "), so it has no pictures to find faces in; "
                            + FORMATS));
            return video(file, stream, minScore, everySeconds, work);
        } finally {
            deleteQuietly(work);
        }
    }

    /** The pixels of an image file {@link #scan} took as an image, to draw its faces on. */
    public BufferedImage image(Path file) throws ProviderException, InterruptedException {
        requireReadable(file);
        Path work = workFolder();
        try {
            return new ImageFiles(ffmpeg).read(file, work).image();
        } finally {
            deleteQuietly(work);
        }
    }

    /** The full-size frame of {@code video} at {@code seconds}, to draw a scan's faces on. */
    public BufferedImage frameAt(Path video, double seconds) throws ProviderException, InterruptedException {
        Path work = workFolder();
        try {
            return new FrameSampler(ffmpeg).frameAt(video, seconds, work);
        } finally {
            deleteQuietly(work);
        }
    }

    private FaceScan.Image imageScan(Path file, BufferedImage image, double minScore) throws ProviderException {
        return new FaceScan.Image(file, image.getWidth(), image.getHeight(), detector.detect(image, minScore));
    }

    private FaceScan.Video video(Path file, MediaStream.Video stream, double minScore, double everySeconds, Path work)
            throws ProviderException, InterruptedException {
        List<FaceScan.Frame> frames = new ArrayList<>();
        int[] size = new int[2];
        new FrameSampler(ffmpeg).sample(file, everySeconds, work, (seconds, frame) -> {
            // A frame was scaled down to at most FrameSampler.MAX_SIDE; the probe gives the full
            // size, turned if the frame is (ffmpeg applies a phone video's rotation).
            boolean turned = stream.width() > 0 && (stream.width() > stream.height())
                    != (frame.getWidth() > frame.getHeight()) && frame.getWidth() != frame.getHeight();
            int fullWidth = stream.width() <= 0 ? frame.getWidth() : turned ? stream.height() : stream.width();
            int fullHeight = stream.height() <= 0 ? frame.getHeight() : turned ? stream.width() : stream.height();
            double sx = (double) fullWidth / frame.getWidth();
            double sy = (double) fullHeight / frame.getHeight();
            size[0] = fullWidth;
            size[1] = fullHeight;
            List<Face> faces = detector.detect(frame, minScore).stream().map(f -> scaled(f, sx, sy, fullWidth,
                    fullHeight)).toList();
            frames.add(new FaceScan.Frame(seconds, faces));
        });
        if (frames.isEmpty()) {
            throw new ProviderException(ErrorKind.VALIDATION, "ffmpeg found no frames in " + file
                    + "; check that the video is complete (or " + FORMATS + ")");
        }
        return new FaceScan.Video(file, size[0], size[1], everySeconds, frames);
    }

    private static Face scaled(Face face, double sx, double sy, int width, int height) {
        Box b = face.box();
        Box box = new Box(b.x() * sx, b.y() * sy, b.width() * sx, b.height() * sy).clip(width, height);
        return new Face(box, face.confidence(), face.landmarks().map(p -> new Point(p.x() * sx, p.y() * sy)));
    }

    private MediaInfo probe(Path file) throws ProviderException, InterruptedException {
        try {
            return new MediaProbe(ffmpeg).probe(file);
        } catch (ProviderException e) {
            if (e.kind() != ErrorKind.LOCAL || !e.getMessage().startsWith("ffmpeg cannot read")) {
                throw e;
            }
            String reason = e.getMessage().replaceFirst("^ffmpeg cannot read .* as media: ", "")
                    .replaceFirst("; check that the file is.*$", "");
            throw new ProviderException(ErrorKind.VALIDATION, file + " is not an image or video that can be read ("
                    + reason + "); " + FORMATS, e);
        }
    }

    private static String describe(MediaInfo info) {
        List<String> kinds = info.streams().stream().map(s -> switch (s) {
            case MediaStream.Video v -> "video";
            case MediaStream.Audio a -> "audio " + a.codec();
            case MediaStream.Other o -> o.type();
        }).distinct().toList();
        return kinds.isEmpty() ? "no streams at all" : "only " + String.join(", ", kinds);
    }

    private static boolean imageIoReads(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            return in != null && ImageIO.getImageReaders(in).hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    private static void requireReadable(Path file) throws ProviderException {
        if (Files.isDirectory(file)) {
            throw new ProviderException(ErrorKind.VALIDATION, file + " is a folder; name an image or a video file");
        }
        if (!Files.isRegularFile(file)) {
            throw new ProviderException(ErrorKind.VALIDATION, file + " does not exist; check the path");
        }
        if (!Files.isReadable(file)) {
            throw new ProviderException(ErrorKind.VALIDATION, file + " is not readable; check its permissions");
        }
    }

    private Path workFolder() throws ProviderException {
        try {
            Files.createDirectories(scratch);
            return Files.createTempDirectory(scratch, "faces-");
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not create a scratch folder in " + scratch + " ("
                    + e.getMessage() + "); make it writable or free some disk space", e);
        }
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // A leftover scratch folder costs disk space, not a result.
        }
    }
}
