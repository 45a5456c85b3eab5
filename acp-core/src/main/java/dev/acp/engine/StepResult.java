package dev.acp.engine;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What happened to one step (or group) of a run. The seed's StepResult fields are all here
 * (step_id, step_type, success, output_path, metadata, error, execution_time, cost) plus what a
 * user needs to trust the run: provider, attempts, costs, preview labels and request ids.
 *
 * @param groupId the parallel group the step belongs to, or null
 * @param outputPath the final file, or null when the step produced none
 * @param text the text result of text steps, else null
 * @param reason why a step was skipped or cancelled, else null
 * @param executionTime time from the first attempt's start to the end, zero if never started
 * @param attempts attempts made (0 if never started)
 * @param estimatedCost the cost estimated before dispatch, or null when unknown
 * @param actualCost the settled cost, or null when unknown
 * @param cache how the artifact cache served the step, or null when it was not consulted
 * @param preview true when a local engine produced a stand-in rather than AI output
 * @param qualityScore the score reported for the output, used by best_quality
 */
public record StepResult(
        String stepId,
        String stepType,
        @Nullable String groupId,
        @Nullable String provider,
        @Nullable String model,
        StepStatus status,
        @Nullable Path outputPath,
        @Nullable String text,
        Map<String, Object> metadata,
        @Nullable ErrorInfo error,
        @Nullable String reason,
        @Nullable Instant startedAt,
        Duration executionTime,
        int attempts,
        @Nullable BigDecimal estimatedCost,
        @Nullable BigDecimal actualCost,
        @Nullable CacheInfo cache,
        boolean preview,
        @Nullable Double qualityScore,
        List<String> requestIds) {

    public StepResult {
        metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
        requestIds = List.copyOf(requestIds);
    }

    public boolean succeeded() {
        return status == StepStatus.SUCCEEDED;
    }

    public boolean cacheHit() {
        return cache != null && cache.hit();
    }

    /** This result with another status and reason. */
    public StepResult withStatus(StepStatus newStatus, @Nullable String newReason) {
        return new StepResult(stepId, stepType, groupId, provider, model, newStatus, outputPath, text, metadata, error,
                newReason, startedAt, executionTime, attempts, estimatedCost, actualCost, cache, preview, qualityScore,
                requestIds);
    }

    /** This result with one more metadata entry. */
    public StepResult withMetadata(String key, Object value) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(metadata);
        m.put(key, value);
        return new StepResult(stepId, stepType, groupId, provider, model, status, outputPath, text, m, error, reason,
                startedAt, executionTime, attempts, estimatedCost, actualCost, cache, preview, qualityScore, requestIds);
    }

    /** This result with the cost estimated when it was dispatched. */
    public StepResult withEstimatedCost(@Nullable BigDecimal value) {
        return new StepResult(stepId, stepType, groupId, provider, model, status, outputPath, text, metadata, error,
                reason, startedAt, executionTime, attempts, value, actualCost, cache, preview, qualityScore, requestIds);
    }

    /** This result with its settled cost. */
    public StepResult withActualCost(@Nullable BigDecimal value) {
        return new StepResult(stepId, stepType, groupId, provider, model, status, outputPath, text, metadata, error,
                reason, startedAt, executionTime, attempts, estimatedCost, value, cache, preview, qualityScore, requestIds);
    }

    /** A step that never started, with the reason. */
    static StepResult notRun(String stepId, String stepType, @Nullable String groupId, @Nullable String provider,
            @Nullable String model, StepStatus status, @Nullable String reason) {
        return new StepResult(stepId, stepType, groupId, provider, model, status, null, null, Map.of(), null, reason,
                null, Duration.ZERO, 0, null, null, null, false, null, List.of());
    }
}
