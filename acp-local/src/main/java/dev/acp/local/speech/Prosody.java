package dev.acp.local.speech;

import java.util.Locale;
import java.util.Optional;

/**
 * Speaking rate and pitch relative to the voice's own.
 *
 * @param speed 1 is the voice's normal rate, 0.5 half as fast, 2 twice as fast
 * @param pitch 1 is the voice's normal pitch, 0.5 to 2 lower or higher
 */
public record Prosody(double speed, double pitch) {
    public static final double MIN = 0.5;
    public static final double MAX = 2.0;
    public static final Prosody NORMAL = new Prosody(1, 1);

    public Prosody {
        if (!(speed >= MIN && speed <= MAX) || !(pitch >= MIN && pitch <= MAX)) {
            throw new IllegalArgumentException("speed and pitch must be within 0.5..2");
        }
    }

    /**
     * This prosody coloured by an emotion, the portable way ACP expresses emotional speech:
     * engines without emotion control approximate it with rate and pitch. Empty for emotions
     * without a mapping.
     */
    public Optional<Prosody> withEmotion(String emotion) {
        double[] factors = switch (emotion.strip().toLowerCase(Locale.ROOT)) {
            case "happy", "cheerful", "joyful", "friendly" -> new double[] {1.08, 1.12};
            case "excited", "enthusiastic" -> new double[] {1.18, 1.18};
            case "sad", "melancholic", "sorrowful" -> new double[] {0.85, 0.9};
            case "angry", "furious" -> new double[] {1.1, 0.92};
            case "fearful", "scared", "anxious", "nervous" -> new double[] {1.15, 1.1};
            case "calm", "soothing", "relaxed", "serene" -> new double[] {0.9, 0.96};
            case "serious", "authoritative" -> new double[] {0.95, 0.9};
            case "neutral" -> new double[] {1, 1};
            default -> null;
        };
        if (factors == null) {
            return Optional.empty();
        }
        return Optional.of(new Prosody(clamp(speed * factors[0]), clamp(pitch * factors[1])));
    }

    private static double clamp(double v) {
        return Math.max(MIN, Math.min(MAX, v));
    }
}
