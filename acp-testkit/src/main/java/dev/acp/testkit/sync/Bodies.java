package dev.acp.testkit.sync;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** JSON, hashing and token counting shared by the fake's routes. */
final class Bodies {
    /** Decimals stay exact and are written plainly: a cost of 0.0000123 must not read 1.23E-5. */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private Bodies() {}

    /** The body as a JSON object, or null when it is not one. */
    static @Nullable ObjectNode object(byte[] body) {
        try {
            JsonNode n = body.length == 0 ? null : JSON.readTree(body);
            return n instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            return null;
        }
    }

    static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The SHA-256 (hex) of a request body: of its canonical JSON (keys sorted at every level) when
     * it is JSON, so that field order alone never makes two requests differ; of its bytes otherwise.
     */
    static String bodySha256(byte[] body) {
        try {
            JsonNode n = body.length == 0 ? null : JSON.readTree(body);
            if (n != null && (n.isObject() || n.isArray())) {
                return HexFormat.of().formatHex(sha256(JSON.writeValueAsBytes(canonical(n))));
            }
        } catch (IOException e) {
            // not JSON: the raw bytes below
        }
        return HexFormat.of().formatHex(sha256(body));
    }

    /** The bytes of {@link #bodySha256}: the seed of everything the fake makes from a request. */
    static byte[] seed(byte[] body) {
        return HexFormat.of().parseHex(bodySha256(body));
    }

    static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            new TreeSet<>(names).forEach(name -> out.set(name, canonical(node.get(name))));
            return out;
        }
        if (node.isArray()) {
            var out = JsonNodeFactory.instance.arrayNode();
            node.forEach(e -> out.add(canonical(e)));
            return out;
        }
        return node;
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** About four characters a token, as OpenAI's rule of thumb says; never zero. */
    static long tokens(String text) {
        return Math.max(1, (text.codePointCount(0, text.length()) + 3) / 4);
    }

    /** A key compared in constant time; a null expected key accepts any. */
    static boolean keyMatches(@Nullable String expected, @Nullable String sent) {
        if (expected == null) {
            return true;
        }
        return sent != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                sent.strip().getBytes(StandardCharsets.UTF_8));
    }
}
