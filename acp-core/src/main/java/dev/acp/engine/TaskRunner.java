package dev.acp.engine;

import dev.acp.cost.CostControl;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.plan.PlannedTask;
import dev.acp.provider.JobHandle;
import dev.acp.provider.JobProvider;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.SideFile;
import dev.acp.provider.StepContext;
import dev.acp.template.TemplateSyntaxException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Runs one task: its attempts with backoff and fallback, each one through the cache, a paid call
 * or a job, and then keeping what the provider made. The parts it drives each own one concern
 * ({@link BudgetTicket} the money, {@link CacheGate} the cache, {@link PaidCall} synchronous
 * calls, {@link JobDriver} jobs, {@link OutputPlacer} the files, {@link FallbackRoute} the
 * alternatives), sharing one {@link StepRun}. Every state change that protects money is journaled
 * before it is acted on.
 */
final class TaskRunner {
    private final Execution x;

    TaskRunner(Execution execution) {
        this.x = execution;
    }

    StepResult run(StepNode n, PlannedTask t) {
        n.attach(Thread.currentThread());
        // Settled already (a group timeout or an interruption got there first) or asked to stop:
        // the provider must not be called.
        if (n.cancelReason != null || n.settled.get()) {
            n.detach();
            return x.notRun(n, StepStatus.CANCELLED, n.cancelReason != null ? n.cancelReason : "already settled");
        }
        Attempts a = new Attempts(new StepRun(x, n, t, x.registry.provider(t.providerId()), timeoutOf(t)));
        try {
            // The one place a step is dispatched: its pessimistic estimate must fit every limit first.
            StepResult refused = a.money.admit();
            if (refused != null) {
                return refused;
            }
            StepResult r;
            try {
                r = a.run();
            } catch (InterruptedException e) {
                r = a.stopped();
            }
            return a.money.withPossibleDuplicate(a.route.report(a.money.close(r)));
        } finally {
            a.cleanUp();
            n.detach();
        }
    }

    /**
     * A step's time limit: its own {@code timeout:}, else the pipeline's {@code global_config.timeouts}
     * for its kind, else the engine's default for its kind.
     */
    private Duration timeoutOf(PlannedTask t) {
        if (t.spec().timeout() != null) {
            return t.spec().timeout();
        }
        Duration perPipeline = x.plan.spec().global().timeouts().get(t.capability());
        return perPipeline != null ? perPipeline : x.options.timeouts().of(t.capability());
    }

    /** The attempts of one task, and the parts they go through. */
    private static final class Attempts {
        private final StepRun s;
        private final StepNode n;
        private final Execution x;
        final BudgetTicket money;
        final FallbackRoute route;
        private final OutputPlacer out;
        private final CacheGate cache;
        private final JobDriver jobs;
        private final PaidCall calls;
        private final StepTimers.Timer timer;
        /** Requests the provider in use turned away unbilled (not accepted), retried apart from retry_count. */
        private int refusals;

        Attempts(StepRun s) {
            this.s = s;
            this.n = s.n;
            this.x = s.x;
            this.money = new BudgetTicket(s);
            this.route = new FallbackRoute(s, money);
            this.out = new OutputPlacer(s);
            this.cache = new CacheGate(s, out);
            this.jobs = new JobDriver(s, money);
            this.calls = new PaidCall(s, money);
            this.timer = x.timers().schedule(n::timeOut, s.timeout.toNanos());
        }

