package dev.acp.provider;

import dev.acp.pipeline.Capability;
import dev.acp.error.ProviderException;
import java.time.Duration;

/**
 * A provider whose work is a long-running job (fal queue, Replicate predictions, Veo operations,
 * Runware async tasks): submit, then poll, then fetch. The engine drives these calls itself and
 * journals the {@link JobHandle} before it waits, so that after a crash the job is re-attached
 * by its handle and never submitted again.
 */
public interface JobProvider extends Provider {

    /**
     * Whether two submissions with the same idempotency key create one job (and one charge), for
     * example because the key is the provider's client-chosen task id. Only then may the engine
     * submit again after a crash that happened between sending a submission and recording its
     * handle; otherwise such a step is reported as "outcome unknown" and left to the user.
     */
    boolean idempotentSubmit();

    /**
     * {@link #idempotentSubmit()} for one request, for providers where it depends on how the job
     * is asked for (Runware: an async task can be found again by its id, a sync one need not be).
     * The engine asks this one.
     */
    default boolean idempotentSubmit(ProviderRequest request) {
        return idempotentSubmit();
    }

    /**
     * Whether steps of {@code capability} run as jobs (submit, poll, fetch). A provider that
     * answers some capabilities in one call (Gemini's text next to Veo's video operations) says
     * false for those, and the engine calls {@link #execute} for them instead.
     */
    default boolean runsAsJob(Capability capability) {
        return true;
    }

    /**
     * Whether an interrupted run (Ctrl-C) cancels this provider's running jobs instead of leaving
     * them to be collected by a resume. True for providers that bill a job by its running time
     * (Replicate): there, every minute a forgotten job keeps running is paid for, and a resume
     * simply submits again. False (the default) for providers that bill per result, where the
     * job is best left to finish and collected without paying twice.
     */
    default boolean cancelOnInterrupt() {
        return false;
    }

    /**
     * Submits the job.
     *
     * @param idempotencyKey stable across retries and resumes of the same step attempt
     * @throws ProviderException with a retryable kind only when the provider certainly did not
     *     accept the job (or submission is idempotent)
     */
    JobHandle submit(ProviderRequest request, String idempotencyKey) throws ProviderException, InterruptedException;

    /** Looks at the job once. Transient failures of the poll itself are thrown, not returned. */
    JobStatus poll(JobHandle handle) throws ProviderException, InterruptedException;

    /** Downloads the finished job's result into {@link ProviderRequest#outputFile()} (or returns text). */
    ProviderResult fetch(JobHandle handle, ProviderRequest request) throws ProviderException, InterruptedException;

    /** Asks the provider to stop the job; best effort (a provider may still bill for it). */
    void cancel(JobHandle handle) throws ProviderException, InterruptedException;

    /**
     * Runs a job to completion without the engine (submit, poll every second or as the provider
     * asks, fetch), for library users calling a provider directly. The engine never uses this.
     */
    @Override
    default ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException {
        JobHandle handle = submit(request, java.util.UUID.randomUUID().toString());
        while (true) {
            switch (poll(handle)) {
                case JobStatus.Succeeded s -> {
                    return fetch(handle, request);
                }
                case JobStatus.Failed f -> throw new ProviderException(f.kind(), f.message(), null, handle.id(), null);
                case JobStatus.Pending p -> {
                    request.context().progress(p.progress(), p.message());
                    Thread.sleep(p.pollAfter() == null ? Duration.ofSeconds(1) : p.pollAfter());
                }
            }
        }
    }

}
