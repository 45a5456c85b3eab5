package dev.acp.content.cluster;

import java.util.List;
import java.util.Objects;

/**
 * Which cluster of a finished clustering a new vector falls into: the one whose centroid (the
 * normalised mean of its members, as k-means defines it) is most similar. The clustering itself
 * is left as it is; the new vector does not move any centroid.
 */
public final class NearestCluster {
    private final Clustering clustering;
    private final float[][] centroids;

    private NearestCluster(Clustering clustering, float[][] centroids) {
        this.clustering = clustering;
        this.centroids = centroids;
    }

    /**
     * A cluster and how near its centre a vector is.
     *
     * @param cluster the cluster
     * @param similarity the cosine similarity of the vector to the cluster's centroid, -1..1
     */
    public record Placement(Cluster cluster, double similarity) {
        public Placement {
            Objects.requireNonNull(cluster, "cluster");
        }
    }

    /**
     * The centroids of {@code clustering}, which was made from {@code items} in this order.
     *
     * @throws IllegalArgumentException when the items are not the clustering's
     */
    public static NearestCluster of(Clustering clustering, List<ClusterItem> items) {
        int[] assignments = clustering.assignments();
        if (assignments.length != items.size()) {
            throw new IllegalArgumentException("the clustering has " + assignments.length + " items, not "
                    + items.size());
        }
        int dimensions = items.isEmpty() ? 0 : items.getFirst().vector().length;
        double[][] sums = new double[clustering.k()][dimensions];
        for (int i = 0; i < assignments.length; i++) {
            if (assignments[i] >= 0) {
                float[] v = items.get(i).vector();
                for (int d = 0; d < dimensions; d++) {
                    sums[assignments[i]][d] += v[d];
                }
            }
        }
        float[][] centroids = new float[sums.length][];
        for (int c = 0; c < sums.length; c++) {
            centroids[c] = Vectors.normalise(sums[c]);
        }
        return new NearestCluster(clustering, centroids);
    }

    /** The cluster whose centroid is most similar to {@code vector} (the first of equals). */
    public Placement place(float[] vector) {
        if (centroids.length == 0) {
            throw new IllegalStateException("the clustering has no clusters");
        }
        float[] unit = new ClusterItem("query", vector).vector();
        if (unit.length != centroids[0].length) {
            throw new IllegalArgumentException("the vector has " + unit.length + " dimensions; the clusters have "
                    + centroids[0].length);
        }
        int best = 0;
        double bestSimilarity = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < centroids.length; c++) {
            double s = Vectors.dot(unit, centroids[c]);
            if (s > bestSimilarity) {
                bestSimilarity = s;
                best = c;
            }
        }
        return new Placement(clustering.clusters().get(best), bestSimilarity);
    }
}
