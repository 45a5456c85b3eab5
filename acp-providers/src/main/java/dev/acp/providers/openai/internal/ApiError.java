package dev.acp.providers.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * The {@code error} object of both error dialects:
 * OpenRouter {@code {"code":402,"message":...,"metadata":{"error_type":...,"reasons":[...]}}} and
 * OpenAI/Ollama {@code {"message":...,"type":"not_found_error","param":null,"code":null}}.
 *
 * @param code an HTTP status number (OpenRouter), a string such as {@code insufficient_quota}
 *     (OpenAI), or null (Ollama)
 */
public record ApiError(
        @Nullable JsonNode code,
        @Nullable JsonNode message,
        @Nullable String type,
        @Nullable String param,
        @Nullable JsonNode metadata) {

    /** The code as text ({@code "402"}, {@code "insufficient_quota"}), or null. */
    public @Nullable String codeText() {
        return code == null || code.isNull() || !code.isValueNode() ? null : code.asText();
    }

    /** The code when it is a number (an HTTP status on OpenRouter), else -1. */
    public int codeNumber() {
        if (code != null && code.isIntegralNumber()) {
            return code.asInt();
        }
        if (code != null && code.isTextual() && code.asText().matches("\\d{3}")) {
            return Integer.parseInt(code.asText());
        }
        return -1;
    }

    /** The message as one line, or null; a non-text message (seen on some proxies) as its JSON. */
    public @Nullable String messageText() {
        if (message == null || message.isNull()) {
            return null;
        }
        String m = message.isTextual() ? message.asText() : message.toString();
        m = m.replaceAll("\\s+", " ").trim();
        return m.isEmpty() ? null : m;
    }

    /** A text field of {@code metadata}, or null. */
    public @Nullable String metadataText(String field) {
        JsonNode v = metadata == null ? null : metadata.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    /** A field of {@code metadata}, or null. */
    public @Nullable JsonNode metadataField(String field) {
        JsonNode v = metadata == null ? null : metadata.get(field);
        return v == null || v.isNull() || v.isMissingNode() ? null : v;
    }
}