        StepResult run() throws InterruptedException {
            while (true) {
                s.attempt++;
                if (n.stopRequested()) {
                    return stopped();
                }
                x.listener.stepStarted(s.t, s.attempt);
                if (s.costsMoney) {
                    // Free steps simply run again after a crash; only paid ones need their start on record.
                    x.request.recorder().stepStarted(s.t, s.attempt, false);
                }
                Map<String, Object> params;
                try {
                    params = x.renderer.render(s.t);
                } catch (ItemLists.ItemListException | ConfigRenderer.ReadRefused e) {
                    // The pipeline is fine but this item's data does not fit it (or names a file it
                    // may not read): the step's own error, and nothing was sent.
                    return s.failed(ErrorInfo.of(ErrorKind.VALIDATION, e.getMessage()));
                } catch (TemplateSyntaxException | IllegalStateException e) {
                    return s.failed(ErrorInfo.of(ErrorKind.INTERNAL, "cannot prepare the step's parameters: "
                            + e.getMessage()));
                }
                CacheGate.Lookup lookup;
                try {
                    lookup = cache.lookUp(params);
                } catch (IOException e) {
                    return s.failed(ErrorInfo.of(ErrorKind.LOCAL, "cannot read an input file: " + e.getMessage()));
                }
                if (lookup.hit() != null) {
                    money.release(); // served for nothing: the reservation returns in full
                    StepResult cached = cache.serve(lookup);
                    if (cached != null) {
                        return cached;
                    }
                    lookup = lookup.damaged();
                }
                ProviderRequest request = new ProviderRequest(s.t.id(), s.t.capability(), s.t.model(), params,
                        out.newTemporary(), s.t.outputPath(), new Context());
                s.request = request;
                ProviderResult result;
                try {
                    result = s.provider instanceof JobProvider jp && jp.runsAsJob(s.t.capability())
                            ? jobs.run(jp, request) : calls.call(request);
                } catch (JobDriver.JobLeftAtProvider e) {
                    out.discardTemporary();
                    if (n.stopRequested()) {
                        return stopped();
                    }
                    // Never submitted again: the job may still finish, and it is paid for. The
                    // journal keeps it in flight, so that a resume collects it.
                    ProviderException cause = e.cause();
                    String id = e.handle().id();
                    return s.failed(new ErrorInfo(cause.kind(), StepRun.oneLine(cause.getMessage()) + "; job " + id
                            + " stays at " + s.provider.id() + ": resume the run to collect it without paying again",
                            cause.requestId().orElse(id))).withMetadata(StepMetadata.JOB_IN_FLIGHT, id);
                } catch (ProviderException e) {
                    out.discardTemporary();
                    if (n.stopRequested()) {
                        // The provider turned the cancellation into an error (a closed channel, a reset).
                        return stopped();
                    }
                    StepResult end = afterFailure(e);
                    if (end != null) {
                        return end;
                    }
                    continue;
                }
                // The provider finished: its (possibly paid) result is kept even if a timeout or a
                // cancellation arrived meanwhile, and no interrupt may break the file writes. Only a
                // run that already gave up on this step (see Execution.giveUpOnRunningSteps) discards it.
                if (!n.commit()) {
                    return stopped();
                }
                return keep(result, lookup);
            }
        }

        /**
         * After a call failed: the step's end (a failure), or null to try again (after waiting,
         * or with the next fallback alternative).
         */
        private @Nullable StepResult afterFailure(ProviderException e) throws InterruptedException {
            ErrorInfo error = new ErrorInfo(e.kind(), StepRun.oneLine(e.getMessage()), e.requestId().orElse(null));
            if (e.kind() == ErrorKind.UNKNOWN_OUTCOME && s.submitting != null) {
                money.failedCall();
                return s.failed(error).withMetadata(StepMetadata.SUBMISSION_UNANSWERED, s.submitting);
            }
            if (e.notAccepted() && refusals < s.refusalRetries()) {
                // Turned away before any work (a rate limit, a busy ingress): nothing was billed, so
                // it is sent again whatever retry_count says, which counts accepted work.
                refusals++;
                Duration delay = x.options.retryPolicy().delay(refusals, e.retryAfter(), x.options.random());
                if (!s.waitPassesDeadline(delay)) {
                    return waitAndRetry(delay, error);
                }
            }
            money.failedCall();
            // Retries count per provider: an alternative gets its own retry_count; refusals do not count.
            int tries = route.attemptsHere() - refusals;
            if (!e.retryable() || tries > s.t.spec().retryCount()) {
                return switchOrFail(error, error);
            }
            Duration delay = x.options.retryPolicy().delay(tries, e.retryAfter(), x.options.random());
            if (s.waitPassesDeadline(delay)) {
                // Waiting out this provider would pass the step's timeout; an alternative may not need to.
                return switchOrFail(error, new ErrorInfo(error.kind(), error.message()
                        + " (no time left for a retry within the step's timeout)", error.requestId()));
            }
            return waitAndRetry(delay, error);
        }

