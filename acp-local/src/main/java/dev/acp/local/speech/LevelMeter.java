package dev.acp.local.speech;

import dev.acp.local.quality.QualityScores;

/**
 * Measures 16-bit PCM as it streams past: how many 20 ms frames are louder than {@value
 * QualityScores#SILENCE_DBFS} dBFS and how many samples sit at full scale. Not thread-safe; one per
 * file.
 */
public final class LevelMeter {
    private static final double SILENCE_RMS = 32768 * Math.pow(10, QualityScores.SILENCE_DBFS / 20);

    private final int frameLength;
    private long frames;
    private long loudFrames;
    private long samples;
    private long clipped;
    private double frameSquares;
    private int frameFill;

    /** A meter for audio at {@code sampleRate} samples per second. */
    public LevelMeter(int sampleRate) {
        this.frameLength = Math.max(1, sampleRate / 50);
    }

    public void accept(short sample) {
        samples++;
        if (sample >= Short.MAX_VALUE || sample <= Short.MIN_VALUE + 1) {
            clipped++;
        }
        frameSquares += (double) sample * sample;
        if (++frameFill == frameLength) {
            closeFrame();
        }
    }

    private void closeFrame() {
        frames++;
        if (Math.sqrt(frameSquares / frameFill) > SILENCE_RMS) {
            loudFrames++;
        }
        frameSquares = 0;
        frameFill = 0;
    }

    /** Fraction of complete frames that are not silent; 0 for no audio. */
    public double nonSilentShare() {
        return frames == 0 ? 0 : (double) loudFrames / frames;
    }

    /** Fraction of samples at full scale; 0 for no audio. */
    public double clippedShare() {
        return samples == 0 ? 0 : (double) clipped / samples;
    }
}
