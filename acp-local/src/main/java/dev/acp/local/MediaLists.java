package dev.acp.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.provider.ParamType;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads list parameters as templates deliver them: a YAML list, a JSON array in a string (what a
 * rendered {@code {{steps.x.outputs}}} or a text result may look like), one item per line, or a
 * single value. Items
 * of file lists may be paths, {@code file:} URLs, or maps with a {@code path}, {@code output} or
 * {@code file} entry. Problems name the parameter and the item's index.
 */
final class MediaLists {
    /** Made on first use: a mapper's start-up is a large part of a short command that never needs it. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private MediaLists() {}

    /** The raw items of {@code name}; empty when absent or deferred to run time. */
    static List<Object> items(Params p, String name) {
        if (!p.has(name) || p.isDeferred(name)) {
            return List.of();
        }
        Object v = p.raw(name).orElseThrow();
        if (v instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        if (v instanceof String s) {
            String t = s.strip();
            if (t.startsWith("[") || t.startsWith("{")) {
                try {
                    Object parsed = Json.MAPPER.readValue(t, Object.class);
                    if (parsed instanceof List<?> list) {
                        return new ArrayList<>(list);
                    }
                    if (parsed instanceof Map<?, ?> map && map.get("scenes") instanceof List<?> scenes) {
                        return new ArrayList<>(scenes);
                    }
                } catch (JsonProcessingException e) {
                    p.issue(name, name + " looks like JSON but is not valid: " + e.getOriginalMessage(),
                            "write " + name + " as a YAML list");
                    return List.of();
                }
            }
            if (t.contains("\n")) {
                // One item per line, as a list rendered into a block string looks.
                return new ArrayList<>(t.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
            }
            return t.isEmpty() ? List.of() : List.of(t);
        }
        return List.of(v);
    }

    /** True when {@code name} holds a template (validation cannot count its items). */
    static boolean deferred(Params p, String name) {
        return p.isDeferred(name) || items(p, name).stream().anyMatch(i -> i instanceof String s && s.contains("{{"));
    }

    /** The files of {@code name}, absolute; an item that is not a local path is an issue naming its index. */
    static List<@Nullable Path> files(Params p, String name) {
        return files(p, name, false);
    }

    /**
     * The files of {@code name}; with {@code blanksAllowed} an empty item (null or "") stands for
     * "none for this entry" and is returned as null.
     */
    static List<@Nullable Path> files(Params p, String name, boolean blanksAllowed) {
        List<@Nullable Path> out = new ArrayList<>();
        List<Object> items = items(p, name);
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            boolean blank = item == null || (item instanceof String s && s.isBlank());
            out.add(blank && blanksAllowed ? null : file(p, name, i, item));
        }
        return out;
    }

    private static @Nullable Path file(Params p, String name, int index, @Nullable Object item) {
        String at = name + "[" + index + "]";
        Object value = item;
        if (item instanceof Map<?, ?> map) {
            value = ParamType.FILE_KEYS.stream().map(map::get).filter(v -> v != null).findFirst().orElse(null);
        }
        if (!(value instanceof String s) || s.isBlank()) {
            p.issue(name, at + " must be a file path, was " + (item == null ? "empty" : Params.describe(item)),
                    "list one file path per scene under " + name);
            return null;
        }
        String v = s.strip();
        if (p.checking() && v.contains("{{")) {
            return null;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            p.issue(name, at + ": the local provider works offline and cannot fetch " + v,
                    "download the file and list its path under " + name);
            return null;
        }
        try {
            return (lower.startsWith("file:") ? Path.of(URI.create(v)) : Path.of(v)).toAbsolutePath();
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            p.issue(name, at + " is not a valid file path: " + v, "list one file path per scene under " + name);
            return null;
        }
    }

    /** Numbers of {@code name} (seconds); an item that is not a positive number is an issue naming its index. */
    static List<@Nullable Double> seconds(Params p, String name, double max) {
        List<@Nullable Double> out = new ArrayList<>();
        List<Object> items = items(p, name);
        for (int i = 0; i < items.size(); i++) {
            out.add(number(p, name + "[" + i + "]", name, items.get(i), max));
        }
        return out;
    }

    static @Nullable Double number(Params p, String at, String name, @Nullable Object item, double max) {
        Double d = null;
        if (item instanceof Number n) {
            d = n.doubleValue();
        } else if (item instanceof String s) {
            if (p.checking() && s.contains("{{")) {
                return null;
            }
            try {
                d = Double.parseDouble(s.strip().replaceFirst("(?i)s$", "").strip());
            } catch (NumberFormatException e) {
                d = null;
            }
        }
        if (d == null || !(d > 0) || d > max) {
            p.issue(name, at + " must be a number of seconds above 0 and at most " + Params.format(max) + ", was "
                    + (item == null ? "empty" : Params.describe(item)), "give each scene's duration in seconds");
            return null;
        }
        return d;
    }

    /** The text of {@code key} in a scene map, if any. */
    static Optional<String> sceneText(@Nullable Object scene, String key) {
        if (scene instanceof Map<?, ?> map && map.get(key) instanceof String s && !s.isBlank()) {
            return Optional.of(s.strip());
        }
        return Optional.empty();
    }
}
