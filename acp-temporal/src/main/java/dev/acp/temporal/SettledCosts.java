package dev.acp.temporal;

import dev.acp.cost.CostControl;
import dev.acp.engine.RunRecorder;
import dev.acp.engine.Settlement;
import dev.acp.engine.StepMetadata;
import dev.acp.engine.StepResult;
import dev.acp.pipeline.TaskStepSpec;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedForEach;
import dev.acp.plan.PlannedStep;
import dev.acp.plan.PlannedTask;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Puts what a Temporal run's steps settled into the submitter's run journal: the paid calls
 * happened on workers (their journals are on the shared folder), but {@code acp runs list/show}
 * and the report's total read the run's own journal. Each task's settled cost is recorded before
 * its result, as the local engine records an output with its cost before the
 * step finishes; a group's or block's row is not recorded again, since its members' costs are.
 * These are the amounts the workflow's ledger counted ({@link NodeWorker}), so the journal's total
 * equals the run's, also over sessions: a step journaled by the session that was stopped and again
 * by its resume counts once.
 */
final class SettledCosts {
    private final Map<String, PlannedStep> steps;

    SettledCosts(ExecutionPlan plan) {
        this.steps = plan.byId();
    }

    /** Journals one settled result: its cost first when it is a task's and has one, then the result. */
    void record(StepResult result, RunRecorder recorder) {
        PlannedTask task = taskOf(result);
        if (task != null && result.actualCost() != null) {
            // Keyed by the step, as a job is: a resumed run reports the steps an earlier session
            // journaled again, and the journal counts each key once (the latest total).
            recorder.costSettled(task, new Settlement(result.actualCost(), source(result), "temporal:" + result.stepId()),
                    true);
        }
        recorder.stepFinished(result, true);
    }

    /** The task a result is of: a planned task, or an item of a for_each block; null for a group or block row. */
    private @Nullable PlannedTask taskOf(StepResult result) {
        PlannedStep step = steps.get(result.stepId());
        if (step != null) {
            return step instanceof PlannedTask t ? t : null;
        }
        // An item's id is <inner>[<index>] and its group is the block (PlannedForEach.expandedId).
        int bracket = result.stepId().lastIndexOf('[');
        if (bracket > 0 && result.groupId() != null && steps.get(result.groupId()) instanceof PlannedForEach block) {
            String inner = result.stepId().substring(0, bracket);
            for (PlannedTask t : block.templates()) {
                if (t.id().equals(inner)) {
                    return item(t, result);
                }
            }
        }
        return null;
    }

    /** The template renamed to the item, as the engine expands it (the journal keys records by id). */
    private static PlannedTask item(PlannedTask template, StepResult result) {
        TaskStepSpec s = template.spec();
        TaskStepSpec spec = new TaskStepSpec(result.stepId(), true, s.capability(), s.config(), s.outputFilename(),
                s.enabled(), s.timeout(), s.retryCount(), s.dependsOn(), s.provider(), s.description(), s.locations());
        return new PlannedTask(spec, template.providerId(), template.providerReason(), template.model(),
                result.outputPath() == null ? template.outputPath() : result.outputPath(), template.groupId(),
                template.dependencies(), template.enabled(), template.fallbacks());
    }

    private static String source(StepResult result) {
        return result.metadata().get(StepMetadata.COST_SOURCE) instanceof String s ? s : CostControl.REPORTED;
    }
}
