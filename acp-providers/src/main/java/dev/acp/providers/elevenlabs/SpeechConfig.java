package dev.acp.providers.elevenlabs;

import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider.Issue;
import dev.acp.provider.SpeechDirection;
import dev.acp.providers.elevenlabs.internal.VoiceSettings;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A {@code text_to_speech} step's config as ElevenLabs reads it. Parsed twice with the same
 * rules: at validation, where text holding a {@code {{...}}} reference is not resolved yet and
 * is accepted as "known at run time", and again for the call, where every value is final.
 *
 * @param text what to say, or null when not known yet (validation) or missing
 * @param voice the voice name or id as written, or null for the default voice
 * @param languageCode ISO 639-1 code ({@code en}), or null
 * @param seed 0..4294967295, or null
 * @param outputFormat the format to request, or null when the output extension has none (an issue)
 * @param direction the portable emotion, intensity and description (see {@link EmotionMapping})
 */
record SpeechConfig(
        @Nullable String text,
        @Nullable String voice,
        @Nullable String languageCode,
        VoiceSettings voiceSettings,
        @Nullable Long seed,
        @Nullable OutputFormat outputFormat,
        SpeechDirection direction) {

    /** The config keys this provider reads for {@code text_to_speech} (besides {@code model}). */
    static final Set<String> PARAMETERS = Set.of("text", "voice", "model", "seed", "stability", "similarity_boost",
            "style", "use_speaker_boost", "speed", "rate", "language", "output_format", "emotion", "intensity",
            "description");

    /**
     * The largest answer the transport reads into memory ({@code HttpTransport.MAX_BODY_BYTES},
     * package-private in acp-core). A paid call's audio is read whole (see
     * {@link ElevenLabsProvider}); audio above this would be paid for and lost.
     */
    static final long MAX_AUDIO_BYTES = 32L * 1024 * 1024;

    /**
     * A deliberately slow speaking rate for estimating audio length: narration runs at about 15
     * characters a second in Latin scripts, so 10 leaves room for pauses and slow voices.
     * Scripts with denser characters (Chinese, Japanese) can still run longer; the transport's
     * limit then fails the call as an unknown outcome instead of writing a partial file.
     */
    static final double SLOW_CHARACTERS_PER_SECOND = 10;

    private static final long MAX_SEED = 4_294_967_295L;

    SpeechConfig {
        java.util.Objects.requireNonNull(direction, "direction");
    }

    /** The config and the problems found in it. */
    record Parsed(SpeechConfig config, List<Issue> issues) {
        Parsed {
            issues = List.copyOf(issues);
        }
    }

    /**
     * Parses a step's config.
     *
     * @param extension the output file's extension, lower case, without the dot
     * @param validation true before the run, when {@code {{...}}} references are still unresolved
     */
    static Parsed parse(Map<String, Object> params, String extension, boolean validation) {
        Reader r = new Reader(params, validation);
        String text = r.text("text");
        if (text == null && !r.deferred("text")) {
            r.issue("text", "text_to_speech needs text to speak", "set config.text to what should be spoken");
        }
        String voice = r.text("voice");
        if (voice == null && params.get("voice") != null && !r.deferred("voice")) {
            r.issue("voice", "config.voice is empty", "name a voice (for example Rachel) or give a voice id,"
                    + " or remove the key to use the default voice");
        }
        Double stability = r.unitInterval("stability");
        Double similarity = r.unitInterval("similarity_boost");
        Double style = r.unitInterval("style");
        Boolean speakerBoost = r.bool("use_speaker_boost");
        Double speed = r.positive("speed");
        if (speed == null && params.get("speed") == null) {
            speed = r.positive("rate");
        }
        String language = r.text("language");
        String languageCode = language == null ? null : languageCode(language);
        Long seed = r.seed();
        OutputFormat format = r.outputFormat(extension);
        if (text != null && format != null) {
            r.checkAudioSize(text, format, speed == null ? 1.0 : speed);
        }
        SpeechDirection.Parsed direction = SpeechDirection.read(params, validation);
        if (!validation) {
            // At validation the planner reports these for every provider; at run time they stop the step.
            direction.issues().stream().filter(i -> !i.isWarning())
                    .forEach(i -> r.issue(i.parameter(), i.message(), i.fix()));
        }
        VoiceSettings settings = new VoiceSettings(stability, similarity, style, speakerBoost, speed);
        return new Parsed(new SpeechConfig(text, voice, languageCode, settings, seed, format, direction.direction()),
                r.issues);
    }

    /**
     * ElevenLabs takes ISO 639-1 codes; locale tags written for other engines ({@code en-US},
     * {@code pt_BR}) are cut to their language part so the same pipeline works here.
     */
    static String languageCode(String language) {
        String l = language.trim().toLowerCase(Locale.ROOT);
        int cut = l.indexOf('-') >= 0 ? l.indexOf('-') : l.indexOf('_');
        return cut > 0 ? l.substring(0, cut) : l;
    }

    /** Reads typed values, collecting issues instead of failing at the first. */
    private static final class Reader {
        private final Map<String, Object> params;
        private final boolean validation;
        private final List<Issue> issues = new ArrayList<>();

        Reader(Map<String, Object> params, boolean validation) {
            this.params = params;
            this.validation = validation;
        }

        boolean deferred(String key) {
            return validation && params.get(key) instanceof String s && s.contains("{{");
        }

        void issue(@Nullable String key, String message, String fix) {
            issues.add(new Issue(key, message, fix));
        }

        /** Non-blank text (numbers are rendered), or null when absent, blank or not known yet. */
        @Nullable String text(String key) {
            Object v = params.get(key);
            if (v == null || deferred(key) || !(v instanceof String || v instanceof Number)) {
                return null;
            }
            String s = v.toString();
            return s.isBlank() ? null : s;
        }

        @Nullable Double number(String key, String expected) {
            Object v = params.get(key);
            if (v == null || deferred(key)) {
                return null;
            }
            Optional<Double> d = v instanceof Number n ? Optional.of(n.doubleValue())
                    : v instanceof String s ? parseDouble(s) : Optional.empty();
            if (d.isEmpty() || d.get().isNaN() || d.get().isInfinite()) {
                issue(key, "config." + key + " must be " + expected + ", found '" + v + "'",
                        "write for example '" + key + ": " + (expected.contains("0 and 1") ? "0.5" : "1.0") + "'");
                return null;
            }
            return d.get();
        }

        @Nullable Double unitInterval(String key) {
            String expected = "a number between 0 and 1";
            Double d = number(key, expected);
            if (d != null && (d < 0 || d > 1)) {
                issue(key, "config." + key + " must be between 0 and 1, found " + d, "set it between 0 and 1");
                return null;
            }
            return d;
        }

        @Nullable Double positive(String key) {
            Double d = number(key, "a positive number (1 is normal speed)");
            if (d != null && d <= 0) {
                issue(key, "config." + key + " must be above 0 (1 is normal speed), found " + d,
                        "set it around 1, for example 0.9 for slower or 1.1 for faster speech");
                return null;
            }
            return d;
        }

        @Nullable Boolean bool(String key) {
            Object v = params.get(key);
            if (v == null || deferred(key)) {
                return null;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            if (v instanceof String s && (s.trim().equalsIgnoreCase("true") || s.trim().equalsIgnoreCase("false"))) {
                return Boolean.parseBoolean(s.trim());
            }
            issue(key, "config." + key + " must be true or false, found '" + v + "'", "write '" + key + ": true'");
            return null;
        }

        @Nullable Long seed() {
            Object v = params.get("seed");
            if (v == null || deferred("seed")) {
                return null;
            }
            BigInteger n = null;
            if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
                n = BigInteger.valueOf(((Number) v).longValue());
            } else if (v instanceof BigInteger b) {
                n = b;
            } else if (v instanceof Number d && d.doubleValue() == Math.rint(d.doubleValue())
                    && !Double.isInfinite(d.doubleValue())) {
                n = BigInteger.valueOf(d.longValue());
            } else if (v instanceof String s && s.trim().matches("-?\\d{1,20}")) {
                n = new BigInteger(s.trim());
            }
            if (n == null || n.signum() < 0 || n.compareTo(BigInteger.valueOf(MAX_SEED)) > 0) {
                issue("seed", "config.seed must be a whole number from 0 to " + MAX_SEED + ", found '" + v + "'",
                        "write for example 'seed: 42'");
                return null;
            }
            return n.longValue();
        }

        /** The format named by {@code output_format}, else the extension's default. */
        @Nullable OutputFormat outputFormat(String extension) {
            Optional<OutputFormat> byExtension = OutputFormat.forExtension(extension);
            if (byExtension.isEmpty()) {
                issue(null, "ElevenLabs cannot write ." + extension + " files",
                        "name the output file with one of ." + String.join(", .", supportedByEngine())
                                + " (convert it in a later step if you need ." + extension + ")");
                return null;
            }
            Object v = params.get("output_format");
            if (v == null || deferred("output_format")) {
                return byExtension.get();
            }
            Optional<OutputFormat> named = OutputFormat.parse(v.toString());
            if (named.isEmpty()) {
                issue("output_format", "config.output_format '" + v + "' is not an ElevenLabs output format",
                        "use a value such as " + byExtension.get().wireName() + ", or remove the key to get "
                                + byExtension.get().wireName() + " for ." + extension);
                return null;
            }
            if (!named.get().fits(extension)) {
                issue("output_format", "config.output_format " + named.get().wireName() + " does not fit a ."
                        + extension + " output file", "use a " + byExtension.get().codec() + "_* format such as "
                        + byExtension.get().wireName() + ", or rename the output file");
                return null;
            }
            return named.get();
        }

        /**
         * Refuses, before anything is paid, text whose audio would likely exceed what the
         * transport can read (see {@link #MAX_AUDIO_BYTES}).
         */
        void checkAudioSize(String text, OutputFormat format, double speed) {
            int characters = text.codePointCount(0, text.length());
            double seconds = characters / (SLOW_CHARACTERS_PER_SECOND * speed);
            double bytes = seconds * format.bytesPerSecond();
            if (bytes > MAX_AUDIO_BYTES) {
                issue("text", "the text (" + characters + " characters) could give about " + Math.round(bytes / 1e6)
                        + " MB of " + format.wireName() + " audio, more than the " + MAX_AUDIO_BYTES / (1024 * 1024)
                        + " MB ACP reads from one ElevenLabs answer", "split the text into several steps, or write"
                        + " .mp3 or .ogg (or a lower output_format such as wav_22050), which are much smaller");
            }
        }

        /** ElevenLabs' formats among the extensions the engine accepts for audio (today without .pcm). */
        private static List<String> supportedByEngine() {
            List<String> audio = Capability.OutputKind.AUDIO.extensions();
            return OutputFormat.EXTENSIONS.stream().filter(audio::contains).toList();
        }

        private static Optional<Double> parseDouble(String s) {
            try {
                return Optional.of(Double.parseDouble(s.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }
}
