package dev.acp.providers.elevenlabs;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ElevenLabs {@code output_format} such as {@code mp3_44100_128}, {@code wav_44100},
 * {@code opus_48000_64} or {@code pcm_24000}: codec, sample rate and, for compressed codecs, the
 * bit rate in kbit/s (0 for the uncompressed ones).
 *
 * <p>Values are parsed by pattern rather than looked up in the enum of providers.md 2.2, so a
 * format ElevenLabs adds later (say {@code mp3_48000_192}) can be named in a step without a new
 * ACP release; the server rejects formats it does not know with a 422.
 */
record OutputFormat(String codec, int sampleRate, int kbps) {
    private static final Pattern WIRE = Pattern.compile("(mp3|opus|wav|pcm|ulaw|alaw)_(\\d{4,6})(?:_(\\d{1,4}))?");

    /**
     * The format written for each output extension when the step does not name one: the
     * ElevenLabs default for MP3, and full-rate 16-bit audio for WAV and raw PCM. Opus travels in
     * an Ogg container, so {@code .ogg} and {@code .opus} both get it; 64 kbit/s is already
     * transparent for speech.
     */
    static final Map<String, String> DEFAULTS = Map.of(
            "mp3", "mp3_44100_128",
            "wav", "wav_44100",
            "ogg", "opus_48000_64",
            "opus", "opus_48000_64",
            "pcm", "pcm_44100");

    /** The extensions ElevenLabs can write, in the order they are suggested to users. */
    static final List<String> EXTENSIONS = List.of("mp3", "wav", "ogg", "opus", "pcm");

    /** The wire name, for example {@code mp3_44100_128}. */
    String wireName() {
        return codec + "_" + sampleRate + (kbps > 0 ? "_" + kbps : "");
    }

    /** A format from its wire name, if it is well-formed. */
    static Optional<OutputFormat> parse(String wireName) {
        Matcher m = WIRE.matcher(wireName.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        String codec = m.group(1);
        boolean compressed = codec.equals("mp3") || codec.equals("opus");
        if (compressed != (m.group(3) != null)) {
            // mp3 and opus need a bit rate; wav, pcm, ulaw and alaw have none.
            return Optional.empty();
        }
        return Optional.of(new OutputFormat(codec, Integer.parseInt(m.group(2)),
                compressed ? Integer.parseInt(m.group(3)) : 0));
    }

    /** The default format for an output extension, or empty when ElevenLabs cannot write it. */
    static Optional<OutputFormat> forExtension(String extension) {
        return Optional.ofNullable(DEFAULTS.get(extension)).flatMap(OutputFormat::parse);
    }

    /** Whether a file with this extension can hold this format (ulaw and alaw fit no ACP output). */
    boolean fits(String extension) {
        return switch (extension) {
            case "mp3" -> codec.equals("mp3");
            case "wav" -> codec.equals("wav");
            case "ogg", "opus" -> codec.equals("opus");
            case "pcm" -> codec.equals("pcm");
            default -> false;
        };
    }

    /** Audio bytes per second of speech: the bit rate, or 16-bit mono samples (8-bit for ulaw/alaw). */
    long bytesPerSecond() {
        return switch (codec) {
            case "mp3", "opus" -> kbps * 1000L / 8;
            case "ulaw", "alaw" -> sampleRate;
            default -> sampleRate * 2L;
        };
    }
}
