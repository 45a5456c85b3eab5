package dev.acp.engine;

import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedTask;
import java.time.Duration;

/**
 * Shields the engine from its observers: an exception thrown by a listener (a progress display
 * that cannot write, say) must neither change a step's outcome nor leave the run waiting for a
 * step that will never be recorded.
 */
final class GuardedListener implements RunListener {
    private final RunListener delegate;

    GuardedListener(RunListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public void runStarted(ExecutionPlan plan, String runId) {
        try {
            delegate.runStarted(plan, runId);
        } catch (RuntimeException ignored) {
            // See the class comment.
        }
    }

    @Override
    public void stepStarted(PlannedTask task, int attempt) {
        try {
            delegate.stepStarted(task, attempt);
        } catch (RuntimeException ignored) {
            // See the class comment.
        }
    }

    @Override
    public void stepProgress(PlannedTask task, double fraction, String message) {
        try {
            delegate.stepProgress(task, fraction, message);
        } catch (RuntimeException ignored) {
            // See the class comment.
        }
    }

    @Override
    public void stepRetrying(PlannedTask task, int nextAttempt, Duration delay, ErrorInfo error) {
        try {
            delegate.stepRetrying(task, nextAttempt, delay, error);
        } catch (RuntimeException ignored) {
            // See the class comment.
        }
    }

    @Override
    public void stepFinished(StepResult result) {
        try {
            delegate.stepFinished(result);
        } catch (RuntimeException ignored) {
            // See the class comment.
        }
    }

    @Override
    public void runFinished(RunResult result) {
        try {
            delegate.runFinished(result);
        } catch (RuntimeException ignored) {
            // See the class comment.
        }
    }
}
