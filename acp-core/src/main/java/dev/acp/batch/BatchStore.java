package dev.acp.batch;

import dev.acp.error.UsageException;
import dev.acp.util.Suggestions;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** The batches under {@code ACP_HOME/batches}, one folder each, named by batch id. */
public final class BatchStore {
    private final Path root;

    public BatchStore(Path acpHome) {
        this.root = acpHome.resolve("batches");
    }

    public Path root() {
        return root;
    }

    Path folder(String batchId) {
        return root.resolve(batchId);
    }

    /** A row of a batch as listings show it. */
    public record RowSummary(String rowId, long line, RowStatus status, String runId, BigDecimal settled,
            @org.jspecify.annotations.Nullable String error) {}

    /**
     * A batch as {@code acp runs list} shows it.
     *
     * @param status {@code running}, {@code completed}, {@code partial} (rows not succeeded) or
     *     {@code damaged}
     * @param counts rows by status (rows never started are pending)
     */
    public record Summary(String batchId, String pipelineName, String pipelineFile, String inputsFile, Instant createdAt,
            String status, long rows, Map<RowStatus, Long> counts, BigDecimal spent, boolean resumable,
            List<String> warnings) {}

    /** Every batch, newest first; a folder that cannot be read is listed as damaged. */
    public List<Summary> list() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Summary> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                out.add(summary(dir, row -> { }));
            }
        }
        out.sort(Comparator.comparing(Summary::createdAt).reversed().thenComparing(Summary::batchId));
        return out;
    }

    /** The summary of one batch folder; its rows that ever started go to {@code rows}, in no set order. */
    public Summary summary(Path dir, Consumer<RowSummary> rows) {
        String id = dir.getFileName().toString();
        try {
            BatchMeta meta = BatchFolder.readMeta(dir);
            BatchHistory history = BatchHistory.read(dir.resolve(BatchFolder.JOURNAL));
            boolean live = BatchLock.inUse(dir);
            Map<RowStatus, Long> counts = new EnumMap<>(RowStatus.class);
            BigDecimal spent = BigDecimal.ZERO;
            Map<String, BatchHistory.RowState> states = history.states(dir.resolve(BatchFolder.RUNS));
            for (var e : states.entrySet()) {
                BatchHistory.RowState st = e.getValue();
                RowStatus status = st.status() == RowStatus.RUNNING && !live ? RowStatus.INTERRUPTED : st.status();
                counts.merge(status, 1L, Long::sum);
                spent = spent.add(st.settled());
                rows.accept(new RowSummary(e.getKey(), st.line(), status, st.runId(), st.settled(), st.error()));
            }
            long started = counts.values().stream().mapToLong(Long::longValue).sum();
            counts.merge(RowStatus.PENDING, Math.max(0, meta.rows() - started), Long::sum);
            long ok = counts.getOrDefault(RowStatus.SUCCEEDED, 0L);
            String status = live ? "running" : ok == meta.rows() ? "completed" : "partial";
            return new Summary(meta.batchId(), meta.pipelineName(), meta.pipelineFile(), meta.inputsFile(),
                    Instant.parse(meta.createdAt()), status, meta.rows(), counts, spent,
                    !live && ok < meta.rows(), history.warnings());
        } catch (IOException | RuntimeException e) {
            return new Summary(id, "?", "?", "?", Instant.EPOCH, "damaged", 0, Map.of(), BigDecimal.ZERO, false,
                    List.of(dir + ": " + e.getMessage()));
        }
    }

    /** The folder of a batch given by id, unique prefix, or {@code latest}; a clear error when there is none. */
    public Path resolve(String idOrLatest) throws IOException {
        List<String> ids = ids();
        if (idOrLatest.equals("latest")) {
            List<Summary> all = list().stream().filter(s -> !s.status().equals("damaged")).toList();
            if (all.isEmpty()) {
                throw new UsageException("there are no batches in " + root + " to resume");
            }
            return folder(all.get(0).batchId());
        }
        if (ids.contains(idOrLatest)) {
            return folder(idOrLatest);
        }
        List<String> prefixed = ids.stream().filter(i -> i.startsWith(idOrLatest)).toList();
        if (prefixed.size() == 1) {
            return folder(prefixed.get(0));
        }
        if (prefixed.size() > 1) {
            throw new UsageException("batch id '" + idOrLatest + "' is ambiguous: " + String.join(", ", prefixed));
        }
        throw new UsageException("no batch '" + idOrLatest + "' in " + root + Suggestions.nearest(idOrLatest, ids)
                .map(s -> "; did you mean " + s + "?").orElse("; see 'acp runs list'"));
    }

    /** Whether {@code idOrPrefix} names exactly one batch (for commands that take a run or a batch). */
    public boolean names(String idOrPrefix) throws IOException {
        return ids().stream().filter(i -> i.startsWith(idOrPrefix)).count() == 1;
    }

    private List<String> ids() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
