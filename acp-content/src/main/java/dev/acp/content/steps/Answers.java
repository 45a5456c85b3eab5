package dev.acp.content.steps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.provider.ProviderResult;
import java.util.LinkedHashMap;
import java.util.Map;

/** A content step's answer: JSON text (its one list field gives later steps their items) and report facts. */
final class Answers {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Answers() {}

    /**
     * @param body the answer, in the order its fields are written
     * @param processed what was analysed, for the report and {@code content_processed_total{type}}
     */
    static ProviderResult of(Map<String, Object> body, String processed, Map<String, Object> facts) {
        String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer of maps, lists, numbers and text is writable as JSON", e);
        }
        Map<String, Object> metadata = new LinkedHashMap<>(facts);
        metadata.put("content_type", processed);
        metadata.put("analysis", "content analysis on this machine");
        // Computed here: the provider says what it billed, nothing, so the report shows $0.00.
        return ProviderResult.text(text, metadata).withActualCost(java.math.BigDecimal.ZERO);
    }

    /** A number rounded for reading: {@code digits} decimals. */
    static double round(double value, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(value * f) / f;
    }

    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
