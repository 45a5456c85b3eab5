package dev.acp.providers.openai;

import dev.acp.provider.Usage;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A successful chat answer as the tasks see it.
 *
 * @param text the assistant's text, never blank
 * @param finishReason why the model stopped ({@code stop}, {@code length}, ...), if the server said
 * @param metadata facts for the report: model, upstream, tokens, finish reason, generation id
 * @param cost what the call cost in US dollars, or null when unknown
 * @param requestIds the generation id, for tracing with the provider
 * @param usage the tokens the answer reports, which price the call when no cost is reported
 */
record Completion(
        String text, @Nullable String finishReason, Map<String, Object> metadata, @Nullable BigDecimal cost,
        List<String> requestIds, @Nullable Usage usage) {

    Completion {
        Objects.requireNonNull(text, "text");
        metadata = Map.copyOf(metadata);
        requestIds = List.copyOf(requestIds);
    }

    /** True when the answer stopped at the token limit and may be cut off. */
    boolean truncated() {
        return "length".equals(finishReason);
    }

    /** " (this answer cost $x)" for failures after a paid answer, so the money is not silently lost. */
    String costNote() {
        return costNote(cost);
    }

    static String costNote(@Nullable BigDecimal cost) {
        return cost == null || cost.signum() == 0 ? "" : " (the answer cost $" + cost.stripTrailingZeros().toPlainString() + ")";
    }
}
