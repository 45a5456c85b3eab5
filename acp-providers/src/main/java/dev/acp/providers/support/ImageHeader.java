package dev.acp.providers.support;

import dev.acp.provider.Usage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The width and height of an image file (PNG, JPEG, and whatever else {@link ImageIO} reads) from
 * its header, without decoding the pixels: providers that bill by the megapixel do not always say
 * how large the images they returned are. Anything unreadable gives an empty answer.
 */
public final class ImageHeader {
    private ImageHeader() {}

    /** The image's size, or empty when the file is not an image ImageIO can read the header of. */
    public static Optional<Usage.Size> size(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                return Optional.empty();
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return Optional.empty();
            }
            ImageReader reader = readers.next();
            try {
                // Forward-only, metadata ignored: getWidth and getHeight read the header alone.
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                return width > 0 && height > 0 ? Optional.of(new Usage.Size(width, height)) : Optional.empty();
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // A broken header is "size unknown": the step's asked-for size prices it instead.
            return Optional.empty();
        }
    }
}
