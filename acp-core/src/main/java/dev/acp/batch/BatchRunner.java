package dev.acp.batch;

import dev.acp.cache.CacheMode;
import dev.acp.cost.PipelineEstimate;
import dev.acp.error.PipelineInvalidException;
import dev.acp.error.UsageException;
import dev.acp.run.Confirmation;
import dev.acp.run.RunEngine;
import dev.acp.run.RunHost;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs one pipeline over the rows of an inputs file (CSV or JSON Lines), one run per row, with one
 * budget: every row is checked before anything runs; the total is estimated and agreed to by the
 * rules of a single run; each row then runs through the one run path ({@link dev.acp.run.Runner}),
 * reserving its steps within the batch's ledger so that rows in flight together never overspend
 * the batch's limit. One process serves all rows with one provider governor per provider and one
 * artifact cache. Each row's run has its own journal and the batch its own, so a batch stopped by
 * Ctrl-C, a signal or a crash resumes where it was ({@link #resume}), re-attaching paid jobs.
 *
 * <pre>{@code
 * BatchHandle batch = BatchRunner.newBatch(acp, Path.of("video.yaml"), Path.of("products.csv"), cwd)
 *         .costLimit(new BigDecimal("50")).start();
 * BatchOutcome outcome = batch.await();
 * }</pre>
 *
 * Rows are the unit of work: a row and the batch's settings are all a row's run needs, so a
 * distributed engine can hand rows to workers the way this class hands them to threads, with the
 * batch's ledger as the one shared budget. A builder is used once.
 */
public final class BatchRunner {
    final RunHost acp;
    final @Nullable Path pipelineFile;
    final @Nullable Path inputsFile;
    final @Nullable String resumeId;
    final Path workingDirectory;
    boolean offline;
    boolean parallel;
    @Nullable Path outputDirectory;
    @Nullable Integer concurrency;
    @Nullable BigDecimal costLimit;
    @Nullable Integer maxFailures;
    @Nullable Long limitRows;
    List<String> only = List.of();
    boolean allowUnknownPrices;
    boolean retryFailed;
    @Nullable CacheMode cacheMode;
    @Nullable Path pricingFile;
    Confirmation confirmation = Confirmation.NOBODY;
    BatchListener listener = BatchListener.NONE;
    Consumer<PipelineEstimate> onEstimate = e -> { };
    Consumer<String> onNotice = n -> { };
    @Nullable RunEngine engine;
    @Nullable String engineName;
    private boolean used;

    private BatchRunner(RunHost acp, @Nullable Path pipelineFile, @Nullable Path inputsFile, @Nullable String resumeId,
            Path workingDirectory) {
        this.acp = Objects.requireNonNull(acp, "acp");
        this.workingDirectory = workingDirectory.toAbsolutePath();
        this.pipelineFile = pipelineFile == null ? null : this.workingDirectory.resolve(pipelineFile).normalize();
        this.inputsFile = inputsFile == null ? null : this.workingDirectory.resolve(inputsFile).normalize();
        this.resumeId = resumeId;
    }

    /** A new batch: {@code pipeline} over the rows of {@code inputs}; relative paths from {@code workingDirectory}. */
    public static BatchRunner newBatch(RunHost acp, Path pipeline, Path inputs, Path workingDirectory) {
        return new BatchRunner(acp, Objects.requireNonNull(pipeline, "pipeline"), Objects.requireNonNull(inputs,
                "inputs"), null, workingDirectory);
    }

    /**
     * Continues a batch (an id, a unique prefix, or {@code latest}): finished rows are skipped,
     * the others continue, their runs resumed (jobs re-attached, never paid twice). Its pipeline,
     * inputs and selection are its own; settings given again must be equal to them.
     */
    public static BatchRunner resume(RunHost acp, String batchId, Path workingDirectory) {
        return new BatchRunner(acp, null, null, Objects.requireNonNull(batchId, "batchId"), workingDirectory);
    }

    /**
     * For a resume: the pipeline and inputs files the user named again; they must be the batch's
     * own (either may be null).
     */
    public BatchRunner files(@Nullable Path pipeline, @Nullable Path inputs) {
        this.givenPipeline = pipeline == null ? null : workingDirectory.resolve(pipeline).normalize();
        this.givenInputs = inputs == null ? null : workingDirectory.resolve(inputs).normalize();
        return this;
    }

    @Nullable Path givenPipeline;
    @Nullable Path givenInputs;

    /** Every step on the offline engines. */
    public BatchRunner offline(boolean value) {
        this.offline = value;
        return this;
    }

    /** Parallel groups run side by side even if the file does not enable it. */
    public BatchRunner parallel(boolean value) {
        this.parallel = value;
        return this;
    }

    /** Row outputs go under {@code dir/<row id>/}, the results into {@code dir}; default: the pipeline's output_directory. */
    public BatchRunner outputDirectory(@Nullable Path dir) {
        this.outputDirectory = dir == null ? null : workingDirectory.resolve(dir).normalize();
        return this;
    }

    /**
     * Rows in flight at once. By default as many as the tightest provider the pipeline calls takes
     * at once, or one per processor core for local engines only ({@link BatchConcurrency}).
     */
    public BatchRunner concurrency(int rows) {
        if (rows < 1) {
            throw new UsageException("--concurrency must be at least 1, found " + rows);
        }
        this.concurrency = rows;
        return this;
    }

    /** The most the whole batch may spend, in US dollars; each row also keeps its pipeline's own limit. */
    public BatchRunner costLimit(@Nullable BigDecimal limit) {
        if (limit != null && limit.signum() < 0) {
            throw new UsageException("the cost limit is negative (" + limit.toPlainString() + "); give 0 or more");
        }
        this.costLimit = limit;
        return this;
    }

    /** No new row starts after this many rows failed in a session; rows in flight finish. */
    public BatchRunner maxFailures(@Nullable Integer rows) {
        if (rows != null && rows < 1) {
            throw new UsageException("--max-failures must be at least 1, found " + rows);
        }
        this.maxFailures = rows;
        return this;
    }

    /** Runs only the first {@code rows} rows (after {@link #only}). */
    public BatchRunner limitRows(@Nullable Long rows) {
        if (rows != null && rows < 1) {
            throw new UsageException("--limit-rows must be at least 1, found " + rows);
        }
        this.limitRows = rows;
        return this;
    }

    /** Runs only the rows with these ids. */
    public BatchRunner only(List<String> rowIds) {
        this.only = List.copyOf(rowIds);
        return this;
    }

    public BatchRunner allowUnknownPrices(boolean value) {
        this.allowUnknownPrices = value;
        return this;
    }

    /** For a resume: failed rows run again too (their runs resumed: what succeeded is reused). */
    public BatchRunner retryFailed(boolean value) {
        this.retryFailed = value;
        return this;
    }

    public BatchRunner cacheMode(CacheMode mode) {
        this.cacheMode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    public BatchRunner pricing(@Nullable Path file) {
        this.pricingFile = file == null ? null : workingDirectory.resolve(file);
        return this;
    }

    /** How agreement to the batch's total is asked for; by default nobody is asked and such a batch is refused. */
    public BatchRunner confirmation(Confirmation value) {
        this.confirmation = Objects.requireNonNull(value, "confirmation");
        return this;
    }

    public BatchRunner listener(BatchListener value) {
        this.listener = Objects.requireNonNull(value, "listener");
        return this;
    }

    /** Receives the batch's total estimate before it is checked against the rules (not for free batches). */
    public BatchRunner onEstimate(Consumer<PipelineEstimate> value) {
        this.onEstimate = Objects.requireNonNull(value, "onEstimate");
        return this;
    }

    /**
     * The engine every row's run goes to instead of the local one (acp-temporal's, for
     * {@code --engine temporal}): each row is still validated, estimated, journaled and reported
     * by the run path, within the batch's ledger; only where its steps run changes. The name
     * ("temporal") is kept with the batch: a resume must name the same engine, because a row's
     * paid jobs are recorded where its engine keeps them.
     */
    public BatchRunner engine(String name, RunEngine value) {
        this.engineName = Objects.requireNonNull(name, "name");
        this.engine = Objects.requireNonNull(value, "engine");
        return this;
    }

    /** Receives warnings and notes, one line each. */
    public BatchRunner onNotice(Consumer<String> value) {
        this.onNotice = Objects.requireNonNull(value, "onNotice");
        return this;
    }

    /**
     * Checks every row and estimates the batch, writing nothing and calling nothing: for
     * {@code acp batch estimate}. Throws {@link PipelineInvalidException} when the pipeline itself
     * is invalid; the rows' problems are in the result.
     */
    public BatchCheck check(Consumer<RowEstimate> perRow) throws IOException {
        if (resumeId != null) {
            throw new UsageException("a resumed batch is checked when it starts");
        }
        return new BatchStart(this).check(perRow);
    }

    /**
     * Checks every row, applies the money rules to the total, creates (or reopens) the batch's
     * folder, and starts the rows on threads of their own. Throws, having run and written
     * nothing, when a row is invalid ({@link BatchInvalidException}), the pipeline is
     * ({@link PipelineInvalidException}), a setting is wrong ({@link UsageException}) or the
     * money rules refuse the batch ({@link dev.acp.error.BudgetRefusedException}).
     */
    public BatchHandle start() throws IOException {
        if (used) {
            throw new IllegalStateException("a BatchRunner starts one batch");
        }
        used = true;
        return resumeId == null ? new BatchStart(this).startNew() : new BatchStart(this).resume(resumeId);
    }
}
