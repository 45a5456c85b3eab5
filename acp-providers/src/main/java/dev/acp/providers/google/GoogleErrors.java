package dev.acp.providers.google;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.error.ErrorKind;
import dev.acp.http.ErrorMapper;
import dev.acp.http.HttpResult;
import dev.acp.providers.support.Json;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Google's errors in ACP's one classification (providers.md 6.4). An error body is
 * {@code {"error":{"code","message","status","details"}}}; the canonical {@code status} decides,
 * the HTTP status when it is missing:
 *
 * <ul>
 *   <li>{@code UNAUTHENTICATED}, {@code PERMISSION_DENIED}, and any error whose details name the
 *       reason {@code API_KEY_INVALID} (Google answers a bad key with 400 INVALID_ARGUMENT): AUTH;
 *   <li>{@code RESOURCE_EXHAUSTED}: RATE_LIMIT, with {@code RetryInfo.retryDelay} honoured when
 *       present (UNCONFIRMED in providers.md, so read only if it is there); QUOTA instead when a
 *       {@code QuotaFailure} names a per-day quota or the message says the credits are used up,
 *       since waiting minutes cannot help then;
 *   <li>{@code INVALID_ARGUMENT}, {@code FAILED_PRECONDITION}, {@code OUT_OF_RANGE}: VALIDATION,
 *       but QUOTA when the message is about billing, and CONTENT_POLICY when it is about safety
 *       or Google's Responsible AI practices (Veo refuses prompts so);
 *   <li>{@code DEADLINE_EXCEEDED}: TIMEOUT; {@code CANCELLED}: TRANSIENT;
 *       {@code ALREADY_EXISTS} and {@code UNIMPLEMENTED}: VALIDATION (asking again cannot help);
 *   <li>any other canonical status as the HTTP status Google documents for it
 *       ({@code UNAUTHENTICATED} 401, {@code NOT_FOUND} 404, {@code ABORTED} 409,
 *       {@code UNAVAILABLE} 503, ...) in the one classification, {@link ErrorMapper#byStatus}: this
 *       table holds only where Google's meaning differs from its status's.
 * </ul>
 *
 * <p>The same rules classify the {@code error} of a finished operation, whose {@code code} is the
 * numeric {@code google.rpc.Code}.
 */
final class GoogleErrors implements ErrorMapper {
    static final GoogleErrors INSTANCE = new GoogleErrors();

    static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(10);
    private static final Pattern SECONDS = Pattern.compile("(\\d+(?:\\.\\d+)?)s");
    private static final String[] RPC_CODES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
        "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};

    private GoogleErrors() {}

    @Override
    public Classified classify(HttpResult r) {
        JsonNode error = null;
        if (r.body().length > 0) {
            try {
                JsonNode body = Json.MAPPER.readTree(r.body());
                error = body == null ? null : body.get("error");
            } catch (java.io.IOException e) {
                error = null;
            }
        }
        if (error == null || !error.isObject()) {
            String excerpt = r.body().length == 0 ? "" : ": " + r.excerpt();
            return new Classified(ErrorMapper.byStatus(r.status()), "HTTP " + r.status() + excerpt);
        }
        String status = Json.text(error, "status");
        String message = Json.text(error, "message");
        ErrorKind kind = kind(r.status(), status, message == null ? "" : message, error.get("details"));
        String text = "HTTP " + r.status() + (status == null ? "" : " " + status)
                + (message == null || message.isBlank() ? "" : ": " + message);
        Classified c = new Classified(kind, oneLine(text), retryDelay(error.get("details")));
        // An overloaded model (503 UNAVAILABLE) answers before it generates anything: not billed.
        return r.status() == 503 && kind.retryable() ? c.refused() : c;
    }

    /** The canonical status name of a numeric {@code google.rpc.Code}, or null. */
    static @Nullable String rpcStatus(@Nullable Integer code) {
        return code == null || code < 0 || code >= RPC_CODES.length ? null : RPC_CODES[code];
    }

    /**
     * The kind of an error.
     *
     * @param httpStatus the HTTP status, or 0 for the error of a finished operation
     */
    static ErrorKind kind(int httpStatus, @Nullable String status, String message, @Nullable JsonNode details) {
        String lower = message.toLowerCase(Locale.ROOT);
        if (hasReason(details, "API_KEY_INVALID") || lower.contains("api key not valid")
                || lower.contains("api key expired")) {
            return ErrorKind.AUTH;
        }
        if (mentionsContentPolicy(lower)) {
            return ErrorKind.CONTENT_POLICY;
        }
        String s = status == null ? "" : status.toUpperCase(Locale.ROOT);
        Integer statusOfCode = HTTP_STATUS.get(s);
        return switch (s) {
            case "RESOURCE_EXHAUSTED" -> perDayQuota(details) || lower.contains("credits are depleted")
                    || lower.contains("prepayment") ? ErrorKind.QUOTA : ErrorMapper.byStatus(statusOfCode);
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE" -> lower.contains("billing")
                    ? ErrorKind.QUOTA : ErrorMapper.byStatus(statusOfCode);
            // Where Google's meaning is not its status's: a deadline that passed (504 reads as a
            // plain server error), a call the caller cancelled (499), and requests that asking
            // again cannot help (409, 501 read as retryable).
            case "DEADLINE_EXCEEDED" -> ErrorKind.TIMEOUT;
            case "CANCELLED" -> ErrorKind.TRANSIENT;
            case "ALREADY_EXISTS", "UNIMPLEMENTED" -> ErrorKind.VALIDATION;
            default -> statusOfCode != null ? ErrorMapper.byStatus(statusOfCode)
                    : httpStatus == 0 ? ErrorKind.TRANSIENT : ErrorMapper.byStatus(httpStatus);
        };
    }

    /**
     * The HTTP status of each canonical status ({@code google.rpc.Code}, as Google's API design
     * guide maps them), so that they are classified by the one table of statuses.
     */
    private static final java.util.Map<String, Integer> HTTP_STATUS = java.util.Map.ofEntries(
            java.util.Map.entry("CANCELLED", 499), java.util.Map.entry("UNKNOWN", 500),
            java.util.Map.entry("INVALID_ARGUMENT", 400), java.util.Map.entry("DEADLINE_EXCEEDED", 504),
            java.util.Map.entry("NOT_FOUND", 404), java.util.Map.entry("ALREADY_EXISTS", 409),
            java.util.Map.entry("PERMISSION_DENIED", 403), java.util.Map.entry("RESOURCE_EXHAUSTED", 429),
            java.util.Map.entry("FAILED_PRECONDITION", 400), java.util.Map.entry("ABORTED", 409),
            java.util.Map.entry("OUT_OF_RANGE", 400), java.util.Map.entry("UNIMPLEMENTED", 501),
            java.util.Map.entry("INTERNAL", 500), java.util.Map.entry("UNAVAILABLE", 503),
            java.util.Map.entry("DATA_LOSS", 500), java.util.Map.entry("UNAUTHENTICATED", 401));

    static boolean mentionsContentPolicy(String lowerMessage) {
        return lowerMessage.contains("responsible ai") || lowerMessage.contains("safety")
                || lowerMessage.contains("usage guidelines") || lowerMessage.contains("content policy");
    }

    /** {@code google.rpc.ErrorInfo} with this {@code reason} among the details. */
    private static boolean hasReason(@Nullable JsonNode details, String reason) {
        if (details == null || !details.isArray()) {
            return false;
        }
        for (JsonNode d : details) {
            if (reason.equals(Json.text(d, "reason"))) {
                return true;
            }
        }
        return false;
    }

    /** A {@code google.rpc.QuotaFailure} whose violated quota is counted per day. */
    private static boolean perDayQuota(@Nullable JsonNode details) {
        if (details == null || !details.isArray()) {
            return false;
        }
        for (JsonNode d : details) {
            JsonNode violations = d.get("violations");
            if (violations != null && violations.isArray()) {
                for (JsonNode v : violations) {
                    String id = Json.text(v, "quotaId");
                    String metric = Json.text(v, "quotaMetric");
                    if (id != null && id.contains("PerDay") || metric != null && metric.contains("per_day")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** {@code google.rpc.RetryInfo{"retryDelay":"35s"}} among the details, or null. */
    static @Nullable Duration retryDelay(@Nullable JsonNode details) {
        if (details == null || !details.isArray()) {
            return null;
        }
        for (JsonNode d : details) {
            String delay = Json.text(d, "retryDelay");
            if (delay != null) {
                Matcher m = SECONDS.matcher(delay.trim());
                if (m.matches()) {
                    Duration wait = Duration.ofMillis((long) (Double.parseDouble(m.group(1)) * 1000));
                    // A step has its own deadline; a bad value must not park it for hours.
                    return wait.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : wait;
                }
            }
        }
        return null;
    }

    static String oneLine(String text) {
        String t = text.replaceAll("\\s+", " ").trim();
        return t.length() <= 400 ? t : t.substring(0, 397) + "...";
    }
}
