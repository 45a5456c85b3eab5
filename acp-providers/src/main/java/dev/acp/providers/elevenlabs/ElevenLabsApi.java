package dev.acp.providers.elevenlabs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.ErrorMapper;
import dev.acp.http.Governor;
import dev.acp.http.HttpCall;
import dev.acp.http.HttpResult;
import dev.acp.http.HttpTransport;
import dev.acp.providers.elevenlabs.internal.TextToSpeechRequest;
import dev.acp.providers.elevenlabs.internal.Voice;
import dev.acp.providers.elevenlabs.internal.VoicesResponse;
import dev.acp.providers.support.AccessChecks;
import dev.acp.providers.support.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The ElevenLabs endpoints ACP calls, over the process's one {@link HttpTransport}: every call
 * carries the API key in {@code xi-api-key}, goes through the provider's governor, is classified
 * by {@link ElevenLabsErrorMapper} and has the key masked in every message.
 */
final class ElevenLabsApi {
    private final HttpTransport transport;
    private final String baseUrl;
    private final String apiKey;
    private final Governor governor;
    private final ErrorMapper errors;
    private final Duration speechTimeout;

    ElevenLabsApi(HttpTransport transport, String baseUrl, String apiKey, Governor governor, ErrorMapper errors,
            Duration speechTimeout) {
        this.transport = transport;
        this.baseUrl = baseUrl;
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.governor = governor;
        this.errors = errors;
        this.speechTimeout = speechTimeout;
    }

    /**
     * {@code GET /v1/voices?show_legacy=true}: every voice of the account, legacy premade voices
     * included because the seed pipelines name them ("Rachel"). A free, safe read.
     */
    List<Voice> listVoices() throws ProviderException, InterruptedException {
        return voices(transport.execute(get("/v1/voices?show_legacy=true")), "voice list");
    }

    /**
     * {@code GET /v1/models} for {@code acp doctor}: free, and answered only for a valid key.
     *
     * @return how many models the account can use
     */
    int countModels() throws ProviderException, InterruptedException {
        HttpResult r = transport.execute(AccessChecks.quick(get("/v1/models")));
        JsonNode node = Json.read(r, ElevenLabsProvider.ID, ErrorKind.TRANSIENT);
        return node.isArray() ? node.size() : 0;
    }

    /**
     * {@code GET /v2/voices?search=...}: the first page of a name search, for accounts whose v1
     * list is cut off (providers.md 2.3: v1 stops working above 500 voices).
     */
    List<Voice> searchVoices(String name) throws ProviderException, InterruptedException {
        return voices(transport.execute(get("/v2/voices?page_size=100&search=" + encode(name))), "voice search");
    }

    /**
     * {@code POST /v1/text-to-speech/{voice_id}?output_format=...}, sent exactly once: ElevenLabs
     * has no idempotency key, so a repeated request is a second paid generation. Rate limits and
     * transient failures come back classified for the engine's own retry decision.
     */
    HttpResult textToSpeech(String voiceId, OutputFormat format, TextToSpeechRequest body)
            throws ProviderException, InterruptedException {
        URI uri = URI.create(baseUrl + "/v1/text-to-speech/" + encode(voiceId) + "?output_format="
                + encode(format.wireName()));
        HttpCall call = new HttpCall("POST", uri,
                Map.of("xi-api-key", apiKey, "Content-Type", "application/json"),
                Json.body(body), speechTimeout, HttpCall.Retry.ONCE, errors, governor, List.of(apiKey));
        return transport.execute(call);
    }

    /** One item of the speech history: what was said, by which voice and model, when, and what it cost. */
    record HistoryItem(String id, @Nullable String requestId, @Nullable String voiceId, @Nullable String modelId,
            @Nullable String text, long dateUnix, @Nullable Long charactersFrom, @Nullable Long charactersTo,
            @Nullable String contentType) {}

    /** One page of {@code GET /v1/history} and the cursor of the next, or null when it is the last. */
    record HistoryPage(List<HistoryItem> items, @Nullable String next) {}

