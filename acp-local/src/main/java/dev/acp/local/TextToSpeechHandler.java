package dev.acp.local;

import dev.acp.error.ProviderException;
import dev.acp.local.media.FfmpegProgress;
import dev.acp.local.quality.QualityScores;
import dev.acp.local.speech.Prosody;
import dev.acp.local.speech.Sentences;
import dev.acp.local.speech.SpeechEngine;
import dev.acp.local.speech.SpeechResult;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.SpeechDirection;
import dev.acp.provider.StepContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code text_to_speech}: real speech from espeak-ng or FreeTTS, written as WAV and converted by
 * ffmpeg when the output file asks for another format.
 */
final class TextToSpeechHandler implements CapabilityHandler {
    private static final Set<String> PARAMETERS = Set.of("text", "voice", "speed", "rate", "pitch", "emotion",
            "intensity", "description", "model");
    private static final double SYNTHESIS_SHARE = 0.85;

    private final LocalServices services;

    TextToSpeechHandler(LocalServices services) {
        this.services = services;
    }

    /**
     * @param emotionApplied whether the step's emotion was applied; null when it set no direction
     * @param emotionNote how the direction was approximated or why part of it was not applied
     */
    record Plan(String text, Prosody prosody, @Nullable String voice, SpeechDirection direction,
            @Nullable Boolean emotionApplied, @Nullable String emotionNote) {}

    static Plan plan(Params p) {
        String text = p.text("text").orElse("");
        if (text.isEmpty() && !p.isDeferred("text")) {
            p.issue("text", "text_to_speech needs text", "set config.text to what should be spoken");
        }
        String rangeFix = "set it between 0.5 and 2 (1 is normal)";
        double speed = p.number("speed", Prosody.MIN, Prosody.MAX, "x", "speed: " + rangeFix)
                .or(() -> p.number("rate", Prosody.MIN, Prosody.MAX, "x", "rate: " + rangeFix))
                .orElse(1.0);
        double pitch = p.number("pitch", Prosody.MIN, Prosody.MAX, "x", "pitch: " + rangeFix).orElse(1.0);
        Prosody prosody = new Prosody(speed, pitch);
        Map<String, Object> given = new HashMap<>();
        for (String key : SpeechDirection.PARAMETERS) {
            p.raw(key).ifPresent(v -> given.put(key, v));
        }
        SpeechDirection.Parsed parsed = SpeechDirection.read(given, p.checking());
        if (!p.checking()) {
            // At validation the planner reports these for every provider; at run time they stop the step.
            parsed.issues().stream().filter(i -> !i.isWarning()).forEach(i -> p.issue(i.parameter(), i.message(),
                    i.fix()));
        }
        SpeechDirection direction = parsed.direction();
        List<String> notes = new ArrayList<>();
        Boolean applied = null;
        if (direction.emotion() != null) {
            prosody = prosody.withEmotion(direction.emotion(), direction.level());
            applied = true;
            notes.add("emotion '" + direction.emotion().wireName() + "' approximated with speaking rate and pitch");
        }
        if (direction.description() != null) {
            applied = applied != null && applied;
            String note = "description not applied: the offline engines cannot follow free-text direction";
            notes.add(note);
            if (p.checking()) {
                p.warn("description", note, "use emotion and intensity, or provider openai with model gpt-4o-mini-tts");
            }
        }
        String emotionNote = notes.isEmpty() ? null : String.join("; ", notes);
        return new Plan(text, prosody, p.text("voice").orElse(null), direction, applied, emotionNote);
    }

    @Override
    public Set<String> parameters() {
        return PARAMETERS;
    }

    @Override
    public Capability capability() {
        return Capability.TEXT_TO_SPEECH;
    }

    @Override
    public void validate(Params p) {
        plan(p);
    }

