package dev.acp.local.speech;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a synthesis produced.
 *
 * @param engine {@code freetts} or {@code espeak-ng}
 * @param voice the voice that spoke
 * @param voiceNote why a requested voice was not used, or null
 * @param sampleRate samples per second of the WAV
 * @param samples number of samples written
 * @param sentences number of sentences spoken
 * @param nonSilentShare fraction of 20 ms frames that are not silent
 * @param clippedShare fraction of samples at full scale
 */
public record SpeechResult(
        String engine,
        String voice,
        @Nullable String voiceNote,
        int sampleRate,
        long samples,
        int sentences,
        double nonSilentShare,
        double clippedShare) {
    public SpeechResult {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(voice, "voice");
    }

    public double durationSeconds() {
        return sampleRate == 0 ? 0 : (double) samples / sampleRate;
    }
}
