package dev.acp.testkit.sync;

import java.util.Objects;

/**
 * One item of the fake ElevenLabs account's speech history (providers.md 2.5), created when a
 * text-to-speech request is billed.
 *
 * @param dateUnix when it was billed, in seconds since the epoch
 * @param characterCountChangeFrom the account's used credits before this request
 * @param characterCountChangeTo the account's used credits after it; the difference is the
 *     request's {@code character-cost}
 * @param contentType the audio's content type, for example {@code audio/mpeg}
 * @param outputFormat the {@code output_format} it was made in, for example {@code mp3_44100_128}
 */
public record HistoryItem(
        String historyItemId,
        String requestId,
        String voiceId,
        String voiceName,
        String modelId,
        String text,
        long dateUnix,
        long characterCountChangeFrom,
        long characterCountChangeTo,
        String contentType,
        String outputFormat,
        String state,
        String source) {

    public HistoryItem {
        Objects.requireNonNull(historyItemId, "historyItemId");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(text, "text");
    }

    /** The credits this request cost. */
    public long characterCost() {
        return characterCountChangeTo - characterCountChangeFrom;
    }
}
