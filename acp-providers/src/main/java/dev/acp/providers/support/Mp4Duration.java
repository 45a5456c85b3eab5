package dev.acp.providers.support;

import java.io.EOFException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The length of an MP4 (or MOV) file in seconds, from its movie header ({@code moov/mvhd}: a
 * timescale and a duration in its units). Providers bill video by the second, and the file is
 * the best witness of how many seconds were delivered.
 *
 * <p>Only box headers and the movie header are read, by position through a {@link FileChannel}:
 * the media ({@code mdat}, often gigabytes, before or after {@code moov}) is skipped, never read.
 * Anything this cannot read (not an MP4, truncated, a box size that does not fit, a duration of
 * zero or "unknown" as fragmented files have) gives an empty answer rather than an exception:
 * a video that plays but whose length cannot be read must not fail a paid step.
 */
public final class Mp4Duration {
    /** Boxes looked at on one level before giving up; real files have a handful. */
    private static final int MAX_BOXES = 4096;
    /** A v0 duration of all ones means "unknown" (ISO/IEC 14496-12, 8.2.2). */
    private static final long UNKNOWN_V0 = 0xFFFF_FFFFL;

    private Mp4Duration() {}

    /** The file's duration in seconds (to the millisecond), or empty when it cannot be read. */
    public static Optional<BigDecimal> seconds(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Optional<Box> moov = find(ch, 0, ch.size(), "moov");
            if (moov.isEmpty()) {
                return Optional.empty();
            }
            Optional<Box> mvhd = find(ch, moov.get().payload(), moov.get().end(), "mvhd");
            return mvhd.isEmpty() ? Optional.empty() : duration(ch, mvhd.get());
        } catch (IOException | RuntimeException e) {
            // Unreadable is "unknown" here; the caller falls back to what was asked for.
            return Optional.empty();
        }
    }

    /** A box: where its content starts and where it ends (exclusive), as file offsets. */
    private record Box(long payload, long end) {}

    /** The first box of {@code type} among the boxes from {@code from} to {@code to}. */
    private static Optional<Box> find(FileChannel ch, long from, long to, String type) throws IOException {
        long pos = from;
        for (int i = 0; i < MAX_BOXES && pos + 8 <= to; i++) {
            ByteBuffer h = read(ch, pos, 8);
            long size = h.getInt(0) & 0xFFFF_FFFFL;
            String name = new String(h.array(), 4, 4, StandardCharsets.ISO_8859_1);
            long header = 8;
            if (size == 1) {
                // A 64-bit size follows the type (large mdat boxes).
                if (pos + 16 > to) {
                    return Optional.empty();
                }
                size = read(ch, pos + 8, 8).getLong(0);
                header = 16;
            } else if (size == 0) {
                // The box runs to the end of its container (a last mdat written by a stream).
                size = to - pos;
            }
            if (size < header || size > to - pos) {
                // Negative, smaller than its own header, or past the end: a truncated or broken file.
                return Optional.empty();
            }
            if (name.equals(type)) {
                return Optional.of(new Box(pos + header, pos + size));
            }
            pos += size;
        }
        return Optional.empty();
    }

    /** The duration in an {@code mvhd} box of version 0 (32-bit fields) or 1 (64-bit times). */
    private static Optional<BigDecimal> duration(FileChannel ch, Box mvhd) throws IOException {
        long length = mvhd.end() - mvhd.payload();
        if (length < 4) {
            return Optional.empty();
        }
        int version = read(ch, mvhd.payload(), 1).get(0);
        long timescale;
        long duration;
        if (version == 0 && length >= 20) {
            ByteBuffer b = read(ch, mvhd.payload() + 12, 8);
            timescale = b.getInt(0) & 0xFFFF_FFFFL;
            duration = b.getInt(4) & 0xFFFF_FFFFL;
            if (duration == UNKNOWN_V0) {
                return Optional.empty();
            }
        } else if (version == 1 && length >= 32) {
            ByteBuffer b = read(ch, mvhd.payload() + 20, 12);
            timescale = b.getInt(0) & 0xFFFF_FFFFL;
            // All ones ("unknown") reads as negative, as does anything beyond a signed long.
            duration = b.getLong(4);
        } else {
            return Optional.empty();
        }
        if (timescale == 0 || duration <= 0) {
            // Zero is what fragmented files write (the length is in their fragments): unknown too.
            return Optional.empty();
        }
        BigDecimal s = BigDecimal.valueOf(duration).divide(BigDecimal.valueOf(timescale), MathContext.DECIMAL64)
                .setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
        return Optional.of(s.scale() < 0 ? s.setScale(0) : s);
    }

    private static ByteBuffer read(FileChannel ch, long position, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new EOFException("end of file");
            }
        }
        return b;
    }
}
