package dev.acp.content.faces;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Weighted non-maximum suppression, as MediaPipe's face graph does it: the best remaining box and
 * every box overlapping it by more than {@link #IOU_THRESHOLD} (intersection over union) are
 * merged into one face whose box and landmarks are their score-weighted mean and whose score is
 * the best one. Averaging the neighbours of a face, rather than keeping only the best anchor,
 * steadies the box between similar frames.
 */
final class WeightedNms {
    /** MediaPipe's {@code min_suppression_threshold} for faces. */
    static final double IOU_THRESHOLD = 0.3;

    private WeightedNms() {}

    /** One face per group of overlapping detections, best first. */
    static List<Face> merge(List<Face> detections) {
        List<Face> remaining = new ArrayList<>(detections);
        remaining.sort(Comparator.comparingDouble(Face::confidence).reversed());
        List<Face> faces = new ArrayList<>();
        while (!remaining.isEmpty()) {
            Face best = remaining.getFirst();
            List<Face> group = new ArrayList<>();
            List<Face> rest = new ArrayList<>();
            for (Face f : remaining) {
                (f == best || best.box().iou(f.box()) > IOU_THRESHOLD ? group : rest).add(f);
            }
            faces.add(weightedMean(group, best.confidence()));
            remaining = rest;
        }
        return faces;
    }

    private static Face weightedMean(List<Face> group, double confidence) {
        if (group.size() == 1) {
            return group.getFirst(); // as it was, without the rounding of a mean of one
        }
        double total = 0;
        double x0 = 0;
        double y0 = 0;
        double x1 = 0;
        double y1 = 0;
        double[] px = new double[Landmarks.COUNT];
        double[] py = new double[Landmarks.COUNT];
        for (Face f : group) {
            double w = f.confidence();
            total += w;
            x0 += f.box().x() * w;
            y0 += f.box().y() * w;
            x1 += f.box().right() * w;
            y1 += f.box().bottom() * w;
            List<Point> points = f.landmarks().points();
            for (int k = 0; k < Landmarks.COUNT; k++) {
                px[k] += points.get(k).x() * w;
                py[k] += points.get(k).y() * w;
            }
        }
        List<Point> points = new ArrayList<>(Landmarks.COUNT);
        for (int k = 0; k < Landmarks.COUNT; k++) {
            points.add(new Point(px[k] / total, py[k] / total));
        }
        return new Face(Box.ofCorners(x0 / total, y0 / total, x1 / total, y1 / total), confidence,
                Landmarks.of(points));
    }
}
