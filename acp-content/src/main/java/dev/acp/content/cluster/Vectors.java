package dev.acp.content.cluster;

/** Dot products of unit vectors: their cosine similarity. */
final class Vectors {
    private Vectors() {}

    static double dot(float[] a, float[] b) {
        // Four independent sums let the CPU overlap the additions (a single chain waits on each
        // one); float sums of 384 unit-vector products lose nothing that matters to clustering.
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int n = a.length;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += a[i] * b[i];
        }
        return (double) s0 + s1 + s2 + s3;
    }

    /** Cosine distance of unit vectors, 0 (same direction) .. 2 (opposite). */
    static double distance(float[] a, float[] b) {
        return Math.max(0, 1 - dot(a, b));
    }

    /** {@code v} scaled to unit length; {@code v} itself when it is zero. */
    static float[] normalise(double[] v) {
        double sq = 0;
        for (double x : v) {
            sq += x * x;
        }
        float[] out = new float[v.length];
        double norm = sq > 0 ? Math.sqrt(sq) : 1;
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }
}
