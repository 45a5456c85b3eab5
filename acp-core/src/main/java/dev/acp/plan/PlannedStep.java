package dev.acp.plan;

import java.util.List;

/** A node of an {@link ExecutionPlan}: a task or a parallel group, with resolved dependencies. */
public sealed interface PlannedStep permits PlannedTask, PlannedGroup, PlannedForEach {

    String id();

    /**
     * Ids of the nodes this one waits for. A dependency on a group means the group's completion;
     * members of a group also list the group's own dependencies.
     */
    List<String> dependencies();

    boolean enabled();

    String typeName();
}
