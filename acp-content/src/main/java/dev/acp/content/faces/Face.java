package dev.acp.content.faces;

import java.util.Objects;

/**
 * A face found in an image.
 *
 * @param box the face's box in the image's pixels, cut to the image (a face at the edge has a
 *     box that ends there)
 * @param confidence the model's score for the box, from 0 to 1
 * @param landmarks the six key points, in the image's pixels; not cut to the image, since an ear
 *     may lie just outside it
 */
public record Face(Box box, double confidence, Landmarks landmarks) {
    public Face {
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(landmarks, "landmarks");
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("a confidence is between 0 and 1, not " + confidence);
        }
    }
}
