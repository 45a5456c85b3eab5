package dev.acp.providers.google.internal;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@code models/{model}:generateContent} (providers.md 6.2).
 *
 * @param promptFeedback present when the prompt itself was blocked; then there may be no candidates
 */
public record GenerateContentResponse(
        @Nullable List<Candidate> candidates,
        @Nullable PromptFeedback promptFeedback,
        @Nullable UsageMetadata usageMetadata,
        @Nullable String modelVersion,
        @Nullable String responseId) {

    /** One generated answer. */
    public record Candidate(@Nullable Content content, @Nullable String finishReason, @Nullable Integer index) {}

    /** A message: its parts in order. */
    public record Content(@Nullable String role, @Nullable List<Part> parts) {}

    /**
     * One part of an answer; only text parts are read.
     *
     * @param thought true for a thinking model's reasoning, which is not part of the answer
     */
    public record Part(@Nullable String text, @Nullable Boolean thought) {}

    /** Why a prompt was blocked ({@code SAFETY}, {@code BLOCKLIST}, ...). */
    public record PromptFeedback(@Nullable String blockReason, @Nullable String blockReasonMessage) {}

    /** Tokens counted for the call. */
    public record UsageMetadata(
            @Nullable Long promptTokenCount,
            @Nullable Long candidatesTokenCount,
            @Nullable Long totalTokenCount,
            @Nullable Long thoughtsTokenCount,
            @Nullable Long cachedContentTokenCount) {}
}
