package dev.acp.local.speech;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Streams mono 16-bit PCM into a WAV file without holding the audio in memory: the header is
 * written with placeholder sizes and patched on {@link #close()}. The sample rate is fixed by the
 * first {@link #start(int)}, since engines only learn it when audio arrives. Not thread-safe.
 */
public final class WavWriter implements AutoCloseable {
    private static final int HEADER_BYTES = 44;

    private final Path file;
    private @Nullable OutputStream out;
    private @Nullable LevelMeter meter;
    private int sampleRate;
    private long samples;

    public WavWriter(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    /** Opens the file for audio at {@code rate} samples per second; later calls must agree on the rate. */
    public void start(int rate) throws IOException {
        if (out != null) {
            if (rate != sampleRate) {
                throw new IOException("audio changed sample rate from " + sampleRate + " to " + rate + " Hz");
            }
            return;
        }
        sampleRate = rate;
        meter = new LevelMeter(rate);
        out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        out.write(header(rate, 0));
    }

    /** Appends samples; {@link #start(int)} must have been called. */
    public void write(short[] buffer, int offset, int length) throws IOException {
        OutputStream o = requireStarted();
        LevelMeter m = Objects.requireNonNull(meter);
        byte[] bytes = new byte[length * 2];
        for (int i = 0; i < length; i++) {
            short s = buffer[offset + i];
            m.accept(s);
            bytes[2 * i] = (byte) s;
            bytes[2 * i + 1] = (byte) (s >> 8);
        }
        o.write(bytes);
        samples += length;
    }

    /** Appends {@code seconds} of silence. */
    public void writeSilence(double seconds) throws IOException {
        int count = (int) Math.round(seconds * sampleRate);
        write(new short[count], 0, count);
    }

    private OutputStream requireStarted() throws IOException {
        if (out == null) {
            throw new IOException("no audio format yet; call start(rate) first");
        }
        return out;
    }

    public boolean started() {
        return out != null;
    }

    public int sampleRate() {
        return sampleRate;
    }

    public long samples() {
        return samples;
    }

    public double durationSeconds() {
        return sampleRate == 0 ? 0 : (double) samples / sampleRate;
    }

    /** Levels of everything written so far. */
    public LevelMeter levels() {
        return meter == null ? new LevelMeter(16000) : meter;
    }

    /** Finishes the file: flushes and writes the real sizes into the header. */
    @Override
    public void close() throws IOException {
        OutputStream o = out;
        if (o == null) {
            return;
        }
        o.close();
        out = null;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(header(sampleRate, samples * 2)), 0);
        }
    }

    static byte[] header(int rate, long dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long riffSize = Math.min(0xFFFFFFFFL, 36 + dataBytes);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putInt((int) riffSize);
        b.put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putInt(16); // PCM format chunk size
        b.putShort((short) 1); // PCM
        b.putShort((short) 1); // mono
        b.putInt(rate);
        b.putInt(rate * 2); // byte rate
        b.putShort((short) 2); // block align
        b.putShort((short) 16); // bits per sample
        b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putInt((int) Math.min(0xFFFFFFFFL, dataBytes));
        return b.array();
    }
}
