package dev.acp.temporal;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The work a worker does for a run: one plan node at a time, with the local engine's own parts. */
@ActivityInterface
public interface NodeActivities {
    @ActivityMethod(name = "AcpRunNode")
    NodeOutcome runNode(NodeTask task);
}
