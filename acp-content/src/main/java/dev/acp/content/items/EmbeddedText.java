package dev.acp.content.items;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The text of an item that is embedded: each chosen field on a line of its own, prefixed by its
 * name ({@code title: Blue in Green}), so that the same words in different fields (a title, a
 * genre) read as what they are. By default every field with text except {@code id} and
 * {@code path}; numbers and booleans are metadata, not text.
 *
 * @param fields the fields to embed, in this order; empty for the default
 */
public record EmbeddedText(List<String> fields) {
    public EmbeddedText {
        fields = List.copyOf(fields);
    }

    /** Every text field of each item. */
    public static EmbeddedText allTextFields() {
        return new EmbeddedText(List.of());
    }

    /** The text of {@code item}, or empty when it has none to embed. */
    public Optional<String> of(Item item) {
        List<String> lines = new ArrayList<>();
        if (fields.isEmpty()) {
            item.fields().forEach((name, value) -> {
                if (!name.equals(Item.PATH)) {
                    text(value).ifPresent(t -> lines.add(name + ": " + t));
                }
            });
        } else {
            for (String name : fields) {
                Object value = item.fields().get(name);
                if (value != null) {
                    String t = value instanceof Collection<?> c ? join(c) : String.valueOf(value).strip();
                    if (!t.isEmpty()) {
                        lines.add(name + ": " + t);
                    }
                }
            }
        }
        return lines.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", lines));
    }

    /** The fields of {@link #fields()} that {@code item} lacks or leaves blank. */
    public List<String> missing(Item item) {
        return fields.stream().filter(f -> {
            Object v = item.fields().get(f);
            return v == null || (v instanceof Collection<?> c ? join(c) : String.valueOf(v)).isBlank();
        }).toList();
    }

    /** A value's text when it is text: a string that is not a number, or a list holding some. */
    private static Optional<String> text(Object value) {
        return switch (value) {
            case String s -> s.isBlank() || isNumber(s) ? Optional.empty() : Optional.of(s.strip());
            case Collection<?> c -> {
                String joined = join(c);
                yield joined.isEmpty() ? Optional.empty() : Optional.of(joined);
            }
            default -> Optional.empty();
        };
    }

    private static String join(Collection<?> values) {
        return values.stream().filter(v -> v instanceof String s && !s.isBlank()).map(v -> ((String) v).strip())
                .collect(Collectors.joining(", "));
    }

    private static boolean isNumber(String s) {
        try {
            new BigDecimal(s.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
