package dev.acp.providers.openai.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.jspecify.annotations.Nullable;

/** A part of a multi-part message: {@code {"type":"text",...}} or {@code {"type":"image_url",...}}. */
public sealed interface ContentPart permits ContentPart.TextPart, ContentPart.ImagePart {

    /** The discriminator the servers read. */
    @JsonProperty("type")
    String type();

    /** Text. */
    @JsonPropertyOrder({"type", "text"})
    record TextPart(String text) implements ContentPart {
        @Override
        public String type() {
            return "text";
        }
    }

    /** An image given by an http(s) URL or a {@code data:} URI. */
    @JsonPropertyOrder({"type", "image_url"})
    record ImagePart(@JsonProperty("image_url") ImageUrl imageUrl) implements ContentPart {
        @Override
        public String type() {
            return "image_url";
        }
    }

    /**
     * Where the image is.
     *
     * @param detail OpenAI's {@code low}, {@code high} or {@code auto}; null leaves it to the server
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ImageUrl(String url, @Nullable String detail) {}
}