        private @Nullable StepResult waitAndRetry(Duration delay, ErrorInfo error) throws InterruptedException {
            cache.releaseClaim();
            x.listener.stepRetrying(s.t, s.attempt + 1, delay, error);
            x.options.sleeper().sleep(delay);
            return null;
        }

        private @Nullable StepResult switchOrFail(ErrorInfo error, ErrorInfo reported) {
            StepResult end = route.fallBack(error, reported);
            if (end == null) {
                refusals = 0; // the alternative gets its own
                cache.releaseClaim();
            }
            return end;
        }

        /** Puts a finished call's result in place, settles its cost (journaled first) and stores it in the cache. */
        private StepResult keep(ProviderResult result, CacheGate.Lookup lookup) {
            BigDecimal reported = s.provider.preview() ? BigDecimal.ZERO : result.actualCost();
            CostControl.Charge charge = !s.costsMoney ? null : money.charge(reported, result.usage(),
                    s.request == null ? Map.of() : s.request.parameters());
            // The provider's report, else its usage at the model's prices, else the estimate: what the
            // journal and the ledger settle.
            Settlement cost = charge == null ? null : new Settlement(charge.amount(), charge.source(), jobs.paidJob());
            BigDecimal actual = charge == null || CostControl.UNKNOWN.equals(charge.source()) ? reported
                    : charge.amount();
            OutputPlacer.Placed placed;
            try {
                placed = out.place(result, s.request, s.costsMoney);
            } catch (IOException | ProviderException e) {
                return unplaced(result, cost, e);
            }
            Path output = placed.output();
            if (output != null && placed.sha256() != null) {
                long size;
                try {
                    x.hashes.remember(output, placed.sha256());
                    size = java.nio.file.Files.size(output);
                } catch (IOException e) {
                    size = -1; // Only the memo of hashes missed it.
                }
                // Output and cost in one forced record: a crash cannot keep one and lose the other.
                x.request.recorder().outputWritten(s.t, output, placed.sha256(), size, lookup.key().hash(), cost,
                        s.costsMoney, placed.sides());
            } else if (cost != null) {
                x.request.recorder().costSettled(s.t, cost, true);
            }
            BigDecimal retryCost = money.settleWithFailedCalls(cost);
            if (retryCost != null) {
                actual = actual == null ? retryCost : actual.add(retryCost);
            }
            CacheInfo cached = cache.store(result, lookup, placed, actual);
            Map<String, Object> metadata = new LinkedHashMap<>(result.metadata());
            metadata.putIfAbsent("provider_reason", s.t.providerReason());
            if (charge != null) {
                metadata.put(StepMetadata.COST_SOURCE, charge.source());
                if (charge.detail() != null) {
                    metadata.put(StepMetadata.COST_DETAIL, charge.detail());
                }
            }
            if (result.usage() != null) {
                metadata.put(StepMetadata.USAGE, result.usage().describe());
            }
            if (retryCost != null) {
                metadata.put(StepMetadata.RETRY_COST, retryCost);
            }
            boolean preview = s.provider.preview();
            return new StepResult(s.t.id(), s.t.typeName(), s.t.groupId(), s.provider.id(), s.modelOf(),
                    StepStatus.SUCCEEDED, output, result.text(), metadata, null, null, s.startedAt,
                    x.elapsed(s.startedAt), s.attempt, preview ? BigDecimal.ZERO : money.estimatedAtDispatch(), actual,
                    cached, preview, result.qualityScore(), result.requestIds(),
                    placed.sides().stream().map(WrittenSideFile::path).toList());
        }

        /**
         * The result exists but could not be put in place: it is kept where it is and named, and
         * what it cost is recorded, so that nothing paid for disappears (its side files stay too).
         */
        private StepResult unplaced(ProviderResult result, @Nullable Settlement cost, Exception e) {
            Path kept = out.keepUnplaced();
            String where = kept != null ? "; the output was kept as " + kept : "";
            if (cost != null) {
                x.request.recorder().costSettled(s.t, cost, true);
                money.settleWithFailedCalls(cost);
            }
            StepResult failed = s.failedAfterProvider(result, ErrorInfo.of(ErrorKind.LOCAL,
                    "cannot put the output in place: " + StepRun.oneLine(e.getMessage()) + where), kept);
            // A job's result can be downloaded again (free) by a resume; the job stays in flight.
            String paidJob = jobs.paidJob();
            return paidJob == null ? failed : failed.withMetadata(StepMetadata.JOB_IN_FLIGHT, paidJob);
        }

