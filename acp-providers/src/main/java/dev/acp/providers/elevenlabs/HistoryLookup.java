package dev.acp.providers.elevenlabs;

import dev.acp.error.ProviderException;
import dev.acp.http.Downloaded;
import dev.acp.provider.CallRecovery;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.Usage;
import dev.acp.providers.support.MediaTypes;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Finds speech ElevenLabs made (and billed) for a request whose answer was lost, in the account's
 * history (providers.md 2.5): the item with the same voice, model and text, made since shortly
 * before the request was sent. Its audio is downloaded for free and becomes the step's result,
 * billed once. No such item means ElevenLabs never made it: the request may be sent. The history
 * is written when the speech is done, so while a request sent recently could still be in the
 * making, the lookup waits (up to {@code grace} after it was sent) before it concludes that.
 */
final class HistoryLookup {
    /** How far before the recorded send time an item may be dated: clocks differ. */
    static final Duration CLOCK_SLACK = Duration.ofMinutes(1);
    /** Pages of 100 items read at most: a request sent at a known time is in the first few. */
    static final int MAX_PAGES = 20;
    /** Between looks while a recent request may still be in the making. */
    static final Duration RECHECK = Duration.ofSeconds(5);

    private final ElevenLabsApi api;
    private final Clock clock;
    private final Duration grace;

    HistoryLookup(ElevenLabsApi api, Clock clock, Duration grace) {
        this.api = api;
        this.clock = clock;
        this.grace = grace;
    }

    /**
     * @param text the text as it was sent (with any audio tags added)
     */
    CallRecovery find(ProviderRequest request, String voiceId, String modelId, String text, Instant sentAt,
            Map<String, Object> metadata) throws ProviderException, InterruptedException {
        while (true) {
            ElevenLabsApi.HistoryItem item = match(voiceId, modelId, text, sentAt);
            if (item != null) {
                return new CallRecovery.Found(result(request, item, metadata));
            }
            Instant waitUntil = sentAt.plus(grace);
            if (!clock.instant().isBefore(waitUntil)) {
                return new CallRecovery.NotReceived("no item in its history with this voice, model and text since "
                        + sentAt);
            }
            request.context().progress(-1, "waiting for ElevenLabs' history: a request sent at " + sentAt
                    + " may still be in the making");
            Thread.sleep(RECHECK.compareTo(Duration.between(clock.instant(), waitUntil)) < 0 ? RECHECK
                    : Duration.between(clock.instant(), waitUntil).plusMillis(1));
            request.context().checkCancelled();
        }
    }

    private ElevenLabsApi.@Nullable HistoryItem match(String voiceId, String modelId, String text, Instant sentAt)
            throws ProviderException, InterruptedException {
        long after = sentAt.minus(CLOCK_SLACK).getEpochSecond();
        String cursor = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            ElevenLabsApi.HistoryPage p = api.history(voiceId, modelId, after, cursor);
            for (ElevenLabsApi.HistoryItem i : p.items()) {
                // The filters are asked for, but checked here too: an older server may ignore one.
                if (text.equals(i.text()) && (i.voiceId() == null || voiceId.equals(i.voiceId()))
                        && (i.modelId() == null || modelId.equals(i.modelId())) && i.dateUnix() >= after) {
                    return i; // the oldest: the first answer paid for
                }
            }
            if (p.next() == null) {
                return null;
            }
            cursor = p.next();
        }
        return null;
    }

    private ProviderResult result(ProviderRequest request, ElevenLabsApi.HistoryItem item, Map<String, Object> metadata)
            throws ProviderException, InterruptedException {
        Downloaded audio = api.historyAudio(item.id(), request.outputFile(), MediaTypes.accepted(Capability.TEXT_TO_SPEECH));
        Map<String, Object> m = new LinkedHashMap<>(metadata);
        m.put("history_item_id", item.id());
        m.put("recovered_from", "ElevenLabs history");
        if (item.requestId() != null) {
            m.put("request_id", item.requestId());
        }
        m.put("file_bytes", audio.bytes());
        ProviderResult r = ProviderResult.file(m).withOutputSha256(audio.sha256())
                .withRequestIds(item.requestId() == null ? List.of(item.id()) : List.of(item.requestId()));
        if (item.charactersFrom() != null && item.charactersTo() != null && item.charactersTo() >= item.charactersFrom()) {
            // What the account's counter moved by: the credits this speech was billed.
            long credits = item.charactersTo() - item.charactersFrom();
            m.put("characters_billed", credits);
            r = r.withMetadata(Map.of("characters_billed", credits)).withUsage(new Usage.Credits(BigDecimal.valueOf(
                    credits)));
        }
        return r;
    }
}
