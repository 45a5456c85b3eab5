package dev.acp.providers.openai.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@code POST /images/generations}: each image as base64 or as a URL (DALL-E's
 * URLs expire after an hour), and on GPT image models the token usage the call is billed by.
 */
public record ImageResponse(
        @Nullable Long created,
        @Nullable List<Image> data,
        @Nullable ImageUsage usage,
        @JsonProperty("output_format") @Nullable String outputFormat,
        @Nullable String size,
        @Nullable String quality,
        @Nullable ApiError error) {

    /** One image; {@code revised_prompt} is the prompt DALL-E 3 actually drew. */
    public record Image(
            @JsonProperty("b64_json") @Nullable String b64Json,
            @Nullable String url,
            @JsonProperty("revised_prompt") @Nullable String revisedPrompt) {}

    /** Tokens of a GPT image model call: text and image input, image output. */
    public record ImageUsage(
            @JsonProperty("input_tokens") @Nullable Long inputTokens,
            @JsonProperty("output_tokens") @Nullable Long outputTokens,
            @JsonProperty("total_tokens") @Nullable Long totalTokens,
            @JsonProperty("input_tokens_details") @Nullable InputDetails inputTokensDetails) {}

    /** The input tokens by kind; text and image input are priced differently. */
    public record InputDetails(
            @JsonProperty("text_tokens") @Nullable Long textTokens,
            @JsonProperty("image_tokens") @Nullable Long imageTokens) {}
}
