package dev.acp.content.steps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.Provider.Issue;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A content step's parameters, read the same way at validation (problems become issues, values
 * still holding <code>{{...}}</code> are known only at run time and pass) and before it runs
 * (problems stop the step with a validation error naming the parameter).
 */
final class StepParams {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> values;
    private final boolean atValidation;
    private final List<Issue> issues = new ArrayList<>();

    private StepParams(Map<String, Object> values, boolean atValidation) {
        this.values = values;
        this.atValidation = atValidation;
    }

    static StepParams forCheck(Map<String, Object> values) {
        return new StepParams(values, true);
    }

    static StepParams forRun(Map<String, Object> values) {
        return new StepParams(values, false);
    }

    /** True when the value is a template that only the run can fill in. */
    boolean pending(String name) {
        return atValidation && values.get(name) instanceof String s && s.contains("{{");
    }

    boolean has(String name) {
        return values.get(name) != null;
    }

    /** The first of {@code names} that is set, as text. */
    Optional<String> text(String... names) {
        for (String n : names) {
            Object v = values.get(n);
            if (v != null) {
                return Optional.of(v.toString());
            }
        }
        return Optional.empty();
    }

    /** The first of {@code names} that is set, as a local path (already resolved by the engine). */
    Optional<Path> path(String... names) {
        for (String n : names) {
            Object v = values.get(n);
            if (v == null || pending(n)) {
                continue;
            }
            String s = v.toString();
            if (s.startsWith("http://") || s.startsWith("https://")) {
                problem(n, "config." + n + " is a URL; content analysis reads local files only",
                        "download it in an earlier step, or give a file path");
                return Optional.empty();
            }
            try {
                return Optional.of(Path.of(s));
            } catch (InvalidPathException e) {
                problem(n, "config." + n + " '" + s + "' is not a valid path", "give a file path");
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** A number within [min, max], or {@code fallback} when absent or known only at run time. */
    double number(String name, double min, double max, double fallback) {
        Object v = values.get(name);
        if (v == null || pending(name)) {
            return fallback;
        }
        double d;
        try {
            d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            problem(name, "config." + name + " must be a number, found '" + v + "'", "write for example '" + name + ": "
                    + fallback + "'");
            return fallback;
        }
        if (!(d >= min && d <= max)) {
            problem(name, "config." + name + " is " + v + ", outside " + min + ".." + max, "give a value from " + min
                    + " to " + max);
            return fallback;
        }
        return d;
    }

    int integer(String name, int min, int max, int fallback) {
        return (int) Math.round(number(name, min, max, fallback));
    }

    boolean flag(String name, boolean fallback) {
        Object v = values.get(name);
        return v instanceof Boolean b ? b : v == null ? fallback : Boolean.parseBoolean(v.toString());
    }

    /**
     * A list of texts: a YAML list, or the JSON text of a list (an earlier step's items). Items
     * that are objects give their first text field of {@code text}, {@code narration},
     * {@code description}, {@code title}, {@code prompt}.
     */
    Optional<List<String>> texts(String name) {
        return list(name, StepParams::firstText, "a 'text' (or narration, description, title, prompt)");
    }

    /** A list of files: paths, or objects naming one under path, output, output_path or file. */
    Optional<List<String>> files(String name) {
        return list(name, m -> {
            for (String key : dev.acp.provider.ParamType.FILE_KEYS) {
                if (m.get(key) instanceof String s) {
                    return s;
                }
            }
            return null;
        }, "a 'path'");
    }

    private Optional<List<String>> list(String name,
            java.util.function.Function<Map<?, ?>, @org.jspecify.annotations.Nullable String> fromMap, String field) {
        Object v = values.get(name);
        if (v == null || pending(name)) {
            return Optional.empty();
        }
        Object list = v;
        if (v instanceof String s) {
            String t = s.strip();
            if (!t.startsWith("[")) {
                return Optional.of(List.of(s));
            }
            try {
                list = JSON.readValue(t, Object.class);
            } catch (JsonProcessingException e) {
                problem(name, "config." + name + " looks like a JSON list but is not one (" + e.getOriginalMessage()
                        + ")", "give a YAML list of texts, or {{steps.<id>.items}}");
                return Optional.empty();
            }
        }
        if (!(list instanceof List<?> items)) {
            problem(name, "config." + name + " must be a list of texts", "give a YAML list of texts");
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (Object item : items) {
            String text = switch (item) {
                case String s -> s;
                case Map<?, ?> m -> fromMap.apply(m);
                case null, default -> item == null ? null : item.toString();
            };
            if (text == null) {
                problem(name, "item " + (out.size() + 1) + " of config." + name + " has no " + field + " field",
                        "give each item " + field);
                return Optional.empty();
            }
            out.add(text);
        }
        return Optional.of(out);
    }

    private static @org.jspecify.annotations.Nullable String firstText(Map<?, ?> m) {
        for (String key : List.of("text", "narration", "description", "title", "prompt")) {
            if (m.get(key) instanceof String s) {
                return s;
            }
        }
        return null;
    }

    /** Metadata filters {@code field: value}. */
    Map<String, String> filters(String name) {
        Object v = values.get(name);
        if (v == null || pending(name)) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            problem(name, "config." + name + " must be a map of field: value", "write for example '" + name
                    + ": { genre: jazz }'");
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, val) -> out.put(String.valueOf(k), String.valueOf(val)));
        return out;
    }

    void problem(String parameter, String message, String fix) {
        issues.add(new Issue(parameter, message, fix));
    }

    List<Issue> issues() {
        return List.copyOf(issues);
    }

    /** At run time: the first problem as the step's error. */
    void throwIfInvalid() throws ProviderException {
        if (!issues.isEmpty()) {
            Issue i = issues.get(0);
            String more = issues.size() > 1 ? " (and " + (issues.size() - 1) + " more)" : "";
            throw new ProviderException(ErrorKind.VALIDATION, i.message() + "; " + i.fix() + more);
        }
    }
}
