package dev.acp.engine;

import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedTask;
import java.time.Duration;

/**
 * Observes a run: the live progress display and, later, the journal. Calls come from the
 * steps' own threads, concurrently; implementations must be thread-safe and quick.
 */
public interface RunListener {
    RunListener NONE = new RunListener() {};

    default void runStarted(ExecutionPlan plan, String runId) {}

    default void stepStarted(PlannedTask task, int attempt) {}

    default void stepProgress(PlannedTask task, double fraction, String message) {}

    default void stepRetrying(PlannedTask task, int nextAttempt, Duration delay, ErrorInfo error) {}

    default void stepFinished(StepResult result) {}

    default void runFinished(RunResult result) {}
}
