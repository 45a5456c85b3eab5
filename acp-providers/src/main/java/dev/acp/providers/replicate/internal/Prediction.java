package dev.acp.providers.replicate.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A prediction as create, get and cancel return it (providers.md 7.2, 7.3). {@code output} is
 * model-specific (a URL, a list of URLs, data URIs, text); {@code error} is a message string when
 * {@code status} is {@code failed}.
 */
public record Prediction(
        @Nullable String id,
        @Nullable String model,
        @Nullable String version,
        @Nullable String status,
        @Nullable JsonNode output,
        @Nullable JsonNode error,
        @Nullable String logs,
        @Nullable Map<String, Object> metrics,
        @Nullable Map<String, String> urls,
        @JsonProperty("data_removed") @Nullable Boolean dataRemoved) {

    public boolean hasOutput() {
        return output != null && !output.isNull() && !(output.isArray() && output.isEmpty())
                && !(output.isTextual() && output.asText().isBlank());
    }

    /** The failure message, or empty. */
    public String errorText() {
        if (error == null || error.isNull()) {
            return "";
        }
        return error.isTextual() ? error.asText() : error.toString();
    }
}
