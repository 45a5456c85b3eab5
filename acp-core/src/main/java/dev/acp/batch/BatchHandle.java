package dev.acp.batch;

import dev.acp.run.RunGroup;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * A batch started by {@link BatchRunner#start()}: its id and folder at once, its progress while it
 * runs, and its {@link BatchOutcome} when the session ends. {@link #cancel()} stops it as Ctrl-C
 * does: no new row starts, running rows are stopped (paid jobs left for a resume to collect),
 * and the results are written.
 */
public final class BatchHandle {
    private final BatchFolder folder;
    private final BatchSession session;
    private final BatchExecution execution;
    private final RunGroup group;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile @Nullable BatchOutcome outcome;
    private volatile @Nullable Throwable failure;

    private BatchHandle(BatchFolder folder, BatchSession session, BatchExecution execution, RunGroup group) {
        this.folder = folder;
        this.session = session;
        this.execution = execution;
        this.group = group;
    }

    static BatchHandle start(BatchFolder folder, BatchSession session, BatchExecution execution, RunGroup group) {
        BatchHandle h = new BatchHandle(folder, session, execution, group);
        Thread.ofVirtual().name("acp-batch-" + session.batchId()).start(h::drive);
        return h;
    }

    public String batchId() {
        return session.batchId();
    }

    /** The batch's folder under {@code ACP_HOME/batches}: its journal and its rows' runs. */
    public Path directory() {
        return folder.dir();
    }

    /** The folder of the rows' folders and of {@code batch.json} and {@code batch.csv}. */
    public Path outputDirectory() {
        return session.source().outputRoot();
    }

    public void cancel() {
        execution.cancel();
    }

    public BatchProgress progress() {
        return execution.progress();
    }

    public boolean isDone() {
        return done.getCount() == 0;
    }

    public BatchOutcome await() throws InterruptedException {
        done.await();
        Throwable f = failure;
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error e) {
            throw e;
        }
        if (f != null) {
            throw new java.io.UncheckedIOException(f instanceof IOException io ? io : new IOException(f));
        }
        return outcome;
    }

    private void drive() {
        try (folder) {
            String stop = execution.run();
            boolean interrupted = execution.cancelled();
            BatchProgress p = execution.progress();
            String status = interrupted ? "interrupted" : stop != null ? "stopped" : "completed";
            Path json = null;
            Path csv = null;
            String error = null;
            Map<String, Object> summary = summary(p, status, stop);
            try {
                BatchResults.write(session.source().outputRoot(), summary, rows());
                json = session.source().outputRoot().resolve(BatchResults.JSON_FILE);
                csv = session.source().outputRoot().resolve(BatchResults.CSV_FILE);
            } catch (IOException e) {
                error = e.getMessage();
            }
            session.journal().append(new BatchRecord.SessionEnded(status, stop, session.clock().instant().toString()));
            outcome = new BatchOutcome(session.batchId(), p, interrupted, stop, json, csv, error, summary);
        } catch (Throwable t) {
            failure = t;
        } finally {
            done.countDown();
        }
    }

    private Map<String, Object> summary(BatchProgress p, String status, @Nullable String stop) throws IOException {
        BigDecimal[] estimated = {BigDecimal.ZERO};
        Map<RowStatus, Long> counts = new java.util.EnumMap<>(RowStatus.class);
        rows().forEach(r -> {
            counts.merge(r.status(), 1L, Long::sum);
            estimated[0] = r.estimated() == null ? estimated[0] : estimated[0].add(r.estimated());
        });
        BatchMeta meta = folder.meta();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batch_id", meta.batchId());
        m.put("pipeline_name", meta.pipelineName());
        m.put("pipeline_file", meta.pipelineFile());
        m.put("inputs_file", meta.inputsFile());
        m.put("status", status);
        m.put("stop_reason", stop);
        m.put("created_at", meta.createdAt());
        m.put("sessions", session.number());
        m.put("rows", p.rows());
        for (RowStatus st : RowStatus.values()) {
            if (st != RowStatus.RUNNING) {
                m.put(st.wireName(), counts.getOrDefault(st, 0L));
            }
        }
        Map<String, Object> cost = new LinkedHashMap<>();
        cost.put("limit", group.ledger().runLimit());
        cost.put("estimated_at_dispatch", estimated[0]);
        cost.put("settled", group.ledger().settled());
        cost.put("overruns", group.ledger().overruns().size());
        m.put("cost", cost);
        m.put("batch_folder", folder.dir().toString());
        m.put("resume", counts.getOrDefault(RowStatus.SUCCEEDED, 0L) == p.rows() ? null
                : "acp batch run --resume " + meta.batchId());
        return m;
    }

    /** The rows in file order, each from its latest record; rows with none are pending. */
    private BatchResults.Rows rows() {
        return each -> {
            try (BatchJournal.At at = new BatchJournal.At(folder.journalFile())) {
                for (var e : session.selected().entrySet()) {
                    Long offset = session.latest().get(e.getKey());
                    each.accept(offset == null ? pending(e.getKey(), e.getValue()) : row(at.read(offset), e));
                }
            }
        };
    }

    private static BatchResults.Row pending(String id, long line) {
        return new BatchResults.Row(id, line, RowStatus.PENDING, null, null, null, null, List.of(), null);
    }

    private static BatchResults.Row row(BatchRecord r, Map.Entry<String, Long> e) {
        return switch (r) {
            case BatchRecord.RowFinished f -> new BatchResults.Row(f.row(), f.line(), RowStatus.fromWireName(
                    f.status()).orElse(RowStatus.FAILED), f.runId(), f.estimated(), f.settled(), f.outputDir(),
                    f.outputs(), f.error());
            case BatchRecord.RowStarted s -> new BatchResults.Row(s.row(), s.line(), RowStatus.INTERRUPTED, s.runId(),
                    null, null, null, List.of(), "its end was not recorded; a resume continues its run");
            case BatchRecord.SessionStarted x -> pending(e.getKey(), e.getValue());
            case BatchRecord.SessionEnded x -> pending(e.getKey(), e.getValue());
        };
    }
}
