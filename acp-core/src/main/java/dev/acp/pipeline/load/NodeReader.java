package dev.acp.pipeline.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.acp.pipeline.Problem;
import dev.acp.pipeline.SourceLocation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML or JSON text into {@link Node}s with locations, reporting syntax errors and
 * duplicate keys as {@link Problem}s instead of throwing.
 */
public final class NodeReader {
    /** Nesting deeper than this is refused, so that hostile input cannot exhaust the stack. */
    private static final int MAX_DEPTH = 200;

    private final YamlEventReader events = new YamlEventReader(MAX_DEPTH);
    // Making a factory is cheap; its first parser is not (see YamlEventReader).
    private final JsonFactory yaml = new YAMLFactory();
    private final JsonFactory json = new JsonFactory();

    /** The format of a pipeline file, chosen by its extension. */
    public enum Format {
        YAML,
        JSON;

        public static Format forFileName(String name) {
            return name.toLowerCase(java.util.Locale.ROOT).endsWith(".json") ? JSON : YAML;
        }
    }

    /** The root node, or null when the text could not be parsed; problems are added to {@code problems}. */
    public Node read(String text, String fileLabel, Format format, List<Problem> problems) {
        if (format == Format.YAML) {
            var read = events.read(text, fileLabel);
            if (read.isPresent()) {
                problems.addAll(read.get().problems());
                Node root = read.get().root();
                if (root == null) {
                    problems.add(empty(fileLabel));
                }
                return root;
            }
        }
        return readWithJackson(text, fileLabel, format, problems);
    }

    /** The general reader: JSON, and the YAML that {@link YamlEventReader} leaves to Jackson. */
    Node readWithJackson(String text, String fileLabel, Format format, List<Problem> problems) {
        try (JsonParser p = (format == Format.JSON ? json : yaml).createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                problems.add(empty(fileLabel));
                return null;
            }
            Node root = readValue(p, fileLabel, problems, 0);
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            SourceLocation where = loc == null
                    ? SourceLocation.unknown(fileLabel)
                    : new SourceLocation(fileLabel, Math.max(1, loc.getLineNr()), Math.max(1, loc.getColumnNr()));
            problems.add(Problem.error(where, null, "cannot parse " + (format == Format.JSON ? "JSON" : "YAML")
                    + ": " + firstLine(e.getOriginalMessage()), "correct the syntax at this position"));
            return null;
        } catch (IOException e) {
            problems.add(Problem.error(SourceLocation.unknown(fileLabel), null,
                    "cannot read the file: " + e.getMessage(), "check that the file is readable"));
            return null;
        }
    }

    private Node readValue(JsonParser p, String file, List<Problem> problems, int depth) throws IOException {
        SourceLocation at = location(p, file);
        if (depth > MAX_DEPTH) {
            throw new com.fasterxml.jackson.core.JsonParseException(p, "nesting deeper than " + MAX_DEPTH + " levels");
        }
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Node.Entry> entries = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    SourceLocation keyAt = location(p, file);
                    p.nextToken();
                    Node value = readValue(p, file, problems, depth + 1);
                    putEntry(entries, key, keyAt, value, problems);
                }
                return new Node.MapNode(at, entries);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(readValue(p, file, problems, depth + 1));
                }
                return new Node.ListNode(at, items);
            }
            case VALUE_STRING -> {
                return new Node.ScalarNode(at, p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return new Node.ScalarNode(at, switch (p.getNumberType()) {
                    case INT, LONG -> p.getLongValue();
                    default -> p.getBigIntegerValue();
                });
            }
            case VALUE_NUMBER_FLOAT -> {
                return new Node.ScalarNode(at, p.getDoubleValue());
            }
            case VALUE_TRUE -> {
                return new Node.ScalarNode(at, Boolean.TRUE);
            }
            case VALUE_FALSE -> {
                return new Node.ScalarNode(at, Boolean.FALSE);
            }
            case VALUE_NULL -> {
                return new Node.ScalarNode(at, null);
            }
            case VALUE_EMBEDDED_OBJECT -> {
                Object o = p.getEmbeddedObject();
                if (o instanceof byte[]) {
                    // A YAML !!binary value: its text would be a Java array's identity, not the value.
                    problems.add(Problem.error(at, null, "binary values (!!binary) are not supported here",
                            "write the value as plain text"));
                    return new Node.ScalarNode(at, null);
                }
                return new Node.ScalarNode(at, o == null ? null : o.toString());
            }
            default -> throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected token " + t);
        }
    }

    private static Problem empty(String fileLabel) {
        return Problem.error(new SourceLocation(fileLabel, 1, 1), null,
                "the file is empty", "write a pipeline with pipeline_name and steps");
    }

    /** Adds a mapping's entry, or reports a key the mapping already has (the first one is kept). */
    static void putEntry(Map<String, Node.Entry> entries, String key, SourceLocation keyAt, Node value,
            List<Problem> problems) {
        Node.Entry previous = entries.get(key);
        if (previous != null) {
            problems.add(Problem.error(keyAt, null, "duplicate key '" + key + "' (first at line "
                    + previous.keyLocation().line() + ")", "remove one of the two '" + key + "' keys"));
        } else {
            entries.put(key, new Node.Entry(key, keyAt, value));
        }
    }

    private static SourceLocation location(JsonParser p, String file) {
        JsonLocation loc = p.currentTokenLocation();
        return new SourceLocation(file, Math.max(1, loc.getLineNr()), Math.max(1, loc.getColumnNr()));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
