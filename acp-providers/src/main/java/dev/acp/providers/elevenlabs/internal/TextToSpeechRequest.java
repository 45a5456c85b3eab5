package dev.acp.providers.elevenlabs.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The JSON body of {@code POST /v1/text-to-speech/{voice_id}} (providers.md 2.2). Absent fields
 * are left out rather than sent as null, so the server applies its own defaults (and the
 * voice's stored settings) for everything the step did not set.
 *
 * @param seed 0..4294967295 on the wire, hence a long
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TextToSpeechRequest(
        @JsonProperty("text") String text,
        @JsonProperty("model_id") @Nullable String modelId,
        @JsonProperty("language_code") @Nullable String languageCode,
        @JsonProperty("voice_settings") @Nullable VoiceSettings voiceSettings,
        @JsonProperty("seed") @Nullable Long seed) {

    public TextToSpeechRequest {
        Objects.requireNonNull(text, "text");
    }
}
