package dev.acp.providers.support;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.HttpResult;
import dev.acp.util.JsonMappers;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import org.jspecify.annotations.Nullable;

/** JSON for provider wire formats: one tolerant mapper, and one way to report malformed answers. */
public final class Json {
    /** Unknown fields are ignored: providers add fields faster than we release. */
    public static final ObjectMapper MAPPER = JsonMappers.objectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {}

    /**
     * The body of a response as JSON.
     *
     * @param ifMalformed how to classify a body that is not JSON: TRANSIENT for reads (asking
     *     again may help), UNKNOWN_OUTCOME for a paid submission (it may have been accepted)
     */
    public static JsonNode read(HttpResult r, String provider, ErrorKind ifMalformed) throws ProviderException {
        try {
            JsonNode n = MAPPER.readTree(r.body());
            if (n == null || n.isMissingNode()) {
                throw new ProviderException(ifMalformed, provider + ": the answer (HTTP " + r.status() + ") is empty");
            }
            return n;
        } catch (IOException e) {
            throw new ProviderException(ifMalformed, provider + ": the answer (HTTP " + r.status()
                    + ") is not valid JSON: " + r.excerpt());
        }
    }

    /** A request body of JSON. */
    public static HttpRequest.BodyPublisher body(Object value) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write a request body: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * A JSON object as {@code type}, tolerating a malformed {@code optional} field: when the whole
     * does not convert, it is converted again without that field. For what a provider reports
     * beside its answer (token counts, metrics): a report ACP cannot read must not lose an answer
     * that was paid for. Anything else that does not convert fails as {@code convertValue} does.
     */
    public static <T> T convert(JsonNode tree, Class<T> type, String optional) {
        try {
            return MAPPER.convertValue(tree, type);
        } catch (IllegalArgumentException e) {
            if (!(tree instanceof ObjectNode o) || !o.has(optional)) {
                throw e;
            }
            return MAPPER.convertValue(o.deepCopy().without(optional), type);
        }
    }

    /**
     * A decimal that reads as null when it is not a number (nor a number in text): for amounts a
     * provider reports beside its answer, such as a cost, whose malformation must not lose the
     * answer ({@code @JsonDeserialize(using = Json.LenientDecimal.class)}).
     */
    public static final class LenientDecimal extends JsonDeserializer<BigDecimal> {
        @Override
        public @Nullable BigDecimal deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode n = p.readValueAsTree();
            return n == null ? null : decimal(n);
        }
    }

    /**
     * A JSON number, or a number written as text (price lists send decimal strings); null for
     * anything else, which the caller reports in its own words.
     */
    public static @Nullable BigDecimal decimal(JsonNode n) {
        if (!(n.isNumber() || n.isTextual())) {
            return null;
        }
        try {
            return n.isNumber() ? n.decimalValue() : new BigDecimal(n.asText().strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A text field, or null when absent or not text. */
    public static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }
}
