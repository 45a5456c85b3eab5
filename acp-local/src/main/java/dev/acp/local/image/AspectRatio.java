package dev.acp.local.image;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A supported width-to-height ratio, always in lowest terms ({@code 1280:720} is {@code 16:9}).
 *
 * @param width the width part, for example 16
 * @param height the height part, for example 9
 */
public record AspectRatio(int width, int height) {

    /** The ratios the local engines accept, in the order they are listed to users. */
    public static final List<AspectRatio> SUPPORTED = List.of(
            new AspectRatio(16, 9),
            new AspectRatio(9, 16),
            new AspectRatio(1, 1),
            new AspectRatio(4, 3),
            new AspectRatio(3, 4),
            new AspectRatio(21, 9),
            new AspectRatio(9, 21),
            new AspectRatio(3, 2),
            new AspectRatio(2, 3),
            new AspectRatio(5, 4),
            new AspectRatio(4, 5));

    public AspectRatio {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("aspect ratio parts must be positive");
        }
        int gcd = BigInteger.valueOf(width).gcd(BigInteger.valueOf(height)).intValue();
        width /= gcd;
        height /= gcd;
    }

    /**
     * Parses {@code "16:9"}-style text, also pixel pairs such as {@code "1280:720"} that reduce to
     * a supported ratio. Empty when the text is not {@code W:H} or the ratio is not supported.
     */
    public static Optional<AspectRatio> parse(String text) {
        String[] parts = text.strip().split("\\s*:\\s*");
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            int w = Integer.parseInt(parts[0]);
            int h = Integer.parseInt(parts[1]);
            if (w <= 0 || h <= 0) {
                return Optional.empty();
            }
            AspectRatio ratio = new AspectRatio(w, h);
            return SUPPORTED.contains(ratio) ? Optional.of(ratio) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The supported ratios as a readable list, for messages: {@code 16:9, 9:16, ...}. */
    public static String supportedList() {
        return SUPPORTED.stream().map(AspectRatio::toString).collect(Collectors.joining(", "));
    }

    public double value() {
        return (double) width / height;
    }

    /** A size with this ratio whose longer side is {@code longSide}, sides multiples of {@code multiple}. */
    public ImageSize withLongSide(int longSide, int multiple) {
        return width >= height
                ? new ImageSize(round(longSide, multiple), round(longSide * (double) height / width, multiple))
                : new ImageSize(round(longSide * (double) width / height, multiple), round(longSide, multiple));
    }

    /** A size with this ratio whose shorter side is {@code shortSide}, sides multiples of {@code multiple}. */
    public ImageSize withShortSide(int shortSide, int multiple) {
        return width >= height
                ? new ImageSize(round(shortSide * (double) width / height, multiple), round(shortSide, multiple))
                : new ImageSize(round(shortSide, multiple), round(shortSide * (double) height / width, multiple));
    }

    private static int round(double value, int multiple) {
        return Math.max(multiple, (int) Math.round(value / multiple) * multiple);
    }

    @Override
    public String toString() {
        return width + ":" + height;
    }
}
