package dev.acp;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.engine.LocalEngine;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.env.Environment;
import dev.acp.env.Secrets;
import dev.acp.error.PipelineInvalidException;
import dev.acp.pipeline.Problem;
import dev.acp.pipeline.load.LoadResult;
import dev.acp.pipeline.load.NodeReader;
import dev.acp.pipeline.load.PipelineLoader;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PipelinePlanner;
import dev.acp.plan.PlanResult;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The library entry point: load a pipeline, validate it into a plan, run the plan.
 *
 * <pre>{@code
 * Acp acp = Acp.create(Environment.system());
 * ExecutionPlan plan = acp.plan(Path.of("pipeline.yaml"), RunSettings.run(Path.of("")).withOffline(true));
 * RunResult result = acp.run(plan, RunListener.NONE, new RunControl());
 * }</pre>
 */
public final class Acp {
    private final Environment environment;
    private final ProviderRegistry registry;
    private final ProviderCatalog catalog;
    private final LocalEngine.Options engineOptions;

    private Acp(Environment environment, ProviderRegistry registry, ProviderCatalog catalog,
            LocalEngine.Options engineOptions) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.engineOptions = Objects.requireNonNull(engineOptions, "engineOptions");
    }

    /** ACP with the providers found on the class path and the state directory from the environment. */
    public static Acp create(Environment environment) {
        ProviderContext context = ProviderContext.of(environment, acpHome(environment), Clock.systemUTC());
        return new Acp(environment, ProviderRegistry.discover(context), ProviderCatalog.builtIn(),
                LocalEngine.Options.defaults(environment));
    }

    /** ACP with an explicit registry and engine options, for tests and embedding. */
    public static Acp create(Environment environment, ProviderRegistry registry, LocalEngine.Options options) {
        return new Acp(environment, registry, ProviderCatalog.builtIn(), options);
    }

    /** {@code ACP_HOME}, or {@code ~/.acp}. */
    public static Path acpHome(Environment environment) {
        return environment.get("ACP_HOME").map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".acp"))
                .toAbsolutePath();
    }

    /**
     * Every value ACP must never write out: secret-looking environment variables, every
     * provider's credential variables, and the API keys of {@code ACP_HOME/config.yaml}.
     */
    public Secrets secrets() {
        List<String> names = new ArrayList<>();
        registry.factories().forEach(f -> names.addAll(f.credentialVariables()));
        List<String> configured = new ArrayList<>();
        registry.context().config().providers().values().forEach(p -> {
            if (p.apiKey() != null) {
                configured.add(p.apiKey());
            }
        });
        return Secrets.from(environment, names).plus(configured);
    }

    public ProviderRegistry registry() {
        return registry;
    }

    public ProviderCatalog catalog() {
        return catalog;
    }

    public Environment environment() {
        return environment;
    }

    public LoadResult load(Path file) {
        return new PipelineLoader(environment).load(file);
    }

    /** Loads and validates; problems of both stages are returned together. */
    public PlanResult check(Path file, RunSettings settings) {
        return plan(load(file), settings);
    }

    /**
     * Validates pipeline text, for example a run's snapshot, whose relative paths resolve against
     * {@code baseDirectory} (the folder of the file it was copied from).
     */
    public PlanResult check(String text, String label, Path baseDirectory, NodeReader.Format format,
            RunSettings settings) {
        return plan(new PipelineLoader(environment).parse(text, label, baseDirectory, format), settings);
    }

    private PlanResult plan(LoadResult loaded, RunSettings settings) {
        if (loaded.spec() == null) {
            return new PlanResult(null, loaded.problems());
        }
        PlanResult planned = new PipelinePlanner(registry, catalog, environment).plan(loaded.spec(), settings);
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

    public RunResult run(ExecutionPlan plan, RunListener listener, RunControl control) {
        return engine().run(plan, listener, control);
    }

    /** The engine with this instance's providers and options. */
    public LocalEngine engine() {
        return new LocalEngine(registry, engineOptions);
    }

    public LocalEngine.Options engineOptions() {
        return engineOptions;
    }
}
