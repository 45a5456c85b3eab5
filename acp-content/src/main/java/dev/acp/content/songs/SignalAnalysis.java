package dev.acp.content.songs;

/**
 * Spectral shape and tempo of mono samples, computed from one short-time Fourier transform (Hann
 * window of {@value #FRAME} samples, hop {@value #HOP}: 46 ms and 11.6 ms at 22,050 Hz).
 *
 * <p>Spectral centroid, 85% roll-off and flatness are the per-frame definitions librosa uses,
 * averaged over the frames that are not silent (RMS above -60 dBFS), so a fade-out or a gap does
 * not pull a song towards 0 Hz.
 *
 * <p>Tempo: the onset envelope is the spectral flux (the sum over frequency of the increase in
 * log-compressed magnitude from one frame to the next), with its one-second moving average removed
 * and negative values dropped, then smoothed over five frames. Its autocorrelation peaks at the beat period and its multiples; each
 * lag between 40 and 240 BPM is weighted by a log-normal preference centred on 120 BPM with a
 * one-octave spread (as librosa's {@code beat.tempo} does), which settles the choice between a
 * period and its double; the winning lag is refined by a parabola through its neighbours.
 */
final class SignalAnalysis {
    static final int FRAME = 1024;
    static final int HOP = 256;
    private static final double SILENT_RMS = 1e-3;
    private static final double ROLLOFF = 0.85;
    private static final double POWER_FLOOR = 1e-10;
    private static final double LOG_COMPRESSION = 1000;
    private static final double MIN_BPM = 40;
    private static final double MAX_BPM = 240;
    private static final double PRIOR_BPM = 120;

    private SignalAnalysis() {}

    /** The spectral averages and the tempo with its confidence. */
    record Result(double centroidHz, double rolloffHz, double flatness, double tempoBpm, double tempoConfidence) {}

