package dev.acp.testkit.sync;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The audio of a speech request, as small valid-looking files that depend only on the request:
 * MP3 is an ID3 tag naming the request's hash followed by silent MPEG-1 Layer III frames (which
 * decoders play as silence); WAV and PCM are near-silent 16-bit mono samples; u-law and A-law
 * silent bytes; Opus an Ogg page header with the hash. The length follows the text at about 15
 * characters a second, between half a second and ten, so files stay small.
 */
final class FakeAudio {
    /** 128 kbit/s at 44.1 kHz without padding: 144 * 128000 / 44100 bytes. */
    private static final int MP3_FRAME = 417;
    private static final double MP3_FRAME_SECONDS = 1152 / 44100.0;

    private FakeAudio() {}

    static String contentType(String outputFormat) {
        return switch (codec(outputFormat)) {
            case "mp3" -> "audio/mpeg";
            case "wav" -> "audio/wav";
            case "opus" -> "audio/ogg";
            case "ulaw", "alaw" -> "audio/basic";
            default -> "audio/pcm";
        };
    }

    static byte[] render(String outputFormat, String text, byte[] seed) {
        double seconds = Math.max(0.5, Math.min(10, text.codePointCount(0, text.length()) / 15.0));
        int rate = sampleRate(outputFormat);
        return switch (codec(outputFormat)) {
            case "mp3" -> mp3(seed, seconds);
            case "wav" -> wav(seed, rate, seconds);
            case "opus" -> opus(seed);
            case "ulaw" -> law(seed, rate, seconds, (byte) 0xff);
            case "alaw" -> law(seed, rate, seconds, (byte) 0xd5);
            default -> samples(seed, rate, seconds);
        };
    }

    private static String codec(String format) {
        int u = format.indexOf('_');
        return (u < 0 ? format : format.substring(0, u)).toLowerCase(Locale.ROOT);
    }

    private static int sampleRate(String format) {
        String[] parts = format.split("_");
        try {
            return parts.length > 1 ? Math.max(8000, Math.min(48000, Integer.parseInt(parts[1]))) : 44100;
        } catch (NumberFormatException e) {
            return 44100;
        }
    }

    private static byte[] mp3(byte[] seed, double seconds) {
        byte[] value = ("acp-fake-sync " + HexFormat.of().formatHex(seed)).getBytes(StandardCharsets.ISO_8859_1);
        byte[] description = "acp\0".getBytes(StandardCharsets.ISO_8859_1);
        int frameData = 1 + description.length + value.length;
        int tagSize = 10 + frameData;
        int frames = (int) Math.ceil(seconds / MP3_FRAME_SECONDS);
        ByteBuffer out = ByteBuffer.allocate(10 + tagSize + frames * MP3_FRAME);
        out.put(new byte[] {'I', 'D', '3', 4, 0, 0}).put(syncsafe(tagSize));
        out.put(new byte[] {'T', 'X', 'X', 'X'}).put(syncsafe(frameData)).put(new byte[] {0, 0, 0});
        out.put(description).put(value);
        for (int f = 0; f < frames; f++) {
            // Sync, MPEG-1 Layer III without CRC, 128 kbit/s, 44.1 kHz, mono; zero side info is silence.
            out.put(new byte[] {(byte) 0xff, (byte) 0xfb, (byte) 0x90, (byte) 0xc4});
            out.position(out.position() + MP3_FRAME - 4);
        }
        return out.array();
    }

    private static byte[] syncsafe(int n) {
        return new byte[] {(byte) (n >>> 21 & 0x7f), (byte) (n >>> 14 & 0x7f), (byte) (n >>> 7 & 0x7f), (byte) (n & 0x7f)};
    }

    private static byte[] wav(byte[] seed, int rate, double seconds) {
        byte[] data = samples(seed, rate, seconds);
        ByteBuffer out = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + data.length)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data.length).put(data);
        return out.array();
    }

    /** 16-bit little-endian mono samples, silent but for a faint dither taken from the seed. */
    private static byte[] samples(byte[] seed, int rate, double seconds) {
        int n = (int) (rate * seconds);
        byte[] out = new byte[n * 2];
        for (int i = 0; i < n; i++) {
            out[2 * i] = (byte) (seed[i % seed.length] % 3);
            out[2 * i + 1] = (byte) (out[2 * i] < 0 ? 0xff : 0);
        }
        return out;
    }

    private static byte[] law(byte[] seed, int rate, double seconds, byte silence) {
        byte[] out = new byte[(int) (rate * seconds)];
        java.util.Arrays.fill(out, silence);
        System.arraycopy(seed, 0, out, 0, Math.min(seed.length, out.length));
        return out;
    }

    private static byte[] opus(byte[] seed) {
        ByteBuffer out = ByteBuffer.allocate(27 + 1 + 19 + seed.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put("OggS".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) 2).putLong(0).putInt(1).putInt(0)
                .putInt(0).put((byte) 1).put((byte) (19 + seed.length));
        out.put("OpusHead".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 1).putShort((short) 312)
                .putInt(48000).putShort((short) 0).put((byte) 0).put(seed);
        return out.array();
    }
}
