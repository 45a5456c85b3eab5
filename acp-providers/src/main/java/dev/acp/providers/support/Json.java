package dev.acp.providers.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.HttpResult;
import java.net.http.HttpRequest;

/** JSON for provider wire formats: one tolerant mapper, and one way to report malformed answers. */
public final class Json {
    /** Unknown fields are ignored: providers add fields faster than we release. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
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
        } catch (java.io.IOException e) {
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

    /** A text field, or null when absent or not text. */
    public static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }
}
