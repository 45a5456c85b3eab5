package dev.acp.content.cluster;

import java.util.Random;

/**
 * Spherical k-means: k-means on the unit sphere, where an item joins the centroid of highest
 * cosine similarity and a centroid is its members' normalised mean (Dhillon and Modha). Seeded
 * by k-means++ on cosine distance (each next seed drawn with probability proportional to its
 * squared distance from the nearest seed so far), restarted {@code restarts} times, keeping the
 * run with the least total cosine distance. Deterministic for a given seed.
 */
final class SphericalKMeans {
    /** One run's outcome. */
    record Result(int[] assignments, float[][] centroids, double cost) {}

    private final int restarts;
    private final int maxIterations;
    private final long seed;

    SphericalKMeans(int restarts, int maxIterations, long seed) {
        if (restarts < 1 || maxIterations < 1) {
            throw new IllegalArgumentException("restarts and maxIterations must be at least 1");
        }
        this.restarts = restarts;
        this.maxIterations = maxIterations;
        this.seed = seed;
    }

    Result cluster(float[][] x, int k) {
        if (k < 1 || k > x.length) {
            throw new IllegalArgumentException("k must be between 1 and the number of items (" + x.length + "): " + k);
        }
        Random random = new Random(seed);
        Result best = null;
        for (int r = 0; r < restarts; r++) {
            Result run = once(x, k, random);
            if (best == null || run.cost() < best.cost()) {
                best = run;
            }
        }
        return best;
    }

    private Result once(float[][] x, int k, Random random) {
        int n = x.length;
        int d = x[0].length;
        float[][] centroids = seeds(x, k, random);
        int[] assign = new int[n];
        java.util.Arrays.fill(assign, -1);
        double[] similarity = new double[n];
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int bestC = 0;
                double bestS = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    double s = Vectors.dot(x[i], centroids[c]);
                    if (s > bestS) {
                        bestS = s;
                        bestC = c;
                    }
                }
                similarity[i] = bestS;
                if (assign[i] != bestC) {
                    assign[i] = bestC;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
            double[][] sums = new double[k][d];
            int[] counts = new int[k];
            for (int i = 0; i < n; i++) {
                double[] sum = sums[assign[i]];
                float[] v = x[i];
                for (int j = 0; j < d; j++) {
                    sum[j] += v[j];
                }
                counts[assign[i]]++;
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] == 0) {
                    // An empty cluster takes the item its centroid fits worst, so k stays k.
                    int worst = 0;
                    for (int i = 1; i < n; i++) {
                        if (similarity[i] < similarity[worst]) {
                            worst = i;
                        }
                    }
                    centroids[c] = x[worst].clone();
                    similarity[worst] = 1;
                } else {
                    centroids[c] = Vectors.normalise(sums[c]);
                }
            }
        }
        double cost = 0;
        for (int i = 0; i < n; i++) {
            cost += Vectors.distance(x[i], centroids[assign[i]]);
        }
        return new Result(assign, centroids, cost);
    }

    private static float[][] seeds(float[][] x, int k, Random random) {
        int n = x.length;
        float[][] seeds = new float[k][];
        seeds[0] = x[random.nextInt(n)].clone();
        double[] nearest = new double[n];
        java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                double dist = Vectors.distance(x[i], seeds[c - 1]);
                nearest[i] = Math.min(nearest[i], dist * dist);
                total += nearest[i];
            }
            int pick;
            if (total <= 0) {
                pick = random.nextInt(n);
            } else {
                double target = random.nextDouble() * total;
                pick = n - 1;
                for (int i = 0; i < n; i++) {
                    target -= nearest[i];
                    if (target < 0) {
                        pick = i;
                        break;
                    }
                }
            }
            seeds[c] = x[pick].clone();
        }
        return seeds;
    }
}
