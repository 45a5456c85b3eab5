package dev.acp.local.image;

import java.awt.image.BufferedImage;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One real transform of image-to-image. Every operation takes an {@link
 * BufferedImage#TYPE_INT_ARGB} image and returns a new one; inputs are never modified.
 */
public sealed interface ImageOperation {

    BufferedImage apply(BufferedImage image);

    /** A short description for metadata, for example {@code resize 512x384}. */
    String describe();

    /**
     * Clockwise rotation.
     *
     * @param degrees 90, 180 or 270 (any multiple of 90)
     */
    record Rotate(int degrees) implements ImageOperation {
        public Rotate {
            if (degrees % 90 != 0) {
                throw new IllegalArgumentException("rotation must be a multiple of 90 degrees");
            }
        }

        @Override
        public BufferedImage apply(BufferedImage image) {
            return Pixels.rotate(image, degrees);
        }

        @Override
        public String describe() {
            return "rotate " + degrees;
        }
    }

    /**
     * Mirror image.
     *
     * @param horizontal true swaps left and right, false swaps top and bottom
     */
    record Flip(boolean horizontal) implements ImageOperation {
        @Override
        public BufferedImage apply(BufferedImage image) {
            return Pixels.flip(image, horizontal);
        }

        @Override
        public String describe() {
            return horizontal ? "flip horizontal" : "flip vertical";
        }
    }

    /**
     * Changes the aspect ratio: {@link Fit#CROP} cuts the largest centred region of that ratio,
     * {@link Fit#PAD} extends the canvas around the whole image, {@link Fit#STRETCH} distorts the
     * image keeping its pixel count.
     *
     * @param ratio the new aspect ratio
     * @param fit how the image is brought to it
     * @param background what fills the margins when padding
     */
    record Reframe(AspectRatio ratio, Fit fit, Background background) implements ImageOperation {
        public Reframe {
            Objects.requireNonNull(ratio, "ratio");
            Objects.requireNonNull(fit, "fit");
            Objects.requireNonNull(background, "background");
        }

        @Override
        public BufferedImage apply(BufferedImage image) {
            ImageSize target = Geometry.reframedSize(image.getWidth(), image.getHeight(), ratio.value(), fit);
            return Geometry.fitInto(image, target, fit, background);
        }

        @Override
        public String describe() {
            return "reframe " + ratio + " (" + fit.wireName() + ")";
        }
    }

    /**
     * Resizes. With one side given the other follows the image's aspect ratio; with both, the
     * image is fitted into exactly that box by {@code fit}.
     *
     * @param width the new width, or null to follow the height
     * @param height the new height, or null to follow the width
     * @param fit how the image fills a box of both sides
     * @param background what fills the margins when padding
     */
    record Resize(@Nullable Integer width, @Nullable Integer height, Fit fit, Background background)
            implements ImageOperation {
        public Resize {
            if (width == null && height == null) {
                throw new IllegalArgumentException("a resize needs a width or a height");
            }
            Objects.requireNonNull(fit, "fit");
            Objects.requireNonNull(background, "background");
        }

        @Override
        public BufferedImage apply(BufferedImage image) {
            return Geometry.fitInto(image, target(image.getWidth(), image.getHeight()), fit, background);
        }

        /** The output size for an input of {@code w x h}. */
        public ImageSize target(int w, int h) {
            if (width != null && height != null) {
                return new ImageSize(width, height);
            }
            if (width != null) {
                return new ImageSize(width, Math.max(1, (int) Math.round(width * (double) h / w)));
            }
            int hh = Objects.requireNonNull(height);
            return new ImageSize(Math.max(1, (int) Math.round(hh * (double) w / h)), hh);
        }

        @Override
        public String describe() {
            return "resize " + (width == null ? "auto" : width) + "x" + (height == null ? "auto" : height);
        }
    }

    /**
     * Colour adjustments.
     *
     * @param brightness -1 (black) to 1 (white); 0 leaves the image as it is
     * @param contrast 0 (flat grey) to 3; 1 leaves it
     * @param saturation 0 (greyscale) to 3; 1 leaves it
     */
    record Adjust(double brightness, double contrast, double saturation) implements ImageOperation {
        @Override
        public BufferedImage apply(BufferedImage image) {
            return Pixels.adjust(image, brightness, contrast, saturation);
        }

        @Override
        public String describe() {
            return "adjust brightness " + brightness + ", contrast " + contrast + ", saturation " + saturation;
        }
    }

    /**
     * One of the named filters.
     *
     * @param filter which filter
     */
    record ApplyFilter(Filter filter) implements ImageOperation {
        public ApplyFilter {
            Objects.requireNonNull(filter, "filter");
        }

        @Override
        public BufferedImage apply(BufferedImage image) {
            int shortSide = Math.min(image.getWidth(), image.getHeight());
            return switch (filter) {
                case GRAYSCALE -> Pixels.grayscale(image);
                case SEPIA -> Pixels.sepia(image);
                // About 1% of the short side: clearly soft at any resolution, subject still visible.
                case BLUR -> Pixels.blur(image, Math.max(2, Math.round(shortSide / 100f) * 2));
                case SHARPEN -> Pixels.sharpen(image, 1.0);
                case INVERT -> Pixels.invert(image);
                case EDGE -> Pixels.edges(image);
                case POSTERIZE -> Pixels.posterize(image, 4);
                case VIGNETTE -> Pixels.vignette(image);
            };
        }

        @Override
        public String describe() {
            return filter.wireName();
        }
    }
}
