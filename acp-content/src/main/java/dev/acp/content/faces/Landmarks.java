package dev.acp.content.faces;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The six key points BlazeFace places on a face, in the model's order. "Right" and "left" are the
 * person's own: on a face looking at the camera the right eye is the one on the image's left.
 *
 * @param rightEye centre of the right eye
 * @param leftEye centre of the left eye
 * @param noseTip tip of the nose
 * @param mouth centre of the mouth
 * @param rightEarTragion the right ear's tragion (where the ear meets the head, level with the eye)
 * @param leftEarTragion the left ear's tragion
 */
public record Landmarks(
        Point rightEye, Point leftEye, Point noseTip, Point mouth, Point rightEarTragion, Point leftEarTragion) {

    /** How many points the model gives. */
    public static final int COUNT = 6;

    public Landmarks {
        Objects.requireNonNull(rightEye, "rightEye");
        Objects.requireNonNull(leftEye, "leftEye");
        Objects.requireNonNull(noseTip, "noseTip");
        Objects.requireNonNull(mouth, "mouth");
        Objects.requireNonNull(rightEarTragion, "rightEarTragion");
        Objects.requireNonNull(leftEarTragion, "leftEarTragion");
    }

    /** The points in the model's order: the inverse of {@link #of(List)}. */
    public List<Point> points() {
        return List.of(rightEye, leftEye, noseTip, mouth, rightEarTragion, leftEarTragion);
    }

    /** Landmarks from {@link #COUNT} points in the model's order. */
    public static Landmarks of(List<Point> points) {
        if (points.size() != COUNT) {
            throw new IllegalArgumentException("BlazeFace gives " + COUNT + " landmarks, not " + points.size());
        }
        return new Landmarks(points.get(0), points.get(1), points.get(2), points.get(3), points.get(4), points.get(5));
    }

    /** Every point moved by {@code move}. */
    public Landmarks map(UnaryOperator<Point> move) {
        return of(points().stream().map(move).toList());
    }
}
