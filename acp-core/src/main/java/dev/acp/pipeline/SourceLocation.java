package dev.acp.pipeline;

/**
 * A place in a pipeline file, 1-based, for error messages of the form {@code file:line:column}.
 *
 * @param file the file as the user named it (or a description such as {@code --set})
 */
public record SourceLocation(String file, int line, int column) {

    public static SourceLocation unknown(String file) {
        return new SourceLocation(file, 0, 0);
    }

    @Override
    public String toString() {
        return line <= 0 ? file : file + ":" + line + ":" + column;
    }
}
