package dev.acp.providers.openai;

import dev.acp.provider.Emotion;
import dev.acp.provider.SpeechDirection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How a step's portable speech direction ({@code emotion}, {@code intensity},
 * {@code description}) and its own {@code instructions} reach an OpenAI-style speech model: as
 * the {@code instructions} text, which only instruction-following speech models read
 * ({@code gpt-4o-mini-tts} and its successors). {@code tts-1} and {@code tts-1-hd} ignore
 * instructions, and a compatible server's own models (Kokoro and the like) are not known to read
 * them, so for those the direction is not sent and the report says so.
 *
 * @param instructions the text to send, or null to send none
 * @param applied whether the portable direction was sent; null when the step set none
 * @param note why (part of) the direction was not applied, or null
 */
record SpeechDelivery(@Nullable String instructions, @Nullable Boolean applied, @Nullable String note) {

    /** What a model does with {@code instructions}. */
    enum Instructions {
        /** {@code gpt-4o-mini-tts} and later GPT speech models. */
        FOLLOWED,
        /** {@code tts-1}, {@code tts-1-hd}: OpenAI documents that instructions do not work with them. */
        IGNORED,
        /** Any other model, typically on a compatible server: the server alone knows. */
        UNKNOWN;

        static Instructions of(String model) {
            String m = model.toLowerCase(Locale.ROOT);
            int slash = m.lastIndexOf('/');
            m = slash >= 0 ? m.substring(slash + 1) : m;
            if (m.startsWith("gpt-") && m.contains("tts")) {
                return FOLLOWED;
            }
            if (m.equals("tts-1") || m.startsWith("tts-1-")) {
                return IGNORED;
            }
            return UNKNOWN;
        }
    }

    /** The model to suggest for emotional speech on OpenAI. */
    static final String EMOTIONAL_MODEL = "gpt-4o-mini-tts";

    /**
     * Decides what is sent for a step.
     *
     * @param explicit the step's own {@code instructions}, or null
     */
    static SpeechDelivery of(SpeechDirection direction, @Nullable String explicit, String model) {
        Instructions kind = Instructions.of(model);
        boolean directed = !direction.isEmpty();
        if (kind == Instructions.FOLLOWED) {
            List<String> parts = new ArrayList<>();
            if (explicit != null) {
                parts.add(explicit);
            }
            parts.addAll(lines(direction));
            return new SpeechDelivery(parts.isEmpty() ? null : String.join(" ", parts), directed ? true : null, null);
        }
        String what = String.join(", ", direction.parts());
        if (kind == Instructions.IGNORED) {
            String ignored = directed && explicit != null ? what + " and instructions" : directed ? what
                    : explicit != null ? "instructions" : null;
            return new SpeechDelivery(null, directed ? false : null, ignored == null ? null
                    : ignored + " not applied: model " + model + " takes no instructions (use " + EMOTIONAL_MODEL
                            + " for directed speech)");
        }
        // A compatible server's model: the step's own instructions are its explicit choice and are sent.
        return new SpeechDelivery(explicit, directed ? false : null, directed ? what + " not applied: model "
                + model + " is not known to follow instructions; write config.instructions to send directions"
                + " to it anyway" : null);
    }

    /** The portable direction in words a speech model follows. */
    static List<String> lines(SpeechDirection direction) {
        List<String> out = new ArrayList<>();
        Emotion emotion = direction.emotion();
        if (emotion == Emotion.NEUTRAL) {
            out.add("Tone: neutral and even, without emotional colouring.");
        } else if (emotion != null) {
            double level = direction.level();
            String strength = level < 0.34 ? "subtle" : level < 0.67 ? "moderate" : "strong";
            out.add("Tone: " + emotion.delivery() + " (" + strength + ", intensity "
                    + String.format(Locale.ROOT, "%.2f", level) + " of 1).");
        }
        if (direction.description() != null) {
            String d = direction.description();
            out.add("Delivery: " + d + (d.endsWith(".") ? "" : "."));
        }
        return out;
    }
}
