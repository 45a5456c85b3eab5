package dev.acp.temporal;

import dev.acp.engine.FallbackSwitch;
import dev.acp.engine.RunRecorder;
import dev.acp.engine.RunResult;
import dev.acp.engine.Settlement;
import dev.acp.engine.StepResult;
import dev.acp.engine.WrittenSideFile;
import dev.acp.plan.PlannedTask;
import dev.acp.provider.JobHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The node's journal: everything the engine records about the node's own steps, and nothing of
 * the upstream steps it is handed as finished (they belong to other nodes' journals) nor the end
 * of the sub-run (the run ends in the workflow).
 */
final class NodeRecorder implements RunRecorder {
    private final RunRecorder journal;
    private final Set<String> upstream;

    NodeRecorder(RunRecorder journal, Set<String> upstream) {
        this.journal = journal;
        this.upstream = Set.copyOf(upstream);
    }

    @Override
    public void stepStarted(PlannedTask task, int attempt, boolean force) {
        journal.stepStarted(task, attempt, force);
    }

    @Override
    public void jobSubmitting(PlannedTask task, int attempt, String idempotencyKey) {
        journal.jobSubmitting(task, attempt, idempotencyKey);
    }

    @Override
    public void callSending(PlannedTask task, int attempt, String key, String provider) {
        journal.callSending(task, attempt, key, provider);
    }

    @Override
    public void callAnswered(PlannedTask task, int attempt, String key) {
        journal.callAnswered(task, attempt, key);
    }

    @Override
    public void jobSubmitted(PlannedTask task, int attempt, String idempotencyKey, JobHandle handle) {
        journal.jobSubmitted(task, attempt, idempotencyKey, handle);
    }

    @Override
    public void outputWritten(PlannedTask task, Path path, String sha256, long size, @Nullable String fingerprint,
            @Nullable Settlement cost, boolean force) {
        journal.outputWritten(task, path, sha256, size, fingerprint, cost, force);
    }

    @Override
    public void outputWritten(PlannedTask task, Path path, String sha256, long size, @Nullable String fingerprint,
            @Nullable Settlement cost, boolean force, List<WrittenSideFile> sideFiles) {
        journal.outputWritten(task, path, sha256, size, fingerprint, cost, force, sideFiles);
    }

    @Override
    public void costSettled(PlannedTask task, Settlement cost, boolean force) {
        journal.costSettled(task, cost, force);
    }

    @Override
    public void fallbackSwitched(PlannedTask task, int attempt, FallbackSwitch change) {
        journal.fallbackSwitched(task, attempt, change);
    }

    @Override
    public void expanded(String blockId, int items, String itemsSha256) {
        if (!upstream.contains(blockId)) {
            journal.expanded(blockId, items, itemsSha256);
        }
    }

    @Override
    public void stepFinished(StepResult result, boolean force) {
        if (!upstream.contains(result.stepId())) {
            journal.stepFinished(result, force);
        }
    }

    @Override
    public void runFinished(RunResult result) {
        // The run ends in the workflow, not in a node.
    }
}
