package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.cache.CacheMode;
import dev.acp.cost.Money;
import dev.acp.cost.PipelineEstimate;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.error.UsageException;
import dev.acp.report.RunReportWriter;
import dev.acp.run.Confirmation;
import dev.acp.run.RunHandle;
import dev.acp.run.RunOutcome;
import dev.acp.run.Runner;
import java.io.IOException;
import java.math.BigDecimal;
import picocli.CommandLine.Mixin;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code acp pipeline run --config FILE}, or {@code --resume RUN}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Validate and run a pipeline, or resume an interrupted run. Steps run as soon as their"
                + " dependencies succeed; a failed step fails only what depends on it. Every run is journaled under"
                + " ACP_HOME/runs and can be resumed; identical steps come from the cache at no cost. Writes run.json"
                + " into the output folder.")
final class RunCommand implements Callable<Integer> {

    /** How results are printed. */
    enum Format {
        table,
        json
    }

    /** How the run's progress is shown on stderr. */
    enum LogFormat {
        /** A live display on a terminal, timestamped lines otherwise. */
        text,
        /** One JSON object per event and line. */
        json
    }

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The pipeline file. With --resume: the"
            + " pipeline to resume with (default: the run's own snapshot).")
    Path config;

    @Option(names = "--resume", paramLabel = "RUN", completionCandidates = RunsCommand.RunIds.class, description = "Resume run RUN (an id from 'acp runs list', a"
            + " unique prefix of one, or 'latest'): finished steps are reused, submitted jobs collected, never"
            + " submitted twice, the rest run.")
    String resume;

    @Option(names = "--parallel", description = "Run parallel groups side by side even if the file does not"
            + " set global_config.parallel_enabled.")
    boolean parallel;

    @Option(names = "--offline", description = "Use the local offline engines for every step: no keys, no network,"
            + " outputs labelled as previews.")
    boolean offline;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Set a declared input (repeatable).")
    Map<String, String> inputs = new LinkedHashMap<>();

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", description = "Write outputs here instead of the"
            + " file's output_directory.")
    Path outputDirectory;

    @ArgGroup(exclusive = true)
    CacheOptions cache;

    /** --no-cache and --refresh exclude each other. */
    static final class CacheOptions {
        @Option(names = "--no-cache", description = "Neither use nor fill the artifact cache.")
        boolean noCache;

        @Option(names = "--refresh", description = "Call providers again even for cached steps, and replace the"
                + " cached results.")
        boolean refresh;
    }

    @Option(names = "--format", paramLabel = "FORMAT", description = "Result format: ${COMPLETION-CANDIDATES}"
            + " (default: ${DEFAULT-VALUE}).", defaultValue = "table")
    Format format;

    // Its own label: picocli's bash script keeps each option's values in a variable named after the
    // label, so a second FORMAT would give --format the values of --log-format.
    @Option(names = "--log-format", paramLabel = "LOG_FORMAT", defaultValue = "text", description = "Progress on stderr:"
            + " ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); json writes one event per line (run and step"
            + " started, progress, retrying, finished, cost settled) for scripts and CI.")
    LogFormat logFormat;

    @Option(names = {"-y", "--yes"}, description = "Run without asking, even when the estimate is above"
            + " global_config.confirm_above (default $1.00).")
    boolean yes;

    @Option(names = "--allow-unknown-prices", description = "Run steps whose price is unknown even under a cost"
            + " limit; they reserve nothing and settle what the provider reports.")
    boolean allowUnknownPrices;

    @Mixin
    CostOptions cost = new CostOptions();

    @Mixin
    MetricsFileOption metrics = new MetricsFileOption();

    private final CliContext context;

    RunCommand(CliContext context) {
        this.context = context;
    }

    private CacheMode cacheMode() {
        if (cache == null) {
            return CacheMode.USE;
        }
        return cache.noCache ? CacheMode.OFF : CacheMode.REFRESH;
    }

    /** Which engine runs the plan. */
    enum Engine { local, temporal }

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "local", description = "Where steps run:"
            + " ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). temporal: on 'acp worker' processes through a"
            + " Temporal service (see --temporal-target); the same checks, limits, report and exit codes.")
    Engine engine;

    @picocli.CommandLine.Mixin
    TemporalOptions temporal = new TemporalOptions();

    @Option(names = "--resend-unknown", description = "With --resume: send again a paid request whose answer the"
            + " stopped run lost and the provider cannot look up (it may have been billed: the possible second charge"
            + " is counted against the limits and the report names it a possible duplicate).")
    boolean resendUnknown;

    @Override
    public Integer call() throws IOException {
        if (resume == null && config == null) {
            throw new UsageException("give the pipeline with --config FILE, or a run to resume with --resume RUN");
        }
        if (resendUnknown && resume == null) {
            throw new UsageException("--resend-unknown applies to a resumed run; add --resume RUN");
        }
        BigDecimal limit = cost.limit(); // a bad --cost-limit is refused before anything starts
        Acp acp = metrics.observe(context.acp());
        try {
            return run(acp, limit);
        } finally {
            metrics.write(context.workingDirectory(), context.err());
        }
    }

    private int run(Acp acp, BigDecimal limit) throws IOException {
        Runner runner = resume != null ? Runner.resume(acp, resume, context.workingDirectory())
                : Runner.newRun(acp, config, context.workingDirectory());
        if (resume != null && config != null) {
            runner.pipeline(config);
        }
        runner.offline(offline).parallel(parallel).inputs(inputs).costLimit(limit).pricing(cost.pricing)
                .allowUnknownPrices(allowUnknownPrices).resendUnknown(resendUnknown)
                .confirmation(yes ? Confirmation.YES : question -> java.util.Optional.ofNullable(
                        context.prompt().confirm("acp: " + question)))
                .onEstimate(this::printEstimate)
                .onNotice(this::printNotice);
        if (outputDirectory != null) {
            runner.outputDirectory(outputDirectory);
        }
        if (cache != null) {
            runner.cacheMode(cacheMode());
        }
        if (engine == Engine.temporal) {
            // Connects when the run starts, after validation and the money rules: a pipeline that
            // fails them never reaches Temporal. The local engine never loads Temporal's classes.
            runner.engine(TemporalConnection.engine(temporal, context, acp));
        }
        return run(runner);
    }

    private int run(Runner runner) {
        ProgressDisplay progress = logFormat == LogFormat.json ? jsonLog()
                : ProgressDisplay.create(context.err(), context.terminal(), context.workingDirectory());
        RunOutcome outcome;
        try {
            RunHandle handle = runner.listener(progress).start();
            try (AutoCloseable ignored = context.interrupts().onInterrupt(handle::cancel)) {
                outcome = handle.await();
            } catch (InterruptedException e) {
                handle.cancel();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the run", e);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        } finally {
            progress.close();
        }
        return report(outcome);
    }

    private ProgressDisplay.JsonLines jsonLog;

    /** The JSON-lines log; estimates and notices come before the run starts, so it is made on first use. */
    private ProgressDisplay.JsonLines jsonLog() {
        if (jsonLog == null) {
            jsonLog = (ProgressDisplay.JsonLines) ProgressDisplay.jsonLines(context.err(), context.workingDirectory());
        }
        return jsonLog;
    }

    private void printNotice(String line) {
        if (logFormat == LogFormat.json) {
            jsonLog().event("notice", java.util.Map.of("message", line));
            return;
        }
        context.err().println(line.startsWith("resume: ") ? "acp: " + line : line);
    }

    /** The estimate line shown before a paid run is checked against its limit and confirm_above. */
    private void printEstimate(PipelineEstimate estimate) {
        if (logFormat == LogFormat.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("low", estimate.low().doubleValue());
            m.put("expected", estimate.expected().doubleValue());
            m.put("high", estimate.high().doubleValue());
            m.put("unknown_steps", estimate.unknownSteps());
            m.put("limit", estimate.limitSummary());
            jsonLog().event("estimate", m);
            return;
        }
        context.err().println("acp: estimated cost: " + Money.format(estimate.low()) + " – " + Money.format(estimate.high())
                + " (expected " + Money.format(estimate.expected()) + ")" + (estimate.unknownSteps().isEmpty() ? ""
                        : ", unknown for " + String.join(", ", estimate.unknownSteps())) + "; " + estimate.limitSummary());
    }

    private int report(RunOutcome outcome) {
        RunResult result = outcome.result();
        if (format == Format.json) {
            context.out().println(outcome.reportJson());
        } else {
            SummaryPrinter printer = new SummaryPrinter(context.out(), context.terminal(), context.workingDirectory());
            printer.print(outcome.plan(), result, outcome.report(), outcome.runId(), outcome.extras().spent());
            printer.printCosts(result, outcome.extras());
        }
        int code = ExitCode.of(result.status()).code();
        if (result.status() == RunStatus.INTERRUPTED) {
            // Stopped by SIGTERM or SIGHUP rather than Ctrl-C: the code a shell expects of that signal.
            code = context.interrupts().stoppedBy().map(ExitCode::code).orElse(code);
        }
        if (outcome.journalError() != null) {
            context.err().println("acp: error: " + outcome.journalError());
            code = Math.max(code, ExitCode.FAILED_STEPS.code());
        }
        if (outcome.reportError() != null) {
            // The run happened and its outputs are in place; only the report is missing, which a
            // script must notice, so a successful run is reported as partial.
            context.err().println("acp: error: cannot write " + RunReportWriter.FILE_NAME + " in "
                    + result.outputDirectory() + ": " + outcome.reportError());
            code = Math.max(code, ExitCode.FAILED_STEPS.code());
        }
        if (result.status() != RunStatus.SUCCEEDED && format == Format.table) {
            context.out().println("Resume with: acp pipeline run --resume " + outcome.runId());
        }
        return code;
    }
}
