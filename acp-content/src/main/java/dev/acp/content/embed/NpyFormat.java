package dev.acp.content.embed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * NumPy's {@code .npy} format, version 1.0, for float32 vectors: the magic {@code \x93NUMPY}, the
 * version bytes 1 and 0, a little-endian 16-bit header length, a Python dict literal
 * ({@code descr '<f4'}, C order, the shape) padded with spaces to a multiple of 64 bytes and ended
 * by a newline, then the values, little-endian, row after row. {@code numpy.load} reads it.
 */
public final class NpyFormat {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    private static final int ALIGNMENT = 64;

    private NpyFormat() {}

    /** One vector as a 1-D array of shape {@code (n,)}. */
    public static byte[] vector(float[] vector) {
        return encode("(" + vector.length + ",)", List.of(vector));
    }

    /**
     * Rows of equal length as a 2-D array of shape {@code (rows, columns)}.
     *
     * @throws IllegalArgumentException when the rows differ in length or there are none
     */
    public static byte[] matrix(List<float[]> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no rows to write");
        }
        int columns = rows.getFirst().length;
        for (float[] row : rows) {
            if (row.length != columns) {
                throw new IllegalArgumentException("rows of " + columns + " and " + row.length + " values");
            }
        }
        return encode("(" + rows.size() + ", " + columns + ")", rows);
    }

    private static byte[] encode(String shape, List<float[]> rows) {
        StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': ")
                .append(shape).append(", }");
        int unpadded = MAGIC.length + 2 + header.length() + 1;
        header.append(" ".repeat((ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT)).append('\n');
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.US_ASCII);
        int values = rows.stream().mapToInt(r -> r.length).sum();
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 2 + headerBytes.length + values * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putShort((short) headerBytes.length).put(headerBytes);
        for (float[] row : rows) {
            for (float v : row) {
                out.putFloat(v);
            }
        }
        return out.array();
    }
}
