package dev.acp.content.cluster;

import dev.acp.error.UsageException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Clusters items by the direction of their vectors: spherical k-means++ for a given k or for the
 * k of best silhouette in a range, or DBSCAN on cosine distance for small sets (see the module
 * README, Clustering). Each cluster is labelled by its member nearest the centroid.
 *
 * <p>Stateless and thread-safe.
 */
public final class ContentClusterer {
    /** Density clustering compares every pair; above this many items it would take minutes. */
    public static final int DENSITY_MAX_ITEMS = 5000;
    /** The largest k {@link #autoK(List)} tries: more clusters than this are rarely read by anyone. */
    public static final int MAX_AUTO_K = 20;

    private final ClusterOptions options;

    public ContentClusterer(ClusterOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The result of choosing k: the best clustering and the mean silhouette of every k tried. */
    public record AutoK(Clustering clustering, SortedMap<Integer, Double> silhouetteByK) {
        public AutoK {
            silhouetteByK = Collections.unmodifiableSortedMap(new TreeMap<>(silhouetteByK));
        }
    }

    /** Spherical k-means++ into {@code k} clusters. */
    public Clustering kMeans(List<ClusterItem> items, int k) {
        float[][] x = vectors(items);
        if (k < 1 || k > x.length) {
            throw new UsageException("k must be between 1 and the number of items (" + x.length + "), not " + k
                    + "; pass a smaller --k or use --auto");
        }
        SphericalKMeans.Result r = new SphericalKMeans(options.restarts(), options.maxIterations(), options.seed())
                .cluster(x, k);
        return build("kmeans", items, x, r.assignments(), k, new Silhouette(x, options.seed()));
    }

    /**
     * {@link #autoK(List, int, int)} from 2 to {@value #MAX_AUTO_K} clusters (fewer than the items):
     * what {@code acp content cluster} does unless told k, so that the same index gives the same
     * clusters wherever they are asked for.
     */
    public AutoK autoK(List<ClusterItem> items) {
        return autoK(items, 2, Math.min(MAX_AUTO_K, items.size() - 1));
    }

    /**
     * Spherical k-means++ for every k in {@code minK..maxK} (at most the number of items less
     * one), keeping the k of highest mean silhouette.
     */
    public AutoK autoK(List<ClusterItem> items, int minK, int maxK) {
        float[][] x = vectors(items);
        int top = Math.min(maxK, x.length - 1);
        if (minK < 2 || top < minK) {
            throw new UsageException("choosing k needs a range from 2 up, below the number of items (" + x.length
                    + "), not " + minK + ".." + maxK + "; widen the range or add items");
        }
        SphericalKMeans kMeans = new SphericalKMeans(options.restarts(), options.maxIterations(), options.seed());
        Silhouette silhouette = new Silhouette(x, options.seed());
        SortedMap<Integer, Double> byK = new TreeMap<>();
        int[] best = null;
        int bestK = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int k = minK; k <= top; k++) {
            int[] assignments = kMeans.cluster(x, k).assignments();
            double score = silhouette.score(assignments, k).mean();
            byK.put(k, score);
            if (score > bestScore) {
                bestScore = score;
                best = assignments;
                bestK = k;
            }
        }
        return new AutoK(build("kmeans", items, x, best, bestK, silhouette), byK);
    }

    /**
     * DBSCAN on cosine distance.
     *
     * @param eps neighbourhood radius in cosine distance (0..2); empty to take the knee of the
     *     {@code minPoints}-nearest-neighbour distances
     * @param minPoints items (itself included) within {@code eps} that make an item a core
     */
    public Clustering density(List<ClusterItem> items, OptionalDouble eps, int minPoints) {
        if (items.size() > DENSITY_MAX_ITEMS) {
            throw new UsageException("density clustering compares every pair of items and is limited to "
                    + DENSITY_MAX_ITEMS + " items, not " + items.size() + "; use k-means (--k N or --auto) instead");
        }
        if (minPoints < 1) {
            throw new UsageException("the minimum number of points must be at least 1, not " + minPoints);
        }
        float[][] x = vectors(items);
        double radius = eps.isPresent() ? eps.getAsDouble() : Dbscan.kneeRadius(x, minPoints);
        if (!(radius > 0 && radius <= 2)) {
            throw new UsageException("the radius must be a cosine distance above 0 and at most 2, not " + radius);
        }
        int[] labels = Dbscan.cluster(x, radius, minPoints);
        int k = 0;
        for (int l : labels) {
            k = Math.max(k, l + 1);
        }
        return build("density", items, x, labels, k, new Silhouette(x, options.seed()));
    }

    private static float[][] vectors(List<ClusterItem> items) {
        if (items.isEmpty()) {
            throw new UsageException("there are no items to cluster; add items to the index first");
        }
        float[][] x = new float[items.size()][];
        int d = items.getFirst().vector().length;
        for (int i = 0; i < x.length; i++) {
            ClusterItem item = items.get(i);
            if (item.vector().length != d) {
                throw new UsageException("item " + item.id() + " has " + item.vector().length + " dimensions where "
                        + items.getFirst().id() + " has " + d + "; cluster vectors of one embedding model only");
            }
            x[i] = item.vector();
        }
        return x;
    }

    /** Clusters sorted largest first, members nearest the centroid first, with silhouettes. */
    private static Clustering build(String method, List<ClusterItem> items, float[][] x, int[] labels, int k,
            Silhouette silhouette) {
        Silhouette.Scores scores = silhouette.score(labels, k);
        List<List<Integer>> members = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            members.add(new ArrayList<>());
        }
        List<String> noise = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                noise.add(items.get(i).id());
            } else {
                members.get(labels[i]).add(i);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            if (!members.get(c).isEmpty()) {
                order.add(c);
            }
        }
        order.sort(Comparator.comparingInt((Integer c) -> -members.get(c).size()).thenComparing(c -> c));
        int[] renumbered = new int[k];
        List<Cluster> clusters = new ArrayList<>();
        for (int rank = 0; rank < order.size(); rank++) {
            int c = order.get(rank);
            renumbered[c] = rank;
            List<Integer> m = members.get(c);
            double[] sum = new double[x[0].length];
            for (int i : m) {
                for (int j = 0; j < sum.length; j++) {
                    sum[j] += x[i][j];
                }
            }
            float[] centroid = Vectors.normalise(sum);
            List<Integer> nearestFirst = new ArrayList<>(m);
            nearestFirst.sort(Comparator.comparingDouble((Integer i) -> -Vectors.dot(x[i], centroid)));
            clusters.add(new Cluster(rank, items.get(nearestFirst.getFirst()).id(),
                    nearestFirst.stream().map(i -> items.get(i).id()).toList(), scores.perCluster()[c]));
        }
        int[] assignments = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            assignments[i] = labels[i] < 0 ? -1 : renumbered[labels[i]];
        }
        return new Clustering(method, clusters, noise, scores.mean(), assignments);
    }
}
