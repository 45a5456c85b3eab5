package dev.acp.content.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Labelled test vectors: random unit topic directions, items at Gaussian noise around them. */
record Topics(List<ClusterItem> items, int[] labels) {
    /**
     * {@code topics * perTopic} items of {@code dimensions}; {@code noise} is the expected length
     * of the noise added to a unit topic direction (1.5: an item's cosine to its topic about 0.55,
     * to another item of its topic about 0.3, to other topics about 0).
     */
    static Topics generate(int topics, int perTopic, int dimensions, double noise, long seed) {
        Random random = new Random(seed);
        double[][] centres = new double[topics][dimensions];
        for (double[] c : centres) {
            for (int j = 0; j < dimensions; j++) {
                c[j] = random.nextGaussian();
            }
            normalise(c);
        }
        List<ClusterItem> items = new ArrayList<>();
        int[] labels = new int[topics * perTopic];
        double perDimension = noise / Math.sqrt(dimensions);
        for (int i = 0; i < topics * perTopic; i++) {
            int t = i % topics;
            float[] v = new float[dimensions];
            for (int j = 0; j < dimensions; j++) {
                v[j] = (float) (centres[t][j] + perDimension * random.nextGaussian());
            }
            labels[i] = t;
            items.add(new ClusterItem("item-" + i, v, Map.of("topic", "t" + t)));
        }
        return new Topics(items, labels);
    }

    private static void normalise(double[] v) {
        double sq = 0;
        for (double x : v) {
            sq += x * x;
        }
        double n = Math.sqrt(sq);
        for (int j = 0; j < v.length; j++) {
            v[j] /= n;
        }
    }
}
