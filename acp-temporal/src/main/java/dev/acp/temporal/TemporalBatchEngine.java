package dev.acp.temporal;

import dev.acp.cost.RunBudget;
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
import dev.acp.run.RunEngine;
import dev.acp.run.RunMeta;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code acp batch run --engine temporal}: each row's run goes through the run path as locally
 * (the batch hands it here instead of to the local engine), and its plan runs as a workflow of
 * its own ({@code acp-run-<batch>.<row>}). Before the workflow starts, the row's pessimistic cost
 * is reserved out of the batch's ledger here, at the submitter ({@link RowGrant}), and the
 * workflow gets exactly that as its limit; a row that does not fit is not started and is reported
 * as stopped by the budget, which makes the batch start no more rows, as a local batch does.
 */
public final class TemporalBatchEngine implements RunEngine {
    private final TemporalEngine engine;
    private final Clock clock;

    public TemporalBatchEngine(TemporalEngine engine, Clock clock) {
        this.engine = engine;
        this.clock = clock;
    }

    @Override
    public RunResult run(RunRequest request, RunMeta meta, Path pipelineSnapshot) {
        if (!(request.costs() instanceof RunBudget budget)) {
            return engine.run(request, meta, pipelineSnapshot);
        }
        return switch (RowGrant.take(request.plan(), budget.estimator(), budget.ledger(), engine::billed)) {
            case RowGrant.Refused no -> refused(request, no.reason());
            case RowGrant.Granted granted -> {
                RunResult result;
                try {
                    result = engine.run(request, meta, pipelineSnapshot, granted.limit());
                } catch (JournalFailedException e) {
                    granted.grant().settle(e.result().steps());
                    throw e;
                }
                // An exception above leaves the reservations held: what the row spent is not
                // known then, and holding it can only make the batch stop early, never overspend.
                granted.grant().settle(result.steps());
                yield result;
            }
        };
    }

    /** The row not started: every step skipped for the budget, journaled and reported as locally. */
    private RunResult refused(RunRequest request, String reason) {
        ExecutionPlan plan = request.plan();
        Instant now = clock.instant();
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
