package dev.acp.temporal;

import dev.acp.engine.StepResult;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/** A run of a pipeline on Temporal: the workflow orders the plan's nodes, activities run them. */
@WorkflowInterface
public interface RunWorkflow {
    @WorkflowMethod(name = "AcpRun")
    RunSummary run(RunInput input);

    /** Results settled so far, in the order they settled: the submitter's progress display follows them. */
    @QueryMethod
    List<StepResult> settled();

    /**
     * The run's summary as {@link #run} returns it, for a run that was cancelled: Temporal's Java
     * SDK ends a workflow whose cancellation was requested as cancelled, without its result
     * (sdk-java#896), so the submitter asks for what the nodes did with this query instead.
     */
    @QueryMethod
    RunSummary summary();
}
