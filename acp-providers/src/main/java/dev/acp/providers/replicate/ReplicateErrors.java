package dev.acp.providers.replicate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.error.ErrorKind;
import dev.acp.http.ErrorMapper;
import dev.acp.http.HttpResult;
import dev.acp.providers.support.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Replicate's errors in ACP's one classification (providers.md 7.5). Error answers are RFC 7807
 * problem+json ({@code title}, {@code detail}, {@code status}, for 422 also
 * {@code invalid_fields}); the status decides ({@link ErrorMapper#byStatus}: 401/403 AUTH, 402
 * QUOTA, 404 NOT_FOUND, 422 VALIDATION, 429 RATE_LIMIT, 5xx TRANSIENT), except that a detail
 * about credit, billing or a payment method is QUOTA and one about NSFW or sensitive content is
 * CONTENT_POLICY.
 *
 * <p>A failed prediction is not an HTTP error: its {@code error} string is classified by
 * {@link #ofFailure}.
 */
final class ReplicateErrors implements ErrorMapper {
    static final ReplicateErrors INSTANCE = new ReplicateErrors();

    private ReplicateErrors() {}

    @Override
    public Classified classify(HttpResult r) {
        String text = r.excerpt();
        List<String> fields = new ArrayList<>();
        try {
            JsonNode body = r.body().length == 0 ? null : Json.MAPPER.readTree(r.body());
            if (body != null && body.isObject()) {
                String title = Json.text(body, "title");
                String detail = Json.text(body, "detail");
                text = (title == null ? "" : title) + (title != null && detail != null ? ": " : "")
                        + (detail == null ? "" : detail);
                JsonNode invalid = body.get("invalid_fields");
                if (invalid != null && invalid.isArray()) {
                    invalid.forEach(f -> fields.add(f.isObject() ? describeField(f) : f.asText()));
                }
            }
        } catch (java.io.IOException e) {
            // not JSON: the excerpt stands
        }
        String lower = text.toLowerCase(Locale.ROOT);
        ErrorKind kind = ErrorMapper.byStatus(r.status());
        if (mentionsContentPolicy(lower)) {
            kind = ErrorKind.CONTENT_POLICY;
        } else if ((r.status() == 403 || r.status() == 429) && mentionsBilling(lower)) {
            // 402 is QUOTA by its status already; a 403 or 429 about credit is one too.
            kind = ErrorKind.QUOTA;
        }
        String message = "HTTP " + r.status() + (text.isBlank() ? "" : ": " + text)
                + (fields.isEmpty() ? "" : " (" + String.join("; ", fields) + ")");
        return new Classified(kind, oneLine(message));
    }

    private static String describeField(JsonNode f) {
        String field = Json.text(f, "field");
        String description = Json.text(f, "description");
        return (field == null ? "" : field + ": ") + (description == null ? f.toString() : description);
    }

    /**
     * The kind of a failed prediction from its error message: content policy; input the model
     * refused (VALIDATION: asking again pays again for the same refusal); otherwise TRANSIENT
     * (out of memory, a crashed worker, a timeout), which a retry may get past.
     */
    static ErrorKind ofFailure(String error) {
        String e = error.toLowerCase(Locale.ROOT);
        if (mentionsContentPolicy(e)) {
            return ErrorKind.CONTENT_POLICY;
        }
        if (mentionsBilling(e)) {
            return ErrorKind.QUOTA;
        }
        if (e.contains("out of memory") || e.contains("cuda") || e.contains("timed out") || e.contains("timeout")
                || e.contains("internal") || e.contains("unavailable") || e.contains("interrupted")) {
            return ErrorKind.TRANSIENT;
        }
        if (e.contains("invalid") || e.contains("must be") || e.contains("must not") || e.contains("empty") || e.contains("validation") || e.contains("not supported")
                || e.contains("unsupported") || e.contains("expected") || e.contains("required")
                || e.contains("cannot identify") || e.contains("too long") || e.contains("too large")) {
            return ErrorKind.VALIDATION;
        }
        return ErrorKind.TRANSIENT;
    }

    static boolean mentionsContentPolicy(String lower) {
        return lower.contains("nsfw") || lower.contains("sensitive content") || lower.contains("content policy")
                || lower.contains("flagged as sensitive") || lower.contains("safety filter")
                || lower.contains("content moderation");
    }

    private static boolean mentionsBilling(String lower) {
        return lower.contains("credit") || lower.contains("billing") || lower.contains("payment method")
                || lower.contains("spend limit");
    }

    static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() <= 300 ? t : t.substring(0, 297) + "...";
    }
}
