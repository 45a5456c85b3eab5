package dev.acp.providers.fal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.error.ErrorKind;
import dev.acp.http.ErrorMapper;
import dev.acp.http.HttpResult;
import dev.acp.providers.support.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * fal's errors in ACP's one classification (providers.md 1.5). An error response carries an
 * {@code error_type} (body, or the {@code X-Fal-Error-Type} header) for request and
 * infrastructure failures, and a FastAPI {@code detail} for model errors: a list of
 * {@code {loc, msg, type}} (validation, content policy, ...) or a plain string.
 *
 * <p>In this order: a {@code content_policy_violation} detail, or a message saying "content
 * policy", "nsfw", "safety checker" or "flagged", is CONTENT_POLICY. Then {@code error_type}:
 * {@code request_timeout}, {@code startup_timeout}, {@code runner_*}, {@code internal_error},
 * {@code client_disconnected} and {@code client_cancelled} are TRANSIENT ({@code client_cancelled}
 * too: ACP cancels only jobs it stopped waiting for, and a resumed run that meets its own
 * cancelled job should submit it again rather than give up); {@code bad_request} is VALIDATION.
 * Then model error types: {@code generation_timeout}, {@code downstream_service_*} and
 * {@code internal_server_error} are TRANSIENT, others VALIDATION. Failing all that, the status
 * decides ({@link ErrorMapper#byStatus}), except a 402/403 about the balance, billing or a locked
 * account, which is QUOTA, and a 504 marked {@code X-Fal-Request-Timeout-Type: user}, which is
 * TIMEOUT.
 */
final class FalErrors implements ErrorMapper {
    static final FalErrors INSTANCE = new FalErrors();

    private FalErrors() {}

    @Override
    public Classified classify(HttpResult r) {
        JsonNode body = null;
        if (r.body().length > 0) {
            try {
                body = Json.MAPPER.readTree(r.body());
            } catch (java.io.IOException e) {
                body = null;
            }
        }
        String errorType = r.header("X-Fal-Error-Type").orElse(body == null ? null : Json.text(body, "error_type"));
        List<String> detailTypes = new ArrayList<>();
        String detail = body == null ? r.excerpt() : detail(body, detailTypes);
        ErrorKind kind = kind(r.status(), errorType, detailTypes, detail);
        if (r.status() == 504 && r.header("X-Fal-Request-Timeout-Type").map("user"::equalsIgnoreCase).orElse(false)) {
            kind = ErrorKind.TIMEOUT;
        }
        StringBuilder message = new StringBuilder("HTTP ").append(r.status());
        if (errorType != null && !errorType.isBlank()) {
            message.append(" ").append(errorType);
        }
        if (!detail.isBlank()) {
            message.append(": ").append(detail);
        }
        return new Classified(kind, oneLine(message.toString()));
    }

    /** The kind of a failure from what fal said about it; {@code status} 0 when there was no HTTP error. */
    static ErrorKind kind(int status, @Nullable String errorType, List<String> detailTypes, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (mentionsContentPolicy(lower) || detailTypes.stream().anyMatch(t -> byDetailType(t)
                .filter(ErrorKind.CONTENT_POLICY::equals).isPresent())) {
            return ErrorKind.CONTENT_POLICY;
        }
        Optional<ErrorKind> byType = byErrorType(errorType);
        if (byType.isPresent()) {
            return byType.get();
        }
        for (String t : detailTypes) {
            Optional<ErrorKind> k = byDetailType(t);
            if (k.isPresent()) {
                return k.get();
            }
        }
        if ((status == 403 || status == 402) && (lower.contains("balance") || lower.contains("billing")
                || lower.contains("locked") || lower.contains("credit"))) {
            return ErrorKind.QUOTA;
        }
        if (!detailTypes.isEmpty() || errorType != null && !errorType.isBlank() && status == 0) {
            return ErrorKind.VALIDATION;
        }
        return status == 0 ? ErrorKind.TRANSIENT : ErrorMapper.byStatus(status);
    }

    /** The table of providers.md 1.5. */
    static Optional<ErrorKind> byErrorType(@Nullable String errorType) {
        if (errorType == null || errorType.isBlank()) {
            return Optional.empty();
        }
        String t = errorType.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("runner_")) {
            return Optional.of(ErrorKind.TRANSIENT);
        }
        return switch (t) {
            case "request_timeout", "startup_timeout", "internal_error", "client_disconnected", "client_cancelled" ->
                    Optional.of(ErrorKind.TRANSIENT);
            case "bad_request" -> Optional.of(ErrorKind.VALIDATION);
            default -> byDetailType(t);
        };
    }

    /** Model error types (the {@code type} of a {@code detail} entry). */
    private static Optional<ErrorKind> byDetailType(String type) {
        String t = type.toLowerCase(Locale.ROOT);
        if (t.contains("content_policy") || t.contains("nsfw")) {
            return Optional.of(ErrorKind.CONTENT_POLICY);
        }
        if (t.equals("generation_timeout") || t.startsWith("downstream_service") || t.equals("internal_server_error")) {
            return Optional.of(ErrorKind.TRANSIENT);
        }
        return Optional.empty();
    }

    static boolean mentionsContentPolicy(String lowerText) {
        return lowerText.contains("content policy") || lowerText.contains("content_policy") || lowerText.contains("nsfw")
                || lowerText.contains("safety filter") || lowerText.contains("safety checker")
                || lowerText.contains("flagged");
    }

    /**
     * fal's explanation: the {@code detail} list as {@code "body.prompt: field required; ..."}, a
     * {@code detail} or {@code error} string, or a {@code message}.
     *
     * @param types receives the {@code type} of each detail entry
     */
    static String detail(JsonNode body, List<String> types) {
        JsonNode d = body.get("detail");
        if (d == null || d.isNull()) {
            d = body.get("error");
        }
        if (d == null || d.isNull()) {
            d = body.get("message");
        }
        if (d == null || d.isNull()) {
            return "";
        }
        if (d.isTextual()) {
            return d.asText();
        }
        if (d.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode e : d) {
                if (e.isObject()) {
                    String type = Json.text(e, "type");
                    if (type != null) {
                        types.add(type);
                    }
                    String loc = location(e.get("loc"));
                    String msg = Json.text(e, "msg");
                    parts.add((loc.isEmpty() ? "" : loc + ": ") + (msg == null ? String.valueOf(type) : msg));
                } else {
                    parts.add(e.asText());
                }
            }
            return String.join("; ", parts);
        }
        if (d.isObject()) {
            String type = Json.text(d, "type");
            if (type != null) {
                types.add(type);
            }
            String msg = Json.text(d, "message");
            return msg != null ? msg : d.toString();
        }
        return d.toString();
    }

    /** {@code ["body", "prompt"]} → {@code prompt}: the body prefix says nothing to a user. */
    private static String location(@Nullable JsonNode loc) {
        if (loc == null || !loc.isArray()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode p : loc) {
            parts.add(p.asText());
        }
        if (!parts.isEmpty() && parts.get(0).equals("body")) {
            parts.remove(0);
        }
        return String.join(".", parts);
    }

    static String oneLine(String text) {
        String t = text.replaceAll("\\s+", " ").trim();
        return t.length() <= 400 ? t : t.substring(0, 397) + "...";
    }
}
