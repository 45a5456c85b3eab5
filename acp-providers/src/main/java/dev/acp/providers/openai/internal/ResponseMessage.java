package dev.acp.providers.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * The assistant's message.
 *
 * @param content a string on every server we know; kept as JSON because some compatible servers
 *     answer with a list of {@code {"type":"text","text":...}} parts
 * @param refusal set by OpenAI when the model declined a structured-output request
 */
public record ResponseMessage(@Nullable String role, @Nullable JsonNode content, @Nullable String refusal) {

    /** The text of the answer: the string, or the text parts joined; null when there is none. */
    public @Nullable String text() {
        if (content == null || content.isNull() || content.isMissingNode()) {
            return null;
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode part : content) {
                JsonNode text = part.isTextual() ? part : part.get("text");
                if (text != null && text.isTextual()) {
                    b.append(text.asText());
                }
            }
            return b.isEmpty() ? null : b.toString();
        }
        return null;
    }
}
