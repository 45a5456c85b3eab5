package dev.acp.plan;

import dev.acp.pipeline.ForEachStepSpec;
import dev.acp.pipeline.GroupStepSpec;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.StepSpec;
import dev.acp.pipeline.TaskStepSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The last pass, for a pipeline without errors: the plan's nodes from what the passes found. */
final class PlanAssembly {
    /**
     * What the passes found about a valid pipeline.
     *
     * @param inputs the value of each input
     * @param outputDirectory the output folder at its real location
     * @param deps what each step waits for
     * @param outputs where each task writes
     * @param providers what serves each task
     */
    record Passes(Map<String, Object> inputs, Path outputDirectory, DependencyGraph.Dependencies deps,
            OutputPaths.Outputs outputs, ProviderPass.Providers providers) {}

    private final PipelineSpec spec;
    private final RunSettings settings;
    private final StepIndex steps;
    private final ForEachSources sources;
    private final ReadPolicy reads;

    PlanAssembly(PipelineSpec spec, RunSettings settings, StepIndex steps, ForEachSources sources, ReadPolicy reads) {
        this.reads = reads;
        this.spec = spec;
        this.settings = settings;
        this.steps = steps;
        this.sources = sources;
    }

    ExecutionPlan assemble(Passes p, Findings findings) {
        boolean parallel = settings.parallel() || spec.global().parallelEnabled();
        List<PlannedStep> nodes = new ArrayList<>();
        for (StepSpec s : spec.steps()) {
            switch (s) {
                case TaskStepSpec t -> nodes.add(task(t, null, p));
                case GroupStepSpec g -> {
                    int workers = !parallel ? 1
                            : g.maxWorkers() != null ? g.maxWorkers() : Math.max(1, g.steps().size());
                    nodes.add(new PlannedGroup(g, g.steps().stream().map(TaskStepSpec::id).toList(),
                            p.deps().of(g.id()), workers, g.enabled()));
                    for (TaskStepSpec m : g.steps()) {
                        nodes.add(task(m, g.id(), p));
                    }
                }
                case ForEachStepSpec f -> {
                    int workers = !parallel ? 1 : f.maxWorkers() != null ? f.maxWorkers() : Integer.MAX_VALUE;
                    List<PlannedTask> templates = new ArrayList<>();
                    Map<String, String> names = new LinkedHashMap<>();
                    for (TaskStepSpec m : f.steps()) {
                        templates.add(task(m, f.id(), p));
                        names.put(m.id(), p.outputs().itemNames().get(m.id()));
                    }
                    nodes.add(new PlannedForEach(f, ForEachSources.parse(f), templates, names, p.outputDirectory(),
                            p.deps().of(f.id()), workers, !steps.isDisabled(f.id()), sources.itemFields(f)));
                }
            }
        }
        return new ExecutionPlan(spec, p.outputDirectory(), parallel, p.inputs(), nodes, findings.warnings(), reads);
    }

    private PlannedTask task(TaskStepSpec t, @Nullable String groupId, Passes p) {
        ProviderResolver.Resolved r = p.providers().chosen().get(t.id());
        return new PlannedTask(t, r.providerId(), r.reason(), t.model(), p.outputs().of(t.id()), groupId,
                p.deps().of(t.id()), !steps.isDisabled(t.id()),
                p.providers().fallbacks().getOrDefault(t.id(), List.of()));
    }
}
