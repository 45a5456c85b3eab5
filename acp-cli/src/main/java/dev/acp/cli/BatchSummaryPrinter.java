package dev.acp.cli;

import dev.acp.batch.BatchOutcome;
import dev.acp.batch.RowStatus;
import dev.acp.cost.Money;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The summary of a batch session printed at its end (table format). */
final class BatchSummaryPrinter {
    private BatchSummaryPrinter() {}

    static void print(PrintWriter out, Terminal terminal, Path workingDirectory, BatchOutcome o) {
        List<String> parts = new ArrayList<>();
        for (RowStatus s : List.of(RowStatus.SUCCEEDED, RowStatus.FAILED, RowStatus.BUDGET, RowStatus.INTERRUPTED,
                RowStatus.PENDING)) {
            long n = o.count(s);
            if (n > 0) {
                parts.add(n + " " + s.wireName());
            }
        }
        String status = String.valueOf(o.summary().get("status"));
        out.println(terminal.bold("Batch " + o.batchId()) + "  " + o.progress().rows() + " rows: "
                + String.join(", ", parts) + "  (" + status + ")");
        @SuppressWarnings("unchecked")
        Map<String, Object> cost = (Map<String, Object>) o.summary().get("cost");
        BigDecimal settled = cost.get("settled") instanceof BigDecimal b ? b : BigDecimal.ZERO;
        Object limit = cost.get("limit");
        out.println("Spent: " + Money.format(settled) + (limit instanceof BigDecimal l ? " of a limit of "
                + Money.format(l) : " (no batch limit)") + "; estimated at dispatch "
                + Money.format(cost.get("estimated_at_dispatch") instanceof BigDecimal e ? e : BigDecimal.ZERO));
        if (o.progress().finishedThisSession() > 0) {
            out.println("Time: " + BatchProgressDisplay.duration(o.progress().elapsed()) + ", "
                    + String.format(java.util.Locale.ROOT, "%.1f", o.progress().throughput()) + " rows/s");
        }
        if (o.stopReason() != null) {
            out.println(terminal.yellow("Stopped early: " + o.stopReason()));
        }
        if (o.resultsJson() != null) {
            out.println("Results: " + relative(workingDirectory, o.resultsJson()) + ", "
                    + relative(workingDirectory, o.resultsCsv()));
        }
        Object resume = o.summary().get("resume");
        if (resume != null) {
            out.println("Resume with: " + resume + (o.count(RowStatus.FAILED) > 0 ? " (add --retry-failed to run"
                    + " the failed rows again)" : ""));
        }
    }

    private static String relative(Path base, Path p) {
        return p.startsWith(base) ? base.relativize(p).toString() : p.toString();
    }
}
