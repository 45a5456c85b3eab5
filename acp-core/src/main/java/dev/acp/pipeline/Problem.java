package dev.acp.pipeline;

import org.jspecify.annotations.Nullable;

/**
 * One finding of validation. Rendered on one line as
 * {@code file:line:col: error: [step] message; fix}.
 *
 * @param step the step label (its id, or type and position) or null for pipeline-level problems
 * @param fix what the user should change, phrased as an instruction
 */
public record Problem(
        Severity severity, SourceLocation location, @Nullable String step, String message, String fix,
        Category category) {

    public enum Severity {
        ERROR,
        WARNING
    }

    /** What kind of fix a problem needs; credentials have their own exit code. */
    public enum Category {
        PIPELINE,
        CREDENTIALS
    }

    public Problem(Severity severity, SourceLocation location, @Nullable String step, String message, String fix) {
        this(severity, location, step, message, fix, Category.PIPELINE);
    }

    public static Problem error(SourceLocation location, @Nullable String step, String message, String fix) {
        return new Problem(Severity.ERROR, location, step, message, fix);
    }

    public static Problem warning(SourceLocation location, @Nullable String step, String message, String fix) {
        return new Problem(Severity.WARNING, location, step, message, fix);
    }

    /** A missing or unusable credential: the pipeline is fine, the environment is not. */
    public static Problem credentials(SourceLocation location, @Nullable String step, String message, String fix) {
        return new Problem(Severity.ERROR, location, step, message, fix, Category.CREDENTIALS);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /**
     * The JSON form of {@code --format json} errors and of the server's answers: file, line,
     * column (null when unknown), step, severity, category, message and fix (null when none).
     */
    public java.util.Map<String, Object> toJson() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("file", location.file());
        m.put("line", location.line() > 0 ? location.line() : null);
        m.put("column", location.line() > 0 ? location.column() : null);
        m.put("step", step);
        m.put("severity", isError() ? "error" : "warning");
        m.put("category", category.name().toLowerCase(java.util.Locale.ROOT));
        m.put("message", message);
        m.put("fix", fix.isEmpty() ? null : fix);
        return m;
    }

    /** The one-line form printed by the CLI. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(location).append(": ").append(severity == Severity.ERROR ? "error" : "warning").append(": ");
        if (step != null) {
            sb.append("step '").append(step).append("': ");
        }
        sb.append(message);
        if (!fix.isEmpty()) {
            sb.append(" (fix: ").append(fix).append(')');
        }
        return sb.toString();
    }
}
