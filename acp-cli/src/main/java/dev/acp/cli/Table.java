package dev.acp.cli;

import java.io.PrintWriter;
import java.util.List;

/** Prints rows as aligned columns, the first row bold as a header; the last column is not padded. */
final class Table {
    private Table() {}

    static void print(PrintWriter out, Terminal terminal, List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        for (int row = 0; row < rows.size(); row++) {
            StringBuilder sb = new StringBuilder();
            String[] r = rows.get(row);
            for (int i = 0; i < r.length; i++) {
                String cell = i == r.length - 1 ? r[i] : r[i] + " ".repeat(widths[i] - r[i].length());
                sb.append(i == 0 ? "" : "  ").append(row == 0 ? terminal.bold(cell) : cell);
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
