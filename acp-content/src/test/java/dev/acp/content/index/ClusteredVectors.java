package dev.acp.content.index;

import java.util.SplittableRandom;

/**
 * Unit vectors in clusters the way sentence embeddings of topics lie: each cluster is a random
 * centre plus variation along a few directions of its own (a topic's items differ in a handful of
 * ways, not in all 384 at once), plus a little noise in every direction. Isotropic noise alone
 * would make every cluster a ball of random high-dimensional points, whose nearest neighbours no
 * index finds cheaply and which real embeddings do not resemble.
 */
final class ClusteredVectors {
    /** Directions of variation per cluster. */
    static final int SUBSPACE = 12;

    private ClusteredVectors() {}

    static float[][] generate(int n, int dims, int clusters, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = new float[clusters][];
        float[][][] bases = new float[clusters][SUBSPACE][];
        for (int c = 0; c < clusters; c++) {
            centres[c] = unit(gaussian(random, dims));
            for (int b = 0; b < SUBSPACE; b++) {
                bases[c][b] = unit(gaussian(random, dims));
            }
        }
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            int c = random.nextInt(clusters);
            float[] v = centres[c].clone();
            for (int b = 0; b < SUBSPACE; b++) {
                float w = (float) (0.35 * normal(random));
                for (int d = 0; d < dims; d++) {
                    v[d] += w * bases[c][b][d];
                }
            }
            float noise = (float) (0.1 / Math.sqrt(dims));
            for (int d = 0; d < dims; d++) {
                v[d] += (float) (noise * normal(random));
            }
            out[i] = unit(v);
        }
        return out;
    }

    private static float[] gaussian(SplittableRandom random, int dims) {
        float[] v = new float[dims];
        for (int d = 0; d < dims; d++) {
            v[d] = (float) normal(random);
        }
        return v;
    }

    /** A standard normal value (Box-Muller), reproducible from the seed on any JDK. */
    private static double normal(SplittableRandom random) {
        double u1 = 1 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    static float[] unit(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        float k = (float) (1 / Math.sqrt(s));
        for (int i = 0; i < v.length; i++) {
            v[i] *= k;
        }
        return v;
    }

    static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
