package dev.acp;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.engine.LocalEngine;
import dev.acp.env.Environment;
import dev.acp.env.Secrets;
import dev.acp.metrics.AcpMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import dev.acp.error.PipelineInvalidException;
import dev.acp.pipeline.Problem;
import dev.acp.pipeline.load.LoadResult;
import dev.acp.pipeline.load.NodeReader;
import dev.acp.pipeline.load.PipelineLoader;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PipelinePlanner;
import dev.acp.plan.PlanResult;
import dev.acp.plan.ReadPolicy;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import dev.acp.run.RunHost;
import dev.acp.run.Runner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The library entry point: validate a pipeline, and run it the one safe way, with its estimate,
 * limits, journal, cache and report ({@link #runner}).
 *
 * <pre>{@code
 * Acp acp = Acp.create(Environment.system());
 * RunOutcome outcome = acp.runner(Path.of("pipeline.yaml")).offline(true).run();
 * }</pre>
 */
public final class Acp implements RunHost {
    private final Environment environment;
    private final ProviderRegistry registry;
    private final ProviderCatalog catalog;
    private final LocalEngine.Options engineOptions;
    private final @Nullable AcpMetrics metrics;
    /** Templates read only the variables listed under template_variables (pipelines from elsewhere). */
    private final boolean onlyListedVariables;
    /** The local files pipelines may read: anywhere, or within a server's folders. */
    private final ReadPolicy reads;

    private Acp(Environment environment, ProviderRegistry registry, ProviderCatalog catalog,
            LocalEngine.Options engineOptions, @Nullable AcpMetrics metrics, boolean onlyListedVariables,
            ReadPolicy reads) {
        this.onlyListedVariables = onlyListedVariables;
        this.reads = Objects.requireNonNull(reads, "reads");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.engineOptions = Objects.requireNonNull(engineOptions, "engineOptions");
        this.metrics = metrics;
    }

    /**
     * This ACP recording its meters into {@code meterRegistry}: provider HTTP calls (the seed's
     * {@code api_calls_total}, {@code api_duration_seconds}, {@code api_errors_total}), governor
     * waits, and for every run started from it, runs, steps, spend, cache hits and
     * {@code content_processed_total}; every series is registered at zero here. Without this
     * nothing is measured and nothing is paid for it.
     *
     * <pre>{@code
     * PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
     * Acp acp = Acp.create(Environment.system()).withMetrics(prometheus);
     * }</pre>
     */
    public Acp withMetrics(MeterRegistry meterRegistry) {
        AcpMetrics m = AcpMetrics.register(meterRegistry,
                registry.factories().stream().map(dev.acp.provider.ProviderFactory::id).toList());
        return withMetrics(m);
    }

    /**
     * This ACP recording into meters already registered, shared with other instances (a server
     * that makes one ACP per request environment keeps one set of meters).
     */
    public Acp withMetrics(AcpMetrics value) {
        ProviderContext context = registry.context();
        ProviderRegistry observed = registry.withContext(context.withTransport(context.transport().observedBy(value)));
        return new Acp(environment, observed, catalog, engineOptions, value, onlyListedVariables, reads);
    }

    @Override
    public java.util.Optional<AcpMetrics> metrics() {
        return java.util.Optional.ofNullable(metrics);
    }

    /** ACP with the providers found on the class path and the state directory from the environment. */
    public static Acp create(Environment environment) {
        ProviderContext context = ProviderContext.of(environment, acpHome(environment), Clock.systemUTC());
        // Step timeouts of ACP_HOME/config.yaml over the built-in ones.
        return new Acp(environment, ProviderRegistry.discover(context), ProviderCatalog.builtIn(),
                LocalEngine.Options.defaults(environment).withTimeouts(dev.acp.engine.StepTimeouts.defaults()
                        .with(context.config().timeouts())), null, false,
                ReadPolicy.anywhere());
    }

    /** ACP with an explicit registry and engine options, for tests and embedding. */
    public static Acp create(Environment environment, ProviderRegistry registry, LocalEngine.Options options) {
        return new Acp(environment, registry, ProviderCatalog.builtIn(), options, null, false, ReadPolicy.anywhere());
    }

    /**
     * This ACP (the same providers, governors and options) for pipelines written by someone else,
     * such as those submitted to {@code acp serve}: their templates may read an environment
     * variable only when {@code template_variables:} in {@code ACP_HOME/config.yaml} lists it.
     */
    public Acp onlyListedTemplateVariables() {
        return new Acp(environment, registry, catalog, engineOptions, metrics, true, reads);
    }

    /**
     * This ACP for pipelines written by someone else whose steps and file inputs may read only
     * below {@code roots} (no {@code ..}, no link leading out), as {@code acp serve} confines
     * submitted pipelines to its pipelines folder and output root: a file a step reads may be
     * sent to a provider. Checked when a pipeline is validated (a problem naming the line) and
     * again by the engine for paths that templates render while it runs.
     *
     * @param described the roots in words, for messages
     */
    public Acp readingOnlyWithin(List<Path> roots, String described) {
        return new Acp(environment, registry, catalog, engineOptions, metrics, onlyListedVariables,
                ReadPolicy.within(roots, described));
    }

    @Override
    public Path acpHome() {
        return acpHome(environment);
    }

    /**
     * {@code ACP_HOME}, or {@code .acp} in the home folder. The home folder is {@code HOME} of the
     * given environment first, the JVM's {@code user.home} only without one: the JVM reads the
     * password database, so {@code HOME=/tmp/x acp ...} (a test, a container, sudo -E) would
     * otherwise still write into the real home folder.
     */
    public static Path acpHome(Environment environment) {
        return environment.get("ACP_HOME").map(Path::of)
                .orElseGet(() -> Path.of(environment.get("HOME").orElseGet(() -> System.getProperty("user.home")),
                        ".acp"))
                .toAbsolutePath();
    }

    /**
     * Every value ACP must never write out: secret-looking environment variables, every
     * provider's credential variables, and the API keys of {@code ACP_HOME/config.yaml}.
     */
    @Override
    public Secrets secrets() {
        List<String> names = registry.credentialVariables();
        List<String> configured = new ArrayList<>();
        registry.context().config().providers().values().forEach(p -> {
            if (p.apiKey() != null) {
                configured.add(p.apiKey());
            }
        });
        return Secrets.from(environment, names).plus(configured);
    }

    @Override
    public ProviderRegistry registry() {
        return registry;
    }

    @Override
    public ProviderCatalog catalog() {
        return catalog;
    }

    @Override
    public Environment environment() {
        return environment;
    }

    public LoadResult load(Path file) {
        return loader().load(file);
    }

    /** A loader whose {@code ${NAME}} substitution refuses credentials ({@link ProviderRegistry#templateVariables}). */
    private PipelineLoader loader() {
        return new PipelineLoader(environment, templateVariables());
    }

    private dev.acp.env.TemplateVariables templateVariables() {
        dev.acp.env.TemplateVariables rules = registry.templateVariables(environment);
        return onlyListedVariables ? rules.onlyListed() : rules;
    }

    /** Loads and validates; problems of both stages are returned together. */
    @Override
    public PlanResult check(Path file, RunSettings settings) {
        return plan(load(file), settings);
    }

    /**
     * Validates pipeline text, for example a run's snapshot, whose relative paths resolve against
     * {@code baseDirectory} (the folder of the file it was copied from).
     */
    @Override
    public PlanResult check(String text, String label, Path baseDirectory, NodeReader.Format format,
            RunSettings settings) {
        return plan(loader().parse(text, label, baseDirectory, format), settings);
    }

    private PlanResult plan(LoadResult loaded, RunSettings settings) {
        if (loaded.spec() == null) {
            return new PlanResult(null, loaded.problems());
        }
        PlanResult planned = new PipelinePlanner(registry, catalog, environment, templateVariables(), reads).plan(loaded.spec(), settings);
        List<Problem> all = new ArrayList<>(loaded.problems());
        all.addAll(planned.problems());
        all.sort(java.util.Comparator.comparing((Problem p) -> p.location().line())
                .thenComparing(p -> p.location().column()));
        ExecutionPlan plan = loaded.hasErrors() ? null : planned.plan();
        return new PlanResult(plan, all);
    }

    /** Loads and validates, throwing with every problem when the pipeline is invalid. */
    public ExecutionPlan plan(Path file, RunSettings settings) {
        PlanResult r = check(file, settings);
        if (r.plan() == null) {
            throw new PipelineInvalidException(r.problems());
        }
        return r.plan();
    }

    /**
     * A new run of a pipeline file (relative paths from the current folder), started with
     * {@link Runner#start()} or {@link Runner#run()}: validated, estimated, held to its cost limits
     * and {@code confirm_above}, journaled for {@code --resume}, cached, and reported in
     * {@code run.json}. This is how every front end runs a pipeline.
     */
    public Runner runner(Path pipelineFile) {
        return Runner.newRun(this, pipelineFile, Path.of("").toAbsolutePath());
    }

    /** Continues an interrupted run by id, unique prefix or {@code latest}, the same safe way. */
    public Runner resume(String runId) {
        return Runner.resume(this, runId, Path.of("").toAbsolutePath());
    }

    /**
     * The engine alone, with this instance's providers and options: it runs a plan as given, with
     * no estimate, cost limit, journal, cache or report unless the request brings them. The run
     * path ({@link #runner}) is built on it; tests and benchmarks of the engine use it directly.
     * Applications never should: nothing stops it from spending.
     */
    @Override
    public LocalEngine unguardedEngine() {
        return new LocalEngine(registry, engineOptions);
    }

    @Override
    public LocalEngine.Options engineOptions() {
        return engineOptions;
    }
}
