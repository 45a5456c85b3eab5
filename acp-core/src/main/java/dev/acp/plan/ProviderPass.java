package dev.acp.plan;

import dev.acp.pipeline.TaskStepSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The provider and parameter passes, task by task so that a task's problems stay together: its
 * provider, then (when it runs) its parameters and its fallback alternatives.
 */
final class ProviderPass {
    /**
     * What serves each task.
     *
     * @param chosen per task whose provider resolved, the provider
     * @param fallbacks per enabled task, its alternatives that can serve it
     */
    record Providers(Map<String, ProviderResolver.Resolved> chosen, Map<String, List<PlannedTask.Fallback>> fallbacks) {}

    private final StepIndex steps;
    private final ProviderResolver resolver;
    private final ParameterCheck parameters;
    private final FallbackCheck fallbacks;

    ProviderPass(StepIndex steps, ProviderResolver resolver, ParameterCheck parameters, FallbackCheck fallbacks) {
        this.steps = steps;
        this.resolver = resolver;
        this.parameters = parameters;
        this.fallbacks = fallbacks;
    }

    Providers run(List<TaskStepSpec> tasks, OutputPaths.Outputs outputs) {
        Map<String, ProviderResolver.Resolved> chosen = new HashMap<>();
        Map<String, List<PlannedTask.Fallback>> alternatives = new HashMap<>();
        for (TaskStepSpec t : tasks) {
            ProviderResolver.Resolved r = resolver.resolve(t);
            if (r != null) {
                chosen.put(t.id(), r);
                if (!steps.isDisabled(t.id())) {
                    parameters.check(t, r, outputs.of(t.id()));
                    alternatives.put(t.id(), fallbacks.check(t, r, outputs.of(t.id())));
                }
            }
        }
        return new Providers(chosen, alternatives);
    }
}
