package dev.acp.providers.replicate.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The form of {@code dev/acp/providers/replicate/models.yaml}. */
public record ModelsFile(int version, Map<String, String> defaults, Map<String, Model> models) {

    /**
     * A model ACP knows by name.
     *
     * @param ref {@code owner/name} or {@code owner/name:version}
     * @param waitSeconds seconds of {@code Prefer: wait} for models that usually finish within them, or null to poll
     * @param input model input field to the ACP parameters that fill it (first present wins)
     * @param outputFormat the model's output format field and its values, filled from the output file's extension
     * @param required model input fields that must be filled
     */
    public record Model(
            String capability,
            String ref,
            String title,
            @JsonProperty("wait") @Nullable Integer waitSeconds,
            Map<String, List<String>> input,
            @JsonProperty("output_format") @Nullable OutputFormat outputFormat,
            @Nullable List<String> required,
            @Nullable String note) {}

    /** A model's output format input: its field name and the values it takes. */
    public record OutputFormat(String field, List<String> values) {}
}
