package dev.acp.temporal;

import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One unit of work of the workflow: a top-level node of the plan (a task, a parallel group with
 * its members, or a for_each block with its expansions), which one activity runs on one worker.
 *
 * @param dependencies the nodes it waits for (a dependency on a group member means its group)
 * @param steps the node's own step and its group's members, to report them when it cannot run
 * @param estimate the most its tasks may cost together, or null when a price is unknown
 */
public record NodeSpec(String id, List<String> dependencies, List<StepStub> steps, @Nullable BigDecimal estimate) {
    public NodeSpec {
        dependencies = List.copyOf(dependencies);
        steps = List.copyOf(steps);
    }

    /** What a step's result says about it before it ran: enough to report it skipped or refused. */
    public record StepStub(String id, String typeName, @Nullable String groupId, @Nullable String provider,
            @Nullable String model) {}
}
