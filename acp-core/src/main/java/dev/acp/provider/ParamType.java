package dev.acp.provider;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The type of a step parameter, checked during validation. */
public enum ParamType {
    TEXT("text"),
    INTEGER("a whole number"),
    /** A number; numeric text such as "5" is accepted because several provider APIs use it. */
    NUMBER("a number"),
    BOOLEAN("true or false"),
    /** A local file (relative to the pipeline file) or an http(s) URL. */
    FILE("a file path or URL"),
    /**
     * A local folder (relative to the pipeline file), such as a vector index. Its listing (names,
     * sizes, modification times) is part of a step's cache key, so a changed index is never
     * answered from the cache.
     */
    FOLDER("a folder path"),
    /**
     * A file, or a list of files (paths, or maps naming one under {@code path}/{@code file}/
     * {@code output}/{@code output_path}), as typed or rendered from other steps' outputs. Paths
     * typed in the pipeline are relative to the pipeline file, like {@link #FILE}.
     */
    FILE_LIST("a file or a list of files"),
    /** Text or a list of texts. */
    TEXT_OR_LIST("text or a list of texts"),
    /** An image size: a preset name or a map with width and height. */
    SIZE("a size preset or {width, height}"),
    MAP("a map"),
    LIST("a list"),
    ANY("any value");

    /**
     * The keys under which an item of a {@link #FILE_LIST} that is a map names its file, in the
     * order they are looked at: the engine resolves them, providers read them.
     */
    public static final List<String> FILE_KEYS = List.of("path", "output", "output_path", "file");

    private static final java.util.regex.Pattern INTEGER_TEXT = java.util.regex.Pattern.compile("-?\\d+");

    private final String description;

    ParamType(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Whether {@code value} (a plain YAML value) fits this type. */
    public boolean accepts(@Nullable Object value) {
        return switch (this) {
            case TEXT, FILE, FOLDER -> value instanceof String || value instanceof Number;
            case INTEGER -> value instanceof Long || value instanceof java.math.BigInteger
                    || value instanceof String s && INTEGER_TEXT.matcher(s.trim()).matches();
            case NUMBER -> value instanceof Number n && !(n instanceof Double d && !Double.isFinite(d))
                    || value instanceof String s && isNumber(s);
            case BOOLEAN -> value instanceof Boolean;
            case TEXT_OR_LIST -> value instanceof String
                    || value instanceof List<?> l && l.stream().allMatch(x -> x instanceof String);
            case SIZE -> value instanceof String || value instanceof Map<?, ?> m
                    && m.get("width") instanceof Number && m.get("height") instanceof Number;
            case MAP -> value instanceof Map<?, ?>;
            case LIST -> value instanceof List<?>;
            // Lists come in many shapes (YAML, JSON text, one per line); the provider checks each item.
            case FILE_LIST, ANY -> true;
        };
    }

    private static boolean isNumber(String s) {
        try {
            return Double.isFinite(Double.parseDouble(s.trim())); // "Infinity" and "NaN" are not amounts
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
