package dev.acp.content.cluster;

/**
 * How k-means runs.
 *
 * @param restarts k-means++ seedings tried per k, the best (least total cosine distance) kept
 * @param maxIterations assignment rounds per run at most (runs usually converge in 10-30)
 * @param seed for the seedings and the silhouette sample: the same seed gives the same clusters
 */
public record ClusterOptions(int restarts, int maxIterations, long seed) {
    public static final ClusterOptions DEFAULTS = new ClusterOptions(5, 100, 42);

    public ClusterOptions {
        if (restarts < 1 || maxIterations < 1) {
            throw new IllegalArgumentException("restarts and maxIterations must be at least 1");
        }
    }
}
