package dev.acp.temporal;

import dev.acp.engine.JournalFailedException;
import dev.acp.engine.RunRequest;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedForEach;
import dev.acp.plan.PlannedGroup;
import dev.acp.plan.PlannedStep;
import dev.acp.plan.PlannedTask;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A run whose money could not be taken before its workflow started ({@link RowGrant}): every
 * step skipped for the budget, journaled and reported as the local engine reports a run its
 * limit stopped, and no workflow started.
 */
final class RefusedRun {
    private RefusedRun() {}

    static RunResult report(RunRequest request, String reason, Instant now) {
        ExecutionPlan plan = request.plan();
        List<StepResult> steps = new ArrayList<>();
        for (PlannedStep s : plan.steps()) {
            StepResult r = switch (s) {
                case PlannedTask t -> skipped(t.id(), t.typeName(), t.groupId(), t.providerId(), t.model(), reason);
                case PlannedGroup g -> skipped(g.id(), g.typeName(), null, null, null, reason);
                case PlannedForEach f -> skipped(f.id(), f.typeName(), null, null, null, reason);
            };
            steps.add(r);
        }
        RunResult result = new RunResult(request.runId(), plan.spec().name(), RunStatus.PARTIAL, plan.outputDirectory(),
                now, Duration.ZERO, steps, RunResult.failedSteps(steps));
        request.listener().runStarted(plan, request.runId());
        try {
            for (StepResult r : steps) {
                request.listener().stepFinished(r);
                request.recorder().stepFinished(r, true);
            }
            request.recorder().runFinished(result);
        } catch (RuntimeException e) {
            throw new JournalFailedException(result, e);
        }
        request.listener().runFinished(result);
        return result;
    }

    private static StepResult skipped(String id, String type, @Nullable String groupId, @Nullable String provider,
            @Nullable String model, String reason) {
        return new StepResult(id, type, groupId, provider, model, StepStatus.SKIPPED, null, null,
                Map.of("skipped_for", "budget"), null, reason, null, Duration.ZERO, 0, null, null, null, false, null,
                List.of());
    }
}
