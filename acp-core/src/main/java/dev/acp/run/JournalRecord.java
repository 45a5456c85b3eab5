package dev.acp.run;

import dev.acp.engine.Settlement;
import dev.acp.engine.StepResult;
import dev.acp.engine.WrittenSideFile;
import dev.acp.provider.JobHandle;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One line of a run's journal: a state change, recorded before the engine acted on it. */
public sealed interface JournalRecord {

    Instant at();

    /** A new run began. */
    record RunStarted(String runId, String pipelineName, String pipelineSha256, Instant at) implements JournalRecord {}

    /** An interrupted run was resumed (by the same or another process). */
    record RunResumed(String pipelineSha256, List<String> changedSteps, Instant at) implements JournalRecord {
        public RunResumed {
            changedSteps = List.copyOf(changedSteps);
        }
    }

    record StepStarted(String step, int attempt, Instant at) implements JournalRecord {}

    /** About to send a job submission: after a crash here the submission's fate is unknown. */
    record JobSubmitting(String step, int attempt, String idempotencyKey, Instant at) implements JournalRecord {}

    /** The provider accepted the job: from here on it is re-attached, never submitted again. */
    record JobSubmitted(String step, int attempt, String idempotencyKey, JobHandle handle, Instant at)
            implements JournalRecord {}

    /**
     * The step's output is in place under its final name, with the fingerprint of what it was
     * made from and, for steps that can cost money, the cost settled with it (one record, so
     * that a crash cannot separate a paid output from its cost), and the side files placed beside
     * it with their content hashes (checked by a resume like the output).
     */
    /**
     * A paid synchronous request (not a job) is about to be sent: until its answer is recorded
     * (an output, a cost, or {@link CallAnswered}), a resume treats its outcome as unknown.
     */
    record CallSending(String step, int attempt, String key, String provider, Instant at) implements JournalRecord {}

    /**
     * The provider answered a paid request (a synchronous call, or a job submission) with a
     * failure: nothing of it is left to collect, and its outcome is not unknown.
     */
    record CallAnswered(String step, int attempt, String key, Instant at) implements JournalRecord {}

    record OutputWritten(String step, String path, String sha256, long size, @Nullable String fingerprint,
            @Nullable Settlement cost, Instant at, List<WrittenSideFile> sideFiles) implements JournalRecord {
        public OutputWritten {
            sideFiles = List.copyOf(sideFiles);
        }

        public OutputWritten(String step, String path, String sha256, long size, @Nullable String fingerprint,
                @Nullable Settlement cost, Instant at) {
            this(step, path, sha256, size, fingerprint, cost, at, List.of());
        }
    }

    /** A cost settled without an output: a paid result that could not be put in place. */
    record CostSettled(String step, Settlement cost, Instant at) implements JournalRecord {}

    /**
     * The step gave up on its provider and switches to alternative {@code index} of its
     * {@code fallback:} list, from {@code attempt} on: a resume continues on that provider
     * (re-attaching its job) and never calls the ones before it again.
     *
     * @param cost what the abandoned provider's failed calls were settled at, or null
     */
    record FallbackSwitched(String step, int attempt, int index, String fromProvider, @Nullable String fromModel,
            String provider, @Nullable String model, String errorKind, String error, java.math.@Nullable BigDecimal cost,
            Instant at) implements JournalRecord {}

    /** A for_each block read its list: how many items, and a hash of them. */
    record Expanded(String step, int items, String itemsSha256, Instant at) implements JournalRecord {}

    /** A step or group has its final result for this session. */
    record StepFinished(StepResult result, Instant at) implements JournalRecord {}

    /** Every step settled; {@code status} is the run's status. */
    record RunFinished(String status, Instant at) implements JournalRecord {}
}
