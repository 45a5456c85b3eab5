package dev.acp.providers.openai.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * Token counts and, on OpenRouter, the cost. Ollama sends only the three token counts.
 *
 * @param cost what OpenRouter charged, in credits (1 credit = 1 USD); for bring-your-own-key
 *     requests only OpenRouter's fee, the upstream bills the rest ({@link CostDetails#upstreamInferenceCost})
 */
public record Usage(
        @JsonProperty("prompt_tokens") @Nullable Long promptTokens,
        @JsonProperty("completion_tokens") @Nullable Long completionTokens,
        @JsonProperty("total_tokens") @Nullable Long totalTokens,
        @Nullable BigDecimal cost,
        @JsonProperty("is_byok") @Nullable Boolean isByok,
        @JsonProperty("cost_details") @Nullable CostDetails costDetails,
        @JsonProperty("prompt_tokens_details") @Nullable PromptTokensDetails promptTokensDetails,
        @JsonProperty("completion_tokens_details") @Nullable CompletionTokensDetails completionTokensDetails) {

    /** OpenRouter's breakdown; {@code upstream_inference_cost} is only meaningful for BYOK. */
    public record CostDetails(@JsonProperty("upstream_inference_cost") @Nullable BigDecimal upstreamInferenceCost) {}

    /** Prompt tokens served from the provider's cache. */
    public record PromptTokensDetails(@JsonProperty("cached_tokens") @Nullable Long cachedTokens) {}

    /** Tokens a reasoning model spent thinking; they count against the answer limit. */
    public record CompletionTokensDetails(@JsonProperty("reasoning_tokens") @Nullable Long reasoningTokens) {}
}
