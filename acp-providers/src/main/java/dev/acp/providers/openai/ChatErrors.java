package dev.acp.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.error.ErrorKind;
import dev.acp.http.ErrorMapper;
import dev.acp.http.HttpResult;
import dev.acp.providers.openai.internal.ApiError;
import dev.acp.providers.support.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Classifies the errors of both dialects: OpenRouter's {@code {"error":{"code":402,"message",
 * "metadata":{"error_type","reasons",...}}}} and OpenAI's or Ollama's {@code {"error":{"message",
 * "type","param","code"}}} with a code that is a string or null. The body's own words decide
 * where the status alone would mislead: a 403 is a moderation refusal when it carries
 * moderation metadata and a permission problem otherwise, and OpenAI's 429
 * {@code insufficient_quota} is an empty account, not a rate limit. Everything else follows
 * {@link ErrorMapper#byStatus}.
 *
 * @param model the model of the call, named in "not found" fixes
 * @param localServer whether the server is a local one, where a missing model is pulled
 */
record ChatErrors(String provider, @Nullable String model, boolean localServer, String keyVariable)
        implements ErrorMapper {

    private static final Set<String> QUOTA_CODES = Set.of("insufficient_quota", "billing_hard_limit_reached",
            "insufficient_credits", "payment_required", "credits_exhausted");
    private static final Set<String> MODERATION_CODES = Set.of("moderation", "moderation_error", "flagged",
            "content_policy_violation", "content_filter", "content_policy", "guardrail", "guardrail_error");
    private static final Set<String> RATE_CODES = Set.of("rate_limit_exceeded", "rate_limit_error", "rate_limited");
    private static final Set<String> NOT_FOUND_CODES = Set.of("model_not_found", "not_found_error", "not_found");
    private static final Set<String> AUTH_CODES = Set.of("invalid_api_key", "authentication_error", "unauthorized",
            "permission_error", "permission_denied");

    @Override
    public Classified classify(HttpResult response) {
        ApiError error = read(response.body());
        String fallback = response.body().length == 0 ? "no details in the answer" : response.excerpt();
        Classified c = classify(response.status(), error, fallback, false);
        // "HTTP nnn" leads, so that the transport does not append it after the fix.
        Classified out = new Classified(c.kind(), "HTTP " + response.status() + ": " + c.message());
        // No provider available (503) or an overloaded one (529): answered before any generation,
        // nothing billed, safe to send again.
        return (response.status() == 503 || response.status() == 529) && c.kind().retryable() ? out.refused() : out;
    }

    /**
     * The classification of an error object that OpenRouter sent inside a 200 answer: by its own
     * code when that is an HTTP status, else by its type, else TRANSIENT (the upstream failed
     * mid-answer).
     */
    Classified classifyInBody(ApiError error, String fallback) {
        int code = error.codeNumber();
        return classify(code >= 400 && code <= 599 ? code : 200, error, fallback, true);
    }

    private Classified classify(int status, @Nullable ApiError error, String fallback, boolean inBody) {
        String message = error == null || error.messageText() == null ? fallback : error.messageText();
        Set<String> tags = tags(error);
        boolean contextLength = tags.contains("context_length_exceeded")
                || lower(message).matches(".*(context length|context_length|maximum context|context window).*");
        ErrorKind kind;
        if (status != 429 && status < 500 && moderation(status, error, tags, message)) {
            kind = ErrorKind.CONTENT_POLICY;
        } else if (tags.stream().anyMatch(QUOTA_CODES::contains)) {
            kind = ErrorKind.QUOTA;
        } else if (contextLength) {
            kind = ErrorKind.VALIDATION;
        } else if (tags.stream().anyMatch(RATE_CODES::contains)) {
            kind = ErrorKind.RATE_LIMIT;
        } else if (tags.stream().anyMatch(NOT_FOUND_CODES::contains)) {
            kind = ErrorKind.NOT_FOUND;
        } else if (tags.stream().anyMatch(AUTH_CODES::contains)) {
            kind = ErrorKind.AUTH;
        } else if (status < 400) {
            kind = ErrorKind.TRANSIENT;
        } else {
            kind = ErrorMapper.byStatus(status);
        }
        String described = describe(message, inBody ? -1 : status, error);
        String fix = fix(kind, status, contextLength);
        return new Classified(kind, fix.isEmpty() ? described
                : (described.endsWith(".") ? described : described + ".") + " Fix: " + fix);
    }

    /** The error object of a body, or null when the body is not one we can read. */
    static @Nullable ApiError read(byte[] body) {
        try {
            JsonNode root = Json.MAPPER.readTree(body);
            if (root == null || !root.isObject()) {
                return null;
            }
            JsonNode e = root.get("error");
            if (e != null && e.isObject()) {
                return Json.MAPPER.treeToValue(e, ApiError.class);
            }
            // {"error":"model not found"} (Ollama's native API), {"message":...} or {"detail":...} (proxies).
            JsonNode text = e != null && e.isTextual() ? e : root.has("message") ? root.get("message") : root.get("detail");
            return text == null || text.isNull() ? null : new ApiError(null, text, null, null, null);
        } catch (java.io.IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Lower-cased codes, types and OpenRouter's error_type; numeric codes are the status and say nothing more. */
    private static Set<String> tags(@Nullable ApiError error) {
        Set<String> out = new LinkedHashSet<>();
        if (error == null) {
            return out;
        }
        String code = error.codeText();
        if (code != null && error.codeNumber() < 0) {
            out.add(lower(code));
        }
        if (error.type() != null) {
            out.add(lower(error.type()));
        }
        String errorType = error.metadataText("error_type");
        if (errorType != null) {
            out.add(lower(errorType));
        }
        return out;
    }

    /**
     * OpenRouter's moderation 403s carry {@code reasons}/{@code flagged_input}, its guardrail 403s
     * {@code patterns}; other servers say so in a code or, on a 403, in words.
     */
    private static boolean moderation(int status, @Nullable ApiError error, Set<String> tags, String message) {
        if (error != null && (error.metadataField("reasons") != null || error.metadataField("flagged_input") != null
                || error.metadataField("patterns") != null)) {
            return true;
        }
        if (tags.stream().anyMatch(t -> MODERATION_CODES.contains(t) || t.contains("moderation")
                || t.contains("guardrail"))) {
            return true;
        }
        return (status == 403 || status == 451)
                && lower(message).matches(".*(moderation|flagged|guardrail|content policy|safety system).*");
    }

    private static String describe(String message, int status, @Nullable ApiError error) {
        List<String> details = new ArrayList<>();
        if (error != null) {
            String code = error.codeText();
            if (code != null && error.codeNumber() != status) {
                details.add("code " + code);
            }
            if (error.type() != null && !error.type().isBlank()) {
                details.add("type " + error.type());
            }
            String errorType = error.metadataText("error_type");
            if (errorType != null) {
                details.add("error_type " + errorType);
            }
            JsonNode reasons = error.metadataField("reasons");
            if (reasons != null && reasons.isArray() && !reasons.isEmpty()) {
                List<String> r = new ArrayList<>();
                reasons.forEach(x -> r.add(x.asText()));
                details.add("flagged for " + String.join(", ", r));
            }
            String upstream = error.metadataText("provider_name");
            if (upstream != null) {
                details.add("upstream " + upstream);
            }
        }
        if (details.isEmpty()) {
            return message;
        }
        String m = message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
        return m + " (" + String.join("; ", details) + ")";
    }

    private String fix(ErrorKind kind, int status, boolean contextLength) {
        return switch (kind) {
            case AUTH -> status == 403 ? "the key is not allowed to use this model or endpoint; check its permissions"
                    : "check " + keyVariable;
            case QUOTA -> "add credits or raise the key's spending limit";
            case CONTENT_POLICY -> "the input was refused by a moderation filter; rephrase it or choose another model";
            case NOT_FOUND -> model == null ? ""
                    : localServer ? "pull the model on the server first, for example 'ollama pull " + model + "'"
                    : "check the model id '" + model + "' in the provider's model list";
            case VALIDATION -> contextLength ? "shorten the input or choose a model with a longer context window" : "";
            case RATE_LIMIT, TRANSIENT, TIMEOUT, UNKNOWN_OUTCOME, LOCAL, INTERNAL -> "";
        };
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
