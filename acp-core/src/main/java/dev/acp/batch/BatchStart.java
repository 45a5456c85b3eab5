package dev.acp.batch;

import dev.acp.cache.CacheMode;
import dev.acp.cost.Estimator;
import dev.acp.cost.Money;
import dev.acp.cost.PipelineEstimate;
import dev.acp.cost.PricingCatalog;
import dev.acp.error.BudgetRefusedException;
import dev.acp.error.PipelineInvalidException;
import dev.acp.error.UsageException;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.load.LoadResult;
import dev.acp.pipeline.load.PipelineLoader;
import dev.acp.plan.RunSettings;
import dev.acp.run.CostGate;
import dev.acp.run.PublishedPricesHint;
import dev.acp.run.RunGroup;
import dev.acp.util.Hashing;
import dev.acp.util.Version;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * How a {@link BatchRunner} starts a new batch or resumes one: load the pipeline, check every
 * row (first pass), apply the money rules to the total, create or reopen the batch's folder, and
 * hand the rows to a {@link BatchExecution}. Nothing is written before the rules are met.
 */
final class BatchStart {
    private final BatchRunner r;
    private final Clock clock;
    private final BatchStore store;

    BatchStart(BatchRunner runner) {
        this.r = runner;
        this.clock = runner.acp.engineOptions().clock();
        this.store = new BatchStore(runner.acp.acpHome());
    }

    BatchCheck check(Consumer<RowEstimate> perRow) throws IOException {
        Path pipeline = Objects.requireNonNull(r.pipelineFile);
        PipelineSpec spec = load(pipeline);
        BatchSource source = source(spec, Objects.requireNonNull(r.inputsFile), r.limitRows, r.only,
                r.outputDirectory);
        return checker(source, spec, pricing(), settings(RunSettings.check(r.workingDirectory), r.offline, r.parallel),
                id -> true).check(perRow);
    }

    BatchHandle startNew() throws IOException {
        Path pipeline = Objects.requireNonNull(r.pipelineFile);
        PipelineSpec spec = load(pipeline);
        BatchSource source = source(spec, Objects.requireNonNull(r.inputsFile), r.limitRows, r.only,
                r.outputDirectory);
        PricingCatalog pricing = pricing();
        BatchCheck check = checker(source, spec, pricing, settings(RunSettings.run(r.workingDirectory), r.offline,
                r.parallel), id -> true).check(e -> { });
        requireValid(check);
        // Agreed to (or refused) before the batch's folder exists: a refused batch leaves nothing.
        gate(check, r.costLimit, BigDecimal.ZERO, true);
        String batchId = "b" + r.acp.unguardedEngine().newRunId();
        BatchMeta meta = new BatchMeta(batchId, spec.name(), pipeline.toString(), sha256(pipeline),
                source.inputsFile().toString(), source.label(), check.inputsSha256(), r.workingDirectory.toString(),
                source.outputRoot().toString(), r.offline, r.parallel, r.limitRows, r.only,
                (r.cacheMode != null ? r.cacheMode : CacheMode.USE).name(), check.selectedRows(),
                clock.instant().toString(), Version.current(), r.engineName);
        BatchFolder folder = BatchFolder.create(store.folder(batchId), meta);
        try {
            RunGroup group = RunGroup.create(r.acp, folder.runs(), "batch", r.costLimit, Map.of(), pricing);
            int concurrency = r.concurrency != null ? r.concurrency : defaultConcurrency(check);
            return launch(folder, 1, source, spec, check, Map.of(), new ConcurrentHashMap<>(), group, concurrency,
                    r.maxFailures);
        } catch (IOException | RuntimeException e) {
            folder.close();
            throw e;
        }
    }

    BatchHandle resume(String id) throws IOException {
        BatchFolder folder = BatchFolder.openForResume(store.resolve(id));
        try {
            return resume(folder);
        } catch (IOException | RuntimeException e) {
            folder.close();
            throw e;
        }
    }

