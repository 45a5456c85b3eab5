package dev.acp.content.quality;

/**
 * What ffmpeg measured on an audio stream.
 *
 * @param integratedLufs EBU R128 integrated loudness in LUFS; -70 (the gate) for silence
 * @param loudnessRangeLu EBU R128 loudness range in LU
 * @param samplePeakDbfs highest sample in dBFS ({@code -inf} as negative infinity)
 * @param truePeakDbfs highest 4x-oversampled (true) peak in dBTP
 * @param clippedShare share of samples (all channels) at 16-bit full scale
 * @param silenceShare share of the duration in silences of at least half a second below
 *     -45 dBFS
 * @param durationSeconds the stream's duration
 */
public record AudioMeasurement(
        double integratedLufs,
        double loudnessRangeLu,
        double samplePeakDbfs,
        double truePeakDbfs,
        double clippedShare,
        double silenceShare,
        double durationSeconds) {}
