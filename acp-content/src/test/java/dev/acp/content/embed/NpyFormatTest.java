package dev.acp.content.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class NpyFormatTest {
    @Test
    void should_write_a_v1_header_padded_to_64_bytes_then_little_endian_float32() {
        byte[] bytes = NpyFormat.vector(new float[] {1.5f, -2f, 0.25f});

        assertThat(new String(bytes, 0, 6, StandardCharsets.ISO_8859_1)).isEqualTo("\u0093NUMPY");
        assertThat(bytes[6]).isEqualTo((byte) 1);
        assertThat(bytes[7]).isEqualTo((byte) 0);
        int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertThat((10 + headerLength) % 64).isZero();
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertThat(header).hasSize(118).endsWith(" \n")
                .startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }   ");
        assertThat(header.strip()).isEqualTo("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }");
        ByteBuffer values = ByteBuffer.wrap(bytes, 10 + headerLength, 12).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(values.getFloat()).isEqualTo(1.5f);
        assertThat(values.getFloat()).isEqualTo(-2f);
        assertThat(values.getFloat()).isEqualTo(0.25f);
        assertThat(bytes).hasSize(128 + 12);
    }

    @Test
    void should_write_rows_as_a_two_dimensional_array_and_refuse_ragged_rows() {
        byte[] bytes = NpyFormat.matrix(List.of(new float[] {1, 2}, new float[] {3, 4}, new float[] {5, 6}));

        assertThat(new String(bytes, 10, 60, StandardCharsets.US_ASCII)).contains("'shape': (3, 2), }");
        ByteBuffer values = ByteBuffer.wrap(bytes, bytes.length - 24, 24).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 1; i <= 6; i++) {
            assertThat(values.getFloat()).isEqualTo(i);
        }
        assertThatThrownBy(() -> NpyFormat.matrix(List.of(new float[2], new float[3])))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
