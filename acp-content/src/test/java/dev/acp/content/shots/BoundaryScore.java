package dev.acp.content.shots;

import dev.acp.content.shots.TestVideos.Truth;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Matches detected shot starts with the boundaries a test video was made with: a detection of
 * the same transition type within {@code tolerance} frames counts once.
 *
 * @param expected boundaries of the kinds scored
 * @param detected detections of those kinds
 * @param hits detections that matched a boundary
 */
record BoundaryScore(int expected, int detected, int hits) {

    static BoundaryScore of(List<Truth> truths, List<Shot> shots, Predicate<Transition> kind, double tolerance) {
        List<Truth> wanted = truths.stream().filter(t -> kind.test(t.transition())).toList();
        List<Shot> unmatched = new ArrayList<>(shots.stream().filter(s -> kind.test(s.transition())).toList());
        int found = unmatched.size();
        int hits = 0;
        for (Truth t : wanted) {
            Shot match = unmatched.stream()
                    .filter(s -> s.transition() == t.transition() && Math.abs(s.startFrame() - t.frame()) <= tolerance)
                    .findFirst().orElse(null);
            if (match != null) {
                unmatched.remove(match);
                hits++;
            }
        }
        return new BoundaryScore(wanted.size(), found, hits);
    }

    BoundaryScore plus(BoundaryScore other) {
        return new BoundaryScore(expected + other.expected, detected + other.detected, hits + other.hits);
    }

    double precision() {
        return detected == 0 ? 1.0 : (double) hits / detected;
    }

    double recall() {
        return expected == 0 ? 1.0 : (double) hits / expected;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "precision %.3f (%d/%d), recall %.3f (%d/%d)", precision(), hits,
                detected, recall(), hits, expected);
    }
}
