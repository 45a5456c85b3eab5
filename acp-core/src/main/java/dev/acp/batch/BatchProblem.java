package dev.acp.batch;

import org.jspecify.annotations.Nullable;

/**
 * Something wrong with the inputs file, found before anything runs. Rendered on one line as
 * {@code inputs.csv:7: error: row 'sku-7': input 'price' is number but got 'abc' (fix: ...)}.
 *
 * @param file the inputs file as the user named it
 * @param line the line of the inputs file (1 for the header), or 0 for the file as a whole
 * @param row the row's id, or null for the header or the file
 * @param fix what to change, as an instruction
 */
public record BatchProblem(String file, long line, @Nullable String row, String message, String fix) {

    public String render() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": error: ");
        if (row != null) {
            sb.append("row '").append(row).append("': ");
        }
        sb.append(message);
        if (!fix.isEmpty()) {
            sb.append(" (fix: ").append(fix).append(')');
        }
        return sb.toString();
    }
}
