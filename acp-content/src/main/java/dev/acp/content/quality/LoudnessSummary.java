package dev.acp.content.quality;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The summary ffmpeg's {@code ebur128} filter prints when its input ends: the one reader of it,
 * for quality scores ({@code AudioMeter}) and song features ({@code AudioAnalyser}). The summary is
 * the last {@code Summary:} block; per-frame log lines before it (with {@code framelog=verbose})
 * also say {@code I: ... LUFS} and are not read.
 *
 * @param integratedLufs integrated (gated) loudness in LUFS, as ffmpeg prints it: -70 for
 *     silence, negative infinity for {@code -inf}
 * @param loudnessRangeLu loudness range in LU, when the summary has it
 * @param samplePeakDbfs the highest sample in dBFS, when the filter measured it ({@code peak=sample})
 * @param truePeakDbfs the highest true peak in dBTP, when the filter measured it ({@code peak=true})
 */
public record LoudnessSummary(double integratedLufs, OptionalDouble loudnessRangeLu, OptionalDouble samplePeakDbfs,
        OptionalDouble truePeakDbfs) {
    private static final String SUMMARY = "Summary:";
    private static final Pattern INTEGRATED =
            Pattern.compile("Integrated loudness:\\s*I:\\s*(\\S+) LUFS");
    private static final Pattern RANGE = Pattern.compile("Loudness range:\\s*LRA:\\s*(\\S+) LU");
    private static final Pattern SAMPLE_PEAK = Pattern.compile("Sample peak:\\s*Peak:\\s*(\\S+) dBFS");
    private static final Pattern TRUE_PEAK = Pattern.compile("True peak:\\s*Peak:\\s*(\\S+) dBFS");

    /** The {@code ebur128} filter with its per-frame log, and the sample and true peaks when asked. */
    public static String filter(boolean peaks) {
        return "ebur128=" + (peaks ? "peak=sample+true:" : "") + "framelog=verbose";
    }

    /** The last summary in ffmpeg's {@code stderr}; empty when there is none (the filter did not run or finish). */
    public static Optional<LoudnessSummary> parse(String stderr) {
        int at = stderr.lastIndexOf(SUMMARY);
        if (at < 0) {
            return Optional.empty();
        }
        String summary = stderr.substring(at);
        Matcher integrated = INTEGRATED.matcher(summary);
        if (!integrated.find()) {
            return Optional.empty();
        }
        return Optional.of(new LoudnessSummary(number(integrated.group(1)), optional(RANGE, summary),
                optional(SAMPLE_PEAK, summary), optional(TRUE_PEAK, summary)));
    }

    private static OptionalDouble optional(Pattern pattern, String summary) {
        Matcher m = pattern.matcher(summary);
        return m.find() ? OptionalDouble.of(number(m.group(1))) : OptionalDouble.empty();
    }

    /** ffmpeg's numbers, with {@code -inf} and {@code inf} for silence and overflow; NaN for anything else. */
    static double number(String s) {
        return switch (s) {
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "inf" -> Double.POSITIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    yield Double.NaN;
                }
            }
        };
    }
}
