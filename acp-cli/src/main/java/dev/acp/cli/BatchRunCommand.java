package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.batch.BatchConcurrency;
import dev.acp.batch.BatchHandle;
import dev.acp.batch.BatchInvalidException;
import dev.acp.batch.BatchOutcome;
import dev.acp.batch.BatchRunner;
import dev.acp.cache.CacheMode;
import dev.acp.cost.Money;
import dev.acp.cost.PipelineEstimate;
import dev.acp.error.UsageException;
import dev.acp.run.Confirmation;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code acp batch run --config FILE --inputs FILE}, or {@code --resume BATCH}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the pipeline once per row of the inputs file. Every row is checked first (nothing runs"
                + " if one is wrong); the total is estimated and agreed to like a single run's; rows then run side by"
                + " side within one budget, each journaled as a run of its own. A failed row stops only itself."
                + " Results: DIR/batch.json and DIR/batch.csv. Ctrl-C stops cleanly; --resume continues.")
final class BatchRunCommand implements Callable<Integer> {

    @Mixin
    BatchCommand.Options options = new BatchCommand.Options();

    @Option(names = "--resume", paramLabel = "BATCH", description = "Continue batch BATCH (an id from 'acp runs"
            + " list', a unique prefix, or 'latest'): finished rows are skipped, the others continue (their jobs"
            + " re-attached, never paid twice).")
    String resume;

    @Option(names = "--retry-failed", description = "With --resume: run failed rows again too.")
    boolean retryFailed;

    @Option(names = "--concurrency", paramLabel = "N", description = "Rows in flight at once. Default: what the"
            + " tightest provider the pipeline calls takes at once (the larger of its max_concurrency and max_jobs,"
            + " ACP_<PROVIDER>_MAX_CONCURRENCY/_MAX_JOBS), or the number of processor cores (at least "
            + BatchConcurrency.LOCAL_LEAST + ") when every step is local; at most " + BatchConcurrency.MAX
            + ". Each provider's own limits still apply across all rows.")
    Integer concurrency;

    @Option(names = "--max-failures", paramLabel = "N", description = "Start no new row after N rows failed.")
    Integer maxFailures;

    @Option(names = {"-y", "--yes"}, description = "Run without asking, even when the batch's pessimistic total is"
            + " above global_config.confirm_above.")
    boolean yes;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "Summary format:"
            + " ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    RunCommand.Format format;

    @ArgGroup(exclusive = true)
    RunCommand.CacheOptions cache;

    @Mixin
    MetricsFileOption metrics = new MetricsFileOption();

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "local", description = "Where rows run:"
            + " ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). temporal: each row as a workflow of its own on"
            + " 'acp worker' processes (see --temporal-target), its cost reserved out of the batch's limit before it"
            + " starts; a batch resumes on the engine it started on.")
    RunCommand.Engine engine;

    @Mixin
    TemporalOptions temporal = new TemporalOptions();

    private final CliContext context;

    BatchRunCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        if (resume == null && (options.config == null || options.inputs == null)) {
            throw new UsageException("give the pipeline with --config FILE and the rows with --inputs FILE, or a batch"
                    + " to continue with --resume BATCH");
        }
        if (retryFailed && resume == null) {
            throw new UsageException("--retry-failed applies to a resumed batch; add --resume BATCH");
        }
        Acp acp = metrics.observe(context.acp());
        if (engine == RunCommand.Engine.temporal) {
            // Connects when the first row starts: a batch refused by its checks never reaches
            // Temporal, and the local engine never loads Temporal's classes.
            try (TemporalConnection.BatchEngine rows = TemporalConnection.batchEngine(temporal, context, acp)) {
                return run(acp, runner -> runner.engine(RunCommand.Engine.temporal.name(), rows));
            } finally {
                metrics.write(context.workingDirectory(), context.err());
            }
        }
        try {
            return run(acp, runner -> runner);
        } finally {
            metrics.write(context.workingDirectory(), context.err());
        }
    }

    private int run(Acp acp, java.util.function.UnaryOperator<BatchRunner> withEngine) throws IOException {
        BatchRunner runner = withEngine.apply(resume != null
                ? BatchRunner.resume(acp, resume, context.workingDirectory()).files(options.config,
                        options.inputs).retryFailed(retryFailed)
                : BatchRunner.newBatch(acp, options.config, options.inputs, context.workingDirectory()));
        runner.offline(options.offline).parallel(options.parallel).outputDirectory(options.outputDirectory)
                .costLimit(options.limit()).maxFailures(maxFailures).limitRows(options.limitRows).only(options.only)
                .allowUnknownPrices(options.allowUnknownPrices).pricing(options.pricing)
                .confirmation(yes ? Confirmation.YES : question -> Optional.ofNullable(
                        context.prompt().confirm("acp: " + question)))
                .onEstimate(this::printEstimate)
                .onNotice(line -> context.err().println(line.startsWith("resume: ") || line.startsWith("concurrency: ")
                        ? "acp: " + line : line));
        if (concurrency != null) {
            runner.concurrency(concurrency);
        }
        if (cache != null) {
            runner.cacheMode(cache.noCache ? CacheMode.OFF : CacheMode.REFRESH);
        }
        BatchProgressDisplay progress = BatchProgressDisplay.create(context.err(), context.terminal());
        runner.listener(progress);
        BatchHandle handle;
        try {
            handle = runner.start();
        } catch (BatchInvalidException e) {
            BatchCommand.printProblems(context.err(), e.check(), BatchCommand.inputsLabel(e.check()));
            return ExitCode.USAGE.code();
        }
        BatchOutcome outcome;
        try (progress) {
            progress.follow(handle);
            try (AutoCloseable ignored = context.interrupts().onInterrupt(handle::cancel)) {
                outcome = handle.await();
            } catch (InterruptedException e) {
                handle.cancel();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the batch", e);
            } catch (RuntimeException | IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return report(outcome);
    }

    private void printEstimate(PipelineEstimate estimate) {
        context.err().println("acp: estimated cost of the batch: " + Money.format(estimate.low()) + " – "
                + Money.format(estimate.high()) + " (expected " + Money.format(estimate.expected()) + ")"
                + (estimate.unknownSteps().isEmpty() ? "" : ", unknown for " + String.join(", ",
                        estimate.unknownSteps())) + "; " + estimate.limitSummary());
    }

    private int report(BatchOutcome outcome) throws IOException {
        PrintWriter out = context.out();
        if (format == RunCommand.Format.json) {
            Map<String, Object> json = new LinkedHashMap<>(outcome.summary());
            json.put("results_json", outcome.resultsJson() == null ? null : outcome.resultsJson().toString());
            json.put("results_csv", outcome.resultsCsv() == null ? null : outcome.resultsCsv().toString());
            json.put("results_error", outcome.resultsError());
            out.println(CliJson.pretty().writeValueAsString(json));
        } else {
            BatchSummaryPrinter.print(out, context.terminal(), context.workingDirectory(), outcome);
        }
        if (outcome.resultsError() != null) {
            context.err().println("acp: error: cannot write the batch's results: " + outcome.resultsError());
        }
        if (outcome.interrupted()) {
            context.err().println("acp: the batch was stopped; continue it with: acp batch run --resume "
                    + outcome.batchId());
            return context.interrupts().stoppedBy().map(ExitCode::code).orElse(ExitCode.INTERRUPTED.code());
        }
        return outcome.clean() ? ExitCode.OK.code() : ExitCode.FAILED_STEPS.code();
    }
}
