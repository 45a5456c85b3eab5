package dev.acp.providers.elevenlabs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.error.ErrorKind;
import dev.acp.http.ErrorMapper;
import dev.acp.http.HttpResult;
import dev.acp.providers.support.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Classifies ElevenLabs error responses by the code in their body before the status, because
 * ElevenLabs reuses statuses: {@code quota_exceeded} arrives as 401 (or 400) and must not read as
 * a bad key, and a 429 is either the plan's concurrency limit or an overloaded service.
 *
 * <p>The body's {@code detail} is parsed as an object ({@code {"status","message"}}, possibly
 * with newer fields such as {@code type} or {@code code}), a FastAPI validation array
 * ({@code [{"loc","msg","type"}]}) or a plain string (providers.md 2.4 leaves the exact shape
 * UNCONFIRMED); anything else falls back on the status and a body excerpt.
 */
final class ElevenLabsErrorMapper implements ErrorMapper {

    @Override
    public Classified classify(HttpResult r) {
        Detail d = detail(r);
        ErrorKind kind = d.code() == null ? null : kindOf(d.code());
        if (kind == null) {
            kind = d.validationList() ? ErrorKind.VALIDATION : ErrorMapper.byStatus(r.status());
        }
        String text = d.code() == null ? d.message() : d.code() + (d.message().isEmpty() ? "" : ": " + d.message());
        Classified c = new Classified(kind, text.isEmpty() ? "HTTP " + r.status() : text);
        // A busy service or a full plan turns the request away before any speech is made: nothing
        // is billed (character-cost comes with audio only), so it is safe to send again.
        boolean turnedAway = r.status() == 503 || r.status() == 429 || d.code() != null && REFUSING_CODES.contains(
                d.code().toLowerCase(Locale.ROOT));
        return turnedAway && kind.retryable() ? c.refused() : c;
    }

    /** Error codes of requests ElevenLabs did not take on. */
    static final java.util.Set<String> REFUSING_CODES = java.util.Set.of("too_many_concurrent_requests",
            "rate_limit_exceeded", "system_busy", "service_unavailable");

    /** The kind of an ElevenLabs error code, or null when the code says nothing beyond the status. */
    static @Nullable ErrorKind kindOf(String code) {
        String c = code.toLowerCase(Locale.ROOT);
        return switch (c) {
            case "quota_exceeded", "insufficient_credits", "payment_required" -> ErrorKind.QUOTA;
            case "invalid_api_key", "missing_api_key", "needs_authorization", "unauthorized" -> ErrorKind.AUTH;
            case "voice_not_found", "model_not_found", "not_found" -> ErrorKind.NOT_FOUND;
            case "max_character_limit_exceeded", "invalid_request", "validation_error" -> ErrorKind.VALIDATION;
            case "too_many_concurrent_requests", "rate_limit_exceeded" -> ErrorKind.RATE_LIMIT;
            // "Our servers are experiencing high traffic": not this client's rate, so a plain retry.
            case "system_busy", "service_unavailable", "internal_server_error" -> ErrorKind.TRANSIENT;
            default -> c.contains("quota") ? ErrorKind.QUOTA : c.endsWith("_not_found") ? ErrorKind.NOT_FOUND : null;
        };
    }

    /**
     * What an error body says.
     *
     * @param code {@code detail.status} (or {@code detail.code}), or null
     * @param message the human text, one line, possibly empty
     * @param validationList true for a FastAPI {@code detail} array (request validation)
     */
    record Detail(@Nullable String code, String message, boolean validationList) {}

    static Detail detail(HttpResult r) {
        JsonNode root;
        try {
            root = r.body().length == 0 ? null : Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            return new Detail(null, r.body().length == 0 ? "" : r.excerpt(), false);
        }
        JsonNode detail = root.get("detail");
        if (detail == null || detail.isNull()) {
            // Not the documented shape; some gateways answer {"message": ...} or {"error": ...}.
            String m = firstText(root, "message", "error");
            return new Detail(firstText(root, "status", "code"), m == null ? r.excerpt() : oneLine(m), false);
        }
        if (detail.isTextual()) {
            return new Detail(null, oneLine(detail.asText()), false);
        }
        if (detail.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode item : detail) {
                parts.add(validationItem(item));
            }
            return new Detail(null, oneLine(String.join("; ", parts)), true);
        }
        if (detail.isObject()) {
            String code = firstText(detail, "status", "code", "type");
            String m = firstText(detail, "message", "msg");
            return new Detail(code, m == null ? "" : oneLine(m), false);
        }
        return new Detail(null, r.excerpt(), false);
    }

    /** {@code body.text: field required} from a FastAPI item. */
    private static String validationItem(JsonNode item) {
        if (!item.isObject()) {
            return item.asText();
        }
        String msg = firstText(item, "msg", "message");
        JsonNode loc = item.get("loc");
        List<String> path = new ArrayList<>();
        if (loc != null && loc.isArray()) {
            loc.forEach(p -> path.add(p.asText()));
        }
        return (path.isEmpty() ? "" : String.join(".", path) + ": ") + (msg == null ? "invalid" : msg);
    }

    private static @Nullable String firstText(JsonNode n, String... fields) {
        for (String f : fields) {
            JsonNode v = n.get(f);
            if (v != null && v.isValueNode() && !v.isNull() && !v.asText().isBlank()) {
                return v.asText();
            }
        }
        return null;
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() <= 300 ? t : t.substring(0, 297) + "...";
    }
}
