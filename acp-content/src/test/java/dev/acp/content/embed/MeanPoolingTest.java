package dev.acp.content.embed;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Mean pooling of a row of token vectors, without the model. */
class MeanPoolingTest {
    private static final int D = MiniLmEmbedder.DIMENSIONS;

    @Test
    void should_average_the_real_tokens_only_and_scale_to_length_one() {
        // Two real tokens, then a padding position whose values must not count.
        float[] row = new float[3 * D];
        row[0] = 1;
        row[1] = 3;
        row[D] = 3;
        row[D + 1] = 1;
        row[2 * D] = 1000;
        row[2 * D + 2] = -1000;

        float[] vector = MiniLmEmbedder.meanPoolAndNormalise(row, 2);

        float half = (float) Math.sqrt(0.5);
        assertThat(vector).hasSize(D);
        assertThat(vector[0]).isCloseTo(half, Offset.offset(1e-7f));
        assertThat(vector[1]).isCloseTo(half, Offset.offset(1e-7f));
        assertThat(vector[2]).isZero();
    }

    @Test
    void should_not_divide_by_zero_for_an_all_zero_row() {
        float[] vector = MiniLmEmbedder.meanPoolAndNormalise(new float[D], 1);

        assertThat(vector).containsOnly(0f);
    }
}
