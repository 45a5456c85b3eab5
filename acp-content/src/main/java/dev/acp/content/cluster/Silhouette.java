package dev.acp.content.cluster;

import java.util.Random;

/**
 * Silhouettes on cosine distance: for an item, {@code a} is its mean distance to the rest of its
 * cluster, {@code b} the least mean distance to another cluster, and its silhouette
 * {@code (b - a) / max(a, b)} (0 for the only member of a cluster). The pairwise distances of at
 * most {@value #MAX_SAMPLE} items (a seeded sample above that) are computed once, so scoring
 * many candidate clusterings of the same items, as choosing k does, costs little more than one.
 */
final class Silhouette {
    static final int MAX_SAMPLE = 1000;

    private final int[] sample;
    private final float[] distances;

    /** Prepares the distances of {@code x} (or of a sample of it drawn with {@code seed}). */
    Silhouette(float[][] x, long seed) {
        int n = x.length;
        int m = Math.min(n, MAX_SAMPLE);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (m < n) {
            Random random = new Random(seed);
            for (int i = 0; i < m; i++) {
                int j = i + random.nextInt(n - i);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        sample = java.util.Arrays.copyOf(order, m);
        distances = new float[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = i + 1; j < m; j++) {
                float dist = (float) Vectors.distance(x[sample[i]], x[sample[j]]);
                distances[i * m + j] = dist;
                distances[j * m + i] = dist;
            }
        }
    }

    /** Silhouettes of a clustering, by cluster. */
    record Scores(double mean, double[] perCluster) {}

    /**
     * Scores {@code assignments} (a cluster index per item of the original {@code x}, -1 for
     * noise, which is left out) over {@code k} clusters.
     */
    Scores score(int[] assignments, int k) {
        int m = sample.length;
        double[] clusterSum = new double[k];
        int[] clusterCount = new int[k];
        int[] sizes = new int[k];
        for (int idx : sample) {
            if (assignments[idx] >= 0) {
                sizes[assignments[idx]]++;
            }
        }
        double total = 0;
        int counted = 0;
        double[] sums = new double[k];
        for (int i = 0; i < m; i++) {
            int own = assignments[sample[i]];
            if (own < 0) {
                continue;
            }
            java.util.Arrays.fill(sums, 0);
            int row = i * m;
            for (int j = 0; j < m; j++) {
                int c = assignments[sample[j]];
                if (c >= 0) {
                    sums[c] += distances[row + j];
                }
            }
            double s;
            if (sizes[own] <= 1) {
                s = 0;
            } else {
                double a = sums[own] / (sizes[own] - 1);
                double b = Double.POSITIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    if (c != own && sizes[c] > 0) {
                        b = Math.min(b, sums[c] / sizes[c]);
                    }
                }
                s = Double.isInfinite(b) ? 0 : (b - a) / Math.max(a, b);
                if (Double.isNaN(s)) {
                    s = 0;
                }
            }
            clusterSum[own] += s;
            clusterCount[own]++;
            total += s;
            counted++;
        }
        double[] per = new double[k];
        for (int c = 0; c < k; c++) {
            per[c] = clusterCount[c] == 0 ? 0 : clusterSum[c] / clusterCount[c];
        }
        return new Scores(counted == 0 ? 0 : total / counted, per);
    }
}
