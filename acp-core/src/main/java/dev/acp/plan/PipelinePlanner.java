package dev.acp.plan;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.env.Environment;
import dev.acp.env.TemplateVariables;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.provider.ProviderRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Validates a loaded pipeline as a whole and turns it into an {@link ExecutionPlan}, in passes:
 * the step index, input values, the output folder, dependencies (explicit, default ordering and
 * template references), cycles, output paths, then task by task its provider, parameters and
 * fallbacks. All problems are reported together, sorted by position in the file.
 */
public final class PipelinePlanner {
    /** The fields of every item of a story_to_scenes step's list (see SceneSchema in acp-providers). */
    public static final List<String> SCENE_FIELDS = ForEachSources.SCENE_FIELDS;
    private final ProviderRegistry registry;
    private final ProviderCatalog catalog;
    private final Environment environment;
    private final TemplateVariables variables;
    private final ReadPolicy reads;

    public PipelinePlanner(ProviderRegistry registry, ProviderCatalog catalog, Environment environment) {
        this(registry, catalog, environment, registry.templateVariables(environment));
    }

    /** A planner whose templates may read only what {@code variables} allows. */
    public PipelinePlanner(ProviderRegistry registry, ProviderCatalog catalog, Environment environment,
            TemplateVariables variables) {
        this(registry, catalog, environment, variables, ReadPolicy.anywhere());
    }

    /**
     * A planner whose templates may read only what {@code variables} allows and whose steps and
     * inputs may read only the files {@code reads} allows (checked here, and by the engine for
     * what templates render at run time: the plan carries it).
     */
    public PipelinePlanner(ProviderRegistry registry, ProviderCatalog catalog, Environment environment,
            TemplateVariables variables, ReadPolicy reads) {
        this.registry = registry;
        this.catalog = catalog;
        this.environment = environment;
        this.variables = variables;
        this.reads = reads;
    }

    public PlanResult plan(PipelineSpec spec, RunSettings settings) {
        Findings findings = new Findings();
        StepIndex steps = StepIndex.of(spec);
        ForEachSources sources = new ForEachSources(spec, steps, findings);
        References references = new References(spec, steps, sources, environment, variables, findings);

        Map<String, Object> inputs = new InputValues(spec, settings, reads, findings).resolve();
        Path outputDirectory = new OutputFolder(spec, settings, environment, registry.context().acpHome(), findings)
                .resolve();
        DependencyGraph.Dependencies deps = new DependencyGraph(spec, steps, references, sources, findings).build();
        new CycleCheck(spec, steps, findings).check(deps);
        OutputPaths.Outputs outputs = new OutputPaths(spec, steps, references, environment, variables, findings)
                .place(outputDirectory, inputs);
        ProviderLookup lookup = new ProviderLookup(registry, catalog);
        ProviderPass.Providers providers = new ProviderPass(steps,
                new ProviderResolver(spec, settings, steps, lookup, findings),
                new ParameterCheck(spec, findings, inputs, reads),
                new FallbackCheck(settings, lookup, findings)).run(spec.tasks(), outputs);

        findings.sortByPosition();
        // After the sort, as it always was: these come last, in the order of the blocks.
        sources.checkDisabled();
        // A block whose for_each could not be read (a list, a map: the loader said so) has no plan.
        if (findings.hasErrors() || sources.anyUnreadable()) {
            return new PlanResult(null, findings.all());
        }
        var passes = new PlanAssembly.Passes(inputs, outputDirectory, deps, outputs, providers);
        return new PlanResult(new PlanAssembly(spec, settings, steps, sources, reads).assemble(passes, findings),
                findings.all());
    }
}
