package dev.acp.temporal;

import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.engine.StepResult;
import dev.acp.plan.ExecutionPlan;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The submitter's side of a run on Temporal: starts the workflow, follows it (each settled step
 * reaches the listener, as from the local engine), cancels it when the control says so, and
 * assembles the {@link RunResult} the local engine would have.
 */
public final class TemporalRun {
    /** How often the submitter asks the workflow what settled. */
    static final Duration FOLLOW = Duration.ofMillis(250);

    private final WorkflowClient client;
    private final String taskQueue;
    private final Clock clock;

    public TemporalRun(WorkflowClient client, String taskQueue, Clock clock) {
        this.client = client;
        this.taskQueue = taskQueue;
        this.clock = clock;
    }

    /** The workflow id of an ACP run: one workflow per run id, so a run is never started twice. */
    public static String workflowId(String runId) {
        return "acp-run-" + runId;
    }

    public RunResult run(ExecutionPlan plan, RunInput input, RunListener listener, RunControl control)
            throws InterruptedException {
        Instant started = clock.instant();
        RunWorkflow typed = client.newWorkflowStub(RunWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId(input.runId())).setTaskQueue(taskQueue)
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY)
                .build());
        try {
            WorkflowClient.start(typed::run, input);
        } catch (WorkflowExecutionAlreadyStarted e) {
            // A resumed run whose workflow is still running, or finished: follow that one instead
            // of starting the run's steps again. (One that was cancelled or failed starts anew;
            // its nodes then resume from their journals.)
            typed = client.newWorkflowStub(RunWorkflow.class, workflowId(input.runId()));
        }
        WorkflowStub stub = WorkflowStub.fromTyped(typed);
        listener.runStarted(plan, input.runId());
        CompletableFuture<RunSummary> done = stub.getResultAsync(RunSummary.class);
        int seen = 0;
        boolean cancelSent = false;
        RunSummary summary;
        while (true) {
            if (control.isCancelled() && !cancelSent) {
                stub.cancel();
                cancelSent = true;
            }
            try {
                summary = done.get(FOLLOW.toMillis(), TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                seen = follow(typed, seen, listener);
            } catch (ExecutionException e) {
                throw new IllegalStateException("the run's workflow failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
        report(summary.results(), seen, listener);
        RunResult result = assemble(plan, input.runId(), summary, started, clock.instant());
        listener.runFinished(result);
        return result;
    }

    /**
     * Asks the workflow what settled. A query is answered by a worker: while none is running
     * (all gone, or not started yet) it fails, and the run simply waits for one.
     */
    private static int follow(RunWorkflow typed, int seen, RunListener listener) {
        try {
            return report(typed.settled(), seen, listener);
        } catch (io.temporal.client.WorkflowException | io.grpc.StatusRuntimeException e) {
            return seen;
        }
    }

    /** Hands the listener the results it has not seen; returns how many it has now. */
    private static int report(List<StepResult> settled, int seen, RunListener listener) {
        // Settled results only grow; the final summary is in report order, so only the count matters there.
        for (int i = seen; i < settled.size(); i++) {
            listener.stepFinished(settled.get(i));
        }
        return Math.max(seen, settled.size());
    }

    /** The run's result as the local engine assembles it: failures that a succeeding group absorbed do not count. */
    static RunResult assemble(ExecutionPlan plan, String runId, RunSummary summary, Instant started, Instant ended) {
        List<String> failed = RunResult.failedSteps(summary.results());
        RunStatus status = summary.cancelled() ? RunStatus.INTERRUPTED
                : failed.isEmpty() ? RunStatus.SUCCEEDED : RunStatus.PARTIAL;
        return new RunResult(runId, plan.spec().name(), status, plan.outputDirectory(), started,
                Duration.between(started, ended), summary.results(), failed);
    }
}
