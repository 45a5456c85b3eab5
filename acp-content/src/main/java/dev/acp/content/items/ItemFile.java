package dev.acp.content.items;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.batch.CsvRecords;
import dev.acp.error.UsageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads an items file: CSV ({@code .csv}, a header row naming the fields, RFC 4180 quoting) or
 * JSON Lines ({@code .jsonl}, {@code .ndjson}, one object per line), UTF-8 with or without a byte
 * order mark. Every item needs a unique {@code id}; {@code path} (a media file) is optional; any
 * other field is kept. Every problem of the file is collected, each with its line and fix, and
 * every item must have text to embed: the named fields, or by default some text field.
 */
public final class ItemFile {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ItemFile() {}

    /**
     * Reads {@code file}, named {@code label} in messages.
     *
     * @param text which fields are embedded, to check that every item has them
     * @throws UsageException when the file is missing or not CSV or JSON Lines by its name
     */
    public static ItemSet read(Path file, String label, EmbeddedText text) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean csv = name.endsWith(".csv");
        if (!csv && !name.endsWith(".jsonl") && !name.endsWith(".ndjson")) {
            throw new UsageException("cannot tell the format of " + label + ": name it .csv (a header row, then an"
                    + " item per row) or .jsonl (a JSON object per line)");
        }
        if (!Files.isRegularFile(file)) {
            throw new UsageException("cannot read " + label + ": no such file");
        }
        Reading reading = new Reading(label, text);
        try {
            if (csv) {
                readCsv(file, reading);
            } else {
                readJsonLines(file, reading);
            }
        } catch (CharacterCodingException e) {
            reading.problem(reading.lastLine + 1, "the text after this line is not UTF-8", "save the file as UTF-8");
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read " + label + ": no such file");
        }
        if (reading.items.isEmpty() && reading.problems.isEmpty()) {
            reading.problem(1, "the file has no items", "write one item per " + (csv ? "row after the header" : "line"));
        }
        return new ItemSet(reading.items, reading.problems);
    }

    private static void readCsv(Path file, Reading reading) throws IOException {
        try (CsvRecords records = CsvRecords.open(file)) {
            CsvRecords.Record header = records.next();
            if (header == null) {
                reading.problem(1, "the file is empty", "write a header row naming the fields (id first), then one"
                        + " item per row");
                return;
            }
            List<String> columns = header.fields().stream().map(String::strip).toList();
            if (!checkHeader(columns, header, reading)) {
                return;
            }
            for (CsvRecords.Record r = records.next(); r != null; r = records.next()) {
                reading.lastLine = r.line();
                if (r.problem() != null) {
                    reading.problem(r.line(), "not valid CSV: " + r.problem(), "put fields holding commas, quotes or"
                            + " line breaks in double quotes, with each quote inside doubled (\"\")");
                    continue;
                }
                if (r.fields().size() != columns.size()) {
                    reading.problem(r.line(), "the row has " + r.fields().size() + " fields but the header has "
                            + columns.size(), "give every row one field per column (empty for none); quote fields"
                            + " that contain commas");
                    continue;
                }
                Map<String, Object> values = new LinkedHashMap<>();
                for (int i = 0; i < columns.size(); i++) {
                    if (!r.fields().get(i).isEmpty()) {
                        values.put(columns.get(i), r.fields().get(i));
                    }
                }
                reading.item(r.line(), values);
            }
        }
    }

    private static boolean checkHeader(List<String> columns, CsvRecords.Record header, Reading reading) {
        boolean ok = true;
        if (header.problem() != null) {
            reading.problem(header.line(), "the header row is not valid CSV: " + header.problem(), "close the quotes"
                    + " in the header row");
            ok = false;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).isEmpty()) {
                reading.problem(header.line(), "column " + (i + 1) + " of the header has no name", "name every column"
                        + " or remove the empty one");
                ok = false;
            } else if (!seen.add(columns.get(i))) {
                reading.problem(header.line(), "column '" + columns.get(i) + "' appears twice in the header",
                        "keep one column of each name");
                ok = false;
            }
        }
        if (!seen.contains(Item.ID)) {
            reading.problem(header.line(), "there is no 'id' column", "add a column named id with a unique value"
                    + " per item");
            ok = false;
        }
        for (String f : reading.text.fields()) {
            if (!seen.contains(f)) {
                reading.problem(header.line(), "there is no '" + f + "' column to embed", "add it, or name columns"
                        + " of the file with --fields (it has " + String.join(", ", columns) + ")");
                ok = false;
            }
        }
        return ok;
    }

    private static void readJsonLines(Path file, Reading reading) throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16)) {
            long line = 0;
            for (String text = in.readLine(); text != null; text = in.readLine()) {
                line++;
                reading.lastLine = line;
                if (line == 1 && text.startsWith("\uFEFF")) {
                    text = text.substring(1);
                }
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(text);
                } catch (JsonProcessingException e) {
                    reading.problem(line, "not valid JSON: " + e.getOriginalMessage(), "write one JSON object per"
                            + " line, such as {\"id\": \"a1\", \"title\": \"...\"}");
                    continue;
                }
                if (node == null || !node.isObject()) {
                    reading.problem(line, "the line is JSON but not an object", "write one JSON object per line, such"
                            + " as {\"id\": \"a1\", \"title\": \"...\"}");
                    continue;
                }
                JsonNode id = node.get(Item.ID);
                if (id != null && !id.isTextual() && !id.isIntegralNumber()) {
                    reading.problem(line, "the id is " + id.getNodeType().name().toLowerCase(Locale.ROOT) + ", not"
                            + " text or a whole number", "give each item an id such as \"a1\" or 17");
                    continue;
                }
                Map<String, Object> values = JSON.convertValue(node, new TypeReference<LinkedHashMap<String, Object>>() {});
                values.values().removeIf(v -> v == null);
                if (id != null) {
                    values.put(Item.ID, id.asText());
                }
                reading.item(line, values);
            }
        }
    }

    /** What has been read so far. */
    private static final class Reading {
        final String label;
        final EmbeddedText text;
        final List<Item> items = new ArrayList<>();
        final List<ItemProblem> problems = new ArrayList<>();
        final Map<String, Long> idLines = new HashMap<>();
        long lastLine;

        Reading(String label, EmbeddedText text) {
            this.label = label;
            this.text = text;
        }

        void problem(long line, String message, String fix) {
            problems.add(new ItemProblem(label, line, message, fix));
        }

        void item(long line, Map<String, Object> values) {
            Object rawId = values.remove(Item.ID);
            String id = rawId == null ? "" : String.valueOf(rawId).strip();
            if (id.isEmpty()) {
                problem(line, "the item has no id", "give every item a unique id");
                return;
            }
            Long first = idLines.putIfAbsent(id, line);
            if (first != null) {
                problem(line, "the id '" + id + "' is also the id of the item on line " + first, "give every item"
                        + " its own id");
                return;
            }
            Item item = new Item(id, line, values);
            List<String> missing = text.missing(item);
            if (!missing.isEmpty()) {
                problem(line, "item '" + id + "' has no " + String.join(", ", missing.stream().map(m -> "'" + m + "'")
                        .toList()) + " to embed", "fill " + (missing.size() == 1 ? "it" : "them") + " in, or leave "
                        + (missing.size() == 1 ? "it" : "them") + " out of --fields");
                return;
            }
            if (text.of(item).isEmpty()) {
                problem(line, "item '" + id + "' has no text to embed", "give it a text field (such as title or"
                        + " description), or name the fields to embed with --fields");
                return;
            }
            items.add(item);
        }
    }
}
