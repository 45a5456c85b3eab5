package dev.acp.testkit.jobs;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.imageio.ImageIO;

/**
 * The deterministic output of a fake job: bytes that depend only on the capability and a seed
 * (the SHA-256 of the canonical parameters), never on the step id, the time or the job id, so
 * that two identical requests give byte-identical results.
 */
final class FakeMedia {
    /** The largest output {@code fake_size_bytes} may ask for. */
    static final int MAX_SIZE = 64 * 1024 * 1024;

    static final int DEFAULT_IMAGE_SIZE = 64;
    static final int MAX_IMAGE_SIZE = 4096;
    private static final int DEFAULT_PAYLOAD = 4096;
    /** One MPEG-1 Layer III frame at 128 kbit/s, 44.1 kHz, no padding. */
    private static final int MP3_FRAME = 417;
    /** A cell grid gives the image visible structure and keeps large PNGs small. */
    private static final int CELLS = 8;

    private FakeMedia() {}

    static String contentType(String capability) {
        return switch (capability) {
            case "text_to_image", "image_to_image" -> "image/png";
            case "text_to_speech" -> "audio/mpeg";
            case "text_to_video" -> "video/mp4";
            case "prompt_generation" -> "text/plain; charset=utf-8";
            default -> throw new IllegalArgumentException("unsupported capability " + capability);
        };
    }

    /**
     * The result bytes.
     *
     * @param seed the SHA-256 of capability and canonical parameters
     * @param width image width, or 0 for the default
     * @param height image height, or 0 for the default
     * @param size approximate size of audio, video and text payloads, or 0 for the default
     * @param prompt the prompt echoed by text results, or empty
     */
    static byte[] render(String capability, byte[] seed, int width, int height, int size, String prompt) {
        return switch (capability) {
            case "text_to_image", "image_to_image" -> png(
                    seed, width > 0 ? width : DEFAULT_IMAGE_SIZE, height > 0 ? height : DEFAULT_IMAGE_SIZE);
            case "text_to_speech" -> mp3(seed, size > 0 ? size : DEFAULT_PAYLOAD);
            case "text_to_video" -> mp4(seed, size > 0 ? size : DEFAULT_PAYLOAD);
            case "prompt_generation" -> text(seed, size, prompt);
            default -> throw new IllegalArgumentException("unsupported capability " + capability);
        };
    }

    static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** {@code length} bytes of SHA-256 in counter mode over {@code seed}. */
    private static byte[] stream(byte[] seed, int length) {
        byte[] out = new byte[length];
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        ByteBuffer counter = ByteBuffer.allocate(Long.BYTES);
        for (int pos = 0, block = 0; pos < length; block++) {
            digest.update(seed);
            digest.update(counter.clear().putLong(block).array());
            byte[] b = digest.digest();
            int n = Math.min(b.length, length - pos);
            System.arraycopy(b, 0, out, pos, n);
            pos += n;
        }
        return out;
    }

    private static byte[] png(byte[] seed, int width, int height) {
        byte[] colours = stream(seed, CELLS * CELLS * 3);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            int cy = (int) ((long) y * CELLS / height);
            for (int x = 0; x < width; x++) {
                int cx = (int) ((long) x * CELLS / width);
                int i = (cy * CELLS + cx) * 3;
                image.setRGB(x, y, (colours[i] & 0xff) << 16 | (colours[i + 1] & 0xff) << 8 | (colours[i + 2] & 0xff));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** An ID3v2.4 header, then MPEG audio frame headers each followed by a hash-derived payload. */
    private static byte[] mp3(byte[] seed, int size) {
        int frames = Math.max(1, (size + MP3_FRAME - 1) / MP3_FRAME);
        byte[] payload = stream(seed, frames * (MP3_FRAME - 4));
        ByteBuffer out = ByteBuffer.allocate(10 + frames * MP3_FRAME);
        out.put(new byte[] {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0});
        for (int f = 0; f < frames; f++) {
            out.put(new byte[] {(byte) 0xff, (byte) 0xfb, (byte) 0x90, (byte) 0x64});
            out.put(payload, f * (MP3_FRAME - 4), MP3_FRAME - 4);
        }
        return out.array();
    }

    /** An {@code ftyp} box, then one {@code mdat} box holding a hash-derived payload. */
    private static byte[] mp4(byte[] seed, int size) {
        byte[] payload = stream(seed, size);
        ByteBuffer out = ByteBuffer.allocate(24 + 8 + size);
        out.putInt(24).put(ascii("ftyp")).put(ascii("isom")).putInt(0x200).put(ascii("isom")).put(ascii("mp41"));
        out.putInt(8 + size).put(ascii("mdat")).put(payload);
        return out.array();
    }

    private static byte[] text(byte[] seed, int size, String prompt) {
        StringBuilder text = new StringBuilder("fake prompt ")
                .append(HexFormat.of().formatHex(seed, 0, 8))
                .append(prompt.isEmpty() ? "" : ": " + prompt);
        if (size > 0) {
            String filler = HexFormat.of().formatHex(stream(seed, (size + 1) / 2));
            text.append('\n').append(filler, 0, Math.max(0, Math.min(filler.length(), size - text.length() - 1)));
        }
        return text.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
