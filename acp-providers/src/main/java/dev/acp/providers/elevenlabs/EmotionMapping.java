package dev.acp.providers.elevenlabs;

import dev.acp.provider.Emotion;
import dev.acp.provider.SpeechDirection;
import dev.acp.providers.elevenlabs.internal.VoiceSettings;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A step's portable emotion on ElevenLabs. Every model gets voice settings: a lower
 * {@code stability} lets the voice swing further from its flat read, {@code style} exaggerates
 * the voice's expressiveness, and a little less {@code similarity_boost} gives the delivery room
 * to move; calm and serious readings go the other way, steadier than the voice's default. The
 * amount scales with {@code intensity}. Settings the step writes itself always win.
 *
 * <p>{@code eleven_v3} models also take audio tags in the text ({@code [excited]},
 * {@code [whispers]}), which steer the delivery far more than settings do, so the emotion's tag is
 * put in front of the text. Their {@code stability} takes only the three presets Creative (0),
 * Natural (0.5) and Robust (1) in ElevenLabs' app, so the mapped value is snapped to those, and
 * {@code style}/{@code similarity_boost} are left to the voice. ElevenLabs has no free-text
 * direction: {@code description} is reported as not applied.
 *
 * @param settings the voice settings to send (the step's own merged over the mapped ones)
 * @param tag the audio tag put before the text, or null
 * @param applied whether the emotion was applied; null when the step set no direction
 * @param note what was not applied and why, or null
 */
record EmotionMapping(VoiceSettings settings, @Nullable String tag, @Nullable Boolean applied, @Nullable String note) {

    /** How an emotion moves the settings at full intensity, and its v3 audio tag. */
    private record Shape(double stabilityShift, double style, @Nullable String tag) {}

    private static Shape shape(Emotion e) {
        return switch (e) {
            case NEUTRAL -> new Shape(0.15, 0.0, null);
            case HAPPY -> new Shape(-0.25, 0.5, "happy");
            case EXCITED -> new Shape(-0.35, 0.8, "excited");
            case FRIENDLY -> new Shape(-0.15, 0.35, "warmly");
            case CALM -> new Shape(0.3, 0.1, "calmly");
            case SAD -> new Shape(-0.2, 0.5, "sad");
            case ANGRY -> new Shape(-0.35, 0.8, "angry");
            case FEARFUL -> new Shape(-0.3, 0.6, "nervously");
            case SURPRISED -> new Shape(-0.3, 0.6, "surprised");
            case SERIOUS -> new Shape(0.2, 0.2, "seriously");
            case WHISPER -> new Shape(-0.1, 0.3, "whispers");
        };
    }

    /** Whether a model takes audio tags (the v3 family). */
    static boolean takesAudioTags(String modelId) {
        return modelId.toLowerCase(Locale.ROOT).startsWith("eleven_v3");
    }

    static EmotionMapping of(SpeechDirection direction, VoiceSettings explicit, String modelId) {
        if (direction.isEmpty()) {
            return new EmotionMapping(explicit, null, null, null);
        }
        boolean v3 = takesAudioTags(modelId);
        String descriptionNote = direction.description() == null ? null
                : "description not applied: ElevenLabs takes no free-text direction (emotion and intensity are)";
        Emotion emotion = direction.emotion();
        if (emotion == null) {
            return new EmotionMapping(explicit, null, false, descriptionNote);
        }
        Shape shape = shape(emotion);
        double level = direction.level();
        double stability = clamp(0.5 + shape.stabilityShift() * level);
        Double style = round(shape.style() * level);
        Double similarity = emotion == Emotion.NEUTRAL || shape.stabilityShift() > 0 ? null : round(0.75 - 0.15 * level);
        if (v3) {
            stability = stability < 1.0 / 3 ? 0.0 : stability < 2.0 / 3 ? 0.5 : 1.0;
            style = null;
            similarity = null;
        }
        VoiceSettings mapped = new VoiceSettings(
                explicit.stability() != null ? explicit.stability() : round(stability),
                explicit.similarityBoost() != null ? explicit.similarityBoost() : similarity,
                explicit.style() != null ? explicit.style() : style,
                explicit.useSpeakerBoost(),
                explicit.speed());
        String tag = v3 ? shape.tag() : null;
        return new EmotionMapping(mapped, tag, true, descriptionNote);
    }

    /** The text to send: the audio tag, if any, in front. */
    String text(String text) {
        return tag == null ? text : "[" + tag + "] " + text;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private static Double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
