package dev.acp.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The rows of a JSON Lines inputs file: one JSON object per line, its fields the row's inputs.
 * Blank lines are skipped; a line that is not a JSON object is a row with an error, reported
 * with its line number, never skipped.
 */
final class JsonLinesRows implements RowSource {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final BufferedReader reader;
    private final Sha256 sha;
    private long line;
    private long number;

    JsonLinesRows(BufferedReader reader, Sha256 sha) {
        this.reader = reader;
        this.sha = sha;
    }

    @Override
    public @Nullable RawRow next() throws IOException {
        String text;
        do {
            text = reader.readLine();
            if (text == null) {
                return null;
            }
            line++;
            if (line == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
        } while (text.isBlank());
        number++;
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return bad("not valid JSON: " + brief(e), "write one JSON object per line, such as"
                    + " {\"id\": \"a1\", \"topic\": \"tea\"}");
        }
        if (!node.isObject()) {
            return bad("the line is JSON but not an object", "write one JSON object per line, such as"
                    + " {\"id\": \"a1\", \"topic\": \"tea\"}");
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<RawRow.Issue> issues = new ArrayList<>();
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            JsonNode v = field.getValue();
            if (v.isNull()) {
                continue; // null means "not given": the input's default applies
            }
            if (v.isObject()) {
                issues.add(new RawRow.Issue("'" + field.getKey() + "' is a JSON object, which no input type takes",
                        "give a string, number, boolean or (for a list input) an array"));
                continue;
            }
            values.put(field.getKey(), v.isArray() ? v.toString() : v.isNumber() ? v.decimalValue().toPlainString()
                    : v.asText());
        }
        return new RawRow(number, line, values, issues);
    }

    /** Jackson's message without its pointer into the source, which says nothing the line number does not. */
    private static String brief(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        int cut = m.indexOf(" (start marker");
        m = cut > 0 ? m.substring(0, cut) : m;
        cut = m.indexOf("\n at [Source");
        return (cut > 0 ? m.substring(0, cut) : m) + " (column " + e.getLocation().getColumnNr() + ")";
    }

    private RawRow bad(String message, String fix) {
        return new RawRow(number, line, Map.of(), List.of(new RawRow.Issue(message, fix)));
    }

    @Override
    public @Nullable List<String> columns() {
        return null;
    }

    @Override
    public List<RawRow.Issue> headerIssues() {
        return List.of();
    }

    @Override
    public String sha256() {
        return sha.hex();
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
