package dev.acp.content.shots;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Finds where shots begin from a video's {@link FrameSignals}. Three detectors, then one merge:
 *
 * <ul>
 *   <li><b>Cuts</b>: a frame whose ffmpeg scene score reaches {@link ShotOptions#sceneThreshold()},
 *       or whose change from the previous frame is at least {@value #MIN_CUT_CHANGE} and
 *       {@link ShotOptions#adaptiveThreshold()} times the average change of the
 *       {@value #ADAPTIVE_WINDOW} frames on each side (PySceneDetect's adaptive detector: steady
 *       motion raises the average, so it does not cut).
 *   <li><b>Fades</b>: a run of black frames (at most {@value #BLACK_FRACTION} of the pixels lit)
 *       between two lit frames; the new shot begins in the middle of the run.
 *   <li><b>Dissolves</b>: a frame that is the blend of the frames N before and N after it (the
 *       residual is at most {@value #MAX_BLEND_RESIDUAL} of their difference), where that
 *       difference is at least {@value #MIN_SPAN_CHANGE} and {@value #MIN_SPAN_RISE} times the
 *       same difference measured 2N frames earlier or later, inside one of the shots. Steady
 *       motion or a slow zoom can look like a blend, but not like a blend that rises above its
 *       surroundings.
 * </ul>
 *
 * Boundaries closer than the minimum shot length to each other, or to either end of the video,
 * are thinned: the more confident one stays.
 */
final class BoundaryDetector {
    static final double MIN_CUT_CHANGE = 10.0;
    static final int ADAPTIVE_WINDOW = 2;
    static final double BLACK_FRACTION = 0.02;
    static final double MAX_BLEND_RESIDUAL = 0.3;
    static final double MIN_SPAN_CHANGE = 12.0;
    static final double MIN_SPAN_RISE = 1.8;

    private final ShotOptions options;

    BoundaryDetector(ShotOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The boundaries of {@code signals}, in frame order. */
    List<Boundary> detect(FrameSignals signals) {
        List<Boundary> fades = fades(signals);
        List<Boundary> cuts = cuts(signals).stream().filter(c -> !nearFade(c.frame(), fades, 2)).toList();
        List<Boundary> dissolves = dissolves(signals).stream()
                .filter(d -> !nearFade(d.frame(), fades, 2 * signals.span()))
                .filter(d -> cuts.stream().noneMatch(c -> Math.abs(c.frame() - d.frame()) <= signals.span()))
                .toList();
        List<Boundary> all = new ArrayList<>(cuts);
        all.addAll(fades);
        all.addAll(dissolves);
        all.sort(Comparator.comparingInt(Boundary::frame));
        int minFrames = (int) Math.round(options.minShotSeconds() * signals.fps());
        return thin(all, minFrames, signals.frames());
    }

    List<Boundary> cuts(FrameSignals s) {
        float[] change = s.change();
        List<Boundary> cuts = new ArrayList<>();
        for (int i = 1; i < s.frames(); i++) {
            if (change[i] < MIN_CUT_CHANGE && s.scene()[i] < options.sceneThreshold()) {
                continue;
            }
            // A floor of one grey level keeps a still picture's tiny noise from dividing to infinity.
            double ratio = change[i] / Math.max(neighbourAverage(change, i), 1.0);
            boolean adaptive = change[i] >= MIN_CUT_CHANGE && ratio >= options.adaptiveThreshold();
            boolean scene = s.scene()[i] >= options.sceneThreshold();
            if (adaptive || scene) {
                double strongest = Math.max(s.scene()[i] / options.sceneThreshold(),
                        change[i] >= MIN_CUT_CHANGE ? ratio / options.adaptiveThreshold() : 0);
                cuts.add(new Boundary(i, Transition.CUT, 1, Math.clamp(strongest / 2, 0.5, 1.0)));
            }
        }
        return cuts;
    }

    /** The average of {@code values} over the {@value #ADAPTIVE_WINDOW} frames either side of {@code i}. */
    private static double neighbourAverage(float[] values, int i) {
        double sum = 0;
        int count = 0;
        for (int j = i - ADAPTIVE_WINDOW; j <= i + ADAPTIVE_WINDOW; j++) {
            // Frame 0 has no change of its own, so it would pull the average down.
            if (j != i && j >= 1 && j < values.length) {
                sum += values[j];
                count++;
            }
        }
        return count == 0 ? 0 : sum / count;
    }

    List<Boundary> fades(FrameSignals s) {
        List<Boundary> fades = new ArrayList<>();
        float[] bright = s.bright();
        int n = s.frames();
        int i = 0;
        while (i < n) {
            if (bright[i] > BLACK_FRACTION) {
                i++;
                continue;
            }
            int start = i;
            double darkest = Double.MAX_VALUE;
            while (i < n && bright[i] <= BLACK_FRACTION) {
                darkest = Math.min(darkest, s.luma()[i]);
                i++;
            }
            // Black at the very start or end of the video opens or closes it; it is not between shots.
            if (start > 0 && i < n) {
                int length = i - start;
                double confidence = Math.clamp(1.0 - darkest / 32.0, 0.5, 1.0);
                fades.add(new Boundary(start + length / 2, Transition.FADE, fadeLength(s, start, i), confidence));
            }
        }
        return fades;
    }

    /** The black run plus the ramps on either side where luma falls into it and rises out of it. */
    private static int fadeLength(FrameSignals s, int blackStart, int blackEnd) {
        float[] luma = s.luma();
        int from = blackStart;
        while (from > 0 && luma[from - 1] > luma[from] + 0.5f) {
            from--;
        }
        int to = blackEnd;
        while (to < s.frames() && luma[to] > luma[to - 1] + 0.5f) {
            to++;
        }
        return to - from;
    }

    List<Boundary> dissolves(FrameSignals s) {
        int n = s.frames();
        int span = s.span();
        float[] d = s.spanChange();
        float[] r = s.spanResidual();
        List<Boundary> dissolves = new ArrayList<>();
        int runStart = -1;
        for (int c = 0; c <= n; c++) {
            boolean blend = c < n && isBlend(s, c);
            if (blend && runStart < 0) {
                runStart = c;
            } else if (!blend && runStart >= 0) {
                int best = runStart;
                for (int k = runStart; k < c; k++) {
                    if (d[k] > d[best]) {
                        best = k;
                    }
                }
                double linearity = 1.0 - r[best] / d[best] / MAX_BLEND_RESIDUAL;
                double rise = Math.min(1.0, (d[best] / surroundings(s, best) - MIN_SPAN_RISE) / MIN_SPAN_RISE);
                double confidence = 0.5 + 0.25 * Math.clamp(linearity, 0, 1) + 0.25 * Math.clamp(rise, 0, 1);
                dissolves.add(new Boundary(best, Transition.DISSOLVE, dissolveLength(s, best), confidence));
                runStart = -1;
            }
        }
        return dissolves;
    }

    private static boolean isBlend(FrameSignals s, int c) {
        int span = s.span();
        if (c < span || c + span >= s.frames()) {
            return false;
        }
        double d = s.spanChange()[c];
        if (d < MIN_SPAN_CHANGE || s.spanResidual()[c] > MAX_BLEND_RESIDUAL * d) {
            return false;
        }
        double around = surroundings(s, c);
        return !Double.isNaN(around) && d >= MIN_SPAN_RISE * around;
    }

    /**
     * The smaller span change measured 2N frames before and after {@code c}, where those are
     * defined; NaN when neither is. The smaller, because the other side may already reach into
     * the next transition.
     */
    private static double surroundings(FrameSignals s, int c) {
        int span = s.span();
        double around = Double.NaN;
        int before = c - 2 * span;
        int after = c + 2 * span;
        if (before >= span) {
            around = s.spanChange()[before];
        }
        if (after + span < s.frames()) {
            around = Double.isNaN(around) ? s.spanChange()[after] : Math.min(around, s.spanChange()[after]);
        }
        // A floor of one grey level: two still pictures would otherwise make any blend infinitely steep.
        return Double.isNaN(around) ? around : Math.max(around, 1.0);
    }

    /**
     * An estimate of the dissolve's length: the whole change divided by the typical change per
     * frame across the middle of it. Motion inside the shots makes the per-frame change larger,
     * so the estimate errs short; it is kept within [2, 4N].
     */
    private static int dissolveLength(FrameSignals s, int c) {
        int span = s.span();
        float[] change = s.change();
        double sum = 0;
        int count = 0;
        for (int k = Math.max(1, c - span / 2); k <= Math.min(s.frames() - 1, c + span / 2); k++) {
            sum += change[k];
            count++;
        }
        double perFrame = count == 0 ? 0 : sum / count;
        int length = perFrame <= 0 ? 2 * span : (int) Math.round(s.spanChange()[c] / perFrame);
        return Math.clamp(length, 2, 4 * span);
    }

    private static boolean nearFade(int frame, List<Boundary> fades, int distance) {
        return fades.stream().anyMatch(f -> Math.abs(f.frame() - frame) <= distance + f.length() / 2);
    }

    /**
     * Keeps boundaries at least {@code minFrames} apart and from both ends of the video; of two
     * that are too close, the more confident stays (the earlier on a tie).
     */
    static List<Boundary> thin(List<Boundary> sorted, int minFrames, int frames) {
        List<Boundary> kept = new ArrayList<>();
        for (Boundary b : sorted) {
            if (b.frame() < Math.max(1, minFrames) || b.frame() > frames - Math.max(1, minFrames)) {
                continue;
            }
            if (!kept.isEmpty() && b.frame() - kept.getLast().frame() < minFrames) {
                if (b.confidence() > kept.getLast().confidence()) {
                    kept.set(kept.size() - 1, b);
                }
                continue;
            }
            kept.add(b);
        }
        return kept;
    }
}
