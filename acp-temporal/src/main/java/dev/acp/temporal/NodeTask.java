package dev.acp.temporal;

import dev.acp.engine.StepResult;
import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One activity's work: run node {@code nodeId} of the run's plan.
 *
 * @param upstream the results of every node it (transitively) depends on: outputs are paths on the
 *     shared folder, text results travel as text
 * @param allowance what the workflow reserved for the node out of the run's limit: the node may
 *     spend up to this and no more (null: the run has no limit)
 */
public record NodeTask(String runId, PipelineSource source, String nodeId, List<StepResult> upstream,
        @Nullable BigDecimal allowance) {
    public NodeTask {
        upstream = List.copyOf(upstream);
    }
}
