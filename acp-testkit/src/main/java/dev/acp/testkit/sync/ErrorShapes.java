package dev.acp.testkit.sync;

import dev.acp.testkit.sync.FakeSyncServer.Provider;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Each provider's error body (providers.md 2.4, 3.3, 6.4 and 8): OpenRouter's
 * {@code {"error":{"code":<status>,"message","metadata"}}}, OpenAI's
 * {@code {"error":{"message","type","param","code"}}}, ElevenLabs'
 * {@code {"detail":{"status","message"}}} and Google's {@code {"error":{"code","message","status"}}}.
 * Never echoes a key that was sent: it may be a real one.
 */
final class ErrorShapes {
    private ErrorShapes() {}

    /**
     * 401 for a wrong or missing key. Google really answers a wrong key with 400
     * INVALID_ARGUMENT and the reason API_KEY_INVALID; the fake answers 401 UNAUTHENTICATED with the
     * same reason, so every provider refuses a key alike (ACP reads both as AUTH).
     */
    static Reply unauthorized(Provider p) {
        return switch (p) {
            case OPENROUTER -> error(p, 401, null, "User not found.");
            case OPENAI -> error(p, 401, "invalid_api_key", "Incorrect API key provided. You can find your API key"
                    + " at https://platform.openai.com/account/api-keys.");
            case ELEVENLABS -> error(p, 401, "invalid_api_key", "Invalid API key");
            case GOOGLE -> google(401, "API key not valid. Please pass a valid API key.", "UNAUTHENTICATED",
                    List.of(Map.of("@type", "type.googleapis.com/google.rpc.ErrorInfo", "reason", "API_KEY_INVALID",
                            "domain", "googleapis.com")));
        };
    }

    /** 429 with {@code Retry-After}; OpenRouter's own 429s also carry {@code X-RateLimit-*} (reset in epoch milliseconds). */
    static Reply rateLimited(Provider p, int retryAfterSeconds, Instant now) {
        String seconds = Integer.toString(retryAfterSeconds);
        Reply r = switch (p) {
            case OPENROUTER -> error(p, 429, "rate_limit_exceeded", "Rate limit exceeded (scripted by the fake)")
                    .with("X-RateLimit-Limit", "20").with("X-RateLimit-Remaining", "0")
                    .with("X-RateLimit-Reset", Long.toString(now.plusSeconds(retryAfterSeconds).toEpochMilli()));
            case OPENAI -> error(p, 429, "rate_limit_exceeded", "Rate limit reached (scripted by the fake)");
            case ELEVENLABS -> error(p, 429, "too_many_concurrent_requests",
                    "Too many concurrent requests (scripted by the fake)");
            case GOOGLE -> google(429, "Resource has been exhausted (scripted by the fake)", "RESOURCE_EXHAUSTED",
                    List.of(Map.of("@type", "type.googleapis.com/google.rpc.RetryInfo",
                            "retryDelay", seconds + "s")));
        };
        return r.with("Retry-After", seconds);
    }

    static Reply unavailable(Provider p) {
        return switch (p) {
            case OPENROUTER -> error(p, 503, null, "No available provider (scripted by the fake)");
            case OPENAI -> error(p, 503, null, "The server is overloaded (scripted by the fake)");
            case ELEVENLABS -> error(p, 503, "service_unavailable", "Service unavailable (scripted by the fake)");
            case GOOGLE -> google(503, "The model is overloaded. Please try again later. (scripted by the fake)",
                    "UNAVAILABLE", List.of());
        };
    }

    /**
     * An error in the provider's shape.
     *
     * @param code OpenAI's {@code code}, OpenRouter's {@code metadata.error_type}, ElevenLabs'
     *     {@code detail.status}; Google's status is derived from the HTTP status
     */
    static Reply error(Provider p, int status, @Nullable String code, String message) {
        return switch (p) {
            case OPENROUTER -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("code", status);
                e.put("message", message);
                if (code != null) {
                    e.put("metadata", Map.of("error_type", code));
                }
                yield Reply.json(status, Map.of("error", e));
            }
            case OPENAI -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("message", message);
                e.put("type", status == 429 ? "requests" : status >= 500 ? "server_error"
                        : status == 404 ? "not_found_error" : "invalid_request_error");
                e.put("param", null);
                e.put("code", code);
                yield Reply.json(status, Map.of("error", e));
            }
            case ELEVENLABS -> Reply.json(status, Map.of("detail", Map.of(
                    "status", code == null ? "error" : code, "message", message)));
            case GOOGLE -> google(status, message, googleStatus(status), List.of());
        };
    }

    /** ElevenLabs' FastAPI validation error (providers.md 2.4): 422 {@code {"detail":[{"loc","msg","type"}]}}. */
    static Reply validation(List<String> loc, String msg) {
        return Reply.json(422, Map.of("detail", List.of(Map.of("loc", loc, "msg", msg, "type", "value_error"))));
    }

    private static Reply google(int status, String message, String rpcStatus, List<Map<String, String>> details) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("code", status);
        e.put("message", message);
        e.put("status", rpcStatus);
        if (!details.isEmpty()) {
            e.put("details", details);
        }
        return Reply.json(status, Map.of("error", e));
    }

    private static String googleStatus(int status) {
        return switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 405 -> "UNIMPLEMENTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            default -> status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
    }
}
