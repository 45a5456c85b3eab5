package dev.acp.testkit.sync;

import dev.acp.testkit.sync.FakeSyncServer.Provider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * ElevenLabs' speech history (providers.md 2.5), free to read: {@code GET /v1/history} with its
 * filters and cursor, {@code GET /v1/history/{id}} and {@code GET /v1/history/{id}/audio}, the
 * same bytes the text-to-speech answer carried.
 */
final class HistoryRoutes {
    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 1000;

    private final Ledger ledger;

    HistoryRoutes(Ledger ledger) {
        this.ledger = ledger;
    }

    static boolean serves(String path) {
        return path.equals("/v1/history") || path.startsWith("/v1/history/");
    }

    Outcome handle(Call call) {
        if (!call.method().equals("GET")) {
            return free(ErrorShapes.error(Provider.ELEVENLABS, 405, "method_not_allowed", "use GET"));
        }
        if (call.path().equals("/v1/history")) {
            return free(list(call.query()));
        }
        String[] rest = call.path().substring("/v1/history/".length()).split("/", -1);
        HistoryItem item = ledger.history().stream().filter(h -> h.historyItemId().equals(rest[0])).findFirst()
                .orElse(null);
        if (item == null || rest.length > 2 || rest.length == 2 && !rest[1].equals("audio")) {
            return free(ErrorShapes.error(Provider.ELEVENLABS, 404, "history_item_not_found",
                    "No history item with the id " + rest[0]));
        }
        if (rest.length == 1) {
            return free(Reply.json(200, json(item)));
        }
        return free(Reply.bytes(item.contentType(), ledger.audio(item.historyItemId()).orElseThrow()));
    }

    private Reply list(Map<String, String> q) {
        Long pageSize = number(q, "page_size");
        Long after = number(q, "date_after_unix");
        Long before = number(q, "date_before_unix");
        if (pageSize == null && q.containsKey("page_size") || after == null && q.containsKey("date_after_unix")
                || before == null && q.containsKey("date_before_unix")) {
            return ErrorShapes.validation(List.of("query", badNumber(q)), "Input should be a valid integer");
        }
        int size = pageSize == null ? DEFAULT_PAGE_SIZE : (int) Math.max(0, Math.min(Integer.MAX_VALUE, pageSize));
        if (size < 1 || size > MAX_PAGE_SIZE) {
            return ErrorShapes.validation(List.of("query", "page_size"), "Input should be between 1 and " + MAX_PAGE_SIZE);
        }
        String direction = q.getOrDefault("sort_direction", "desc");
        if (!direction.equals("asc") && !direction.equals("desc")) {
            return ErrorShapes.validation(List.of("query", "sort_direction"), "Input should be 'asc' or 'desc'");
        }
        List<HistoryItem> sorted = new ArrayList<>(ledger.history());
        if (direction.equals("desc")) {
            sorted = sorted.reversed();
        }
        int start = 0;
        String cursor = q.get("start_after_history_item_id");
        if (cursor != null) {
            int at = sorted.stream().map(HistoryItem::historyItemId).toList().indexOf(cursor);
            if (at < 0) {
                return ErrorShapes.error(Provider.ELEVENLABS, 400, "invalid_start_after_history_item_id",
                        "No history item with the id " + cursor);
            }
            start = at + 1;
        }
        Predicate<HistoryItem> keep = h -> (!q.containsKey("voice_id") || h.voiceId().equals(q.get("voice_id")))
                && (!q.containsKey("model_id") || h.modelId().equals(q.get("model_id")))
                && (after == null || h.dateUnix() >= after)
                && (before == null || h.dateUnix() < before)
                && (!q.containsKey("source") || h.source().equalsIgnoreCase(q.get("source")))
                && (!q.containsKey("search") || h.text().toLowerCase(Locale.ROOT)
                        .contains(q.get("search").toLowerCase(Locale.ROOT)));
        List<HistoryItem> matching = sorted.subList(start, sorted.size()).stream().filter(keep).toList();
        List<HistoryItem> page = matching.subList(0, Math.min(size, matching.size()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("history", page.stream().map(HistoryRoutes::json).toList());
        out.put("last_history_item_id", page.isEmpty() ? null : page.getLast().historyItemId());
        out.put("has_more", matching.size() > page.size());
        return Reply.json(200, out);
    }

    static Map<String, Object> json(HistoryItem h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("history_item_id", h.historyItemId());
        m.put("request_id", h.requestId());
        m.put("voice_id", h.voiceId());
        m.put("voice_name", h.voiceName());
        m.put("voice_category", "premade");
        m.put("model_id", h.modelId());
        m.put("text", h.text());
        m.put("date_unix", h.dateUnix());
        m.put("character_count_change_from", h.characterCountChangeFrom());
        m.put("character_count_change_to", h.characterCountChangeTo());
        m.put("content_type", h.contentType());
        m.put("state", h.state());
        m.put("settings", null);
        m.put("feedback", null);
        m.put("source", h.source());
        m.put("output_format", h.outputFormat());
        return m;
    }

    private static @Nullable Long number(Map<String, String> q, String name) {
        try {
            return q.containsKey(name) ? Long.valueOf(q.get(name).strip()) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String badNumber(Map<String, String> q) {
        for (String name : List.of("page_size", "date_after_unix", "date_before_unix")) {
            if (q.containsKey(name) && number(q, name) == null) {
                return name;
            }
        }
        return "page_size";
    }

    private static Outcome free(Reply r) {
        return new Outcome.Free(r);
    }
}
