package dev.acp.content.songs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link AudioAnalyser} measures in a song file.
 *
 * @param durationSeconds the length of the first audio stream
 * @param loudnessLufs integrated loudness (EBU R128 / ITU-R BS.1770, gated), in LUFS; -70 for silence
 * @param tempoBpm the beat rate from the onset envelope's autocorrelation, 40 to 240; 0 when there
 *     is no pulse to measure (silence, a steady tone)
 * @param tempoConfidence how pronounced that beat is, 0 to 1: the envelope's autocorrelation at the
 *     beat period relative to its value at lag 0 (a click track is near 1, speech near 0.1)
 * @param spectralCentroidHz the magnitude-weighted mean frequency, averaged over non-silent frames:
 *     "brightness"
 * @param spectralRolloffHz the frequency below which 85% of the spectral magnitude lies, averaged
 *     over non-silent frames
 * @param spectralFlatness the geometric over the arithmetic mean of the power spectrum, averaged
 *     over non-silent frames: near 0 for tones, near 1 for white noise
 * @param analysedSeconds how much of the file the tempo and spectral figures come from (the first
 *     {@link AudioAnalyser#MAX_ANALYSED_SECONDS} seconds at most)
 */
public record AudioFeatures(
        double durationSeconds,
        double loudnessLufs,
        double tempoBpm,
        double tempoConfidence,
        double spectralCentroidHz,
        double spectralRolloffHz,
        double spectralFlatness,
        double analysedSeconds) {

    /**
     * The features as index metadata, with stable snake_case names and rounded values (the index
     * stores them as strings and numbers; more digits would only be noise).
     */
    public Map<String, Object> asMetadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("duration_s", round(durationSeconds, 2));
        m.put("loudness_lufs", round(loudnessLufs, 1));
        m.put("tempo_bpm", round(tempoBpm, 1));
        m.put("tempo_confidence", round(tempoConfidence, 2));
        m.put("spectral_centroid_hz", round(spectralCentroidHz, 0));
        m.put("spectral_rolloff_hz", round(spectralRolloffHz, 0));
        m.put("spectral_flatness", round(spectralFlatness, 3));
        return m;
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