    @Override
    public ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException, IOException {
        Params p = Params.forExecute(request.parameters());
        Plan plan = plan(p);
        String extension = request.outputExtension();
        OutputFormats.check(Capability.TEXT_TO_SPEECH, extension, p);
        p.throwIfInvalid();
        StepContext context = request.context();
        Files.createDirectories(context.scratchDirectory());
        boolean wav = extension.equals("wav");
        Path wavFile = wav ? request.outputFile() : context.scratchDirectory().resolve("speech.wav");
        List<String> sentences = Sentences.split(plan.text());
        SpeechEngine engine = services.speechEngine();
        StepContext scaled = wav ? context : scaledProgress(context, 0, SYNTHESIS_SHARE);
        SpeechResult speech = engine.synthesize(sentences, plan.prosody(), plan.voice(), wavFile, scaled);
        int outputRate = speech.sampleRate();
        if (!wav) {
            context.checkCancelled();
            context.progress(SYNTHESIS_SHARE, "encoding " + extension);
            List<String> args = new ArrayList<>(List.of("-loglevel", "error", "-nostats", "-progress", "pipe:1",
                    "-i", wavFile.toString(), "-vn"));
            args.addAll(encoder(extension));
            if (extension.equals("opus")) {
                outputRate = 48_000; // Opus only runs at 48 kHz (and a few lower rates that players resample)
            }
            args.add(request.outputFile().toAbsolutePath().toString());
            services.ffmpeg().run("encoding speech as " + extension, args, FfmpegProgress.ofDuration(
                    speech.durationSeconds(), f -> context.progress(SYNTHESIS_SHARE + (1 - SYNTHESIS_SHARE) * f, "encoding " + extension)));
        }
        Metadata m = Metadata.forRequest(request)
                .put("engine", speech.engine())
                .put("voice", speech.voice())
                .put("voice_note", speech.voiceNote())
                .putRounded("duration_seconds", speech.durationSeconds())
                .put("sample_rate", outputRate)
                .put("characters", plan.text().length())
                .put("sentences", speech.sentences())
                .put("format", extension)
                .putRounded("speed", plan.prosody().speed())
                .putRounded("pitch", plan.prosody().pitch())
                .put("emotion", plan.direction().emotion() == null ? null : plan.direction().emotion().wireName())
                .put("intensity", plan.direction().emotion() == null ? null : plan.direction().level())
                .put("emotion_applied", plan.emotionApplied())
                .put("emotion_note", plan.emotionNote())
                .putRounded("non_silent_share", speech.nonSilentShare())
                .putRounded("clipped_share", speech.clippedShare())
                .put("file_bytes", Files.size(request.outputFile()));
        context.progress(1, "speech written");
        return ProviderResult.file(m.build())
                .withQualityScore(QualityScores.audio(speech.nonSilentShare(), speech.clippedShare()));
    }

    /** ffmpeg codec options for a speech file of {@code extension}. */
    static List<String> encoder(String extension) {
        return switch (extension) {
            case "mp3" -> List.of("-c:a", "libmp3lame", "-q:a", "4", "-f", "mp3");
            case "ogg" -> List.of("-c:a", "libvorbis", "-q:a", "4", "-f", "ogg");
            case "opus" -> List.of("-c:a", "libopus", "-b:a", "48k", "-ar", "48000", "-f", "opus");
            case "flac" -> List.of("-c:a", "flac", "-f", "flac");
            case "m4a" -> List.of("-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", "-f", "ipod");
            case "aac" -> List.of("-c:a", "aac", "-b:a", "96k", "-f", "adts");
            default -> throw new IllegalArgumentException("no speech encoder for ." + extension);
        };
    }

    /** A view of {@code context} whose progress fractions map onto {@code [from, to]}. */
    static StepContext scaledProgress(StepContext context, double from, double to) {
        return new StepContext() {
            @Override
            public Path scratchDirectory() {
                return context.scratchDirectory();
            }

            @Override
            public void progress(double fraction, String message) {
                context.progress(fraction < 0 ? fraction : from + (to - from) * fraction, message);
            }

            @Override
            public void checkCancelled() throws InterruptedException {
                context.checkCancelled();
            }
        };
    }
}
