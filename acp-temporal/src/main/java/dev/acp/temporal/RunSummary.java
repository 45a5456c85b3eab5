package dev.acp.temporal;

import dev.acp.engine.StepResult;
import java.math.BigDecimal;
import java.util.List;

/** What a workflow run returns: every step's result in report order, what was spent, whether it was cancelled. */
public record RunSummary(List<StepResult> results, BigDecimal spent, boolean cancelled) {
    public RunSummary {
        results = List.copyOf(results);
    }
}
