package dev.acp.run;

import dev.acp.engine.RunRecorder;
import dev.acp.engine.RunResult;
import dev.acp.engine.Settlement;
import dev.acp.engine.StepResult;
import dev.acp.plan.PlannedTask;
import dev.acp.provider.JobHandle;
import java.nio.file.Path;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/** Records the engine's state changes in a run's {@link Journal}. */
public final class JournalRecorder implements RunRecorder {
    private final Journal journal;
    private final Clock clock;
    /** Whether a record that settles a cost was appended: what the run spent is then read back. */
    private volatile boolean costRecorded;

    public JournalRecorder(Journal journal, Clock clock) {
        this.journal = journal;
        this.clock = clock;
    }

    @Override
    public void stepStarted(PlannedTask task, int attempt, boolean force) {
        journal.append(new JournalRecord.StepStarted(task.id(), attempt, clock.instant()), force);
    }

    @Override
    public void jobSubmitting(PlannedTask task, int attempt, String idempotencyKey) {
        journal.append(new JournalRecord.JobSubmitting(task.id(), attempt, idempotencyKey, clock.instant()), true);
    }

    @Override
    public void callSending(PlannedTask task, int attempt, String key, String provider) {
        journal.append(new JournalRecord.CallSending(task.id(), attempt, key, provider, clock.instant()), true);
    }

    @Override
    public void callAnswered(PlannedTask task, int attempt, String key) {
        journal.append(new JournalRecord.CallAnswered(task.id(), attempt, key, clock.instant()), true);
    }

    @Override
    public void jobSubmitted(PlannedTask task, int attempt, String idempotencyKey, JobHandle handle) {
        journal.append(new JournalRecord.JobSubmitted(task.id(), attempt, idempotencyKey, handle, clock.instant()), true);
    }

    @Override
    public void outputWritten(PlannedTask task, Path path, String sha256, long size, @Nullable String fingerprint,
            @Nullable Settlement cost, boolean force) {
        outputWritten(task, path, sha256, size, fingerprint, cost, force, java.util.List.of());
    }

    @Override
    public void outputWritten(PlannedTask task, Path path, String sha256, long size, @Nullable String fingerprint,
            @Nullable Settlement cost, boolean force, java.util.List<dev.acp.engine.WrittenSideFile> sideFiles) {
        if (cost != null) {
            costRecorded = true;
        }
        journal.append(new JournalRecord.OutputWritten(task.id(), path.toString(), sha256, size, fingerprint, cost,
                clock.instant(), sideFiles), force);
    }

    @Override
    public void costSettled(PlannedTask task, Settlement cost, boolean force) {
        costRecorded = true;
        journal.append(new JournalRecord.CostSettled(task.id(), cost, clock.instant()), force);
    }

    @Override
    public void fallbackSwitched(PlannedTask task, int attempt, dev.acp.engine.FallbackSwitch c) {
        journal.append(new JournalRecord.FallbackSwitched(task.id(), attempt, c.index(), c.fromProvider(), c.fromModel(),
                c.provider(), c.model(), c.errorKind().name(), c.error(), c.cost(), c.at()), true);
    }

    @Override
    public void expanded(String blockId, int items, String itemsSha256) {
        // Forced: the items' own records follow, and a resume compares against this one.
        journal.append(new JournalRecord.Expanded(blockId, items, itemsSha256, clock.instant()), true);
    }

    @Override
    public void stepFinished(StepResult result, boolean force) {
        journal.append(new JournalRecord.StepFinished(result, clock.instant()), force);
    }

    @Override
    public void runFinished(RunResult result) {
        journal.append(new JournalRecord.RunFinished(result.status().wireName(), clock.instant()),
                journal.syncsMilestones());
    }

    /**
     * Whether any record that settles a cost (an output with its cost, a settled cost) went
     * through this recorder; set before the append, so that a failed append still counts.
     */
    boolean costRecorded() {
        return costRecorded;
    }
}
