package dev.acp.content.cluster;

import java.util.HashMap;
import java.util.Map;

/**
 * The adjusted Rand index of two labellings of the same items (Hubert and Arabie, 1985): the
 * share of item pairs both put together or both put apart, corrected for chance; 1 for identical
 * partitions (whatever the label names), about 0 for random ones. Used to check clusterings
 * against known topics.
 */
public final class AdjustedRandIndex {
    private AdjustedRandIndex() {}

    public static double of(int[] truth, int[] predicted) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException("labellings differ in length: " + truth.length + " and " + predicted.length);
        }
        if (truth.length < 2) {
            return 1; // no pairs to disagree on
        }
        Map<Long, Integer> table = new HashMap<>();
        Map<Integer, Integer> rows = new HashMap<>();
        Map<Integer, Integer> columns = new HashMap<>();
        for (int i = 0; i < truth.length; i++) {
            table.merge(((long) truth[i] << 32) ^ (predicted[i] & 0xFFFFFFFFL), 1, Integer::sum);
            rows.merge(truth[i], 1, Integer::sum);
            columns.merge(predicted[i], 1, Integer::sum);
        }
        double index = table.values().stream().mapToDouble(AdjustedRandIndex::pairs).sum();
        double a = rows.values().stream().mapToDouble(AdjustedRandIndex::pairs).sum();
        double b = columns.values().stream().mapToDouble(AdjustedRandIndex::pairs).sum();
        double expected = a * b / pairs(truth.length);
        double max = (a + b) / 2;
        return max == expected ? 1 : (index - expected) / (max - expected);
    }

    private static double pairs(int n) {
        return n * (n - 1) / 2.0;
    }
}
