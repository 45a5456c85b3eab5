package dev.acp.content.faces;

import java.util.ArrayList;
import java.util.List;

/**
 * What the short-range BlazeFace model's numbers mean, after MediaPipe's
 * {@code face_detection_short_range} graph: per anchor, a raw score (a logit) and 16 values, the
 * box centre offset and size followed by six (x, y) landmark offsets, all in pixels of the
 * 128 x 128 input and relative to the anchor centre. Scores are clipped to ±100 before the sigmoid,
 * as MediaPipe does, so that no logit overflows.
 */
final class BlazeFaceModel {
    /** Side of the square input in pixels. */
    static final int INPUT_SIZE = 128;
    /** Values per anchor: box (4) and six landmarks (12). */
    static final int VALUES_PER_ANCHOR = 16;
    /** The class-path location of the vendored model. */
    static final String RESOURCE = "dev/acp/content/faces/face_detection_front_128x128_barracuda.onnx";
    /** Name and version reported with results and checked by nothing else. */
    static final String ID = "blazeface-short-range (MediaPipe face_detection_front, 128x128, ONNX by keijiro 1.2.0)";

    private static final float SCORE_CLIP = 100f;

    private BlazeFaceModel() {}

    /**
     * The anchors whose score reaches {@code minScore}, decoded to faces in normalised input
     * coordinates (0..1 across the 128 x 128 input).
     *
     * @param logits one raw score per anchor
     * @param values {@link #VALUES_PER_ANCHOR} values per anchor
     */
    static List<Face> decode(Anchors anchors, float[] logits, float[] values, double minScore) {
        if (logits.length != anchors.size() || values.length != anchors.size() * VALUES_PER_ANCHOR) {
            throw new IllegalArgumentException("the model gave " + logits.length + " scores and " + values.length
                    + " values for " + anchors.size() + " anchors");
        }
        List<Face> faces = new ArrayList<>();
        for (int i = 0; i < anchors.size(); i++) {
            double score = sigmoid(Math.clamp(logits[i], -SCORE_CLIP, SCORE_CLIP));
            if (score < minScore) {
                continue;
            }
            int at = i * VALUES_PER_ANCHOR;
            double cx = anchors.x(i) + values[at] / INPUT_SIZE;
            double cy = anchors.y(i) + values[at + 1] / INPUT_SIZE;
            double w = Math.abs(values[at + 2]) / INPUT_SIZE;
            double h = Math.abs(values[at + 3]) / INPUT_SIZE;
            List<Point> points = new ArrayList<>(Landmarks.COUNT);
            for (int k = 0; k < Landmarks.COUNT; k++) {
                points.add(new Point(anchors.x(i) + values[at + 4 + 2 * k] / INPUT_SIZE,
                        anchors.y(i) + values[at + 5 + 2 * k] / INPUT_SIZE));
            }
            faces.add(new Face(new Box(cx - w / 2, cy - h / 2, w, h), score, Landmarks.of(points)));
        }
        return faces;
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