    private BatchHandle resume(BatchFolder folder) throws IOException {
        BatchMeta meta = folder.meta();
        BatchResumeSettings.check(meta, r);
        Path pipeline = Path.of(meta.pipelineFile());
        if (!Files.isRegularFile(pipeline) || !sha256(pipeline).equals(meta.pipelineSha256())) {
            throw new UsageException(pipeline + (Files.exists(pipeline) ? " changed" : " is gone") + " since batch "
                    + meta.batchId() + " started; a resume runs the same pipeline: restore it, or start a new batch");
        }
        PipelineSpec spec = load(pipeline);
        BatchHistory history = BatchHistory.read(folder.journalFile());
        history.warnings().forEach(w -> r.onNotice.accept("batch journal: " + w));
        Map<String, BatchHistory.RowState> prior = history.states(folder.runs());
        BatchRecord.SessionStarted last = history.lastSession();
        BigDecimal limit = r.costLimit != null ? r.costLimit : last != null ? last.costLimit() : null;
        Integer concurrencyBefore = r.concurrency != null ? r.concurrency : last != null ? last.concurrency() : null;
        Integer maxFailures = r.maxFailures != null ? r.maxFailures : last != null ? last.maxFailures() : null;
        BatchSource source = new BatchSource(Path.of(meta.inputsFile()), meta.inputsLabel(),
                format(Path.of(meta.inputsFile())), meta.limitRows(), meta.only(), Path.of(meta.outputDirectory()));
        PricingCatalog pricing = pricing();
        Predicate<String> toRun = rowId -> !(prior.containsKey(rowId) && prior.get(rowId).status()
                .finished(r.retryFailed));
        BatchCheck check = checker(source, spec, pricing, settings(RunSettings.run(Path.of(meta.workingDirectory())),
                meta.offline(), meta.parallel()), toRun).check(e -> { });
        if (!check.inputsSha256().equals(meta.inputsSha256())) {
            throw new UsageException(meta.inputsFile() + " changed since batch " + meta.batchId() + " started; a"
                    + " resume runs the same rows: restore it, or start a new batch");
        }
        requireValid(check);
        int concurrency = concurrencyBefore != null ? concurrencyBefore : defaultConcurrency(check);
        Map<String, BigDecimal> spentBefore = new HashMap<>();
        prior.values().forEach(st -> spentBefore.merge(st.runId(), st.settled(), BigDecimal::add));
        BigDecimal spent = spentBefore.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        gate(check, limit, spent, false);
        RunGroup group = RunGroup.create(r.acp, folder.runs(), "batch", limit, spentBefore, pricing);
        r.onNotice.accept("resume: batch " + meta.batchId() + ": " + prior.values().stream().filter(st -> st.status()
                .finished(r.retryFailed)).count() + " of " + meta.rows() + " rows finished before, "
                + Money.format(spent) + " spent");
        return launch(folder, history.sessions() + 1, source, spec, check, prior,
                new ConcurrentHashMap<>(history.latestOffsets()), group, concurrency, maxFailures);
    }

    private BatchHandle launch(BatchFolder folder, int session, BatchSource source, PipelineSpec spec,
            BatchCheck check, Map<String, BatchHistory.RowState> prior, Map<String, Long> latest, RunGroup group,
            int concurrency, Integer maxFailures) throws IOException {
        BatchMeta meta = folder.meta();
        check.warnings().forEach(r.onNotice);
        folder.journal().append(new BatchRecord.SessionStarted(session, session > 1, group.ledger().runLimit(),
                concurrency, maxFailures, r.retryFailed, clock.instant().toString()));
        BatchSession s = new BatchSession(meta.batchId(), session, source, spec.inputs(), check.selected(), prior,
                latest, concurrency, maxFailures, r.retryFailed, folder.journal(), clock, r.listener, r.onNotice);
        RowRun rows = new RowRun(r.acp, group, Path.of(meta.pipelineFile()), Path.of(meta.workingDirectory()),
                source, meta.offline(), meta.parallel(), CacheMode.valueOf(meta.cacheMode()), r.allowUnknownPrices,
                meta.batchId(), r.engine);
        return BatchHandle.start(folder, s, new BatchExecution(s, rows, group, clock), group);
    }

