package dev.acp.run;

import dev.acp.cache.CacheMode;
import dev.acp.config.AcpConfig;
import dev.acp.cost.DailySpend;
import dev.acp.cost.DailySpendFile;
import dev.acp.cost.Estimator;
import dev.acp.cost.PipelineEstimate;
import dev.acp.cost.PricingCatalog;
import dev.acp.cost.RunBudget;
import dev.acp.cost.SpendLedger;
import dev.acp.engine.RunListener;
import dev.acp.error.PipelineInvalidException;
import dev.acp.error.UsageException;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlanResult;
import dev.acp.plan.RunSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The one way a run starts, for every front end (the command line, the library, a server, a
 * batch): it validates the pipeline, estimates it, applies the money rules (limits, unknown
 * prices, the confirmation above {@code confirm_above}), journals the run so that it can be
 * resumed, reserves every step's cost against the run's, the step's and the daily limits as it
 * is dispatched, uses the artifact cache, and writes {@code run.json}. Nothing is called before
 * the rules are met, and nothing is written when the run is refused.
 *
 * <pre>{@code
 * RunHost acp = Acp.create(Environment.system());
 * RunOutcome outcome = acp.runner(Path.of("pipeline.yaml")).offline(true).costLimit(new BigDecimal("2")).run();
 * }</pre>
 *
 * Start it with {@link #start()} to follow, cancel or wait for it from another thread; with
 * {@link #run()} to wait here. A builder is used once.
 */
public final class Runner {
    private final RunHost acp;
    private final @Nullable Path pipelineFile;
    private final @Nullable String resumeId;
    private final Path workingDirectory;
    private boolean offline;
    private boolean parallel;
    private final Map<String, String> inputs = new LinkedHashMap<>();
    private @Nullable Path outputDirectory;
    private @Nullable CacheMode cacheMode;
    private @Nullable BigDecimal costLimit;
    private @Nullable Path pricingFile;
    private boolean allowUnknownPrices;
    private boolean resendUnknown;
    private Confirmation confirmation = Confirmation.NOBODY;
    private RunListener listener = RunListener.NONE;
    private Consumer<PipelineEstimate> onEstimate = e -> { };
    private Consumer<String> onNotice = n -> { };
    private @Nullable RunGroup group;
    private @Nullable String chosenRunId;
    private @Nullable RunEngine engine;
    private boolean used;

    private Runner(RunHost acp, @Nullable Path pipelineFile, @Nullable String resumeId, Path workingDirectory) {
        this.acp = Objects.requireNonNull(acp, "acp");
        this.pipelineFile = pipelineFile;
        this.resumeId = resumeId;
        this.workingDirectory = workingDirectory.toAbsolutePath();
    }

    /** A new run of a pipeline file; relative paths resolve against {@code workingDirectory}. */
    public static Runner newRun(RunHost acp, Path pipelineFile, Path workingDirectory) {
        return new Runner(acp, workingDirectory.resolve(pipelineFile), null, workingDirectory);
    }

    /**
     * Continues an interrupted run (an id, a unique prefix of one, or {@code latest}) with the
     * settings it started with; the settings given here must be equal to those, and a pipeline
     * file given with {@link #pipeline} replaces the run's own snapshot.
     */
    public static Runner resume(RunHost acp, String runId, Path workingDirectory) {
        return new Runner(acp, null, Objects.requireNonNull(runId, "runId"), workingDirectory);
    }

    private @Nullable Path replacementPipeline;

    /** For a resume: the pipeline to continue with instead of the run's snapshot (changed steps run again). */
    public Runner pipeline(Path file) {
        this.replacementPipeline = workingDirectory.resolve(file);
        return this;
    }

    /** Every step on the offline engines: no keys, no network, outputs labelled previews. */
    public Runner offline(boolean value) {
        this.offline = value;
        return this;
    }

    /** Parallel groups run side by side even if the file does not enable it. */
    public Runner parallel(boolean value) {
        this.parallel = value;
        return this;
    }

    /** Sets a declared input ({@code --set name=value}). */
    public Runner input(String name, String value) {
        inputs.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    public Runner inputs(Map<String, String> values) {
        values.forEach(this::input);
        return this;
    }

    /** Outputs go here instead of the file's {@code output_directory}. */
    public Runner outputDirectory(Path dir) {
        this.outputDirectory = workingDirectory.resolve(dir);
        return this;
    }

    /** The artifact cache: USE (default), REFRESH or OFF; for a resume, the run's own unless set. */
    public Runner cacheMode(CacheMode mode) {
        this.cacheMode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /** The most the run may spend, in US dollars; wins over {@code global_config.cost_limit}. */
    public Runner costLimit(@Nullable BigDecimal limit) {
        if (limit != null && limit.signum() < 0) {
            throw new UsageException("the cost limit is negative (" + limit.toPlainString() + "); give an amount of 0 or"
                    + " more");
        }
        this.costLimit = limit;
        return this;
    }

    /** Prices merged over the built-in, published and {@code ACP_HOME/pricing.yaml} prices. */
    public Runner pricing(@Nullable Path file) {
        this.pricingFile = file == null ? null : workingDirectory.resolve(file);
        return this;
    }

    /** Steps whose price is unknown may run under a limit; they reserve nothing and settle what is reported. */
    public Runner allowUnknownPrices(boolean value) {
        this.allowUnknownPrices = value;
        return this;
    }

    /**
     * For a resume: a paid call whose outcome is unknown (the process stopped while its answer was
     * on its way, and the provider cannot be asked about it) is sent again. Its possible first
     * charge counts against the limits, and the report names it a possible duplicate.
     */
    public Runner resendUnknown(boolean value) {
        this.resendUnknown = value;
        return this;
    }

    /** How agreement is asked for a run that needs it; by default nobody is asked and such a run is refused. */
    public Runner confirmation(Confirmation value) {
        this.confirmation = Objects.requireNonNull(value, "confirmation");
        return this;
    }

    /** Agrees in advance to a run that would ask ({@code --yes}). */
    public Runner yes(boolean value) {
        return value ? confirmation(Confirmation.YES) : this;
    }

    /** Receives progress: steps started, retrying, progressing and finished. */
    public Runner listener(RunListener value) {
        this.listener = Objects.requireNonNull(value, "listener");
        return this;
    }

    /** Receives the estimate of a new run before it is checked against the rules (not called for free runs). */
    public Runner onEstimate(Consumer<PipelineEstimate> value) {
        this.onEstimate = Objects.requireNonNull(value, "onEstimate");
        return this;
    }

    /** Receives validation warnings and what a resume found, one line each. */
    public Runner onNotice(Consumer<String> value) {
        this.onNotice = Objects.requireNonNull(value, "onNotice");
        return this;
    }

    /**
     * Makes the run one of a group started together (a batch's rows): it is kept in the group's
     * run store, shares the group's artifact cache and prices, and reserves every step within the
     * group's ledger as well as against its own limits, so the group's limit holds for all its
     * runs together. The run's own limit ({@link #costLimit}, or {@code global_config.cost_limit})
     * still applies to it alone. A group's prices win over {@link #pricing}.
     */
    public Runner group(RunGroup value) {
        this.group = Objects.requireNonNull(value, "group");
        return this;
    }

    /**
     * The id of a new run, instead of a fresh one: a caller that must find the run after a crash
     * (a batch names each row's run) can then resume it by that id. Refused when a run of that id
     * exists, or for a resume.
     */
    public Runner runId(String id) {
        if (resumeId != null) {
            throw new UsageException("a resume keeps its run's id; runId(...) is for a new run");
        }
        this.chosenRunId = Objects.requireNonNull(id, "id");
        return this;
    }

    /** The engine that runs the plan instead of the local one (acp-temporal's, for {@code --engine temporal}). */
    public Runner engine(RunEngine value) {
        this.engine = Objects.requireNonNull(value, "engine");
        return this;
    }

    /** Runs to the end on this thread. */
    public RunOutcome run() {
        RunHandle handle = start();
        try {
            return handle.await();
        } catch (InterruptedException e) {
            handle.cancel();
            Thread.currentThread().interrupt();
            return handle.awaitUninterruptibly();
        }
    }

    /**
     * Validates, estimates and applies the money rules, then starts the run on a thread of its
     * own. Throws (and writes nothing) when the pipeline is invalid ({@link PipelineInvalidException}),
     * a setting is wrong ({@link UsageException}) or the run is refused
     * ({@link dev.acp.error.BudgetRefusedException}).
     */
    public RunHandle start() {
        if (used) {
            throw new IllegalStateException("a Runner starts one run");
        }
        used = true;
        Path home = acp.acpHome();
        AcpConfig config = acp.registry().context().config();
        PricingCatalog pricing = group != null ? group.pricing() : PricingCatalog.load(home, pricingFile, config);
        Estimator estimator = new Estimator(pricing, acp.registry()::configuredDefaultModel);
        RunService service = group != null ? group.service() : new RunService(acp);
        RunService.Session session;
        try {
            session = resumeId == null ? startNew(service, estimator) : resume(service, estimator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            session.warnings().forEach(p -> onNotice.accept(p.render()));
            session.notes().forEach(n -> onNotice.accept("resume: " + n));
            BigDecimal limit = costLimit != null ? costLimit : session.plan().spec().global().costLimit();
            SpendLedger ledger = group != null
                    ? new SpendLedger(limit, session.spentByStep(), group.ledger(), session.runId())
                    : new SpendLedger(limit, session.spentByStep(), dailySpend(acp, config));
            RunBudget budget = new RunBudget(estimator, ledger, allowUnknownPrices);
            RunListener observers = acp.metrics().map(m -> dev.acp.engine.BothListeners.of(listener, m.runListener()))
                    .orElse(listener);
            return RunHandle.start(session, budget, limit, observers, acp.secrets(), resendUnknown, engine);
        } catch (IOException | RuntimeException e) {
            closeQuietly(session, e);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private RunService.Session startNew(RunService service, Estimator estimator) throws IOException {
        if (replacementPipeline != null) {
            throw new UsageException("a new run takes its pipeline from newRun; pipeline(...) is for a resume");
        }
        RunSettings settings = RunSettings.run(workingDirectory).withOffline(offline).withParallel(parallel)
                .withInputs(inputs).withOutputDirectory(outputDirectory);
        // Estimated, and agreed to if need be, before the run's folder exists: a refused run leaves nothing.
        PlanResult planned = acp.check(pipelineFile, settings);
        if (planned.plan() == null) {
            throw new PipelineInvalidException(planned.problems());
        }
        gate(planned.plan(), estimator, true);
        // Planned once: the run starts from this plan instead of checking the file again.
        return service.start(pipelineFile, planned, settings, cacheMode != null ? cacheMode : CacheMode.USE,
                chosenRunId);
    }

    private RunService.Session resume(RunService service, Estimator estimator) throws IOException {
        RunService.Session session = service.resume(resumeId, replacementPipeline, cacheMode);
        try {
            ResumeSettings.check(session.meta(), offline, parallel, inputs, outputDirectory);
            // Agreed to when it started; the limits still hold, with what earlier sessions spent.
            gate(session.plan(), estimator, false);
            return session;
        } catch (RuntimeException e) {
            closeQuietly(session, e);
            throw e;
        }
    }

    private void gate(ExecutionPlan plan, Estimator estimator, boolean ask) {
        if (plan.tasks().stream().filter(t -> t.enabled()).noneMatch(t -> billed(t.providerId()))
                && plan.steps().stream().noneMatch(s -> s instanceof dev.acp.plan.PlannedForEach f
                        && f.templates().stream().anyMatch(t -> billed(t.providerId())))) {
            return; // offline engines only: nothing to pay, nothing to ask
        }
        PipelineEstimate estimate = PipelineEstimate.of(plan, estimator, costLimit, this::billed);
        onEstimate.accept(estimate);
        CostGate.check(plan, estimate, allowUnknownPrices, ask, confirmation, PublishedPricesHint.of(estimate, acp));
    }

    /** Whether a provider's calls can cost money; one that is not installed is assumed to. */
    private boolean billed(String provider) {
        var registry = acp.registry();
        return !registry.has(provider) || registry.provider(provider).costsMoney();
    }

    static DailySpend dailySpend(RunHost acp, AcpConfig config) {
        Map<String, BigDecimal> limits = config.dailyLimits();
        return limits.isEmpty() ? DailySpend.NONE
                : new DailySpendFile(acp.acpHome(), limits, acp.engineOptions().clock());
    }

    private static void closeQuietly(RunService.Session session, Exception cause) {
        try {
            session.close();
        } catch (IOException | RuntimeException c) {
            cause.addSuppressed(c);
        }
    }
}
