package dev.acp.providers.openai.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /chat/completions}. Absent values are not sent, so each server applies
 * its own default. Only one of {@code max_tokens} and {@code max_completion_tokens} is set: OpenAI
 * and OpenRouter prefer the latter, Ollama reads only the former.
 *
 * @param stream always false: ACP reads whole answers (and says so, for servers whose default differs)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatRequest(
        @Nullable String model,
        List<ChatMessage> messages,
        @Nullable Double temperature,
        @JsonProperty("max_tokens") @Nullable Integer maxTokens,
        @JsonProperty("max_completion_tokens") @Nullable Integer maxCompletionTokens,
        @Nullable Long seed,
        @JsonProperty("response_format") @Nullable ResponseFormat responseFormat,
        boolean stream) {

    public ChatRequest {
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a chat request needs at least one message");
        }
        if (maxTokens != null && maxCompletionTokens != null) {
            throw new IllegalArgumentException("set max_tokens or max_completion_tokens, not both");
        }
    }

    /** A request of {@code messages} for {@code model}, with every option left to the server. */
    public static ChatRequest of(String model, List<ChatMessage> messages) {
        Objects.requireNonNull(model, "model");
        return new ChatRequest(model, messages, null, null, null, null, null, false);
    }

    public ChatRequest withTemperature(@Nullable Double value) {
        return new ChatRequest(model, messages, value, maxTokens, maxCompletionTokens, seed, responseFormat, stream);
    }

    /** The answer's length limit, in the field this server reads. */
    public ChatRequest withTokenLimit(@Nullable Integer value, boolean asMaxCompletionTokens) {
        return asMaxCompletionTokens
                ? new ChatRequest(model, messages, temperature, null, value, seed, responseFormat, stream)
                : new ChatRequest(model, messages, temperature, value, null, seed, responseFormat, stream);
    }

    public ChatRequest withSeed(@Nullable Long value) {
        return new ChatRequest(model, messages, temperature, maxTokens, maxCompletionTokens, value, responseFormat,
                stream);
    }

    public ChatRequest withResponseFormat(@Nullable ResponseFormat value) {
        return new ChatRequest(model, messages, temperature, maxTokens, maxCompletionTokens, seed, value, stream);
    }
}
