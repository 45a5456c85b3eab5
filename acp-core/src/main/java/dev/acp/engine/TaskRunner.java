package dev.acp.engine;

import dev.acp.cache.ArtifactCache;
import dev.acp.cache.CacheEntry;
import dev.acp.cache.CacheKey;
import dev.acp.cache.CacheMode;
import dev.acp.util.Hashing;
import dev.acp.cache.MetadataPaths;
import dev.acp.cache.SideObject;
import dev.acp.cache.SingleFlight;
import dev.acp.cost.CostControl;
import dev.acp.cost.SpendLedger;
import dev.acp.cost.StepEstimate;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.plan.PlannedTask;
import dev.acp.provider.CallRecovery;
import dev.acp.provider.JobHandle;
import dev.acp.provider.JobProvider;
import dev.acp.provider.JobStatus;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.SideFile;
import dev.acp.provider.StepContext;
import dev.acp.template.TemplateSyntaxException;
import dev.acp.util.AtomicFiles;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs one task: its attempts with backoff, the artifact cache (lookup, single flight, store),
 * synchronous providers and long-running jobs (submit, journal the handle, poll, fetch), and
 * putting the output in place. Every state change that protects money is journaled before it
 * is acted on.
 */
final class TaskRunner {
    /** Metadata of a cancelled step whose job the run left running at the provider. */
    static final String JOB_IN_FLIGHT = "job_in_flight";
    /** Metadata: where the settled cost came from (reported, computed, catalog, unknown). */
    static final String COST_SOURCE = "cost_source";
    /** Metadata: how the settled cost was reached ({@code 2 images = 2 MP × $0.025/MP}). */
    static final String COST_DETAIL = "cost_detail";
    /** Metadata: what the provider reported delivering, in its billing units. */
    static final String USAGE = "usage";
    /** Metadata of a step whose result is the provider's copy of a lost answer (not a new call). */
    static final String RECOVERED = "recovered_after_restart";
    /** Metadata of a step that sent again a request whose earlier answer was lost (--resend-unknown). */
    static final String POSSIBLE_DUPLICATE = "possible_duplicate";
    /** Metadata of a cancelled step whose job submission was sent but not answered. */
    static final String SUBMISSION_UNANSWERED = "submission_unanswered";

