package dev.acp.local.image;

/** Width and height of an image in pixels, both positive. */
public record ImageSize(int width, int height) {
    public ImageSize {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, was " + width + "x" + height);
        }
    }

    /** Width divided by height. */
    public double ratio() {
        return (double) width / height;
    }

    /** This size scaled by {@code factor}, each side rounded down to a multiple of {@code multiple}. */
    public ImageSize scaled(double factor, int multiple) {
        return new ImageSize(roundDown(width * factor, multiple), roundDown(height * factor, multiple));
    }

    private static int roundDown(double value, int multiple) {
        return Math.max(multiple, (int) Math.floor(value / multiple) * multiple);
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
