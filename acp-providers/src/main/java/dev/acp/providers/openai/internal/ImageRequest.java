package dev.acp.providers.openai.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /images/generations}. ACP asks for one image per step ({@code n: 1}).
 *
 * @param size {@code WIDTHxHEIGHT} or {@code auto}
 * @param quality {@code low|medium|high|auto} (GPT image models), {@code standard|hd} (DALL-E 3)
 * @param style {@code vivid|natural}, DALL-E 3 only
 * @param responseFormat {@code b64_json} or {@code url}; GPT image models refuse it and always
 *     answer with base64
 * @param outputFormat {@code png|jpeg|webp}, GPT image models only
 * @param background {@code transparent|opaque|auto}, GPT image models only
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageRequest(
        @JsonProperty("model") String model,
        @JsonProperty("prompt") String prompt,
        @JsonProperty("n") int n,
        @JsonProperty("size") @Nullable String size,
        @JsonProperty("quality") @Nullable String quality,
        @JsonProperty("style") @Nullable String style,
        @JsonProperty("response_format") @Nullable String responseFormat,
        @JsonProperty("output_format") @Nullable String outputFormat,
        @JsonProperty("background") @Nullable String background) {

    public ImageRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(prompt, "prompt");
    }
}
