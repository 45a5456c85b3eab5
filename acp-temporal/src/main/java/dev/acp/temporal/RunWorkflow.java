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
}
