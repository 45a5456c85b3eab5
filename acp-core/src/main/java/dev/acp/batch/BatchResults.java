package dev.acp.batch;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.acp.util.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes a batch's results into its output folder: {@code batch.json} (the batch, its totals,
 * and a record per row) and {@code batch.csv} (a line per row), rows in the order of the inputs
 * file. Rows are read back one at a time from the journal, so writing the results of 100,000 rows
 * holds one row at a time. Each file is written under a temporary name and renamed.
 */
final class BatchResults {
    static final String JSON_FILE = "batch.json";
    static final String CSV_FILE = "batch.csv";
    private static final List<String> CSV_HEADER = List.of("row_id", "line", "status", "run_id", "estimated_cost",
            "settled_cost", "output_dir", "outputs", "error");

    private BatchResults() {}

    /** One row's line of the results. */
    record Row(String id, long line, RowStatus status, @Nullable String runId, @Nullable BigDecimal estimated,
            @Nullable BigDecimal settled, @Nullable String outputDir, List<String> outputs, @Nullable String error) {}

    /** Reads the rows' latest records back. */
    interface Rows {
        void forEach(RowConsumer each) throws IOException;
    }

    @FunctionalInterface
    interface RowConsumer {
        void accept(Row row) throws IOException;
    }

    /**
     * @param summary the batch's fields before its rows (id, status, counts, money)
     */
    static void write(Path dir, Map<String, Object> summary, Rows rows) throws IOException {
        Files.createDirectories(dir);
        publish(dir.resolve(JSON_FILE), out -> {
            try (JsonGenerator g = BatchJournal.JSON.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
                g.useDefaultPrettyPrinter();
                g.writeStartObject();
                for (var e : summary.entrySet()) {
                    g.writeFieldName(e.getKey());
                    BatchJournal.JSON.writeValue(g, e.getValue());
                }
                g.writeArrayFieldStart("rows");
                rows.forEach(r -> BatchJournal.JSON.writeValue(g, json(r)));
                g.writeEndArray();
                g.writeEndObject();
            }
        });
        publish(dir.resolve(CSV_FILE), out -> {
            BufferedWriter w = new BufferedWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8));
            w.write(CsvWriter.line(CSV_HEADER));
            rows.forEach(r -> w.write(CsvWriter.line(List.of(r.id(), Long.toString(r.line()), r.status().wireName(),
                    text(r.runId()), money(r.estimated()), money(r.settled()), text(r.outputDir()),
                    String.join(";", r.outputs()), text(r.error())))));
            w.flush();
        });
    }

    private static Map<String, Object> json(Row r) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("row_id", r.id());
        m.put("line", r.line());
        m.put("status", r.status().wireName());
        m.put("run_id", r.runId());
        m.put("estimated_cost", r.estimated());
        m.put("settled_cost", r.settled());
        m.put("output_dir", r.outputDir());
        m.put("outputs", r.outputs());
        m.put("error", r.error());
        return m;
    }

    private static String text(@Nullable String s) {
        return s == null ? "" : s;
    }

    private static String money(@Nullable BigDecimal v) {
        return v == null ? "" : v.toPlainString();
    }

    @FunctionalInterface
    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    private static void publish(Path target, Body body) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp))) {
                body.write(out);
            }
            AtomicFiles.moveIntoPlace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
