package dev.acp.content.faces;

/**
 * A position in an image, in pixels from its top-left corner; fractional, since the model's
 * positions are finer than the pixels of its small input once scaled back to the image.
 */
public record Point(double x, double y) {
    public Point {
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            throw new IllegalArgumentException("a point needs finite coordinates: " + x + ", " + y);
        }
    }
}
