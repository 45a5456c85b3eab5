package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.catalog.ProviderCatalog;
import dev.acp.cost.PricingCatalog;
import dev.acp.error.PipelineInvalidException;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlanResult;
import dev.acp.plan.PlannedForEach;
import dev.acp.plan.PlannedGroup;
import dev.acp.plan.PlannedTask;
import dev.acp.plan.RunSettings;
import dev.acp.pipeline.Capability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The models whose prices {@code acp models --refresh-prices} asks for, per provider, as each
 * provider's own ids: every model of the built-in catalog, and every model the steps of the
 * pipelines named with {@code --config} can call (for_each templates and fallback alternatives
 * too). A price list that prices only what it is asked about (fal's) needs them; one that sends
 * its whole list (OpenRouter's) ignores them.
 */
final class RefreshedModels {
    private final Acp acp;
    private final Supplier<PricingCatalog> defaults;
    private @Nullable PricingCatalog pricing;

    /** @param defaults the pricing catalog whose default models a step without a model gets; read when needed */
    RefreshedModels(Acp acp, Supplier<PricingCatalog> defaults) {
        this.acp = acp;
        this.defaults = defaults;
    }

    /**
     * @param pipelines the pipeline files, already resolved against the working directory
     * @throws PipelineInvalidException for the first pipeline that does not validate
     */
    Map<String, Set<String>> ids(List<Path> pipelines, Path workingDirectory) {
        Map<String, Set<String>> ids = new LinkedHashMap<>();
        ProviderCatalog.builtIn().models().values()
                .forEach(m -> ids.computeIfAbsent(m.provider(), p -> new LinkedHashSet<>()).add(m.providerModelId()));
        pipelineIds(pipelines, workingDirectory).forEach((provider, more) -> ids.computeIfAbsent(provider,
                p -> new LinkedHashSet<>()).addAll(more));
        return ids;
    }

    /** Only the models the pipelines call, by provider. */
    Map<String, Set<String>> pipelineIds(List<Path> pipelines, Path workingDirectory) {
        Map<String, Set<String>> ids = new LinkedHashMap<>();
        for (Path file : pipelines) {
            PlanResult planned = acp.check(file, RunSettings.check(workingDirectory));
            if (planned.plan() == null) {
                throw new PipelineInvalidException(planned.problems());
            }
            for (PlannedTask t : tasks(planned.plan())) {
                add(ids, t.providerId(), t.model(), t.capability());
                for (PlannedTask.Fallback f : t.fallbacks()) {
                    add(ids, f.providerId(), f.model(), t.capability());
                }
            }
        }
        return ids;
    }

    /** Every task of the plan, with the templates of for_each blocks (a group's members are tasks of their own). */
    private static List<PlannedTask> tasks(ExecutionPlan plan) {
        List<PlannedTask> tasks = new ArrayList<>();
        for (var step : plan.steps()) {
            switch (step) {
                case PlannedTask t -> tasks.add(t);
                case PlannedForEach block -> tasks.addAll(block.templates());
                case PlannedGroup g -> { }
            }
        }
        return tasks;
    }

    /**
     * The provider's own id of the model a step calls: a catalog name stands for its id, any other
     * model is sent as written, and a step without one gets the model the estimate prices (the
     * provider's configured default, else the pricing catalog's).
     */
    private void add(Map<String, Set<String>> ids, String provider, @Nullable String model, Capability capability) {
        String name = model != null ? model : acp.registry().configuredDefaultModel(provider, capability)
                .or(() -> pricing().defaultModel(provider, capability)).orElse(null);
        if (name == null || name.contains("{{")) {
            // Known only at run time: nothing to ask a price for.
            return;
        }
        String id = acp.catalog().model(name).filter(m -> m.provider().equals(provider))
                .map(ProviderCatalog.ModelEntry::providerModelId).orElse(name);
        ids.computeIfAbsent(provider, p -> new LinkedHashSet<>()).add(id);
    }

    private PricingCatalog pricing() {
        if (pricing == null) {
            pricing = defaults.get();
        }
        return pricing;
    }
}
