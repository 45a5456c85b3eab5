package dev.acp.engine;

import dev.acp.cache.ArtifactCache;
import dev.acp.cache.CacheMode;
import dev.acp.cost.CostControl;
import dev.acp.plan.ExecutionPlan;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything one run of a plan needs besides the engine's own options.
 *
 * @param runId the run's id; the same id when an interrupted run is resumed
 * @param recorder where state changes are journaled before the engine acts on them
 * @param cache the artifact cache, or null to run without one
 * @param pipelineId names the pipeline in the cache's history, to explain why steps ran again
 * @param resume what an earlier session of this run already did
 * @param costs reserves each step's estimate before it is dispatched and settles its cost after
 */
public record RunRequest(
        ExecutionPlan plan,
        String runId,
        RunListener listener,
        RunControl control,
        RunRecorder recorder,
        @Nullable ArtifactCache cache,
        CacheMode cacheMode,
        @Nullable String pipelineId,
        ResumeState resume,
        CostControl costs) {

    /** A run without cost control. */
    public RunRequest(ExecutionPlan plan, String runId, RunListener listener, RunControl control, RunRecorder recorder,
            @Nullable ArtifactCache cache, CacheMode cacheMode, @Nullable String pipelineId, ResumeState resume) {
        this(plan, runId, listener, control, recorder, cache, cacheMode, pipelineId, resume, CostControl.NONE);
    }

    public RunRequest {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(recorder, "recorder");
        Objects.requireNonNull(cacheMode, "cacheMode");
        Objects.requireNonNull(resume, "resume");
        Objects.requireNonNull(costs, "costs");
    }

    /** A run with no journal, no cache and nothing to resume. */
    public static RunRequest simple(ExecutionPlan plan, String runId, RunListener listener, RunControl control) {
        return new RunRequest(plan, runId, listener, control, RunRecorder.NONE, null, CacheMode.OFF, null,
                ResumeState.NONE);
    }

    public RunRequest withCache(@Nullable ArtifactCache value, CacheMode mode, @Nullable String pipeline) {
        return new RunRequest(plan, runId, listener, control, recorder, value, mode, pipeline, resume, costs);
    }

    public RunRequest withRecorder(RunRecorder value) {
        return new RunRequest(plan, runId, listener, control, value, cache, cacheMode, pipelineId, resume, costs);
    }

    public RunRequest withCosts(CostControl value) {
        return new RunRequest(plan, runId, listener, control, recorder, cache, cacheMode, pipelineId, resume, value);
    }

    public RunRequest withResume(ResumeState value) {
        return new RunRequest(plan, runId, listener, control, recorder, cache, cacheMode, pipelineId, value, costs);
    }
}
