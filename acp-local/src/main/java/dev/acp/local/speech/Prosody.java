package dev.acp.local.speech;

import dev.acp.provider.Emotion;

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
     * This prosody coloured by an emotion, the way engines without emotion control approximate
     * ACP's portable {@code emotion}: brighter emotions speak faster and higher, sad and calm ones
     * slower and lower. The factors below are those of full intensity; {@code intensity} scales
     * them towards no change (0). A whisper cannot be made from rate and pitch alone, so it is
     * only a slower, lower voice.
     *
     * @param intensity 0 to 1
     */
    public Prosody withEmotion(Emotion emotion, double intensity) {
        double[] factors = switch (emotion) {
            case NEUTRAL -> new double[] {1, 1};
            case HAPPY -> new double[] {1.12, 1.2};
            case EXCITED -> new double[] {1.3, 1.3};
            case FRIENDLY -> new double[] {1.05, 1.1};
            case CALM -> new double[] {0.82, 0.92};
            case SAD -> new double[] {0.75, 0.82};
            case ANGRY -> new double[] {1.15, 0.85};
            case FEARFUL -> new double[] {1.25, 1.18};
            case SURPRISED -> new double[] {1.1, 1.3};
            case SERIOUS -> new double[] {0.9, 0.85};
            case WHISPER -> new double[] {0.85, 0.9};
        };
        double k = Math.max(0, Math.min(1, intensity));
        return new Prosody(clamp(speed * (1 + (factors[0] - 1) * k)), clamp(pitch * (1 + (factors[1] - 1) * k)));
    }

    private static double clamp(double v) {
        return Math.max(MIN, Math.min(MAX, v));
    }
}
