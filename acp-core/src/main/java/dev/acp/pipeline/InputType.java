package dev.acp.pipeline;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The type of a pipeline input; values given on the command line are converted to it. */
public enum InputType {
    STRING("string"),
    INTEGER("integer"),
    NUMBER("number"),
    BOOLEAN("boolean"),
    /** A path to an existing file, relative to the working directory when given with --set. */
    FILE("file"),
    /**
     * A UTF-8 text file whose contents are the value (a story, a script): the path is resolved
     * like a {@code file} input's, and {@code {{inputs.<name>}}} is the text it holds.
     */
    TEXT_FILE("text_file"),
    /**
     * A list of values, for a for_each block to run over; with --set given as a JSON array or as
     * comma-separated text.
     */
    LIST("list");

    private final String wireName;

    InputType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<InputType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    /** Converts text to this type, or returns null when it does not fit. */
    public @Nullable Object parse(String text) {
        String t = text.trim();
        return switch (this) {
            case STRING, FILE, TEXT_FILE -> text;
            case INTEGER -> {
                try {
                    yield Long.parseLong(t);
                } catch (NumberFormatException e) {
                    yield null;
                }
            }
            case NUMBER -> {
                try {
                    BigDecimal d = new BigDecimal(t);
                    yield d.stripTrailingZeros().scale() <= 0 ? (Object) d.longValueExact() : (Object) d.doubleValue();
                } catch (NumberFormatException | ArithmeticException e) {
                    yield null;
                }
            }
            case BOOLEAN -> switch (t.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1" -> Boolean.TRUE;
                case "false", "no", "off", "0" -> Boolean.FALSE;
                default -> null;
            };
            case LIST -> parseList(t);
        };
    }

    private static @Nullable Object parseList(String t) {
        if (t.startsWith("[")) {
            try {
                Object v = new com.fasterxml.jackson.databind.ObjectMapper().readValue(t, Object.class);
                return v instanceof java.util.List<?> ? v : null;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return null;
            }
        }
        if (t.isEmpty()) {
            return java.util.List.of();
        }
        return Arrays.stream(t.split(",", -1)).map(String::trim).toList();
    }

    /** Whether a value read from the pipeline file (a default) has this type. */
    public boolean accepts(@Nullable Object value) {
        return switch (this) {
            case STRING, FILE, TEXT_FILE -> value instanceof String;
            case INTEGER -> value instanceof Long || value instanceof java.math.BigInteger;
            case NUMBER -> value instanceof Number;
            case BOOLEAN -> value instanceof Boolean;
            case LIST -> value instanceof java.util.List<?>;
        };
    }
}
