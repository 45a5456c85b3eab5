package dev.acp.content.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.error.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ContentClustererTest {
    private final ContentClusterer clusterer = new ContentClusterer(ClusterOptions.DEFAULTS);

    @Test
    void should_recover_20_labelled_topics_of_2000_items_with_an_adjusted_rand_index_of_at_least_0_8() {
        Topics topics = Topics.generate(20, 100, 384, 1.5, 1);

        Clustering c = clusterer.kMeans(topics.items(), 20);

        double ari = AdjustedRandIndex.of(topics.labels(), c.assignments());
        System.out.printf("k-means, 20 topics x 100 items x 384 dimensions: ARI %.3f, silhouette %.3f%n", ari,
                c.silhouette());
        assertThat(ari).isGreaterThanOrEqualTo(0.8);
        assertThat(c.k()).isEqualTo(20);
        assertThat(c.clusters()).allSatisfy(cluster -> assertThat(cluster.members()).first().isEqualTo(cluster.label()));
        assertThat(c.clusters().stream().mapToInt(cl -> cl.members().size()).sum()).isEqualTo(2000);
        assertThat(c.silhouette()).isPositive();
    }

    @Test
    void should_choose_the_right_k_by_silhouette_on_well_separated_topics() {
        Topics topics = Topics.generate(6, 50, 64, 0.8, 2);

        ContentClusterer.AutoK auto = clusterer.autoK(topics.items(), 2, 12);

        assertThat(auto.clustering().k()).isEqualTo(6);
        assertThat(auto.silhouetteByK()).containsKeys(2, 6, 12);
        assertThat(AdjustedRandIndex.of(topics.labels(), auto.clustering().assignments())).isGreaterThan(0.95);
    }

    @Test
    void should_find_small_dense_topics_and_leave_outliers_as_noise_with_the_density_option() {
        Topics topics = Topics.generate(5, 40, 64, 0.8, 3);
        List<ClusterItem> items = new ArrayList<>(topics.items());
        java.util.Random random = new java.util.Random(9);
        for (int i = 0; i < 5; i++) {
            float[] v = new float[64];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) random.nextGaussian();
            }
            items.add(new ClusterItem("outlier-" + i, v, Map.of()));
        }

        Clustering c = clusterer.density(items, OptionalDouble.empty(), 5);

        assertThat(c.method()).isEqualTo("density");
        assertThat(c.k()).isEqualTo(5);
        assertThat(c.noise()).contains("outlier-0", "outlier-1", "outlier-2", "outlier-3", "outlier-4");
        int[] predicted = java.util.Arrays.copyOf(c.assignments(), 200);
        assertThat(AdjustedRandIndex.of(topics.labels(), predicted)).isGreaterThan(0.95);
    }

    @Test
    void should_refuse_density_clustering_above_its_limit_with_the_alternative() {
        List<ClusterItem> many = new ArrayList<>();
        for (int i = 0; i <= ContentClusterer.DENSITY_MAX_ITEMS; i++) {
            many.add(new ClusterItem("i" + i, new float[] {1, i}));
        }

        assertThatThrownBy(() -> clusterer.density(many, OptionalDouble.of(0.1), 5))
                .isInstanceOf(UsageException.class)
                .hasMessage("density clustering compares every pair of items and is limited to 5000 items, not 5001;"
                        + " use k-means (--k N or --auto) instead");
    }

    @Test
    void should_name_the_item_whose_vector_has_another_dimension() {
        List<ClusterItem> items = List.of(new ClusterItem("a", new float[] {1, 0}),
                new ClusterItem("b", new float[] {1, 0, 0}));

        assertThatThrownBy(() -> clusterer.kMeans(items, 1))
                .hasMessage("item b has 3 dimensions where a has 2; cluster vectors of one embedding model only");
    }

    @Test
    void should_compute_the_adjusted_rand_index_of_known_partitions() {
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 1, 1}, new int[] {5, 5, 7, 7})).isEqualTo(1.0);
        // sklearn.metrics.adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) = 0.5714285714285715
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 2}))
                .isCloseTo(0.5714285714285715, org.assertj.core.api.Assertions.within(1e-12));
        // By hand: no pair together in both; 6 pairs together in truth, 3 in prediction, of 15:
        // expected 6 * 3 / 15 = 1.2, maximum (6 + 3) / 2 = 4.5, so (0 - 1.2) / (4.5 - 1.2) = -4/11.
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 0, 1, 1, 1}, new int[] {0, 1, 2, 0, 1, 2}))
                .isCloseTo(-4 / 11.0, org.assertj.core.api.Assertions.within(1e-12));
    }
}
