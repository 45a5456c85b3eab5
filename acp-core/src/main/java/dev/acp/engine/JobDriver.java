package dev.acp.engine;

import dev.acp.engine.ResumeState.Attached;
import dev.acp.engine.ResumeState.Submitting;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.JobHandle;
import dev.acp.provider.JobProvider;
import dev.acp.provider.JobStatus;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One task's long-running jobs: submit (journaled before it is sent and after it is answered),
 * re-attach to a job an earlier session left, poll, download, and cancel a job nobody wants any
 * more. Once a job is submitted, this attempt never submits again: only the provider's own word
 * that the job failed lets a retry submit anew.
 */
final class JobDriver {
    /** Consecutive failed polls of one job before the step gives up on it. */
    private static final int MAX_POLL_FAILURES = 10;
    /** Attempts at downloading a finished job's result; a download never submits again. */
    private static final int MAX_FETCH_ATTEMPTS = 5;

    private final StepRun s;
    private final BudgetTicket money;
    /** The job in flight, so that a timeout or a lost race can cancel it at the provider. */
    private volatile @Nullable JobHandle job;
    /** Whether the provider said the job in flight succeeded: it is paid for, never cancelled. */
    private volatile boolean jobSucceeded;
    /** The job whose result is being kept, for the cost record. */
    private @Nullable String paidJob;

    JobDriver(StepRun s, BudgetTicket money) {
        this.s = s;
        this.money = money;
    }

    /** The job in flight, or null. */
    @Nullable JobHandle running() {
        return job;
    }

    /** Whether the job in flight succeeded (its result is paid for and being downloaded). */
    boolean succeeded() {
        return jobSucceeded;
    }

    /** The job whose result the step keeps, or null when it was not a job. */
    @Nullable String paidJob() {
        return paidJob;
    }

    ProviderResult run(JobProvider jobs, ProviderRequest request)
            throws ProviderException, JobLeftAtProvider, InterruptedException {
        // The provider's limit of jobs in flight holds across every step and group of the process.
        try (var slot = s.x.registry.context().governors().of(s.provider.id()).job()) {
            return runInSlot(jobs, request);
        }
    }

