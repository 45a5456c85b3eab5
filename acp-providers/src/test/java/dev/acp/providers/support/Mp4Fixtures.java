package dev.acp.providers.support;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Small MP4 files built box by box (ISO/IEC 14496-12): a {@code ftyp}, a {@code moov} holding a
 * movie header of version 0 or 1, and an {@code mdat} of filler, in either order; for tests of
 * what is read from a downloaded video.
 */
public final class Mp4Fixtures {
    private Mp4Fixtures() {}

    /** A video of {@code millis} milliseconds: ftyp, moov (mvhd v0, timescale 1000), mdat. */
    public static byte[] video(long millis) {
        return concat(ftyp(), box("moov", mvhd0(1000, millis)), box("mdat", new byte[64]));
    }

    /** A box with a 32-bit size: size, type, then the payloads in order. */
    public static byte[] box(String type, byte[]... payloads) {
        byte[] payload = concat(payloads);
        return ByteBuffer.allocate(8 + payload.length).putInt(8 + payload.length)
                .put(type.getBytes(StandardCharsets.ISO_8859_1)).put(payload).array();
    }

    /** A box with a 64-bit size (size field 1, then the size after the type). */
    public static byte[] largeBox(String type, byte[] payload) {
        return ByteBuffer.allocate(16 + payload.length).putInt(1).put(type.getBytes(StandardCharsets.ISO_8859_1))
                .putLong(16L + payload.length).put(payload).array();
    }

    public static byte[] ftyp() {
        return box("ftyp", "isom".getBytes(StandardCharsets.ISO_8859_1), new byte[] {0, 0, 2, 0},
                "isomiso2avc1mp41".getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A version 0 movie header: 32-bit times and duration. */
    public static byte[] mvhd0(long timescale, long duration) {
        ByteBuffer b = ByteBuffer.allocate(100);
        b.putInt(0); // version 0, flags
        b.putInt(0).putInt(0); // creation, modification
        b.putInt((int) timescale).putInt((int) duration);
        rest(b);
        return box("mvhd", b.array());
    }

    /** A version 1 movie header: 64-bit times and duration. */
    public static byte[] mvhd1(long timescale, long duration) {
        ByteBuffer b = ByteBuffer.allocate(112);
        b.putInt(1 << 24); // version 1, flags
        b.putLong(0).putLong(0); // creation, modification
        b.putInt((int) timescale).putLong(duration);
        rest(b);
        return box("mvhd", b.array());
    }

    /** Rate 1.0, volume 1.0, the identity matrix and the next track id, as encoders write them. */
    private static void rest(ByteBuffer b) {
        b.putInt(0x0001_0000).putShort((short) 0x0100).put(new byte[10]);
        int[] matrix = {0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000};
        for (int m : matrix) {
            b.putInt(m);
        }
        b.put(new byte[24]).putInt(2);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
