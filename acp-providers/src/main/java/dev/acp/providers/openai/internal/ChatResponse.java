package dev.acp.providers.openai.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@code chat.completion} as OpenRouter, OpenAI and Ollama return it. A 200 answer may still be
 * a failure: OpenRouter can answer 200 with a top-level {@code error}, or a choice whose
 * {@code finish_reason} is {@code error}.
 *
 * @param id {@code gen-...} on OpenRouter; on Ollama a small random number that repeats across calls
 * @param model the model that actually answered (OpenRouter may route to a fallback)
 * @param provider the upstream that served an OpenRouter request (not in its schema; optional)
 */
public record ChatResponse(
        @Nullable String id,
        @Nullable String model,
        @Nullable String provider,
        @JsonProperty("system_fingerprint") @Nullable String systemFingerprint,
        @Nullable List<Choice> choices,
        @Nullable Usage usage,
        @Nullable ApiError error) {

    /**
     * One answer.
     *
     * @param finishReason {@code stop}, {@code length}, {@code tool_calls}, {@code content_filter} or
     *     {@code error} (OpenRouter normalises every upstream to these)
     * @param error set by OpenRouter when the upstream failed mid-answer
     */
    public record Choice(
            @Nullable Integer index,
            @JsonProperty("finish_reason") @Nullable String finishReason,
            @JsonProperty("native_finish_reason") @Nullable String nativeFinishReason,
            @Nullable ResponseMessage message,
            @Nullable ApiError error) {}
}
