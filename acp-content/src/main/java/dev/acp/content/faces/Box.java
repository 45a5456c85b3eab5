package dev.acp.content.faces;

/**
 * An axis-aligned rectangle in pixels: its top-left corner and its size.
 *
 * @param x left edge
 * @param y top edge
 * @param width at least 0
 * @param height at least 0
 */
public record Box(double x, double y, double width, double height) {
    public Box {
        if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(width) || !Double.isFinite(height)
                || width < 0 || height < 0) {
            throw new IllegalArgumentException("a box needs finite coordinates and a size of at least 0: "
                    + x + ", " + y + ", " + width + " x " + height);
        }
    }

    /** The box spanning {@code (x0, y0)} to {@code (x1, y1)}; an inverted span gives an empty box. */
    public static Box ofCorners(double x0, double y0, double x1, double y1) {
        return new Box(x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0));
    }

    public double right() {
        return x + width;
    }

    public double bottom() {
        return y + height;
    }

    public double area() {
        return width * height;
    }

    public Point center() {
        return new Point(x + width / 2, y + height / 2);
    }

    /** The area both boxes cover. */
    public double intersection(Box other) {
        double w = Math.min(right(), other.right()) - Math.max(x, other.x);
        double h = Math.min(bottom(), other.bottom()) - Math.max(y, other.y);
        return w <= 0 || h <= 0 ? 0 : w * h;
    }

    /** Intersection over union, from 0 (disjoint, or both empty) to 1 (the same box). */
    public double iou(Box other) {
        double inter = intersection(other);
        double union = area() + other.area() - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /** This box cut to the rectangle {@code (0, 0)}–{@code (width, height)}. */
    public Box clip(double width, double height) {
        return ofCorners(Math.clamp(x, 0, width), Math.clamp(y, 0, height),
                Math.clamp(right(), 0, width), Math.clamp(bottom(), 0, height));
    }
}