    /** Rows in flight when --concurrency was never given, said in a notice so the user knows what to change. */
    private int defaultConcurrency(BatchCheck check) {
        BatchConcurrency c = BatchConcurrency.of(check.samplePlan(), r.acp.registry());
        r.onNotice.accept("concurrency: " + c.rows() + (c.rows() == 1 ? " row" : " rows") + " at a time (" + c.reason()
                + "); change it with --concurrency");
        return c.rows();
    }

    /** The money rules of a single run, on the total of the rows still to run. */
    private void gate(BatchCheck check, BigDecimal limit, BigDecimal spent, boolean ask) {
        if (!check.refusals().isEmpty()) {
            throw new BudgetRefusedException(check.refusals().get(0) + (check.refusals().size() > 1 ? " (and "
                    + (check.refusals().size() - 1) + " more rows)" : ""));
        }
        if (check.free() || check.samplePlan() == null) {
            return; // offline engines only: nothing to pay, nothing to ask
        }
        BigDecimal left = limit == null ? null : limit.subtract(spent).max(BigDecimal.ZERO);
        PipelineEstimate total = check.estimate(left);
        r.onEstimate.accept(total);
        long rows = check.totals().rows();
        String subject = (ask ? "this batch of " : "the rest of this batch, ") + rows + (rows == 1 ? " row" : " rows");
        CostGate.check(new CostGate.Subject(subject, spent.signum() > 0 ? "raise --cost-limit (the batch has spent "
                + Money.format(spent) + ")" : "raise --cost-limit", "acp batch estimate"), check.samplePlan(), total,
                r.allowUnknownPrices, ask, r.confirmation, PublishedPricesHint.of(total, r.acp));
    }

    private void requireValid(BatchCheck check) {
        if (!check.valid()) {
            throw new BatchInvalidException(check);
        }
    }

    private static RunSettings settings(RunSettings base, boolean offline, boolean parallel) {
        return base.withOffline(offline).withParallel(parallel);
    }

    private BatchChecker checker(BatchSource source, PipelineSpec spec, PricingCatalog pricing, RunSettings base,
            Predicate<String> toRun) {
        var registry = r.acp.registry();
        return new BatchChecker(source, r.acp, spec, base, new Estimator(pricing, registry::configuredDefaultModel),
                p -> !registry.has(p) || registry.provider(p).costsMoney(), r.allowUnknownPrices, toRun);
    }

    private BatchSource source(PipelineSpec spec, Path inputs, Long limitRows, java.util.List<String> only,
            Path outputDirectory) {
        if (!Files.isRegularFile(inputs)) {
            throw new UsageException("the inputs file " + inputs + " does not exist; give a CSV or JSON Lines file"
                    + " with --inputs");
        }
        Path root = outputDirectory != null ? outputDirectory
                : r.workingDirectory.resolve(spec.outputDirectory()).toAbsolutePath().normalize();
        return new BatchSource(inputs, label(inputs), format(inputs), limitRows, only, root);
    }

    private static RowSource.Format format(Path inputs) {
        RowSource.Format f = RowSource.Format.of(inputs);
        if (f == null) {
            throw new UsageException("the inputs file " + inputs.getFileName() + " is neither .csv nor .jsonl; name"
                    + " a CSV file (header row, then one row per run) or a JSON Lines file (one object per line)");
        }
        return f;
    }

    private String label(Path inputs) {
        return inputs.startsWith(r.workingDirectory) ? r.workingDirectory.relativize(inputs).toString()
                : inputs.toString();
    }

    private PipelineSpec load(Path pipeline) {
        LoadResult loaded = new PipelineLoader(r.acp.environment()).load(pipeline);
        if (loaded.spec() == null || loaded.hasErrors()) {
            throw new PipelineInvalidException(loaded.problems());
        }
        PipelineSpec spec = loaded.spec();
        if (spec.inputs().isEmpty()) {
            throw new UsageException(pipeline.getFileName() + " declares no inputs, so every row would run the same"
                    + " pipeline; declare what changes per row under 'inputs:' (README, \"Batches\")");
        }
        return spec;
    }

    private PricingCatalog pricing() {
        return PricingCatalog.load(r.acp.acpHome(), r.pricingFile, r.acp.registry().context().config());
    }

    private static String sha256(Path file) throws IOException {
        return Hashing.sha256(Files.readString(file, StandardCharsets.UTF_8));
    }
}
