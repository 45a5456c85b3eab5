package dev.acp.temporal;

import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a workflow run is started with.
 *
 * @param nodes the plan's top-level nodes in file order
 * @param limit the run's cost limit, which the workflow holds as the run's single ledger, or null
 */
public record RunInput(String runId, PipelineSource source, List<NodeSpec> nodes, @Nullable BigDecimal limit) {
    public RunInput {
        nodes = List.copyOf(nodes);
    }
}
