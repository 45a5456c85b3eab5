package dev.acp.content.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hard cuts from ffmpeg's scene score, for shot rhythm only: a frame whose scene score (the
 * normalised difference from the previous frame, on a 160-pixel-wide copy) exceeds
 * {@value #THRESHOLD} starts a shot, unless it comes less than {@value #MIN_SHOT_SECONDS} s after
 * the last cut (a flash or a fast pan is not two shots). Gradual transitions are not found; the
 * shot detector of {@code dev.acp.content.shots} does that, and can replace this class once merged.
 */
final class SceneCuts {
    static final double THRESHOLD = 0.3;
    static final double MIN_SHOT_SECONDS = 0.5;
    private static final Pattern PTS_TIME = Pattern.compile("\\bpts_time:(\\S+)");

    private final List<Double> cuts = new ArrayList<>();

    /** The filter chain whose {@code metadata=print} lines {@link #accept(String)} reads from standard output. */
    static String filterChain() {
        return String.format(Locale.ROOT, "scale=w=160:h=-2,select=gt(scene\\,%s),metadata=print:file=-", THRESHOLD);
    }

    /** Reads one line of ffmpeg's standard output. */
    void accept(String line) {
        Matcher m = PTS_TIME.matcher(line);
        if (!m.find()) {
            return;
        }
        double t;
        try {
            t = Double.parseDouble(m.group(1));
        } catch (NumberFormatException e) {
            return;
        }
        if (t < MIN_SHOT_SECONDS || (!cuts.isEmpty() && t - cuts.getLast() < MIN_SHOT_SECONDS)) {
            return;
        }
        cuts.add(t);
    }

    List<Double> cuts() {
        return List.copyOf(cuts);
    }
}
