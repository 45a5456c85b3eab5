package dev.acp.engine;

import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedTask;
import java.time.Duration;

/**
 * Two observers of one run, told in order: the caller's (a progress display) and ACP's own
 * (metrics). Each is shielded from the other's failure by the engine's guard around the pair
 * only as a whole, so the first is called in a guard of its own.
 */
public record BothListeners(RunListener first, RunListener second) implements RunListener {
    /** {@code first} and {@code second}, or just {@code first} when there is no second. */
    public static RunListener of(RunListener first, RunListener second) {
        return second == RunListener.NONE ? first : first == RunListener.NONE ? second
                : new BothListeners(new GuardedListener(first), second);
    }

    @Override
    public void runStarted(ExecutionPlan plan, String runId) {
        first.runStarted(plan, runId);
        second.runStarted(plan, runId);
    }

    @Override
    public void stepStarted(PlannedTask task, int attempt) {
        first.stepStarted(task, attempt);
        second.stepStarted(task, attempt);
    }

    @Override
    public void stepProgress(PlannedTask task, double fraction, String message) {
        first.stepProgress(task, fraction, message);
        second.stepProgress(task, fraction, message);
    }

    @Override
    public void stepRetrying(PlannedTask task, int nextAttempt, Duration delay, ErrorInfo error) {
        first.stepRetrying(task, nextAttempt, delay, error);
        second.stepRetrying(task, nextAttempt, delay, error);
    }

    @Override
    public void stepFinished(StepResult result) {
        first.stepFinished(result);
        second.stepFinished(result);
    }

    @Override
    public void runFinished(RunResult result) {
        first.runFinished(result);
        second.runFinished(result);
    }
}
