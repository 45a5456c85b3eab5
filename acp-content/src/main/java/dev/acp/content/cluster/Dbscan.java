package dev.acp.content.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DBSCAN (Ester et al.) on cosine distance with brute-force neighbours: an item with at least
 * {@code minPoints} items (itself included) within {@code eps} is a core item; clusters are the
 * core items reachable from each other through cores, plus the non-core items within
 * {@code eps} of one (border items); the rest is noise. Finds clusters of any shape and any
 * number without k, but compares every pair, so it is for small sets only.
 */
final class Dbscan {
    static final int NOISE = -1;

    private Dbscan() {}

    /** A cluster index per item, {@link #NOISE} for noise; clusters numbered in discovery order. */
    static int[] cluster(float[][] x, double eps, int minPoints) {
        int n = x.length;
        List<int[]> neighbours = neighbours(x, eps);
        int[] label = new int[n];
        Arrays.fill(label, Integer.MIN_VALUE);
        int next = 0;
        for (int i = 0; i < n; i++) {
            if (label[i] != Integer.MIN_VALUE) {
                continue;
            }
            if (neighbours.get(i).length < minPoints) {
                label[i] = NOISE;
                continue;
            }
            int c = next++;
            label[i] = c;
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            for (int j : neighbours.get(i)) {
                queue.add(j);
            }
            while (!queue.isEmpty()) {
                int j = queue.poll();
                if (label[j] == NOISE) {
                    label[j] = c; // a border item first taken for noise
                }
                if (label[j] != Integer.MIN_VALUE) {
                    continue;
                }
                label[j] = c;
                if (neighbours.get(j).length >= minPoints) {
                    for (int q : neighbours.get(j)) {
                        queue.add(q);
                    }
                }
            }
        }
        return label;
    }

    /**
     * A radius from the data: the knee of the sorted distances of each item to its
     * {@code minPoints}-th nearest neighbour (the point farthest from the chord joining the
     * smallest and largest), the usual way of reading DBSCAN's k-distance plot.
     */
    static double kneeRadius(float[][] x, int minPoints) {
        int n = x.length;
        double[] kth = new double[n];
        double[] row = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                row[j] = Vectors.distance(x[i], x[j]);
            }
            Arrays.sort(row);
            kth[i] = row[Math.min(n - 1, minPoints - 1)];
        }
        Arrays.sort(kth);
        double y0 = kth[0], y1 = kth[n - 1];
        if (n < 3 || y1 - y0 <= 0) {
            return Math.max(y1, 1e-6);
        }
        int knee = 0;
        double best = -1;
        for (int i = 0; i < n; i++) {
            // Distance (up to a constant factor) from (i, kth[i]) to the chord, both axes scaled to 0..1.
            double t = (double) i / (n - 1);
            double y = (kth[i] - y0) / (y1 - y0);
            double gap = t - y;
            if (gap > best) {
                best = gap;
                knee = i;
            }
        }
        return kth[knee];
    }

    private static List<int[]> neighbours(float[][] x, double eps) {
        int n = x.length;
        List<int[]> out = new ArrayList<>(n);
        int[] buffer = new int[n];
        for (int i = 0; i < n; i++) {
            int count = 0;
            for (int j = 0; j < n; j++) {
                if (Vectors.distance(x[i], x[j]) <= eps) {
                    buffer[count++] = j;
                }
            }
            out.add(Arrays.copyOf(buffer, count));
        }
        return out;
    }
}
