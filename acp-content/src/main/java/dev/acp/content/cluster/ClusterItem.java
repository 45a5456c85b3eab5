package dev.acp.content.cluster;

import java.util.Map;
import java.util.Objects;

/**
 * One thing to cluster.
 *
 * @param id the item's identifier, reported in clusters
 * @param vector its embedding; normalised to unit length on construction (cosine similarity is
 *     then a dot product)
 * @param metadata any fields kept alongside, untouched by clustering
 */
public record ClusterItem(String id, float[] vector, Map<String, String> metadata) {
    public ClusterItem {
        Objects.requireNonNull(id, "id");
        metadata = Map.copyOf(metadata);
        vector = normalised(id, vector);
    }

    public ClusterItem(String id, float[] vector) {
        this(id, vector, Map.of());
    }

    private static float[] normalised(String id, float[] v) {
        double sq = 0;
        for (float x : v) {
            sq += (double) x * x;
        }
        if (!(sq > 0) || Double.isInfinite(sq)) {
            throw new IllegalArgumentException("item " + id + " has a zero or non-finite vector; it cannot be clustered"
                    + " by direction (re-embed it, or leave it out)");
        }
        double norm = Math.sqrt(sq);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }
}
