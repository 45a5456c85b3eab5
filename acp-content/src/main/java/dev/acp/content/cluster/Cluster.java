package dev.acp.content.cluster;

import java.util.List;
import java.util.Objects;

/**
 * One cluster.
 *
 * @param index 0-based, largest cluster first
 * @param label the id of the member nearest the centroid (highest cosine similarity)
 * @param members the members' ids, nearest the centroid first
 * @param silhouette the members' mean silhouette, -1..1 (see {@link Clustering})
 */
public record Cluster(int index, String label, List<String> members, double silhouette) {
    public Cluster {
        Objects.requireNonNull(label, "label");
        members = List.copyOf(members);
    }
}
