package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.batch.BatchStore;
import dev.acp.batch.RowStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batches in {@code acp runs list} and {@code acp runs show}: each batch with its rows' counts,
 * what it spent and how to continue it, then its rows (a row is a run of its own, kept in the
 * batch's folder).
 */
final class BatchListing {
    /** Rows shown under each batch by {@code runs list}; {@code runs show BATCH} shows them all. */
    static final int ROWS_IN_LIST = 20;

    private BatchListing() {}

    static BatchStore store(CliContext context) {
        return new BatchStore(Acp.acpHome(context.environment()));
    }

    /** The batches for {@code runs list --format json}, with all their rows. */
    static List<Map<String, Object>> json(CliContext context) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        BatchStore store = store(context);
        for (BatchStore.Summary s : store.list()) {
            List<BatchStore.RowSummary> rows = rows(store, s.batchId());
            out.add(json(s, rows));
        }
        return out;
    }

    private static Map<String, Object> json(BatchStore.Summary s, List<BatchStore.RowSummary> rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "batch");
        m.put("batch_id", s.batchId());
        m.put("pipeline_name", s.pipelineName());
        m.put("pipeline_file", s.pipelineFile());
        m.put("inputs_file", s.inputsFile());
        m.put("created_at", s.createdAt().toString());
        m.put("status", s.status());
        m.put("rows", s.rows());
        s.counts().forEach((k, v) -> m.put(k.wireName(), v));
        m.put("spent", s.spent().doubleValue());
        m.put("resumable", s.resumable());
        m.put("warnings", s.warnings());
        List<Map<String, Object>> list = new ArrayList<>();
        for (BatchStore.RowSummary r : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("row_id", r.rowId());
            row.put("line", r.line());
            row.put("status", r.status().wireName());
            row.put("run_id", r.runId());
            row.put("spent", r.settled().doubleValue());
            row.put("error", r.error());
            list.add(row);
        }
        m.put("row_runs", list);
        return m;
    }

    /** The batches under the runs table of {@code runs list}; returns how many there are. */
    static int print(CliContext context) throws IOException {
        BatchStore store = store(context);
        List<BatchStore.Summary> batches = store.list();
        if (batches.isEmpty()) {
            return 0;
        }
        PrintWriter out = context.out();
        out.println();
        for (BatchStore.Summary s : batches) {
            header(out, context.terminal(), s);
            List<BatchStore.RowSummary> rows = rows(store, s.batchId());
            table(out, context.terminal(), rows.stream().limit(ROWS_IN_LIST).toList());
            if (rows.size() > ROWS_IN_LIST) {
                out.println("  ... " + (rows.size() - ROWS_IN_LIST) + " more rows: acp runs show " + s.batchId());
            }
        }
        return batches.size();
    }

    /** Whether {@code id} names a batch rather than a run. */
    static boolean isBatch(CliContext context, String id) throws IOException {
        return !id.equals("latest") && store(context).names(id);
    }

    /** {@code runs show BATCH}: the batch and every row that started. */
    static int show(CliContext context, String id, boolean json) throws IOException {
        BatchStore store = store(context);
        Path dir = store.resolve(id);
        List<BatchStore.RowSummary> rows = new ArrayList<>();
        BatchStore.Summary s = store.summary(dir, rows::add);
        rows.sort(Comparator.comparingLong(BatchStore.RowSummary::line));
        if (json) {
            context.out().println(CliJson.pretty().writeValueAsString(json(s, rows)));
            return ExitCode.OK.code();
        }
        header(context.out(), context.terminal(), s);
        context.out().println("  Folder: " + dir);
        table(context.out(), context.terminal(), rows);
        return ExitCode.OK.code();
    }

    private static List<BatchStore.RowSummary> rows(BatchStore store, String batchId) throws IOException {
        List<BatchStore.RowSummary> rows = new ArrayList<>();
        store.summary(store.resolve(batchId), rows::add);
        rows.sort(Comparator.comparingLong(BatchStore.RowSummary::line));
        return rows;
    }

    private static void header(PrintWriter out, Terminal terminal, BatchStore.Summary s) {
        List<String> counts = new ArrayList<>();
        s.counts().forEach((k, v) -> {
            if (v > 0) {
                counts.add(v + " " + k.wireName());
            }
        });
        out.println(terminal.bold("Batch " + s.batchId()) + "  " + s.pipelineName() + "  " + s.status() + "  "
                + s.rows() + " rows (" + String.join(", ", counts) + ")  spent " + RunsCommand.money(s.spent())
                + "  started " + s.createdAt().toString().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z"));
        s.warnings().forEach(w -> out.println(terminal.yellow("  warning: ") + w));
        if (s.resumable()) {
            out.println("  Resume with: acp batch run --resume " + s.batchId());
        }
    }

    private static void table(PrintWriter out, Terminal terminal, List<BatchStore.RowSummary> rows) {
        if (rows.isEmpty()) {
            return;
        }
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"  ROW", "LINE", "STATUS", "RUN", "SPENT", "ERROR"});
        for (BatchStore.RowSummary r : rows) {
            lines.add(new String[] {"  " + r.rowId(), Long.toString(r.line()), r.status().wireName(), r.runId(),
                RunsCommand.money(r.settled()), r.error() == null || r.status() == RowStatus.SUCCEEDED ? ""
                        : r.error()});
        }
        Table.print(out, terminal, lines);
    }
}
