package dev.acp.content.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class NearestClusterTest {
    private static ClusterItem item(String id, float... v) {
        return new ClusterItem(id, v);
    }

    private final List<ClusterItem> items = List.of(item("x1", 1, 0.1f, 0), item("y1", 0, 1, 0.1f),
            item("x2", 1, -0.1f, 0), item("y2", 0.1f, 1, 0), item("x3", 1, 0, 0.1f), item("y3", 0, 1, -0.1f));

    @Test
    void a_vector_falls_into_the_cluster_with_the_most_similar_centroid() {
        Clustering c = new ContentClusterer(ClusterOptions.DEFAULTS).kMeans(items, 2);
        NearestCluster nearest = NearestCluster.of(c, items);

        NearestCluster.Placement nearY = nearest.place(new float[] {0.2f, 0.9f, 0.3f});
        assertThat(nearY.cluster().members()).containsExactlyInAnyOrder("y1", "y2", "y3");
        NearestCluster.Placement nearX = nearest.place(new float[] {3, 0, 0});
        assertThat(nearX.cluster().members()).containsExactlyInAnyOrder("x1", "x2", "x3");
        // The x centroid is (1, 0, 1/30) normalised, so (1, 0, 0) has cosine 1/sqrt(1 + 1/900) with it.
        assertThat(nearX.similarity()).isCloseTo(1 / Math.sqrt(1 + 1 / 900.0), within(1e-5));
    }

    @Test
    void the_items_must_be_those_of_the_clustering() {
        Clustering c = new ContentClusterer(ClusterOptions.DEFAULTS).kMeans(items, 2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NearestCluster.of(c, items.subList(0, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 items, not 3");
    }
}
