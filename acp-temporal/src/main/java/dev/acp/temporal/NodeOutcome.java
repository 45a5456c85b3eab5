package dev.acp.temporal;

import dev.acp.engine.StepResult;
import java.math.BigDecimal;
import java.util.List;

/**
 * What a node's activity reports: the results of its step(s) in the local engine's report order,
 * and what its tasks settled in total.
 */
public record NodeOutcome(List<StepResult> results, BigDecimal spent) {
    public NodeOutcome {
        results = List.copyOf(results);
    }
}
