package dev.acp.engine;

import dev.acp.plan.PlannedTask;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the parts of one task's run share: the node it settles, the task as the provider in use
 * serves it (the primary, or the fallback alternative switched to), the attempt, what an earlier
 * session of the run left of it, its time limit, and a paid request on its way. Every part reads
 * it; only the part that owns a field changes it (noted on each). One instance per task run, on
 * the task's own thread (a provider's progress calls may come from others, and only read).
 */
final class StepRun {
    /**
     * The least number of times a request the provider turned away unbilled (a 429, a busy
     * ingress, a refused connection) is sent again, within the step's time, before the step gives
     * up on the provider (and may fall back); a larger retry_count raises it.
     */
    static final int MIN_REFUSAL_RETRIES = 3;

    final Execution x;
    final StepNode n;
    /** The step as planned, with its primary provider and its alternatives. */
    final PlannedTask base;
    final Instant startedAt;
    /** The step's own timeout, else the default of its kind: every step ends in bounded time. */
    final Duration timeout;
    final Instant deadline;

    /** The step as the provider in use serves it (changed by {@link FallbackRoute}). */
    PlannedTask t;
    /** The provider in use (changed by {@link FallbackRoute}). */
    Provider provider;
    /** Whether the provider in use bills its calls. */
    boolean costsMoney;
    /** The current attempt, from 1 (the loop counts; a resume starts where the journal left). */
    int attempt;
    /** What an earlier session left of the step, until it is used (re-attached, recovered) or not needed. */
    ResumeState.@Nullable Prior prior;
    /**
     * The key of a paid request (a submission or a synchronous call) that was sent and not yet
     * answered: set while it is on its way, kept when its outcome is unknown ({@link JobDriver},
     * {@link PaidCall}).
     */
    @Nullable String submitting;
    /** The request of the latest attempt, against which its side files are checked. */
    @Nullable ProviderRequest request;

    StepRun(Execution x, StepNode n, PlannedTask task, Provider provider, Duration timeout) {
        this.x = x;
        this.n = n;
        this.base = task;
        this.t = task;
        this.provider = provider;
        this.costsMoney = provider.costsMoney();
        this.startedAt = x.options.clock().instant();
        this.timeout = timeout;
        this.deadline = startedAt.plus(timeout);
        ResumeState.Prior p = x.request.resume().steps().get(task.id());
        // A finished step reaches here only when what it was made from changed: it runs anew.
        this.prior = p instanceof ResumeState.Done ? null : p;
        this.attempt = switch (prior) {
            case ResumeState.Attached at -> at.attempt() - 1;
            case ResumeState.Submitting s -> s.attempt() - 1;
            case ResumeState.CallUnanswered c -> c.attempt() - 1;
            case ResumeState.Done d -> 0;
            case null -> 0;
        };
    }

    /** Serves the step with {@code provider}'s alternative {@code task} from now on. */
    void serveWith(PlannedTask task, Provider next) {
        this.t = task;
        this.provider = next;
        this.costsMoney = next.costsMoney();
    }

    /** How many refusals (requests turned away unbilled) the provider in use gets sent again. */
    int refusalRetries() {
        return Math.max(MIN_REFUSAL_RETRIES, t.spec().retryCount());
    }

    /** The key of a paid request of this attempt: unique per run, session, step and attempt. */
    String requestKey() {
        // Unique per session too: a step run again after a resume must not reuse the key of the
        // earlier session's submission, which the provider would answer with the old job.
        return x.request.runId() + "/" + x.sessionId + "/" + t.id() + "/" + attempt;
    }

    boolean timeIsUp() {
        return !x.options.clock().instant().isBefore(deadline);
    }

    /** Whether waiting {@code delay} would pass the step's time limit. */
    boolean waitPassesDeadline(Duration delay) {
        return x.options.clock().instant().plus(delay).isAfter(deadline);
    }

    /** {@code timed out after 0.2 s (timeout)}, naming the default when the step set none. */
    String timedOut() {
        return "timed out after " + Execution.seconds(timeout) + (t.spec().timeout() != null ? " (timeout)"
                : " (the default timeout of " + t.typeName() + " steps; set 'timeout:' on the step, or"
                        + " global_config.timeouts, to change it)");
    }

    /** A preview engine does not use the requested model; it stays in the metadata, not in "model". */
    @Nullable String modelOf() {
        return provider.preview() ? null : t.model();
    }

    StepResult failed(@Nullable ErrorInfo error) {
        Map<String, Object> metadata = Map.of("provider_reason", t.providerReason());
        boolean preview = provider.preview();
        List<String> ids = error == null || error.requestId() == null ? List.of() : List.of(error.requestId());
        return new StepResult(t.id(), t.typeName(), t.groupId(), t.providerId(), modelOf(), StepStatus.FAILED, null,
                null, metadata, error, null, startedAt, x.elapsed(startedAt), attempt, preview ? BigDecimal.ZERO : null,
                preview ? BigDecimal.ZERO : null, null, preview, null, ids);
    }

    /** A step whose provider succeeded (and may have billed) but whose output could not be kept. */
    StepResult failedAfterProvider(ProviderResult r, ErrorInfo error, @Nullable Path recoverable) {
        Map<String, Object> metadata = new LinkedHashMap<>(r.metadata());
        metadata.put("provider_reason", t.providerReason());
        if (recoverable != null) {
            metadata.put("recoverable_output", recoverable.toString());
        }
        boolean preview = provider.preview();
        BigDecimal actual = preview ? BigDecimal.ZERO : r.actualCost();
        return new StepResult(t.id(), t.typeName(), t.groupId(), provider.id(), modelOf(), StepStatus.FAILED, null,
                r.text(), metadata, error, null, startedAt, x.elapsed(startedAt), attempt,
                preview ? BigDecimal.ZERO : null, actual, null, preview, r.qualityScore(), r.requestIds());
    }

    /** A message on one line, for the report's error column. */
    static String oneLine(@Nullable String s) {
        if (s == null) {
            return "no message";
        }
        return s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
