package dev.acp.pipeline.load;

import dev.acp.pipeline.SourceLocation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A parsed YAML or JSON value that remembers where it came from, so that every validation error
 * can name {@code file:line:column}. Jackson's tree model drops locations; this one keeps them.
 */
public sealed interface Node permits Node.MapNode, Node.ListNode, Node.ScalarNode {

    SourceLocation location();

    /** A short name of the node's type for error messages ("a map", "a list", "a number"...). */
    String describe();

    /** The node as plain Java values (Map, List, String, Number, Boolean or null). */
    @Nullable Object toPlain();

    /** A mapping; keys keep their order and their own locations. */
    record MapNode(SourceLocation location, Map<String, Entry> entries) implements Node {
        public MapNode {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        public @Nullable Node get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        public boolean has(String key) {
            return entries.containsKey(key);
        }

        @Override
        public String describe() {
            return "a map";
        }

        @Override
        public Map<String, Object> toPlain() {
            Map<String, Object> out = new LinkedHashMap<>();
            entries.forEach((k, e) -> out.put(k, e.value().toPlain()));
            return out;
        }
    }

    /** One key of a mapping with the location of the key itself. */
    record Entry(String key, SourceLocation keyLocation, Node value) {}

    record ListNode(SourceLocation location, List<Node> items) implements Node {
        public ListNode {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }

        @Override
        public List<@Nullable Object> toPlain() {
            List<@Nullable Object> out = new ArrayList<>(items.size());
            for (Node n : items) {
                out.add(n.toPlain());
            }
            return out;
        }
    }

    /**
     * A scalar. {@code value} is a String, Long, BigInteger, Double, BigDecimal, Boolean or null.
     * {@code quoted} records whether the text was a string in the source, so that {@code "6"}
     * and {@code 6} can be told apart.
     */
    record ScalarNode(SourceLocation location, @Nullable Object value) implements Node {

        public boolean isNull() {
            return value == null;
        }

        public boolean isString() {
            return value instanceof String;
        }

        public boolean isNumber() {
            return value instanceof Number;
        }

        public boolean isBoolean() {
            return value instanceof Boolean;
        }

        @Override
        public String describe() {
            if (value == null) {
                return "null";
            }
            if (value instanceof String) {
                return "text \"" + abbreviate((String) value) + "\"";
            }
            if (value instanceof Boolean) {
                return "a boolean (" + value + ")";
            }
            if (value instanceof Double d && !Double.isFinite(d)) {
                return d.isNaN() ? "not a number (.nan)" : "a number too large to use (" + value + ")";
            }
            return "a number (" + value + ")";
        }

        @Override
        public @Nullable Object toPlain() {
            return value;
        }

        private static String abbreviate(String s) {
            return s.length() <= 40 ? s : s.substring(0, 37) + "...";
        }
    }
}