    /**
     * {@code GET /v1/history} filtered by voice, model and a start time, oldest first
     * (providers.md 2.5): free, and safe to repeat.
     */
    HistoryPage history(String voiceId, String modelId, long afterUnix, @Nullable String startAfter)
            throws ProviderException, InterruptedException {
        String q = "/v1/history?page_size=100&sort_direction=asc&voice_id=" + encode(voiceId) + "&model_id="
                + encode(modelId) + "&date_after_unix=" + afterUnix
                + (startAfter == null ? "" : "&start_after_history_item_id=" + encode(startAfter));
        HttpResult r = transport.execute(get(q));
        JsonNode node = Json.read(r, ElevenLabsProvider.ID, ErrorKind.TRANSIENT);
        JsonNode items = node.path("history");
        if (!items.isArray()) {
            throw new ProviderException(ErrorKind.TRANSIENT, mask(ElevenLabsProvider.ID + ": the history (HTTP "
                    + r.status() + ") has no 'history' list: " + r.excerpt()));
        }
        List<HistoryItem> out = new java.util.ArrayList<>();
        for (JsonNode i : items) {
            String id = Json.text(i, "history_item_id");
            if (id == null || id.isBlank()) {
                continue;
            }
            out.add(new HistoryItem(id, Json.text(i, "request_id"), Json.text(i, "voice_id"), Json.text(i, "model_id"),
                    Json.text(i, "text"), i.path("date_unix").asLong(0), whole(i, "character_count_change_from"),
                    whole(i, "character_count_change_to"), Json.text(i, "content_type")));
        }
        boolean more = node.path("has_more").asBoolean(false);
        String last = Json.text(node, "last_history_item_id");
        return new HistoryPage(out, more && last != null && !last.isBlank() ? last : null);
    }

    /** {@code GET /v1/history/{id}/audio} into {@code target}, streamed: the audio already paid for. */
    dev.acp.http.Downloaded historyAudio(String historyItemId, java.nio.file.Path target, List<String> accepted)
            throws ProviderException, InterruptedException {
        HttpCall call = HttpCall.get(URI.create(baseUrl + "/v1/history/" + encode(historyItemId) + "/audio"),
                Map.of("xi-api-key", apiKey), governor, errors, List.of(apiKey)).withTimeout(speechTimeout);
        return transport.downloadFile(call, target, 512L * 1024 * 1024, accepted);
    }

    private static @Nullable Long whole(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.canConvertToLong() ? v.asLong() : null;
    }

    private HttpCall get(String pathAndQuery) {
        return HttpCall.get(URI.create(baseUrl + pathAndQuery),
                Map.of("xi-api-key", apiKey, "Accept", "application/json"), governor, errors, List.of(apiKey));
    }

    /** The voices of a list answer; a malformed one is transient (asking again is free and may help). */
    private List<Voice> voices(HttpResult r, String what) throws ProviderException {
        VoicesResponse parsed;
        try {
            JsonNode node = Json.MAPPER.readTree(r.body());
            parsed = node == null || !node.isObject() ? null : Json.MAPPER.treeToValue(node, VoicesResponse.class);
        } catch (IOException | IllegalArgumentException e) {
            parsed = null;
        }
        if (parsed == null || parsed.voices() == null) {
            throw new ProviderException(ErrorKind.TRANSIENT, mask(ElevenLabsProvider.ID + ": the " + what
                    + " (HTTP " + r.status() + ") is not in the expected form {\"voices\":[...]}: " + r.excerpt()));
        }
        return parsed.voices().stream().filter(v -> v != null && v.voiceId() != null && !v.voiceId().isBlank())
                .toList();
    }

    /** The text with the API key replaced: answers are quoted in messages, and a server may echo the key. */
    String mask(String text) {
        return apiKey.length() < 4 ? text : text.replace(apiKey, "****");
    }

    /** A path segment or query value; '+' would mean a literal plus in a path, so spaces are %20. */
    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
