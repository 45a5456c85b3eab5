package dev.acp.engine;

import dev.acp.plan.PlannedTask;
import dev.acp.provider.JobHandle;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the engine reports durably while it runs, before it acts on it: the run journal. Calls
 * with {@code force} return only once the record is on disk (they protect money: a job handle,
 * a paid output, a settled cost); other records may be batched. Implementations are
 * thread-safe. A failure to record is thrown as an unchecked exception and fails the step.
 */
public interface RunRecorder {
    RunRecorder NONE = new RunRecorder() {};

    default void stepStarted(PlannedTask task, int attempt, boolean force) {}

    /** About to send a job submission with this idempotency key. Always forced. */
    default void jobSubmitting(PlannedTask task, int attempt, String idempotencyKey) {}

    /**
     * About to send a paid synchronous request (not a job) with this key: until its answer is
     * recorded, a resume treats its outcome as unknown. Always forced.
     */
    default void callSending(PlannedTask task, int attempt, String key, String provider) {}

    /**
     * The provider answered the request (a synchronous call, or a job submission) with a failure:
     * nothing to collect. Always forced.
     */
    default void callAnswered(PlannedTask task, int attempt, String key) {}

    /** The provider accepted the job. Always forced. */
    default void jobSubmitted(PlannedTask task, int attempt, String idempotencyKey, JobHandle handle) {}

    /**
     * The step's output is in place under its final name with this content hash, together with
     * what it cost: one record, so that a crash can never keep the output and lose its cost (a
     * second payment on resume) or the other way round.
     *
     * @param fingerprint the hash of everything the output was made from (the cache key), so that
     *     a resume notices when a step's rendered parameters or input files changed
     * @param cost the cost settled with it, or null for steps that cannot cost money
     */
    default void outputWritten(PlannedTask task, Path path, String sha256, long size, @Nullable String fingerprint,
            @Nullable Settlement cost, boolean force) {}

    /**
     * Like {@link #outputWritten(PlannedTask, Path, String, long, String, Settlement, boolean)},
     * with the side files placed beside the output in the same record: a resume checks them like
     * the output. Recorders that do not know side files get the output alone.
     */
    default void outputWritten(PlannedTask task, Path path, String sha256, long size, @Nullable String fingerprint,
            @Nullable Settlement cost, boolean force, List<WrittenSideFile> sideFiles) {
        outputWritten(task, path, sha256, size, fingerprint, cost, force);
    }

    /** A cost settled without an output (a paid result that could not be put in place). */
    default void costSettled(PlannedTask task, Settlement cost, boolean force) {}

    /**
     * The step switches to one of its {@code fallback:} alternatives from {@code attempt} on.
     * Always forced: a resume must continue on that provider, never call the earlier ones again.
     */
    default void fallbackSwitched(PlannedTask task, int attempt, FallbackSwitch change) {}

    /**
     * A for_each block read its list and is about to run {@code items} items: recorded so that a
     * resume notices when the list it would expand differs.
     */
    default void expanded(String blockId, int items, String itemsSha256) {}

    /** The step or group has its final result; recorded before its dependents start. */
    default void stepFinished(StepResult result, boolean force) {}

    /** Every step has settled. Always forced. */
    default void runFinished(RunResult result) {}
}
