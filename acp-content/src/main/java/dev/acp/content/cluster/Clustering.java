package dev.acp.content.cluster;

import java.util.List;
import java.util.Objects;

/**
 * The result of clustering.
 *
 * @param method {@code kmeans} or {@code density}
 * @param clusters the clusters, largest first
 * @param noise ids a density clustering left out of every cluster (always empty for k-means)
 * @param silhouette mean silhouette over the clustered items (cosine distance), -1..1: near 1
 *     well separated, near 0 overlapping; computed on at most {@value Silhouette#MAX_SAMPLE}
 *     items, a seeded sample when there are more
 * @param assignments for each input item in order, its cluster's index, or -1 for noise
 */
public record Clustering(String method, List<Cluster> clusters, List<String> noise, double silhouette,
        int[] assignments) {
    public Clustering {
        Objects.requireNonNull(method, "method");
        clusters = List.copyOf(clusters);
        noise = List.copyOf(noise);
        assignments = assignments.clone();
    }

    /** The number of clusters. */
    public int k() {
        return clusters.size();
    }

    @Override
    public int[] assignments() {
        return assignments.clone();
    }
}