    static Result analyse(float[] samples, int sampleRate) {
        int frames = samples.length < FRAME ? 0 : 1 + (samples.length - FRAME) / HOP;
        Fft fft = new Fft(FRAME);
        double[] window = new double[FRAME];
        for (int i = 0; i < FRAME; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / FRAME);
        }
        int bins = FRAME / 2 + 1;
        double binHz = (double) sampleRate / FRAME;
        double[] re = new double[FRAME];
        double[] im = new double[FRAME];
        double[] magnitude = new double[bins];
        double[] previousLog = new double[bins];
        double[] flux = new double[frames];
        double centroidSum = 0;
        double rolloffSum = 0;
        double flatnessSum = 0;
        int loudFrames = 0;
        for (int f = 0; f < frames; f++) {
            int offset = f * HOP;
            double energy = 0;
            for (int i = 0; i < FRAME; i++) {
                double s = samples[offset + i];
                energy += s * s;
                re[i] = s * window[i];
                im[i] = 0;
            }
            fft.transform(re, im);
            double total = 0;
            double weighted = 0;
            double logPowerSum = 0;
            double powerSum = 0;
            double increase = 0;
            for (int k = 0; k < bins; k++) {
                double m = Math.hypot(re[k], im[k]);
                magnitude[k] = m;
                total += m;
                weighted += m * k * binHz;
                double power = m * m + POWER_FLOOR;
                logPowerSum += Math.log(power);
                powerSum += power;
                double log = Math.log1p(LOG_COMPRESSION * m);
                if (f > 0 && log > previousLog[k]) {
                    increase += log - previousLog[k];
                }
                previousLog[k] = log;
            }
            flux[f] = increase;
            if (Math.sqrt(energy / FRAME) < SILENT_RMS || total == 0) {
                continue;
            }
            loudFrames++;
            centroidSum += weighted / total;
            double cumulative = 0;
            int k = 0;
            while (k < bins - 1 && cumulative + magnitude[k] < ROLLOFF * total) {
                cumulative += magnitude[k];
                k++;
            }
            rolloffSum += k * binHz;
            flatnessSum += Math.exp(logPowerSum / bins) / (powerSum / bins);
        }
        double framesPerSecond = (double) sampleRate / HOP;
        double[] tempo = tempo(flux, framesPerSecond);
        if (loudFrames == 0) {
            return new Result(0, 0, 0, tempo[0], tempo[1]);
        }
        return new Result(centroidSum / loudFrames, rolloffSum / loudFrames, flatnessSum / loudFrames, tempo[0],
                tempo[1]);
    }

    /** {bpm, confidence} from the spectral flux; {0, 0} when the envelope is flat. */
    static double[] tempo(double[] flux, double framesPerSecond) {
        int n = flux.length;
        int minLag = (int) Math.floor(60 * framesPerSecond / MAX_BPM);
        int maxLag = (int) Math.ceil(60 * framesPerSecond / MIN_BPM);
        if (n < maxLag * 2) {
            return new double[] {0, 0};
        }
        double[] envelope = onsetEnvelope(flux, (int) Math.round(framesPerSecond));
        double zero = 0;
        for (double v : envelope) {
            zero += v * v;
        }
        if (zero < 1e-12) {
            return new double[] {0, 0};
        }
        double[] correlation = new double[maxLag + 2];
        for (int lag = Math.max(1, minLag - 1); lag <= maxLag + 1 && lag < n; lag++) {
            double sum = 0;
            for (int i = 0; i + lag < n; i++) {
                sum += envelope[i] * envelope[i + lag];
            }
            // Unbiased: longer lags overlap fewer frames.
            correlation[lag] = sum * n / (n - lag);
        }
        int best = -1;
        double bestScore = 0;
        for (int lag = Math.max(1, minLag); lag <= maxLag; lag++) {
            double bpm = 60 * framesPerSecond / lag;
            double octaves = Math.log(bpm / PRIOR_BPM) / Math.log(2);
            double score = correlation[lag] * Math.exp(-0.5 * octaves * octaves);
            if (score > bestScore) {
                bestScore = score;
                best = lag;
            }
        }
        if (best < 0) {
            return new double[] {0, 0};
        }
        double a = correlation[best - 1];
        double b = correlation[best];
        double c = correlation[best + 1];
        double curvature = a - 2 * b + c;
        double shift = curvature < 0 ? 0.5 * (a - c) / curvature : 0;
        double lag = best + Math.max(-0.5, Math.min(0.5, shift));
        double confidence = Math.max(0, Math.min(1, b / zero));
        return new double[] {60 * framesPerSecond / lag, confidence};
    }

    /**
     * The envelope smoothed with the kernel 1 4 6 4 1: a beat period is rarely a whole number of
     * frames, and without this a click track's onsets, each one frame wide, line up better at twice
     * the period than at the period itself, which halves the tempo found.
     */
    private static double[] smooth(double[] values) {
        double[] kernel = {1 / 16.0, 4 / 16.0, 6 / 16.0, 4 / 16.0, 1 / 16.0};
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            double sum = 0;
            for (int k = 0; k < kernel.length; k++) {
                int j = i + k - 2;
                if (j >= 0 && j < values.length) {
                    sum += kernel[k] * values[j];
                }
            }
            out[i] = sum;
        }
        return out;
    }

    /** The flux minus its moving average over {@code window} frames, negative values dropped. */
    private static double[] onsetEnvelope(double[] flux, int window) {
        int n = flux.length;
        double[] prefix = new double[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + flux[i];
        }
        double[] envelope = new double[n];
        int half = Math.max(1, window / 2);
        for (int i = 0; i < n; i++) {
            int from = Math.max(0, i - half);
            int to = Math.min(n, i + half + 1);
            double mean = (prefix[to] - prefix[from]) / (to - from);
            envelope[i] = Math.max(0, flux[i] - mean);
        }
        return smooth(envelope);
    }
}
