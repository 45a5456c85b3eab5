package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.cache.CacheMode;
import dev.acp.engine.JournalFailedException;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.error.UsageException;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.RunSettings;
import dev.acp.report.RunReportWriter;
import dev.acp.run.RunService;
import dev.acp.cost.DailySpend;
import dev.acp.cost.DailySpendFile;
import dev.acp.cost.Estimator;
import dev.acp.cost.Money;
import dev.acp.cost.PipelineEstimate;
import dev.acp.cost.PricingCatalog;
import dev.acp.cost.RunBudget;
import dev.acp.cost.SpendLedger;
import dev.acp.error.BudgetRefusedException;
import dev.acp.plan.PlanResult;
import java.io.IOException;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;
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

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The pipeline file. With --resume: the"
            + " pipeline to resume with (default: the run's own snapshot).")
    Path config;

    @Option(names = "--resume", paramLabel = "RUN", description = "Resume run RUN (an id from 'acp runs list', a"
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

    @Option(names = {"-y", "--yes"}, description = "Run without asking, even when the estimate is above"
            + " global_config.confirm_above (default $1.00).")
    boolean yes;

    @Option(names = "--allow-unknown-prices", description = "Run steps whose price is unknown even under a cost"
            + " limit; they reserve nothing and settle what the provider reports.")
    boolean allowUnknownPrices;

    @Mixin
    CostOptions cost = new CostOptions();

    private final CliContext context;
    private Acp acp;

    RunCommand(CliContext context) {
        this.context = context;
    }

    private CacheMode cacheMode() {
        if (cache == null) {
            return CacheMode.USE;
        }
        return cache.noCache ? CacheMode.OFF : CacheMode.REFRESH;
    }

    @Override
    public Integer call() throws IOException {
        if (resume == null && config == null) {
            throw new UsageException("give the pipeline with --config FILE, or a run to resume with --resume RUN");
        }
        if (resume != null && (offline || parallel || !inputs.isEmpty() || outputDirectory != null)) {
            throw new UsageException("--resume continues a run with the settings it started with; drop --offline,"
                    + " --parallel, --set and --output-dir, or start a new run");
        }
        BigDecimal limit = cost.limit(); // a bad --cost-limit is refused before anything starts
        acp = context.acp();
        PricingCatalog pricing = cost.catalog(context);
        RunService service = new RunService(acp);
        Path file = config == null ? null : context.workingDirectory().resolve(config);
        RunService.Session session;
        if (resume != null) {
            session = service.resume(resume, file, cache == null ? null : cacheMode());
        } else {
            RunSettings settings = RunSettings.run(context.workingDirectory()).withOffline(offline)
                    .withParallel(parallel).withInputs(inputs)
                    .withOutputDirectory(outputDirectory == null ? null
                            : context.workingDirectory().resolve(outputDirectory));
            // Estimated, and confirmed if need be, before the run's folder exists: a refused run leaves nothing.
            PlanResult planned = acp.check(file, settings);
            if (planned.plan() != null) {
                checkCost(planned.plan(), pricing, limit, true);
            }
            session = service.start(file, settings, cacheMode());
        }
        try (session) {
            if (resume != null) {
                // Confirmed when it started; the limits still hold, with what earlier sessions spent.
                checkCost(session.plan(), pricing, limit, false);
            }
            DailySpend daily = dailySpend(acp);
            SpendLedger ledger = new SpendLedger(effectiveLimit(session.plan(), limit), session.spentByStep(), daily);
            RunBudget budget = new RunBudget(new Estimator(pricing, acp.registry()::configuredDefaultModel), ledger,
                    allowUnknownPrices);
            return run(session, budget, effectiveLimit(session.plan(), limit));
        }
    }

    /** Whether a provider's calls can cost money; one that is not installed is assumed to. */
    private boolean billed(String provider) {
        var registry = acp.registry();
        return !registry.has(provider) || registry.provider(provider).costsMoney();
    }

    private static @Nullable BigDecimal effectiveLimit(ExecutionPlan plan, @Nullable BigDecimal override) {
        return override != null ? override : plan.spec().global().costLimit();
    }

    private DailySpend dailySpend(Acp acp) {
        Map<String, BigDecimal> limits = acp.registry().context().config().dailyLimits();
        return limits.isEmpty() ? DailySpend.NONE
                : new DailySpendFile(Acp.acpHome(context.environment()), limits, acp.engineOptions().clock());
    }

    /**
     * Shows the estimate, refuses a run whose price is unknown under a limit or whose expected
     * cost is above it, and asks for confirmation above confirm_above (the pessimistic total is
     * compared). Offline runs cost nothing and never ask.
     */
    private void checkCost(ExecutionPlan plan, PricingCatalog pricing, @Nullable BigDecimal limit, boolean confirm) {
        if (plan.tasks().stream().filter(t -> t.enabled()).noneMatch(t -> billed(t.providerId()))) {
            return; // offline engines only: nothing to pay, nothing to ask
        }
        PipelineEstimate estimate = PipelineEstimate.of(plan, new Estimator(pricing,
                acp.registry()::configuredDefaultModel), limit, this::billed);
        context.err().println("acp: estimated cost: " + Money.format(estimate.low()) + " – " + Money.format(estimate.high())
                + " (expected " + Money.format(estimate.expected()) + ")" + (estimate.unknownSteps().isEmpty() ? ""
                        : ", unknown for " + String.join(", ", estimate.unknownSteps())) + "; " + estimate.limitSummary());
        if (estimate.unknownUnderLimit(plan) && !allowUnknownPrices) {
            throw new BudgetRefusedException("the cost of " + String.join(", ", estimate.unknownSteps()) + " is unknown"
                    + " and a cost limit applies; set the price in ACP_HOME/pricing.yaml or --pricing FILE, or pass"
                    + " --allow-unknown-prices ('acp pipeline estimate' shows why)"
                    + PublishedPricesHint.of(estimate, acp).map(h -> "; or " + h).orElse(""));
        }
        if (estimate.limit() != null && estimate.expected().compareTo(estimate.limit()) > 0) {
            throw new BudgetRefusedException("the expected cost " + Money.format(estimate.expected()) + " is above the"
                    + " cost limit of " + Money.format(estimate.limit()) + "; raise --cost-limit or"
                    + " global_config.cost_limit, or make the pipeline cheaper");
        }
        if (!confirm || yes || !estimate.needsConfirmation()) {
            return;
        }
        String what = "this run may cost up to " + Money.format(estimate.high())
                + (estimate.unknownSteps().isEmpty() ? "" : " plus the unknown cost of "
                        + String.join(", ", estimate.unknownSteps()));
        Boolean answer = context.prompt().confirm("acp: " + what + " (confirm_above " + Money.format(
                estimate.confirmAbove()) + "). Run it?");
        if (answer == null) {
            throw new BudgetRefusedException(what + ", above confirm_above " + Money.format(estimate.confirmAbove())
                    + ", and there is no terminal to confirm on; pass --yes to run it");
        }
        if (!answer) {
            throw new BudgetRefusedException("not confirmed; nothing was run");
        }
    }

    private int run(RunService.Session session, RunBudget budget, @Nullable BigDecimal limit) throws IOException {
        ExecutionPlan plan = session.plan();
        session.warnings().forEach(p -> context.err().println(p.render()));
        session.notes().forEach(n -> context.err().println("acp: resume: " + n));
        RunControl control = new RunControl();
        ProgressDisplay progress = ProgressDisplay.create(context.err(), context.terminal(), context.workingDirectory());
        RunResult result;
        String journalError = null;
        try (AutoCloseable ignored = context.interrupts().onInterrupt(control::cancel)) {
            result = session.run(progress, control, budget);
        } catch (JournalFailedException e) {
            result = e.result();
            journalError = e.getMessage();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            progress.close();
        }
        RunReportWriter writer = new RunReportWriter(context.secrets());
        RunReportWriter.Extras extras = new RunReportWriter.Extras(session.runDirectory(), spent(session),
                session.notes(), limit);
        Path report = null;
        String reportError = null;
        try {
            report = writer.write(plan, result, extras);
            session.saveReport(writer.toJson(plan, result, extras));
        } catch (IOException e) {
            reportError = e.getMessage();
        }
        if (format == Format.json) {
            context.out().println(writer.toJson(plan, result, extras));
        } else {
            new SummaryPrinter(context.out(), context.terminal(), context.workingDirectory())
                    .print(plan, result, report, session.runId(), extras.spent());
            new SummaryPrinter(context.out(), context.terminal(), context.workingDirectory())
                    .printCosts(result, extras);
        }
        int code = ExitCode.of(result.status()).code();
        if (journalError != null) {
            context.err().println("acp: error: " + journalError);
            code = Math.max(code, ExitCode.FAILED_STEPS.code());
        }
        if (reportError != null) {
            // The run happened and its outputs are in place; only the report is missing, which a
            // script must notice, so a successful run is reported as partial.
            context.err().println("acp: error: cannot write " + RunReportWriter.FILE_NAME + " in "
                    + result.outputDirectory() + ": " + reportError);
            code = Math.max(code, ExitCode.FAILED_STEPS.code());
        }
        if (result.status() != RunStatus.SUCCEEDED && format == Format.table) {
            context.out().println("Resume with: acp pipeline run --resume " + session.runId());
        }
        return code;
    }

    private static java.math.BigDecimal spent(RunService.Session session) {
        try {
            return session.spent();
        } catch (IOException e) {
            return null;
        }
    }
}
