package dev.acp.providers.openai.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /audio/speech}: OpenAI's shape, which Kokoro-FastAPI, LocalAI and
 * other compatible servers copy. Unset fields are left out so a server applies its defaults.
 *
 * @param instructions how to speak; only models such as {@code gpt-4o-mini-tts} read it
 * @param responseFormat {@code mp3}, {@code opus}, {@code aac}, {@code flac}, {@code wav} or {@code pcm}
 * @param speed 0.25 to 4, 1 is normal
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SpeechRequest(
        @JsonProperty("model") String model,
        @JsonProperty("input") String input,
        @JsonProperty("voice") String voice,
        @JsonProperty("instructions") @Nullable String instructions,
        @JsonProperty("response_format") String responseFormat,
        @JsonProperty("speed") @Nullable Double speed) {

    public SpeechRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(voice, "voice");
        Objects.requireNonNull(responseFormat, "responseFormat");
    }
}
