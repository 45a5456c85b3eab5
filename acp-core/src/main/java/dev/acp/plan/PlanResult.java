package dev.acp.plan;

import dev.acp.pipeline.Problem;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A plan when the pipeline is valid, and every problem found (errors and warnings). */
public record PlanResult(@Nullable ExecutionPlan plan, List<Problem> problems) {
    public PlanResult {
        problems = List.copyOf(problems);
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }

    public List<Problem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }
}
