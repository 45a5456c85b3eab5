package dev.acp.content.process;

import dev.acp.content.cluster.Clustering;
import dev.acp.content.cluster.NearestCluster;
import dev.acp.content.index.SearchHit;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a processed file falls in an index.
 *
 * @param index the index folder
 * @param items how many items the index holds
 * @param clustering the index's items clustered as {@code acp content cluster} does by default,
 *     or null when the index holds too few items to cluster
 * @param cluster the cluster whose centre is nearest the file, or null with {@code clustering}
 * @param labelMetadata the metadata of the item that names that cluster (empty without one)
 * @param neighbours the index's items nearest the file, best first
 */
public record IndexPlacement(Path index, long items, @Nullable Clustering clustering,
        NearestCluster.@Nullable Placement cluster, Map<String, Object> labelMetadata, List<SearchHit> neighbours) {
    public IndexPlacement {
        Objects.requireNonNull(index, "index");
        labelMetadata = Collections.unmodifiableMap(new LinkedHashMap<>(labelMetadata));
        neighbours = List.copyOf(neighbours);
    }
}
