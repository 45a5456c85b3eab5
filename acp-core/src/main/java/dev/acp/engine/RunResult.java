package dev.acp.engine;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What happened in a run: one {@link StepResult} per step and group, in plan order.
 *
 * @param failedStepIds the steps that make the run partial (failed or skipped), in plan order
 */
public record RunResult(
        String runId,
        String pipelineName,
        RunStatus status,
        Path outputDirectory,
        Instant startedAt,
        Duration totalTime,
        List<StepResult> steps,
        List<String> failedStepIds) {

    public RunResult {
        Objects.requireNonNull(runId, "runId");
        steps = List.copyOf(steps);
        failedStepIds = List.copyOf(failedStepIds);
    }

    public boolean success() {
        return status == RunStatus.SUCCEEDED;
    }

    /** Results of tasks (not groups). */
    public List<StepResult> taskResults() {
        return steps.stream().filter(s -> !s.stepType().equals("parallel_group")).toList();
    }

    public long count(StepStatus status) {
        return taskResults().stream().filter(s -> s.status() == status).count();
    }

    /** Sum of actual costs where known. */
    public BigDecimal totalActualCost() {
        return taskResults().stream().map(StepResult::actualCost).filter(Objects::nonNull)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Sum of estimates where known. */
    public BigDecimal totalEstimatedCost() {
        return taskResults().stream().map(StepResult::estimatedCost).filter(Objects::nonNull)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public boolean anyPreview() {
        return steps.stream().anyMatch(StepResult::preview);
    }

    /**
     * The steps that fail a run among {@code results}: failed or skipped ones, except members of a
     * parallel group that still succeeded (its merge strategy absorbed them). The same rule for
     * every engine.
     */
    public static List<String> failedSteps(List<StepResult> results) {
        java.util.Map<String, StepResult> byId = new java.util.HashMap<>();
        results.forEach(r -> byId.put(r.stepId(), r));
        List<String> failed = new java.util.ArrayList<>();
        for (StepResult r : results) {
            if (r.status() != StepStatus.FAILED && r.status() != StepStatus.SKIPPED) {
                continue;
            }
            StepResult group = r.groupId() == null ? null : byId.get(r.groupId());
            if (group == null || !group.succeeded()) {
                failed.add(r.stepId());
            }
        }
        return failed;
    }
}