    private ProviderResult runInSlot(JobProvider jobs, ProviderRequest request)
            throws ProviderException, JobLeftAtProvider, InterruptedException {
        JobHandle handle;
        boolean reattached = s.prior instanceof Attached at && at.attempt() == s.attempt;
        if (s.prior instanceof Attached at && at.attempt() == s.attempt) {
            handle = at.handle();
            s.x.listener.stepProgress(s.t, -1, "re-attached to job " + handle.id());
        } else {
            String key = s.requestKey();
            if (s.prior instanceof Submitting lost && lost.attempt() == s.attempt) {
                key = lostSubmission(jobs, request, lost, key);
            }
            handle = submit(jobs, request, key);
        }
        s.prior = null;
        job = handle;
        jobSucceeded = false;
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

    /**
     * The key to submit with after an earlier session sent a submission and lost its answer: the
     * old key when the provider finds the job by it (nothing is paid twice), a new one when asked
     * to send it again ({@code --resend-unknown}); throws the unknown outcome otherwise.
     */
    private String lostSubmission(JobProvider jobs, ProviderRequest request, Submitting lost, String newKey)
            throws ProviderException {
        if (jobs.idempotentSubmit(request)) {
            return lost.idempotencyKey();
        }
        if (s.x.request.resume().resendUnknown()) {
            s.prior = null;
            money.chargePossibleDuplicate(request.parameters(), "a submission whose answer was lost");
            return newKey;
        }
        s.submitting = lost.idempotencyKey(); // stays unknown on later resumes too, until a new run
        String p = s.provider.id();
        throw new ProviderException(ErrorKind.UNKNOWN_OUTCOME, "the run stopped while this step's job was being"
                + " submitted; " + p + " may have accepted and billed it, and it cannot be found again. Check " + p
                + "'s dashboard, then resume with --resend-unknown to submit it again (a possible second charge,"
                + " counted against the limits), or run the pipeline again without --resume");
    }

    /**
     * Submits, retrying refusals (rate limits, overload) that the provider says were not accepted.
     * Each submission is journaled before it is sent and its answer after: the handle, or that
     * the provider answered with a failure (no job exists), so that only a submission whose
     * answer never came is an unknown outcome, also while waiting to send it again.
     */
    private JobHandle submit(JobProvider jobs, ProviderRequest request, String key)
            throws ProviderException, InterruptedException {
        for (int tries = 1; ; tries++) {
            s.x.request.recorder().jobSubmitting(s.t, s.attempt, key);
            s.submitting = key;
            try {
                JobHandle handle = jobs.submit(request, key);
                s.x.request.recorder().jobSubmitted(s.t, s.attempt, key, handle);
                s.submitting = null;
                return handle;
            } catch (ProviderException e) {
                if (e.kind() != ErrorKind.UNKNOWN_OUTCOME) {
                    s.x.request.recorder().callAnswered(s.t, s.attempt, key);
                    s.submitting = null;
                }
                if (!e.retryable() || tries > s.refusalRetries()
                        || s.n.stopRequested()) {
                    throw e;
                }
                Duration delay = s.x.options.retryPolicy().delay(tries, e.retryAfter(), s.x.options.random());
                if (s.waitPassesDeadline(delay)) {
                    throw e;
                }
                s.x.listener.stepRetrying(s.t, s.attempt, delay, new ErrorInfo(e.kind(), StepRun.oneLine(
                        e.getMessage()), null));
                s.x.options.sleeper().sleep(delay);
            }
        }
    }

    /**
     * Polls until the job ends. A job the provider says failed is thrown as a ProviderException
     * (a retry may submit anew); polls that keep failing leave the job where it is. Polls aim at
     * the end jobs of the same kind took in this session ({@link PollSchedule}); a job behind
     * others in the provider's queue has not started, so its running time starts when it is seen
     * there last.
     */
    private void waitFor(JobProvider jobs, JobHandle handle, boolean reattached)
            throws ProviderException, JobLeftAtProvider, InterruptedException {
        int failures = 0;
        String kind = s.provider.id() + " " + s.t.capability() + " " + s.t.model();
        Instant since = s.x.options.clock().instant();
        @Nullable Instant lastRunning = null;
        Duration backoff = Duration.ofMillis(200);
        if (!reattached) {
            // A job just submitted is not done yet: the first question waits a little.
            s.x.options.sleeper().sleep(pollWait(Duration.ZERO, kind));
        }
        while (true) {
            JobStatus status;
            try {
                status = jobs.poll(handle);
                failures = 0;
            } catch (ProviderException e) {
                if (!e.retryable() || ++failures >= MAX_POLL_FAILURES) {
                    String what = e.kind() == ErrorKind.NOT_FOUND
                            ? s.provider.id() + " no longer knows job " + handle.id() + " (" + StepRun.oneLine(
                                    e.getMessage()) + "); if it is gone for good, run the pipeline again without"
                                    + " --resume to submit it anew"
                            : "polling job " + handle.id() + " failed: " + StepRun.oneLine(e.getMessage());
                    throw new JobLeftAtProvider(handle, new ProviderException(e.kind(), what, null, handle.id(), e));
                }
                s.x.options.sleeper().sleep(e.retryAfter().orElse(backoff));
                backoff = grow(backoff);
                continue;
            }
            Instant now = s.x.options.clock().instant();
            switch (status) {
                case JobStatus.Succeeded done -> {
                    if (!reattached) {
                        // A job an earlier session started ran for an unknown time: nothing to learn.
                        s.x.jobDurations.finished(kind, lastRunning == null ? Duration.ZERO
                                : Duration.between(since, lastRunning), lastRunning != null, Duration.between(since, now));
                    }
                    return;
                }
                case JobStatus.Failed f -> throw new ProviderException(f.kind(), "job " + handle.id() + " failed: "
                        + f.message(), null, handle.id(), null);
                case JobStatus.Pending p -> {
                    s.x.listener.stepProgress(s.t, p.progress(), p.message());
                    Duration wait;
                    if (p.queuePosition() > 0) {
                        // Behind others: it has not started, so its running time has not either.
                        wait = PollSchedule.DEFAULT.next(Duration.between(since, now), null, s.x.options.random());
                        since = now;
                        lastRunning = null;
                    } else {
                        lastRunning = now;
                        wait = pollWait(Duration.between(since, now), kind);
                    }
                    s.x.options.sleeper().sleep(p.pollAfter() != null ? p.pollAfter() : wait);
                }
            }
        }
    }

    /** The wait before the next poll of a job of {@code kind} that has been running for {@code running}. */
    private Duration pollWait(Duration running, String kind) {
        return PollSchedule.DEFAULT.next(running, s.x.jobDurations.expected(kind).orElse(null), s.x.options.random());
    }

    private ProviderResult fetch(JobProvider jobs, JobHandle handle, ProviderRequest request)
            throws ProviderException, JobLeftAtProvider, InterruptedException {
        for (int tries = 1; ; tries++) {
            try {
                return jobs.fetch(handle, request);
            } catch (ProviderException e) {
                deleteQuietly(request);
                if (e.kind() == ErrorKind.CONTENT_POLICY || e.kind() == ErrorKind.VALIDATION) {
                    // The result itself is unusable (flagged, empty, too large): downloading it
                    // again cannot help, so the job is over like one the provider failed.
                    job = null;
                    throw e;
                }
                if (!e.retryable() || tries >= MAX_FETCH_ATTEMPTS || s.n.stopRequested()) {
                    // The job is done and paid for: a failed download must not lead to a new submission.
                    throw new JobLeftAtProvider(handle, new ProviderException(e.kind(), "the result of job "
                            + handle.id() + " could not be downloaded: " + StepRun.oneLine(e.getMessage()), null,
                            handle.id(), e));
                }
                s.x.options.sleeper().sleep(s.x.options.retryPolicy().delay(tries, e.retryAfter(),
                        s.x.options.random()));
            }
        }
    }

    /** Cancels a job nobody wants any more, best effort (the report still says the step stopped). */
    void cancelQuietly(JobProvider jobs, JobHandle handle) {
        Thread.interrupted();
        try {
            jobs.cancel(handle);
        } catch (InterruptedException | RuntimeException e) {
            // Best effort; the report still says the step was stopped.
        }
    }

    private static void deleteQuietly(ProviderRequest request) {
        try {
            Files.deleteIfExists(request.outputFile());
        } catch (java.io.IOException ignored) {
            // A partial download under the temporary name is cleaned up when the step ends.
        }
    }

    private static Duration grow(Duration d) {
        return Duration.ofMillis(Math.min(5_000, Math.round(d.toMillis() * 1.5)));
    }

    /**
     * A job that is (or may be) still at the provider and paid for, which this attempt stopped
     * following: its polls or its download failed. The step fails without submitting again.
     */
    static final class JobLeftAtProvider extends Exception {
        private final JobHandle handle;

        JobLeftAtProvider(JobHandle handle, ProviderException cause) {
            super(cause.getMessage(), cause, false, false);
            this.handle = handle;
        }

        JobHandle handle() {
            return handle;
        }

        ProviderException cause() {
            return (ProviderException) getCause();
        }
    }
}
