package dev.acp.local.quality;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How local results are scored for the {@code best_quality} merge strategy. Every score is
 * computed from the output itself, lies in [0, 1], and is higher for output with more visible
 * detail, audible content or textual substance. Scores compare outputs of the same kind; they say
 * nothing about how well an output matches its prompt.
 *
 * <h2>Images</h2>
 *
 * Measured with {@code ImageStatistics} on a copy at most 512 pixels on its long side:
 *
 * <pre>
 * contrastTerm   = min(1, rmsContrast / 0.25)          rmsContrast = std. deviation of luma, 0..0.5
 * colourTerm     = min(1, colourfulness / 60)          Hasler–Süsstrunk M; 60 ≈ "quite colourful"
 * sharpnessTerm  = v / (v + 250)                       v = variance of the Laplacian of luma (0..255)
 * exposureTerm   = 1 - |meanLuma - 0.5| * 2            1 at mid-grey, 0 for all black or all white
 * score = 0.30 contrastTerm + 0.25 colourTerm + 0.30 sharpnessTerm + 0.15 exposureTerm
 * </pre>
 *
 * A flat grey image scores 0.15 (exposure only); a crisp, colourful, well-exposed one approaches 1.
 *
 * <h2>Audio</h2>
 *
 * Over 20 ms frames of the synthesised 16-bit PCM:
 *
 * <pre>
 * activity = min(1, nonSilentShare / 0.6)   non-silent: frame RMS above -45 dBFS; speech with
 *                                           natural pauses is 60-90% active
 * clipping = min(1, clippedShare / 0.001)   clipped: |sample| at full scale; 0.1% is audible
 * score = activity * (1 - 0.5 clipping)
 * </pre>
 *
 * Silence scores 0; clean speech scores close to 1.
 *
 * <h2>Video</h2>
 *
 * A pan-and-zoom video is the score of its source image (the rendered preview or the input image):
 * the motion adds no detail of its own.
 *
 * <h2>Text</h2>
 *
 * Over lower-case words (letters and digits):
 *
 * <pre>
 * diversity = distinctWords / words                     type-token ratio
 * length    = words / 12           below 12 words
 *           = 1                    12 to 150 words
 *           = max(0.5, 1 - (words - 150) / 600) above
 * score = 0.6 diversity + 0.4 length                    empty text scores 0
 * </pre>
 */
public final class QualityScores {
    /** Frame RMS above this (in dBFS) counts as sound. */
    public static final double SILENCE_DBFS = -45;

    private QualityScores() {}

    /** The image score from its measurements; see the class documentation. */
    public static double image(double meanLuma, double contrast, double colourfulness, double sharpness) {
        return clamp(0.30 * contrastTerm(contrast) + 0.25 * colourTerm(colourfulness)
                + 0.30 * sharpnessTerm(sharpness) + 0.15 * exposureTerm(meanLuma));
    }

    /** RMS contrast (0..0.5) as 0..1: {@code min(1, contrast / 0.25)}. */
    public static double contrastTerm(double contrast) {
        return clamp(contrast / 0.25);
    }

    /** Hasler–Süsstrunk colourfulness as 0..1: {@code min(1, M / 60)}. */
    public static double colourTerm(double colourfulness) {
        return clamp(colourfulness / 60);
    }

    /** Variance of the Laplacian as 0..1: {@code v / (v + 250)}, 0.5 at 250. */
    public static double sharpnessTerm(double sharpness) {
        return clamp(sharpness / (sharpness + 250));
    }

    /** Mean luma (0..1) as 0..1: {@code 1 - |mean - 0.5| * 2}. */
    public static double exposureTerm(double meanLuma) {
        return clamp(1 - Math.abs(meanLuma - 0.5) * 2);
    }

    /**
     * The audio score.
     *
     * @param nonSilentShare fraction of 20 ms frames louder than {@value #SILENCE_DBFS} dBFS
     * @param clippedShare fraction of samples at full scale
     */
    public static double audio(double nonSilentShare, double clippedShare) {
        return clamp(activityTerm(nonSilentShare) * (1 - 0.5 * clippingTerm(clippedShare)));
    }

    /** Share of non-silent audio as 0..1: {@code min(1, nonSilentShare / 0.6)}. */
    public static double activityTerm(double nonSilentShare) {
        return clamp(nonSilentShare / 0.6);
    }

    /** Share of samples at full scale as 0..1, 1 meaning badly clipped: {@code min(1, clippedShare / 0.001)}. */
    public static double clippingTerm(double clippedShare) {
        return clamp(clippedShare / 0.001);
    }

    /** The text score; see the class documentation. */
    public static double text(String text) {
        List<String> words = List.of(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")).stream()
                .filter(w -> !w.isEmpty())
                .toList();
        if (words.isEmpty()) {
            return 0;
        }
        Set<String> distinct = new HashSet<>(words);
        double diversity = (double) distinct.size() / words.size();
        int n = words.size();
        double length = n < 12 ? n / 12.0 : n <= 150 ? 1 : Math.max(0.5, 1 - (n - 150) / 600.0);
        return clamp(0.6 * diversity + 0.4 * length);
    }

    private static double clamp(double v) {
        return Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
    }
}
