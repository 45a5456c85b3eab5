package dev.acp.local.image;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.media.Ffmpeg;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Reads and writes image files. PNG, JPEG, BMP (and, for reading, GIF and TIFF) go through ImageIO;
 * anything else ImageIO cannot decode (WebP, for example) is converted to PNG by ffmpeg first, and
 * WebP output is encoded by ffmpeg's libwebp. PNG output is byte-for-byte deterministic: ImageIO
 * writes no timestamps.
 */
public final class ImageFiles {
    private static final float JPEG_QUALITY = 0.92f;
    private static final int WEBP_QUALITY = 90;

    private final Ffmpeg ffmpeg;

    public ImageFiles(Ffmpeg ffmpeg) {
        this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
    }

    /**
     * Reads {@code file} as an ARGB image.
     *
     * @param scratch a private folder for an intermediate PNG when ffmpeg has to decode
     * @throws ProviderException {@link ErrorKind#VALIDATION} naming the file when it does not
     *     exist or is not a readable image
     */
    public LoadedImage read(Path file, Path scratch) throws ProviderException, InterruptedException {
        if (!Files.isRegularFile(file)) {
            throw new ProviderException(ErrorKind.VALIDATION, "input image " + file
                    + " does not exist; check the path in 'image' (or that the step producing it ran)");
        }
        if (!Files.isReadable(file)) {
            throw new ProviderException(ErrorKind.VALIDATION, "input image " + file
                    + " is not readable; check its permissions");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? java.util.Collections.emptyIterator() : ImageIO.getImageReaders(in);
            if (readers.hasNext()) {
                ImageReader reader = readers.next();
                try {
                    reader.setInput(in, true, true);
                    BufferedImage image = reader.read(0);
                    String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                    return new LoadedImage(toArgb(image), format.equals("jpg") ? "jpeg" : format);
                } finally {
                    reader.dispose();
                }
            }
        } catch (IOException | RuntimeException e) {
            // ImageIO knows the format but the file is damaged; ffmpeg may still decode it, and
            // if not, its message explains the damage better.
        }
        return readWithFfmpeg(file, scratch);
    }

    private LoadedImage readWithFfmpeg(Path file, Path scratch) throws ProviderException, InterruptedException {
        Path png = null;
        try {
            Files.createDirectories(scratch);
            png = Files.createTempFile(scratch, "decoded-", ".png");
            var result = ffmpeg.execute(
                    List.of("-loglevel", "error", "-i", file.toAbsolutePath().toString(), "-frames:v", "1",
                            "-f", "image2", "-c:v", "png", png.toString()),
                    line -> {});
            BufferedImage image = result.succeeded() && Files.size(png) > 0 ? ImageIO.read(png.toFile()) : null;
            if (image == null) {
                throw new ProviderException(ErrorKind.VALIDATION, "input image " + file
                        + " is not a readable image (" + result.stderrTail(1)
                        + "); use a PNG, JPEG, BMP, GIF, TIFF or WebP file");
            }
            String name = file.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String format = dot < 0 ? "unknown" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
            return new LoadedImage(toArgb(image), format);
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not decode " + file + " in " + scratch + ": "
                    + e.getMessage() + "; check free disk space", e);
        } finally {
            deleteQuietly(png);
        }
    }

    /** The decoded copy is only a way into ImageIO; a run's scratch folder must not fill with them. */
    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // Left in the run's scratch folder, which goes when the run ends.
            }
        }
    }

    /**
     * Writes {@code image} to {@code target} in {@code format}. Transparency is kept for PNG and
     * WebP; JPEG and BMP have none, so the image is flattened onto white first.
     */
    public void write(BufferedImage image, ImageFormat format, Path target, Path scratch)
            throws ProviderException, InterruptedException {
        try {
            switch (format) {
                case PNG -> writeWithImageIo(image, "png", target);
                case BMP -> writeWithImageIo(flatten(image, BufferedImage.TYPE_3BYTE_BGR), "bmp", target);
                case JPEG -> writeJpeg(flatten(image, BufferedImage.TYPE_INT_RGB), target);
                case WEBP -> writeWebp(image, target, scratch);
            }
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not write " + target + ": " + e.getMessage()
                    + "; check that the output folder is writable and has free space", e);
        }
    }

    private static void writeWithImageIo(BufferedImage image, String formatName, Path target) throws IOException {
        Files.deleteIfExists(target);
        if (!ImageIO.write(image, formatName, target.toFile())) {
            throw new IOException("no ImageIO writer for " + formatName + " accepts this image");
        }
    }

    private static void writeJpeg(BufferedImage rgb, Path target) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        Files.deleteIfExists(target);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(target.toFile())) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.write(null, new IIOImage(rgb, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    private void writeWebp(BufferedImage image, Path target, Path scratch) throws IOException, ProviderException,
            InterruptedException {
        Files.createDirectories(scratch);
        Path png = Files.createTempFile(scratch, "webp-source-", ".png");
        writeWithImageIo(image, "png", png);
        ffmpeg.run("encoding the WebP image", List.of(
                "-loglevel", "error", "-i", png.toString(), "-frames:v", "1", "-c:v", "libwebp",
                "-quality", Integer.toString(WEBP_QUALITY), "-f", "webp", target.toAbsolutePath().toString()));
    }

    /** {@code image} drawn onto an opaque white canvas of {@code type}. */
    static BufferedImage flatten(BufferedImage image, int type) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), type);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** A copy of {@code image} as {@link BufferedImage#TYPE_INT_ARGB}, the type every transform expects. */
    public static BufferedImage toArgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_ARGB) {
            return image;
        }
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