        /** The result of a step that stopped because it was asked to: timed out or cancelled. */
        StepResult stopped() {
            JobHandle running = jobs.running();
            boolean succeeded = jobs.succeeded();
            // A job that succeeded is paid for: it is never cancelled, and a resume downloads it.
            boolean billedByTime = s.provider instanceof JobProvider jp && jp.cancelOnInterrupt();
            boolean keepJob = running != null && ((x.cancelled() && !billedByTime) || succeeded);
            if (running != null && !keepJob && s.provider instanceof JobProvider jp) {
                // A timeout or a lost first_success race: the job is not wanted any more. An
                // interrupted run leaves it running, so that a resume can collect what is paid for,
                // unless the provider bills by running time: then the job is cancelled at once.
                jobs.cancelQuietly(jp, running);
            }
            String why = n.timedOut ? s.timedOut()
                    : n.groupTimedOut ? "the parallel group's timeout ended this step"
                    : n.cancelReason != null ? n.cancelReason : "stopped";
            if (running != null && succeeded && !x.cancelled()) {
                return s.failed(new ErrorInfo(ErrorKind.TIMEOUT, why + " while downloading the result of job "
                        + running.id() + ", which succeeded; resume the run to collect it without paying again",
                        running.id())).withMetadata(StepMetadata.JOB_IN_FLIGHT, running.id());
            }
            if (s.submitting != null && running == null && !x.cancelled()) {
                // A paid request was sent and its answer cut off: the provider may have billed it, so
                // it is an unknown outcome like a lost connection, never retried or fallen back from.
                return s.failed(ErrorInfo.of(ErrorKind.UNKNOWN_OUTCOME, why + " while " + s.provider.id()
                        + " was answering a paid request, which may have been billed; it is not sent again (resume"
                        + " the run to look it up, or to send it again with --resend-unknown)"))
                        .withMetadata(StepMetadata.SUBMISSION_UNANSWERED, s.submitting);
            }
            if (n.timedOut) {
                return s.failed(ErrorInfo.of(ErrorKind.TIMEOUT, s.timedOut()));
            }
            if (n.groupTimedOut) {
                return s.failed(ErrorInfo.of(ErrorKind.TIMEOUT, "the parallel group's timeout ended this step"));
            }
            String reason = n.cancelReason != null ? n.cancelReason : "interrupted";
            StepResult result = s.failed(null).withStatus(StepStatus.CANCELLED, reason);
            if (running != null && x.cancelled() && keepJob) {
                // Still running and paid for: the journal must keep it in flight for the resume.
                result = result.withStatus(StepStatus.CANCELLED, reason + "; job " + running.id()
                        + " was left running at " + s.provider.id() + " and is collected when the run is resumed")
                        .withMetadata(StepMetadata.JOB_IN_FLIGHT, running.id());
            } else if (running != null && x.cancelled()) {
                result = result.withStatus(StepStatus.CANCELLED, reason + "; job " + running.id() + " was cancelled at "
                        + s.provider.id() + ", which bills by running time; a resume submits the step again");
            } else if (s.submitting != null) {
                // The submission was sent and never answered: the provider may have the job.
                result = result.withMetadata(StepMetadata.SUBMISSION_UNANSWERED, s.submitting);
            }
            return result;
        }

        void cleanUp() {
            cache.releaseClaim();
            out.cleanUp();
            timer.cancel();
        }

        /** The step context handed to providers. */
        private final class Context implements StepContext {
            @Override
            public Path scratchDirectory() {
                return out.scratchDirectory();
            }

            @Override
            public void progress(double fraction, String message) {
                x.listener.stepProgress(s.t, fraction, message);
            }

            @Override
            public String runId() {
                return x.request.runId();
            }

            @Override
            public void sideFileHandedOut(SideFile file) {
                out.sideFileHandedOut(file);
            }

            @Override
            public void checkCancelled() throws InterruptedException {
                if (n.stopRequested() || Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("step cancelled");
                }
            }
        }
    }
}
