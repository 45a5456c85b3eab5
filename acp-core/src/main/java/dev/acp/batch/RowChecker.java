package dev.acp.batch;

import dev.acp.pipeline.InputSpec;
import dev.acp.pipeline.InputType;
import dev.acp.util.Suggestions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Checks rows against the pipeline's declared {@code inputs:}: no unknown columns, every required
 * input given, values of the input's type and among its {@code enum}, files that exist, and a
 * usable row id. Each finding names the line and the fix; a row with one is never run.
 */
final class RowChecker {
    /** The column that names a row, unless the pipeline declares an input of that name. */
    static final String ID = "id";
    private static final Pattern ROW_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

    private final Map<String, InputSpec> inputs;
    private final String file;
    private final Path baseDirectory;

    /**
     * @param file the inputs file as the user named it, for messages
     * @param baseDirectory the inputs file's folder: relative file paths in rows start there
     */
    RowChecker(Map<String, InputSpec> inputs, String file, Path baseDirectory) {
        this.inputs = inputs;
        this.file = file;
        this.baseDirectory = baseDirectory;
    }

    /** Problems of a CSV header: unknown columns, and required inputs that no column gives. */
    List<BatchProblem> checkHeader(List<String> columns, List<RawRow.Issue> issues) {
        List<BatchProblem> out = new ArrayList<>();
        issues.forEach(i -> out.add(new BatchProblem(file, 1, null, i.message(), i.fix())));
        for (String c : columns) {
            if (!c.isEmpty() && !c.equals(ID) && !inputs.containsKey(c)) {
                out.add(new BatchProblem(file, 1, null, "column '" + c + "' is not an input of the pipeline",
                        unknownFix(c)));
            }
        }
        for (InputSpec in : inputs.values()) {
            if (in.required() && !columns.contains(in.name())) {
                out.add(new BatchProblem(file, 1, null, "no column gives the required input '" + in.name() + "'",
                        "add a column '" + in.name() + "', or give the input a default in the pipeline"));
            }
        }
        return out;
    }

    /** The result of checking one row: the row to run, or its problems (at least one). */
    record Checked(@Nullable BatchRow row, List<BatchProblem> problems) {}

    /**
     * @param header the CSV header's columns, whose unknown and missing names {@link #checkHeader}
     *     reported once for the whole file; null for JSON Lines, where each row names its own
     */
    Checked check(RawRow raw, @Nullable List<String> header) {
        String given = raw.values().get(ID);
        String id = given != null ? given.strip() : Long.toString(raw.number());
        List<BatchProblem> out = new ArrayList<>();
        raw.issues().forEach(i -> out.add(problem(raw, id, i.message(), i.fix())));
        if (!raw.issues().isEmpty()) {
            return new Checked(null, out); // its fields cannot be trusted; the syntax is the problem to fix
        }
        if (!ROW_ID.matcher(id).matches()) {
            out.add(problem(raw, id, "the id '" + id + "' cannot name a row's output folder",
                    "use up to 100 letters, digits, '.', '_' and '-', starting with a letter or digit"));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (var e : raw.values().entrySet()) {
            String name = e.getKey();
            InputSpec in = inputs.get(name);
            if (in == null) {
                if (header == null && !name.equals(ID)) {
                    out.add(problem(raw, id, "'" + name + "' is not an input of the pipeline", unknownFix(name)));
                }
                continue;
            }
            String value = value(raw, id, in, e.getValue(), out);
            if (value != null) {
                values.put(name, value);
            }
        }
        for (InputSpec in : inputs.values()) {
            if (in.required() && !raw.values().containsKey(in.name()) && (header == null || header.contains(in.name()))) {
                out.add(problem(raw, id, "the required input '" + in.name() + "' has no value",
                        "fill in '" + in.name() + "' for this row, or give the input a default in the pipeline"));
            }
        }
        return out.isEmpty() ? new Checked(new BatchRow(raw.number(), raw.line(), id, values), List.of())
                : new Checked(null, out);
    }

    /** The value to pass for an input, or null after reporting why it does not fit. */
    private @Nullable String value(RawRow raw, String id, InputSpec in, String text, List<BatchProblem> out) {
        Object parsed = in.type().parse(text);
        if (parsed == null) {
            out.add(problem(raw, id, "input '" + in.name() + "' is " + in.type().wireName() + " but got '" + text + "'",
                    "write " + example(in.type())));
            return null;
        }
        if (!in.allowed().isEmpty() && !allowed(in.allowed(), parsed)) {
            out.add(problem(raw, id, "input '" + in.name() + "' is '" + text + "', not one of its allowed values",
                    "use one of " + in.allowed()));
            return null;
        }
        if (in.type() == InputType.FILE || in.type() == InputType.TEXT_FILE) {
            Path p = baseDirectory.resolve(text.strip()).toAbsolutePath().normalize();
            if (!Files.isRegularFile(p)) {
                out.add(problem(raw, id, "input '" + in.name() + "': file not found: " + p,
                        "create the file or correct the path (relative paths start in the inputs file's folder)"));
                return null;
            }
            return p.toString();
        }
        return text;
    }

    private static boolean allowed(List<Object> allowed, Object v) {
        for (Object a : allowed) {
            if (a.equals(v) || a instanceof Number an && v instanceof Number vn && an.doubleValue() == vn.doubleValue()) {
                return true;
            }
        }
        return false;
    }

    private static String example(InputType type) {
        return switch (type) {
            case STRING, FILE, TEXT_FILE -> "a text";
            case INTEGER -> "a whole number, such as 3";
            case NUMBER -> "a number, such as 12.5";
            case BOOLEAN -> "true or false";
            case LIST -> "a JSON array such as [\"a\", \"b\"], or values separated by commas";
        };
    }

    private String unknownFix(String name) {
        return Suggestions.nearest(name, inputs.keySet()).map(s -> "did you mean '" + s + "'?")
                .orElse(inputs.isEmpty() ? "remove it: the pipeline declares no inputs"
                        : "remove it, or use one of the pipeline's inputs: " + String.join(", ", inputs.keySet())
                                + " (and 'id' to name rows)");
    }

    private BatchProblem problem(RawRow raw, String id, String message, String fix) {
        return new BatchProblem(file, raw.line(), id, message, fix);
    }
}