    /**
     * The least number of times a request the provider turned away unbilled (a 429, a busy
     * ingress, a refused connection) is sent again, within the step's time, before the step gives
     * up on the provider (and may fall back); a larger retry_count raises it.
     */
    static final int MIN_REFUSAL_RETRIES = 3;
    /** Consecutive failed polls of one job before the step gives up on it. */
    private static final int MAX_POLL_FAILURES = 10;
    /** Attempts at downloading a finished job's result; a download never submits again. */
    private static final int MAX_FETCH_ATTEMPTS = 5;

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
        Attempts a = new Attempts(n, t, x.registry.provider(t.providerId()));
        try {
            // The one place a step is dispatched: its pessimistic estimate must fit every limit first.
            StepResult refused = a.admit();
            if (refused != null) {
                return refused;
            }
            StepResult r;
            try {
                r = a.run();
            } catch (InterruptedException e) {
                r = a.stopped();
            }
            return a.withPossibleDuplicate(a.withFallbacks(a.closeCosts(r)));
        } finally {
            a.cleanUp();
            n.detach();
        }
    }

    /**
     * Error kinds after which a step moves on to its next fallback alternative: failures that
     * belong to one provider (an outage, a rate limit beyond the wait budget, a call that timed
     * out, exhausted credits or quota at that account, a model that provider does not (or no
     * longer) serve). Never for what another provider would refuse too or what could pay twice:
     * invalid requests, content policy, credentials, an unknown submission outcome, local failures.
     */
    static final java.util.Set<ErrorKind> FALLBACK_KINDS = java.util.EnumSet.of(ErrorKind.TRANSIENT,
            ErrorKind.RATE_LIMIT, ErrorKind.TIMEOUT, ErrorKind.QUOTA, ErrorKind.NOT_FOUND);

    /** The state of one task's attempts. */
    private final class Attempts {
        private final StepNode n;
        /** The step as planned, with its primary provider and its alternatives. */
        private final PlannedTask base;
        /** The step as the provider in use serves it: the primary, or the alternative switched to. */
        private PlannedTask t;
        private Provider provider;
        private final Instant startedAt;
        /** The step's own timeout, else the default of its kind: every step ends in bounded time. */
        private final Duration timeout;
        private final @Nullable Instant deadline;
        private final @Nullable ScheduledFuture<?> timer;
        private final LazyScratch scratch;
        private boolean costsMoney;
        /** Alternatives already switched to (0 while on the primary). */
        private int route;
        /** The attempts made before the provider in use: its own retries count from here. */
        private int routeStart;
        /** The switches made, for the report. */
        private final List<FallbackSwitch> switches = new java.util.ArrayList<>();
        /** What the abandoned providers' failed calls were settled at. */
        private BigDecimal fallbackCost = BigDecimal.ZERO;
        private ResumeState.@Nullable Prior prior;
        private int attempt;
        private @Nullable Path tmp;
        private boolean tmpDone;
        /** The request of the latest attempt, against which its side files are checked. */
        private @Nullable ProviderRequest request;
        /**
         * Where this step's attempts were told to write side files ({@link SideFile#written()}):
         * what is still there when the step ends was never placed, and is deleted. Providers may
         * ask from threads of their own.
         */
        private final java.util.Set<Path> sideFilesHandedOut = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private SingleFlight.@Nullable Claim claim;
        /** The job in flight, so that a timeout or a lost race can cancel it at the provider. */
        private @Nullable JobHandle job;
        /** The job whose result is being kept, for the cost record. */
        private @Nullable String paidJob;
        /** Whether the provider said the job in flight succeeded: it is paid for, never cancelled. */
        private boolean jobSucceeded;
        /** The idempotency key of a submission sent and not yet answered. */
        private @Nullable String submitting;
        /** The step's reservation against the cost limits, until it is settled or released. */
        private CostControl.@Nullable Go ticket;
        /** Requests the provider in use turned away unbilled (not accepted), retried apart from retry_count. */
        private int refusals;
        /** Attempts that the provider answered with a failure: billed only by providers that bill failures. */
        private int failedCalls;
        /** Set when a request whose answer was lost was sent again (--resend-unknown). */
        private boolean possibleDuplicate;
        /** What the lost requests sent again may have cost, counted against the limits. */
        private BigDecimal possibleCharge = BigDecimal.ZERO;
        /** Set when the provider billed more than the step reserved. */
        private SpendLedger.@Nullable Overrun overrun;

        Attempts(StepNode n, PlannedTask t, Provider provider) {
            this.n = n;
            this.base = t;
            this.t = t;
            this.provider = provider;
            this.startedAt = x.options.clock().instant();
            this.timeout = timeoutOf(t);
            this.deadline = startedAt.plus(timeout);
            this.timer = x.timers().schedule(n::timeOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
            this.scratch = new LazyScratch(t.id());
            this.costsMoney = provider.costsMoney();
            ResumeState.Prior p = x.request.resume().steps().get(t.id());
            // A finished step reaches here only when what it was made from changed: it runs anew.
            this.prior = p instanceof ResumeState.Done ? null : p;
            if (prior instanceof ResumeState.Attached at) {
                attempt = at.attempt() - 1;
            } else if (prior instanceof ResumeState.Submitting s) {
                attempt = s.attempt() - 1;
            } else if (prior instanceof ResumeState.CallUnanswered c) {
                attempt = c.attempt() - 1;
            }
            ResumeState.Route r = p instanceof ResumeState.Done ? null : x.request.resume().routes().get(t.id());
            if (r != null && r.index() >= 1 && r.index() <= t.fallbacks().size()
                    && t.fallbacks().get(r.index() - 1).providerId().equals(r.provider())) {
                // An earlier session switched to this alternative: continue there (re-attaching its
                // job), never calling the providers before it again.
                moveTo(r.index());
                routeStart = r.firstAttempt() - 1;
                attempt = Math.max(attempt, routeStart);
                switches.addAll(r.switches());
                fallbackCost = r.cost();
            }
        }

        /** Serves the step with alternative {@code index} (from 1) of its fallback list from now on. */
        private void moveTo(int index) {
            PlannedTask.Fallback alt = base.fallbacks().get(index - 1);
            route = index;
            t = base.on(alt);
            provider = x.registry.provider(alt.providerId());
            costsMoney = provider.costsMoney();
        }

        /**
         * After the provider in use gave up (retries spent, or no time for another): moves on to
         * the next alternative when the error is one another provider can fix, the step's time is
         * not up, and the alternative's reservation fits the limits. Returns null when it switched,
         * else the step's failure ({@code reported}, with a refused alternative named in it).
         */
        private @Nullable StepResult fallBack(ErrorInfo error, ErrorInfo reported) {
            if (route >= base.fallbacks().size() || !FALLBACK_KINDS.contains(error.kind()) || n.stopRequested()
                    || deadline != null && !x.options.clock().instant().isBefore(deadline)) {
                return failed(reported);
            }
            PlannedTask.Fallback alt = base.fallbacks().get(route);
            String fromProvider = provider.id();
            String fromModel = modelOf();
            // Money first: the abandoned provider's failed calls are settled (if it bills them) or
            // its reservation released, and only then is the alternative's reserved.
            BigDecimal spent = null;
            if (ticket != null) {
                CostControl.Charge charge = x.request.costs().failureCharge(ticket, failedCalls);
                if (charge != null && charge.amount().signum() > 0) {
                    x.request.recorder().costSettled(t, new Settlement(charge.amount(), charge.source(), null), true);
                    settleTicket(charge.amount());
                    spent = charge.amount();
                } else {
                    releaseTicket();
                }
            }
            failedCalls = 0;
            if (spent != null) {
                fallbackCost = fallbackCost.add(spent);
            }
            PlannedTask next = base.on(alt);
            Provider nextProvider = x.registry.provider(alt.providerId());
            if (nextProvider.costsMoney()) {
                Map<String, Object> params;
                try {
                    params = x.renderer.render(next);
                } catch (TemplateSyntaxException | RuntimeException e) {
                    params = next.spec().config();
                }
                CostControl.Dispatch dispatch = x.request.costs().admit(next, params);
                if (dispatch instanceof CostControl.Refused refused) {
                    return failed(new ErrorInfo(reported.kind(), reported.message() + "; fallback to " + alt.label()
                            + " refused: would exceed the limit (" + oneLine(refused.reason()) + ")", reported.requestId()))
                            .withMetadata("fallback_refused", Map.of("provider", alt.providerId(), "model",
                                    alt.model() == null ? "" : alt.model(), "reason", oneLine(refused.reason())));
                } else if (dispatch instanceof CostControl.Go go) {
                    ticket = go;
                }
            }
            FallbackSwitch change = new FallbackSwitch(alt.index(), fromProvider, fromModel, alt.providerId(),
                    nextProvider.preview() ? null : alt.model(), error.kind(), error.message(), spent,
                    x.options.clock().instant());
            // On record before the alternative is called: a resume continues there.
            x.request.recorder().fallbackSwitched(base, attempt + 1, change);
            switches.add(change);
            moveTo(alt.index());
            routeStart = attempt;
            refusals = 0;
            x.listener.stepProgress(t, -1, "falling back to " + alt.label() + " after " + error.kind().wireName()
                    + " from " + fromProvider);
            return null;
        }

        /**
         * The step's result, marked when it sent again a request whose earlier answer was lost:
         * both may have been billed, and the possible first charge is in its cost.
         */
        StepResult withPossibleDuplicate(StepResult r) {
            if (!possibleDuplicate) {
                return r;
            }
            return r.withMetadata(POSSIBLE_DUPLICATE, true).withMetadata("possible_duplicate_cost", possibleCharge)
                    .withActualCost(r.actualCost() == null ? possibleCharge : r.actualCost().add(possibleCharge));
        }

        /** The step's result with its fallback switches and what the abandoned providers cost. */
        StepResult withFallbacks(StepResult r) {
            if (switches.isEmpty()) {
                return r;
            }
            StepResult out = r.withMetadata(FallbackSwitch.METADATA_KEY, switches.stream()
                    .map(FallbackSwitch::toMetadata).toList());
            if (fallbackCost.signum() > 0) {
                out = out.withMetadata(FallbackSwitch.COST_KEY, fallbackCost)
                        .withActualCost(r.actualCost() == null ? fallbackCost : r.actualCost().add(fallbackCost));
            }
            return out;
        }

        /**
         * Reserves the step's estimate (with its parameters rendered) against the limits; the
         * budget-skipped result when it does not fit, else null. Free engines reserve nothing.
         */
        @Nullable StepResult admit() {
            if (!costsMoney) {
                return null;
            }
            Map<String, Object> params;
            try {
                params = x.renderer.render(t);
            } catch (TemplateSyntaxException | RuntimeException e) {
                // The attempt reports the rendering problem; the estimate uses the step as written.
                params = t.spec().config();
            }
            switch (x.request.costs().admit(t, params)) {
                case CostControl.Go go -> {
                    ticket = go;
                    return null;
                }
                case CostControl.Refused refused -> {
                    StepResult skipped = x.notRun(n, StepStatus.SKIPPED, refused.reason()).withMetadata("skipped_for",
                            "budget");
                    StepEstimate e = refused.estimate();
                    return e == null || e.expected() == null ? skipped : skipped.withEstimatedCost(e.expected());
                }
            }
        }

        /** The step's estimate as dispatched, or null. */
        private @Nullable BigDecimal estimated() {
            return ticket == null || ticket.estimate() == null ? null : ticket.estimate().expected();
        }

        /**
         * Settles a successful call's cost together with what its failed attempts cost at a
         * provider that bills failures (journaled as its own record); returns the latter, or null.
         */
        private @Nullable BigDecimal settleWithFailedCalls(@Nullable Settlement cost) {
            if (cost == null || ticket == null) {
                return null;
            }
            CostControl.Charge failures = x.request.costs().failureCharge(ticket, failedCalls);
            if (failures == null || failures.amount().signum() == 0) {
                settleTicket(cost.amount());
                return null;
            }
            x.request.recorder().costSettled(t, new Settlement(failures.amount(), failures.source(), null), true);
            settleTicket(cost.amount().add(failures.amount()));
            return failures.amount();
        }

        /** Records a settled cost in the ledger, after the journal has it. */
        private void settleTicket(BigDecimal amount) {
            if (ticket != null) {
                CostControl.Go go = ticket;
                ticket = null;
                if (x.request.costs().settle(go, amount) instanceof SpendLedger.Overrun o) {
                    overrun = o;
                }
            }
        }

        private void releaseTicket() {
            if (ticket != null) {
                CostControl.Go go = ticket;
                ticket = null;
                x.request.costs().release(go);
            }
        }

        /**
         * Ends the step's reservation if the step did not settle it: a job left at the provider
         * keeps it (it may be billed; a resume settles it), failed calls of a provider that bills
         * failures are settled at the catalog's price, anything else is released in full.
         */
        StepResult closeCosts(StepResult r) {
            StepResult out = overrun == null ? r : r.withMetadata("cost_overrun", "billed "
                    + dev.acp.cost.Money.format(overrun.amount()) + ", " + dev.acp.cost.Money.format(overrun.excess())
                    + " more than the " + dev.acp.cost.Money.format(overrun.reserved()) + " reserved");
            if (ticket == null) {
                return out.estimatedCost() == null && estimatedAtDispatch != null
                        ? out.withEstimatedCost(estimatedAtDispatch) : out;
            }
            BigDecimal estimate = estimated();
            if (r.metadata().containsKey(JOB_IN_FLIGHT) || r.metadata().containsKey(SUBMISSION_UNANSWERED)) {
                ticket = null;
                return estimate == null ? out : out.withEstimatedCost(estimate);
            }
            CostControl.Charge charge = x.request.costs().failureCharge(ticket, failedCalls);
            if (charge != null && charge.amount().signum() > 0) {
                x.request.recorder().costSettled(t, new Settlement(charge.amount(), charge.source(), null), true);
                settleTicket(charge.amount());
                out = out.withActualCost(charge.amount()).withMetadata(COST_SOURCE, charge.source());
            } else {
                releaseTicket();
            }
            return estimate == null ? out : out.withEstimatedCost(estimate);
        }

        /** The estimate the step was dispatched with, kept after the ticket is settled. */
        private @Nullable BigDecimal estimatedAtDispatch;

        StepResult run() throws InterruptedException {
            estimatedAtDispatch = estimated();
            while (true) {
                attempt++;
                if (n.stopRequested()) {
                    return stopped();
                }
                x.listener.stepStarted(t, attempt);
                if (costsMoney) {
                    // Free steps simply run again after a crash; only paid ones need their start on record.
                    x.request.recorder().stepStarted(t, attempt, false);
                }
                Map<String, Object> params;
                try {
                    params = x.renderer.render(t);
                } catch (ItemLists.ItemListException e) {
                    // The pipeline is fine but this item's data does not fit it: the item's own error.
                    return failed(ErrorInfo.of(ErrorKind.VALIDATION, e.getMessage()));
                } catch (TemplateSyntaxException | IllegalStateException e) {
                    return failed(ErrorInfo.of(ErrorKind.INTERNAL, "cannot prepare the step's parameters: "
                            + e.getMessage()));
                }
                Lookup lookup;
                try {
                    lookup = lookUp(params);
                } catch (IOException e) {
                    return failed(ErrorInfo.of(ErrorKind.LOCAL, "cannot read an input file: " + e.getMessage()));
                }
                if (lookup.hit() != null) {
                    StepResult cached = fromCache(lookup);
                    if (cached != null) {
                        return cached;
                    }
                    lookup = new Lookup(lookup.key(), null, "the cached output was damaged or removed", true);
                }
                tmp = temporaryName(t.outputPath(), attempt);
                ProviderRequest request = new ProviderRequest(t.id(), t.capability(), t.model(), params, tmp,
                        t.outputPath(), new Context());
                this.request = request;
                ProviderResult result;
                try {
                    result = provider instanceof JobProvider jobs && jobs.runsAsJob(t.capability()) ? runJob(jobs, request)
                            : call(request);
                } catch (JobLeftAtProvider e) {
                    deleteQuietly(tmp);
                    if (n.stopRequested()) {
                        return stopped();
                    }
                    // Never submitted again: the job may still finish, and it is paid for. The
                    // journal keeps it in flight, so that a resume collects it.
                    ProviderException cause = e.cause();
                    return failed(new ErrorInfo(cause.kind(), oneLine(cause.getMessage()) + "; job " + e.handle.id()
                            + " stays at " + provider.id() + ": resume the run to collect it without paying again",
                            cause.requestId().orElse(e.handle.id()))).withMetadata(JOB_IN_FLIGHT, e.handle.id());
                } catch (ProviderException e) {
                    deleteQuietly(tmp);
                    if (n.stopRequested()) {
                        // The provider turned the cancellation into an error (a closed channel, a reset).
                        return stopped();
                    }
                    ErrorInfo error = new ErrorInfo(e.kind(), oneLine(e.getMessage()), e.requestId().orElse(null));
                    if (e.kind() == ErrorKind.UNKNOWN_OUTCOME && submitting != null) {
                        failedCalls++;
                        return failed(error).withMetadata(SUBMISSION_UNANSWERED, submitting);
                    }
                    if (e.notAccepted() && refusals < Math.max(MIN_REFUSAL_RETRIES, t.spec().retryCount())) {
                        // Turned away before any work (a rate limit, a busy ingress): nothing was billed,
                        // so it is sent again whatever retry_count says, which counts accepted work.
                        refusals++;
                        Duration delay = x.options.retryPolicy().delay(refusals, e.retryAfter(), x.options.random());
                        if (!x.options.clock().instant().plus(delay).isAfter(deadline)) {
                            releaseClaim();
                            x.listener.stepRetrying(t, attempt + 1, delay, error);
                            x.options.sleeper().sleep(delay);
                            continue;
                        }
                    }
                    failedCalls++;
                    // Retries count per provider: an alternative gets its own retry_count; refusals do not count.
                    int tries = attempt - routeStart - refusals;
                    if (!e.retryable() || tries > t.spec().retryCount()) {
                        StepResult end = fallBack(error, error);
                        if (end != null) {
                            return end;
                        }
                        releaseClaim();
                        continue;
                    }
                    Duration delay = x.options.retryPolicy().delay(tries, e.retryAfter(), x.options.random());
                    if (deadline != null && x.options.clock().instant().plus(delay).isAfter(deadline)) {
                        // Waiting out this provider would pass the step's timeout; an alternative may not need to.
                        StepResult end = fallBack(error, new ErrorInfo(error.kind(), error.message()
                                + " (no time left for a retry within the step's timeout)", error.requestId()));
                        if (end != null) {
                            return end;
                        }
                        releaseClaim();
                        continue;
                    }
                    releaseClaim();
                    x.listener.stepRetrying(t, attempt + 1, delay, error);
                    x.options.sleeper().sleep(delay);
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

        // ---- the cache -----------------------------------------------------------------------

            /**
         * What the cache said about this attempt.
         *
         * @param key the step's cache key, also its fingerprint in the journal
         * @param cached whether the result is stored in the cache
         */
        private record Lookup(CacheKey key, @Nullable CacheEntry hit, @Nullable String reason, boolean cached) {}

        private Lookup lookUp(Map<String, Object> params) throws IOException, InterruptedException {
            ArtifactCache cache = x.request.cache();
            CacheMode mode = x.request.cacheMode();
            // Computed even without a cache: it is the fingerprint a resume compares (see Execution).
            CacheKey key = x.cacheKey(t, provider, params);
            if (cache == null || mode == CacheMode.OFF || prior != null) {
                // A resumed job is collected, not looked up: it is already paid for.
                return new Lookup(key, null, mode == CacheMode.OFF ? "--no-cache" : null, false);
            }
            x.keyParts.put(t.id(), key.parts());
            String reason = mode == CacheMode.REFRESH ? "--refresh" : whyNotCached(key);
            while (true) {
                // With --refresh, only a result that an identical step made during this run counts.
                boolean acceptable = mode == CacheMode.USE || x.storedThisRun.contains(key.hash());
                Optional<CacheEntry> hit = acceptable ? cache.lookup(key.hash()) : Optional.empty();
                if (hit.isPresent()) {
                    return new Lookup(key, hit.get(), null, true);
                }
                SingleFlight.Claim c = cache.singleFlight().claim(key.hash());
                if (c.leader()) {
                    claim = c;
                    // Another process (or the leader just before us) may have stored it just now.
                    acceptable = mode == CacheMode.USE || x.storedThisRun.contains(key.hash());
                    hit = acceptable ? cache.lookup(key.hash()) : Optional.empty();
                    if (hit.isPresent()) {
                        releaseClaim();
                        return new Lookup(key, hit.get(), null, true);
                    }
                    return new Lookup(key, null, reason, true);
                }
                // An identical step of this run is executing: wait for it, then read its result.
                c.awaitLeader();
            }
        }

        private String whyNotCached(CacheKey key) {
            Map<String, String> previous = x.previousKeyParts.get(t.id());
            if (previous == null) {
                return "not in the cache";
            }
            String change = key.explainChange(previous);
            return change == null ? "not in the cache (cleared, or the earlier run did not finish it)"
                    : "changed since the previous run: " + change;
        }

        /** The step's result from the cache, or null when the cached output is damaged or gone. */
        private @Nullable StepResult fromCache(Lookup lookup) throws InterruptedException {
            CacheEntry e = lookup.hit();
            Path output = null;
            // Served for nothing: the reservation returns in full.
            releaseTicket();
            Settlement free = costsMoney ? new Settlement(BigDecimal.ZERO, Settlement.CACHE, null) : null;
            List<WrittenSideFile> sides = List.of();
            try {
                tmp = temporaryName(t.outputPath(), attempt);
                if (e.objectSha256() != null) {
                    if (!x.request.cache().restore(e, tmp)) {
                        deleteQuietly(tmp);
                        return null;
                    }
                }
                if (e.objectSha256() != null || e.text() != null) {
                    sides = restoreSideFiles(e);
                    if (sides == null) {
                        deleteQuietly(tmp);
                        return null;
                    }
                }
                if (e.objectSha256() != null) {
                    AtomicFiles.moveIntoPlace(tmp, t.outputPath());
                    tmpDone = true;
                    output = t.outputPath();
                    x.hashes.remember(output, e.objectSha256());
                    x.request.recorder().outputWritten(t, output, e.objectSha256(), Files.size(output),
                            lookup.key().hash(), free, false, sides);
                } else if (e.text() != null) {
                    output = writeText(e.text());
                    x.request.recorder().outputWritten(t, output, Hashing.sha256(e.text()), Files.size(output),
                            lookup.key().hash(), free, false, sides);
                } else if (free != null) {
                    x.request.recorder().costSettled(t, free, false);
                }
            } catch (IOException ex) {
                return failed(ErrorInfo.of(ErrorKind.LOCAL, "cannot restore the cached output: " + ex.getMessage()));
            }

            x.request.cache().recordHit(e);
            String note = e.deterministic() ? null
                    : "cached result of a step without a seed: a new call would give a different output (--refresh makes one)";
            CacheInfo cache = new CacheInfo(CacheInfo.Status.HIT, e.key(), note, e.cost(), e.deterministic());
            // Paths of the output and side files as this step placed them, not as the cached step did.
            Map<String, Object> metadata = new LinkedHashMap<>(MetadataPaths.concrete(e.metadata(), output, sidePaths(sides)));
            metadata.put("provider_reason", t.providerReason());
            metadata.put("cached_at", e.created().toString());
            if (!e.requestIds().isEmpty()) {
                metadata.put("cached_from_request_ids", e.requestIds());
            }
            return new StepResult(t.id(), t.typeName(), t.groupId(), provider.id(), modelOf(), StepStatus.SUCCEEDED, output,
                    e.text(), metadata, null, null, startedAt, x.elapsed(startedAt), attempt, BigDecimal.ZERO,
                    BigDecimal.ZERO, cache, provider.preview(), e.qualityScore(), List.of(),
                    sides.stream().map(WrittenSideFile::path).toList());
        }

        /** Where each side file was placed, by its suffix. */
        private static Map<String, Path> sidePaths(List<WrittenSideFile> sides) {
            Map<String, Path> out = new LinkedHashMap<>();
            for (WrittenSideFile f : sides) {
                out.put(f.content().suffix(), f.path());
            }
            return out;
        }

        /**
         * Restores a cache entry's side files beside the output, named after this step's output,
         * each through a temporary name (checked on the way) and then renamed into place. Returns
         * null, with nothing placed, when one of them is gone or damaged: the entry is a miss.
         */
        private @Nullable List<WrittenSideFile> restoreSideFiles(CacheEntry e) throws IOException {
            if (e.sideFiles().isEmpty()) {
                return List.of();
            }
            List<SideFile> restored = new java.util.ArrayList<>();
            for (SideObject side : e.sideFiles()) {
                SideFile f = SideFile.of(tmp, t.outputPath(), side.suffix());
                sideFilesHandedOut.add(f.written());
                SideFile.deleteTree(f.written());
                if (!x.request.cache().restoreSideFile(side, f.written())) {
                    for (SideFile r : restored) {
                        SideFile.deleteTree(r.written());
                    }
                    SideFile.deleteTree(f.written());
                    return null;
                }
                restored.add(f);
            }
            List<WrittenSideFile> placed = new java.util.ArrayList<>();
            for (int i = 0; i < restored.size(); i++) {
                restored.get(i).moveIntoPlace();
                placed.add(new WrittenSideFile(restored.get(i).target(), e.sideFiles().get(i)));
            }
            return List.copyOf(placed);
        }

        // ---- paid requests answered at once ------------------------------------------------------

        /**
         * One synchronous call. A paid one is journaled before it is sent and its failure after, so
         * that a process stopped while the answer was on its way leaves an unknown outcome behind,
         * never a silent second charge: the resume asks the provider ({@link Provider#recoverCall})
         * and sends again only when the provider says it never got the request, or when asked to
         * ({@code --resend-unknown}, the possible first charge counted against the limits).
         */
        private ProviderResult call(ProviderRequest request) throws ProviderException, InterruptedException {
            if (!costsMoney) {
                return provider.execute(request);
            }
            if (prior instanceof ResumeState.CallUnanswered lost && lost.attempt() == attempt) {
                prior = null;
                ProviderResult recovered = recover(request, lost);
                if (recovered != null) {
                    return recovered;
                }
            }
            String key = x.request.runId() + "/" + x.sessionId + "/" + t.id() + "/" + attempt;
            x.request.recorder().callSending(t, attempt, key, provider.id());
            submitting = key;
            try {
                ProviderResult result = provider.execute(request);
                submitting = null; // answered: the output (or cost) record that follows says so
                return result;
            } catch (ProviderException e) {
                if (e.kind() != ErrorKind.UNKNOWN_OUTCOME) {
                    x.request.recorder().callAnswered(t, attempt, key);
                    submitting = null;
                }
                throw e;
            }
        }

        /**
         * The lost answer of an earlier session's request: the provider's own copy, or null when
         * the request may be sent (the provider never got it, or {@code --resend-unknown}); throws
         * the unknown outcome otherwise.
         */
        private @Nullable ProviderResult recover(ProviderRequest request, ResumeState.CallUnanswered lost)
                throws ProviderException, InterruptedException {
            x.listener.stepProgress(t, -1, "asking " + provider.id() + " about the request sent before the run stopped");
            CallRecovery found;
            try {
                found = provider.recoverCall(request, lost.sentAt());
            } catch (ProviderException e) {
                submitting = lost.key(); // still unknown: a later resume asks again
                throw new ProviderException(ErrorKind.UNKNOWN_OUTCOME, "the run stopped while " + provider.id()
                        + " was answering this step's request, and looking the answer up failed: "
                        + oneLine(e.getMessage()) + "; resume again to look again");
            }
            return switch (found) {
                case CallRecovery.Found f -> f.result().withMetadata(Map.of(RECOVERED, true));
                case CallRecovery.NotReceived n -> {
                    x.listener.stepProgress(t, -1, provider.id() + " never got it (" + n.why() + "): sending it now");
                    yield null;
                }
                case CallRecovery.Unknown u -> {
                    if (!x.request.resume().resendUnknown()) {
                        submitting = lost.key(); // stays unknown on later resumes too, until resent or a new run
                        throw new ProviderException(ErrorKind.UNKNOWN_OUTCOME, "the run stopped while " + provider.id()
                                + " was answering this step's request (sent " + lost.sentAt() + "), which may have been"
                                + " billed; " + u.why() + ". Check " + provider.id() + "'s usage page, then resume with"
                                + " --resend-unknown to send it again (a possible second charge, counted against the"
                                + " limits), or run the pipeline again without --resume");
                    }
                    chargePossibleDuplicate(request.parameters(), "a request whose answer was lost");
                    yield null;
                }
            };
        }

        /**
         * Counts what a lost request may have cost (its estimate) against the limits before it is
         * sent again, journaled as a possible charge; the step is then reported as a possible
         * duplicate. Refused (the step fails) when the limits cannot hold both.
         */
        private void chargePossibleDuplicate(Map<String, Object> params, String what) throws ProviderException {
            possibleDuplicate = true;
            switch (x.request.costs().admit(t, params)) {
                case CostControl.Refused r -> throw new ProviderException(ErrorKind.QUOTA, "sending again " + what
                        + " would exceed the limit with its possible first charge (" + oneLine(r.reason()) + ")");
                case CostControl.Go go -> {
                    BigDecimal possible = go.estimate() == null || go.estimate().expected() == null ? BigDecimal.ZERO
                            : go.estimate().expected();
                    x.request.recorder().costSettled(t, new Settlement(possible, Settlement.POSSIBLE, null),
                            true);
                    x.request.costs().settle(go, possible);
                    possibleCharge = possibleCharge.add(possible);
                }
            }
        }

        // ---- jobs -----------------------------------------------------------------------------

        private ProviderResult runJob(JobProvider jobs, ProviderRequest request)
                throws ProviderException, JobLeftAtProvider, InterruptedException {
            // The provider's limit of jobs in flight holds across every step and group of the process.
            try (var slot = x.registry.context().governors().of(provider.id()).job()) {
                return runJobInSlot(jobs, request);
            }
        }

        private ProviderResult runJobInSlot(JobProvider jobs, ProviderRequest request)
                throws ProviderException, JobLeftAtProvider, InterruptedException {
            JobHandle handle;
            boolean reattached = prior instanceof ResumeState.Attached at0 && at0.attempt() == attempt;
            if (prior instanceof ResumeState.Attached at && at.attempt() == attempt) {
                handle = at.handle();
                x.listener.stepProgress(t, -1, "re-attached to job " + handle.id());
            } else {
                // Unique per session too: a step run again after a resume must not reuse the key of
                // the earlier session's submission, which the provider would answer with the old job.
                String key = x.request.runId() + "/" + x.sessionId + "/" + t.id() + "/" + attempt;
                if (prior instanceof ResumeState.Submitting s && s.attempt() == attempt) {
                    if (jobs.idempotentSubmit(request)) {
                        key = s.idempotencyKey(); // the provider finds the job by it: nothing is paid twice
                    } else if (x.request.resume().resendUnknown()) {
                        prior = null;
                        chargePossibleDuplicate(request.parameters(), "a submission whose answer was lost");
                    } else {
                        submitting = s.idempotencyKey(); // stays unknown on later resumes too, until a new run
                        throw new ProviderException(ErrorKind.UNKNOWN_OUTCOME, "the run stopped while this step's job"
                                + " was being submitted; " + provider.id() + " may have accepted and billed it, and it"
                                + " cannot be found again. Check " + provider.id() + "'s dashboard, then resume with"
                                + " --resend-unknown to submit it again (a possible second charge, counted against"
                                + " the limits), or run the pipeline again without --resume");
                    }
                }
                x.request.recorder().jobSubmitting(t, attempt, key);
                submitting = key;
                handle = submit(jobs, request, key);
                x.request.recorder().jobSubmitted(t, attempt, key, handle);
                submitting = null;
            }
            prior = null;
            job = handle;
            jobSucceeded = false;
            // From here on this attempt never submits again: only the provider's own word that the
            // job failed (JobStatus.Failed, thrown as a ProviderException) lets a retry submit anew.
            try {
                waitFor(jobs, handle, reattached);
            } catch (ProviderException e) {
                job = null; // The provider says it failed: nothing is left to cancel or collect.
                throw e;
            }
            jobSucceeded = true;
            ProviderResult result = fetch(jobs, handle, request);
            job = null;
            paidJob = handle.id();
            return result.requestIds().isEmpty() ? result.withRequestIds(List.of(handle.id())) : result;
        }

        /** Submits, retrying refusals (rate limits, overload) that the provider says were not accepted. */
        private JobHandle submit(JobProvider jobs, ProviderRequest request, String key)
                throws ProviderException, InterruptedException {
            for (int tries = 1; ; tries++) {
                try {
                    return jobs.submit(request, key);
                } catch (ProviderException e) {
                    if (!e.retryable() || tries > Math.max(MIN_REFUSAL_RETRIES, t.spec().retryCount()) || n.stopRequested()) {
                        throw e;
                    }
                    Duration delay = x.options.retryPolicy().delay(tries, e.retryAfter(), x.options.random());
                    if (deadline != null && x.options.clock().instant().plus(delay).isAfter(deadline)) {
                        throw e;
                    }
                    x.listener.stepRetrying(t, attempt, delay, new ErrorInfo(e.kind(), oneLine(e.getMessage()), null));
                    x.options.sleeper().sleep(delay);
                }
            }
        }

        /**
         * Polls until the job ends. A job the provider says failed is thrown as a ProviderException
         * (a retry may submit anew); polls that keep failing leave the job where it is.
         */
        private void waitFor(JobProvider jobs, JobHandle handle, boolean reattached)
                throws ProviderException, JobLeftAtProvider, InterruptedException {
            int failures = 0;
            Instant since = x.options.clock().instant();
            Duration backoff = Duration.ofMillis(200);
            if (!reattached) {
                // A job just submitted is not done yet: the first question waits a little.
                x.options.sleeper().sleep(PollSchedule.DEFAULT.next(Duration.ZERO));
            }
            while (true) {
                JobStatus status;
                try {
                    status = jobs.poll(handle);
                    failures = 0;
                } catch (ProviderException e) {
                    if (!e.retryable() || ++failures >= MAX_POLL_FAILURES) {
                        String what = e.kind() == ErrorKind.NOT_FOUND
                                ? provider.id() + " no longer knows job " + handle.id() + " (" + oneLine(e.getMessage())
                                        + "); if it is gone for good, run the pipeline again without --resume to submit"
                                        + " it anew"
                                : "polling job " + handle.id() + " failed: " + oneLine(e.getMessage());
                        throw new JobLeftAtProvider(handle, new ProviderException(e.kind(), what, null, handle.id(), e));
                    }
                    x.options.sleeper().sleep(e.retryAfter().orElse(backoff));
                    backoff = grow(backoff);
                    continue;
                }
                switch (status) {
                    case JobStatus.Succeeded s -> {
                        return;
                    }
                    case JobStatus.Failed f -> throw new ProviderException(f.kind(), "job " + handle.id() + " failed: "
                            + f.message(), null, handle.id(), null);
                    case JobStatus.Pending p -> {
                        x.listener.stepProgress(t, p.progress(), p.message());
                        x.options.sleeper().sleep(p.pollAfter() != null ? p.pollAfter()
                                : PollSchedule.DEFAULT.next(Duration.between(since, x.options.clock().instant())));
                    }
                }
            }
        }

        private ProviderResult fetch(JobProvider jobs, JobHandle handle, ProviderRequest request)
                throws ProviderException, JobLeftAtProvider, InterruptedException {
            for (int tries = 1; ; tries++) {
                try {
                    return jobs.fetch(handle, request);
                } catch (ProviderException e) {
                    deleteQuietly(request.outputFile());
                    if (e.kind() == ErrorKind.CONTENT_POLICY || e.kind() == ErrorKind.VALIDATION) {
                        // The result itself is unusable (flagged, empty, too large): downloading it
                        // again cannot help, so the job is over like one the provider failed.
                        job = null;
                        throw e;
                    }
                    if (!e.retryable() || tries >= MAX_FETCH_ATTEMPTS || n.stopRequested()) {
                        // The job is done and paid for: a failed download must not lead to a new submission.
                        throw new JobLeftAtProvider(handle, new ProviderException(e.kind(), "the result of job "
                                + handle.id() + " could not be downloaded: " + oneLine(e.getMessage()), null,
                                handle.id(), e));
                    }
                    x.options.sleeper().sleep(x.options.retryPolicy().delay(tries, e.retryAfter(), x.options.random()));
                }
            }
        }

        private static Duration grow(Duration d) {
            long next = Math.min(5_000, Math.round(d.toMillis() * 1.5));
            return Duration.ofMillis(next);
        }

        // ---- results --------------------------------------------------------------------------

        private StepResult keep(ProviderResult result, Lookup lookup) {
            BigDecimal reported = provider.preview() ? BigDecimal.ZERO : result.actualCost();
            CostControl.Charge charge = !costsMoney ? null : x.request.costs().charge(
                    ticket != null ? ticket : new CostControl.Go(null, null), reported, result.usage(),
                    request == null ? Map.of() : request.parameters());
            // The provider's report, else its usage at the model's prices, else the estimate: what the
            // journal and the ledger settle.
            Settlement cost = charge == null ? null : new Settlement(charge.amount(), charge.source(), paidJob);
            BigDecimal actual = charge == null || CostControl.UNKNOWN.equals(charge.source()) ? reported
                    : charge.amount();
            Path output;
            String sha = null;
            List<WrittenSideFile> sides = List.of();
            try {
                sides = placeSideFiles(result);
                if (result.wroteFile()) {
                    if (!Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                        throw new ProviderException(ErrorKind.INTERNAL, "provider '" + provider.id()
                                + "' reported an output file but wrote nothing");
                    }
                    // Hashed by the provider as it wrote the file, or read back here.
                    sha = result.outputSha256() != null ? result.outputSha256() : Hashing.sha256(tmp);
                    AtomicFiles.moveIntoPlace(tmp, t.outputPath());
                    output = t.outputPath();
                } else if (result.text() != null) {
                    output = writeText(result.text());
                    sha = Hashing.sha256(result.text());
                } else {
                    output = null;
                }
                if (costsMoney && output != null) {
                    // A paid output must survive a power loss once the journal says it exists.
                    AtomicFiles.sync(output);
                }
                // Renamed into place, or never written (a result with no output): nothing to clean up.
                tmpDone = true;
            } catch (IOException | ProviderException e) {
                // The result exists but could not be put in place: keep it where it is, name it, and
                // record what it cost, so that nothing paid for disappears (its side files stay too).
                sideFilesHandedOut.clear();
                tmpDone = tmp != null && Files.exists(tmp);
                String where = tmpDone ? "; the output was kept as " + tmp : "";
                if (cost != null) {
                    x.request.recorder().costSettled(t, cost, true);
                    settleWithFailedCalls(cost);
                }
                StepResult failed = failedAfterProvider(result, ErrorInfo.of(ErrorKind.LOCAL,
                        "cannot put the output in place: " + oneLine(e.getMessage()) + where), tmpDone ? tmp : null);
                // A job's result can be downloaded again (free) by a resume; the job stays in flight.
                return paidJob == null ? failed : failed.withMetadata(JOB_IN_FLIGHT, paidJob);
            }
            if (output != null && sha != null) {
                long size;
                try {
                    x.hashes.remember(output, sha);
                    size = Files.size(output);
                } catch (IOException e) {
                    size = -1; // Only the memo of hashes missed it.
                }
                // Output and cost in one forced record: a crash cannot keep one and lose the other.
                x.request.recorder().outputWritten(t, output, sha, size, lookup.key().hash(), cost, costsMoney, sides);
            } else if (cost != null) {
                x.request.recorder().costSettled(t, cost, true);
            }
            BigDecimal retryCost = settleWithFailedCalls(cost);
            if (retryCost != null) {
                actual = actual == null ? retryCost : actual.add(retryCost);
            }
            CacheInfo cache = store(result, lookup, output, sha, actual, sides);
            Map<String, Object> metadata = new LinkedHashMap<>(result.metadata());
            metadata.putIfAbsent("provider_reason", t.providerReason());
            if (charge != null) {
                metadata.put(COST_SOURCE, charge.source());
                if (charge.detail() != null) {
                    metadata.put(COST_DETAIL, charge.detail());
                }
            }
            if (result.usage() != null) {
                metadata.put(USAGE, result.usage().describe());
            }
            if (retryCost != null) {
                metadata.put("retry_cost", retryCost);
            }
            return new StepResult(t.id(), t.typeName(), t.groupId(), provider.id(), modelOf(), StepStatus.SUCCEEDED,
                    output, result.text(), metadata, null, null, startedAt, x.elapsed(startedAt), attempt,
                    provider.preview() ? BigDecimal.ZERO : estimatedAtDispatch, actual, cache, provider.preview(), result.qualityScore(),
                    result.requestIds(), sides.stream().map(WrittenSideFile::path).toList());
        }

        /**
         * Checks the side files a provider listed and renames them into place, before the main
         * output: once the output is under its final name, so are they. Returns them with their
         * content hashes, for the journal and the cache.
         */
        private List<WrittenSideFile> placeSideFiles(ProviderResult result) throws IOException, ProviderException {
            if (result.sideFiles().isEmpty()) {
                return List.of();
            }
            if (!result.wroteFile() && result.text() == null) {
                throw new ProviderException(ErrorKind.INTERNAL, "provider '" + provider.id()
                        + "' reported side files without a main output");
            }
            java.util.Set<String> suffixes = new java.util.HashSet<>();
            for (SideFile f : result.sideFiles()) {
                if (request == null || !f.equals(request.sideFile(f.suffix())) || !suffixes.add(f.suffix())) {
                    throw new ProviderException(ErrorKind.INTERNAL, "provider '" + provider.id() + "' reported a side"
                            + " file it did not get from ProviderRequest.sideFile (or twice): " + f.target());
                }
                if (!Files.exists(f.written())) {
                    throw new ProviderException(ErrorKind.INTERNAL, "provider '" + provider.id()
                            + "' reported the side file " + f.target() + " but wrote nothing");
                }
            }
            List<WrittenSideFile> placed = new java.util.ArrayList<>();
            for (SideFile f : result.sideFiles()) {
                boolean folder = f.folder();
                String sha = Hashing.sha256OfFileOrFolder(f.written());
                f.moveIntoPlace();
                if (costsMoney && !folder) {
                    AtomicFiles.sync(f.target());
                }
                placed.add(new WrittenSideFile(f.target(), new SideObject(f.suffix(), sha, folder)));
            }
            return List.copyOf(placed);
        }

        private @Nullable CacheInfo store(ProviderResult result, Lookup lookup, @Nullable Path output,
                @Nullable String sha, @Nullable BigDecimal actual, List<WrittenSideFile> sides) {
            CacheMode mode = x.request.cacheMode();
            if (!lookup.cached()) {
                return mode == CacheMode.OFF ? new CacheInfo(CacheInfo.Status.OFF, null, "--no-cache", null, false) : null;
            }
            boolean deterministic = provider.deterministic(t.capability(), t.spec().config());
            try {
                x.request.cache().store(lookup.key(), result.wroteFile() ? output : null, result.wroteFile() ? sha : null,
                        result.text(), extension(t.outputPath()), MetadataPaths.abstracted(result.metadata(), output,
                                sidePaths(sides)), actual, deterministic, provider.id(),
                        modelOf(), result.qualityScore(), result.requestIds(), sideObjects(sides));
                x.storedThisRun.add(lookup.key().hash());
            } catch (IOException | RuntimeException e) {
                // The step succeeded; a full disk in ACP_HOME only costs a future cache hit.
            } finally {
                releaseClaim();
            }
            return new CacheInfo(mode == CacheMode.REFRESH ? CacheInfo.Status.REFRESHED : CacheInfo.Status.MISS,
                    lookup.key().hash(), lookup.reason(), null, deterministic);
        }

        private static Map<SideObject, Path> sideObjects(List<WrittenSideFile> sides) {
            Map<SideObject, Path> m = new LinkedHashMap<>();
            sides.forEach(f -> m.put(f.content(), f.path()));
            return m;
        }

        private Path writeText(String text) throws IOException {
            tmp = tmp == null ? temporaryName(t.outputPath(), attempt) : tmp;
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            AtomicFiles.moveIntoPlace(tmp, t.outputPath());
            tmpDone = true;
            return t.outputPath();
        }

        /** {@code timed out after 0.2 s (timeout)}, naming the default when the step set none. */
        private String timedOut() {
            return "timed out after " + Execution.seconds(timeout) + (t.spec().timeout() != null ? " (timeout)"
                    : " (the default timeout of " + t.typeName() + " steps; set 'timeout:' on the step, or"
                            + " global_config.timeouts, to change it)");
        }

        /** The result of a step that stopped because it was asked to: timed out or cancelled. */
        StepResult stopped() {
            JobHandle running = job;
            // A job that succeeded is paid for: it is never cancelled, and a resume downloads it.
            boolean billedByTime = provider instanceof JobProvider jp && jp.cancelOnInterrupt();
            boolean keepJob = running != null && ((x.cancelled() && !billedByTime) || jobSucceeded);
            if (running != null && !keepJob && provider instanceof JobProvider jobs) {
                // A timeout or a lost first_success race: the job is not wanted any more. An
                // interrupted run leaves it running, so that a resume can collect what is paid for,
                // unless the provider bills by running time: then the job is cancelled at once.
                cancelQuietly(jobs, running);
            }
            if (running != null && jobSucceeded && !x.cancelled()) {
                String why = n.timedOut ? timedOut()
                        : n.groupTimedOut ? "the parallel group's timeout ended this step"
                        : n.cancelReason != null ? n.cancelReason : "stopped";
                return failed(new ErrorInfo(ErrorKind.TIMEOUT, why + " while downloading the result of job "
                        + running.id() + ", which succeeded; resume the run to collect it without paying again",
                        running.id())).withMetadata(JOB_IN_FLIGHT, running.id());
            }
            if (submitting != null && running == null && !x.cancelled()) {
                // A paid request was sent and its answer cut off: the provider may have billed it, so
                // it is an unknown outcome like a lost connection, never retried or fallen back from.
                String why = n.timedOut ? timedOut()
                        : n.groupTimedOut ? "the parallel group's timeout ended this step"
                        : n.cancelReason != null ? n.cancelReason : "stopped";
                return failed(ErrorInfo.of(ErrorKind.UNKNOWN_OUTCOME, why + " while " + provider.id() + " was answering"
                        + " a paid request, which may have been billed; it is not sent again (resume the run to look"
                        + " it up, or to send it again with --resend-unknown)")).withMetadata(SUBMISSION_UNANSWERED,
                                submitting);
            }
            if (n.timedOut) {
                return failed(ErrorInfo.of(ErrorKind.TIMEOUT, timedOut()));
            }
            if (n.groupTimedOut) {
                return failed(ErrorInfo.of(ErrorKind.TIMEOUT, "the parallel group's timeout ended this step"));
            }
            String reason = n.cancelReason != null ? n.cancelReason : "interrupted";
            StepResult result = failed(null).withStatus(StepStatus.CANCELLED, reason);
            if (running != null && x.cancelled() && keepJob) {
                // Still running and paid for: the journal must keep it in flight for the resume.
                result = result.withStatus(StepStatus.CANCELLED, reason + "; job " + running.id()
                        + " was left running at " + provider.id() + " and is collected when the run is resumed")
                        .withMetadata(JOB_IN_FLIGHT, running.id());
            } else if (running != null && x.cancelled()) {
                result = result.withStatus(StepStatus.CANCELLED, reason + "; job " + running.id() + " was cancelled at "
                        + provider.id() + ", which bills by running time; a resume submits the step again");
            } else if (submitting != null) {
                // The submission was sent and never answered: the provider may have the job.
                result = result.withMetadata(SUBMISSION_UNANSWERED, submitting);
            }
            return result;
        }

        private void cancelQuietly(JobProvider jobs, JobHandle handle) {
            Thread.interrupted();
            try {
                jobs.cancel(handle);
            } catch (InterruptedException | RuntimeException e) {
                // Best effort; the report still says the step was stopped.
            }
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
        private StepResult failedAfterProvider(ProviderResult r, ErrorInfo error, @Nullable Path recoverable) {
            Map<String, Object> metadata = new LinkedHashMap<>(r.metadata());
            metadata.put("provider_reason", t.providerReason());
            if (recoverable != null) {
                metadata.put("recoverable_output", recoverable.toString());
            }
            BigDecimal actual = provider.preview() ? BigDecimal.ZERO : r.actualCost();
            return new StepResult(t.id(), t.typeName(), t.groupId(), provider.id(), modelOf(), StepStatus.FAILED, null,
                    r.text(), metadata, error, null, startedAt, x.elapsed(startedAt), attempt,
                    provider.preview() ? BigDecimal.ZERO : null, actual, null, provider.preview(), r.qualityScore(),
                    r.requestIds());
        }

        /** A preview engine does not use the requested model; it stays in the metadata, not in "model". */
        private @Nullable String modelOf() {
            return provider.preview() ? null : t.model();
        }

        private void releaseClaim() {
            if (claim != null) {
                claim.close();
                claim = null;
            }
        }

        void cleanUp() {
            releaseClaim();
            if (!tmpDone) {
                deleteQuietly(tmp);
            }
            deleteUnplacedSideFiles();
            if (timer != null) {
                timer.cancel(false);
            }
            scratch.delete();
        }

        /**
         * Deletes side files that the step's attempts wrote but never placed (a failed or
         * cancelled attempt, an unused result); a placed one is no longer at its written name.
         */
        private void deleteUnplacedSideFiles() {
            for (Path p : sideFilesHandedOut) {
                try {
                    SideFile.deleteTree(p);
                } catch (IOException | RuntimeException e) {
                    // Hidden leftovers are clutter, never a final name.
                }
            }
        }

        /**
         * {@code .name.partial-<run>-<attempt>.ext} beside the final file: on the same file system,
         * so the rename is atomic, and unique per run and attempt.
         */
        private Path temporaryName(Path target, int attemptNumber) {
            String name = target.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String stem = dot <= 0 ? name : name.substring(0, dot);
            String ext = dot <= 0 ? "" : name.substring(dot);
            return target.resolveSibling("." + stem + ".partial-" + x.request.runId() + "-" + attemptNumber + ext);
        }

        /** The step context handed to providers. */
        private final class Context implements StepContext {
            @Override
            public Path scratchDirectory() {
                return scratch.get();
            }

            @Override
            public void progress(double fraction, String message) {
                x.listener.stepProgress(t, fraction, message);
            }

            @Override
            public String runId() {
                return x.request.runId();
            }

            @Override
            public void sideFileHandedOut(SideFile file) {
                sideFilesHandedOut.add(file.written());
            }

            @Override
            public void checkCancelled() throws InterruptedException {
                if (n.stopRequested() || Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("step cancelled");
                }
            }
        }
    }

    /**
     * A job that is (or may be) still at the provider and paid for, which this attempt stopped
     * following: its polls or its download failed. The step fails without submitting again.
     */
    private static final class JobLeftAtProvider extends Exception {
        private final JobHandle handle;

        JobLeftAtProvider(JobHandle handle, ProviderException cause) {
            super(cause.getMessage(), cause, false, false);
            this.handle = handle;
        }

        ProviderException cause() {
            return (ProviderException) getCause();
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

    static String extension(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
    }

    private static void deleteQuietly(@Nullable Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // The temporary name never becomes a final output; a leftover is only clutter.
            }
        }
    }

    static String oneLine(@Nullable String s) {
        if (s == null) {
            return "no message";
        }
        return s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
