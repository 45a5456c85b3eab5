package dev.acp.providers.elevenlabs.internal;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code voice_settings} of a speech request; every field is optional and only the ones a step
 * sets are sent (the voice's own stored settings apply to the rest).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VoiceSettings(
        @JsonProperty("stability") @Nullable Double stability,
        @JsonProperty("similarity_boost") @Nullable Double similarityBoost,
        @JsonProperty("style") @Nullable Double style,
        @JsonProperty("use_speaker_boost") @Nullable Boolean useSpeakerBoost,
        @JsonProperty("speed") @Nullable Double speed) {

    /** True when no field is set, so that {@code voice_settings} is left out entirely. */
    @JsonIgnore
    public boolean isEmpty() {
        return stability == null && similarityBoost == null && style == null && useSpeakerBoost == null
                && speed == null;
    }

    /** The fields that are set, by wire name, for result metadata. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "stability", stability);
        put(m, "similarity_boost", similarityBoost);
        put(m, "style", style);
        put(m, "use_speaker_boost", useSpeakerBoost);
        put(m, "speed", speed);
        return m;
    }

    private static void put(Map<String, Object> m, String key, @Nullable Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
