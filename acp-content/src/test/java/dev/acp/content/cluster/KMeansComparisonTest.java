package dev.acp.content.cluster;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.clustering.MultiKMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.JDKRandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Why the hand-written spherical k-means and not commons-math3's: both on the same labelled
 * topics, timed and scored by adjusted Rand index. A measurement, not a check, so it runs only
 * on request: {@code ./mvnw -o -pl acp-content -am test -Dtest=KMeansComparisonTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dacp.cluster.compare=true}.
 */
@EnabledIfSystemProperty(named = "acp.cluster.compare", matches = "true")
class KMeansComparisonTest {
    private static final int REPEATS = 3;

    @Test
    void compare() {
        for (double noise : new double[] {1.5, 2.5}) {
            Topics topics = Topics.generate(20, 250, 384, noise, 11);
            float[][] x = topics.items().stream().map(ClusterItem::vector).toArray(float[][]::new);
            for (int restarts : new int[] {1, 5}) {
                report("spherical (acp)", noise, restarts, topics, () -> new SphericalKMeans(restarts, 100, 42)
                        .cluster(x, 20).assignments());
                report("commons-math3 3.6.1", noise, restarts, topics, () -> commons(x, 20, restarts));
            }
        }
    }

    private static void report(String name, double noise, int restarts, Topics topics,
            java.util.function.Supplier<int[]> run) {
        run.get(); // warm-up
        long best = Long.MAX_VALUE;
        double ari = 0;
        for (int i = 0; i < REPEATS; i++) {
            long t = System.nanoTime();
            int[] labels = run.get();
            best = Math.min(best, System.nanoTime() - t);
            ari = AdjustedRandIndex.of(topics.labels(), labels);
        }
        System.out.printf("%-20s noise %.1f restarts %d: %6.0f ms (best of %d), ARI %.3f%n", name, noise, restarts,
                best / 1e6, REPEATS, ari);
    }

    private static int[] commons(float[][] x, int k, int restarts) {
        List<DoublePoint> points = new ArrayList<>();
        for (float[] v : x) {
            double[] d = new double[v.length];
            for (int j = 0; j < v.length; j++) {
                d[j] = v[j];
            }
            points.add(new DoublePoint(d));
        }
        KMeansPlusPlusClusterer<DoublePoint> one =
                new KMeansPlusPlusClusterer<>(k, 100, new EuclideanDistance(), new JDKRandomGenerator(42));
        List<CentroidCluster<DoublePoint>> clusters = restarts == 1 ? one.cluster(points)
                : new MultiKMeansPlusPlusClusterer<>(one, restarts).cluster(points);
        Map<DoublePoint, Integer> label = new IdentityHashMap<>();
        for (int c = 0; c < clusters.size(); c++) {
            for (DoublePoint p : clusters.get(c).getPoints()) {
                label.put(p, c);
            }
        }
        return points.stream().mapToInt(label::get).toArray();
    }
}
