package dev.acp.providers.openai.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code response_format}: structured output. OpenRouter and OpenAI honour the whole
 * {@code json_schema} object; Ollama reads only {@code json_schema.schema}, which is why the
 * prompts describe the same shape in words as well.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResponseFormat(String type, @JsonProperty("json_schema") @Nullable JsonSchema jsonSchema) {

    /** The name rule of OpenRouter's schema ({@code [a-zA-Z0-9_-]}, at most 64 characters). */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    /** The named schema of a {@code json_schema} format. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JsonSchema(String name, @Nullable String description, boolean strict, JsonNode schema) {
        public JsonSchema {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("schema name must match [a-zA-Z0-9_-]{1,64}: " + name);
            }
        }
    }

    /** An answer that conforms to {@code schema}. */
    public static ResponseFormat jsonSchema(String name, String description, JsonNode schema) {
        return new ResponseFormat("json_schema", new JsonSchema(name, description, true, schema));
    }
}
