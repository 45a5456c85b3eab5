package dev.acp.testing;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.JobHandle;
import dev.acp.provider.JobProvider;
import dev.acp.provider.JobStatus;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory job provider that keeps its own books like a real one: jobs by idempotency key,
 * submissions, charges and cancellations, so tests can check "submitted once, billed once".
 * Parameters steer it: {@code polls} (polls until done, default 1), {@code hang_submit: true}
 * (the job is accepted, then the answer never comes; from the step's {@code hang_submit_from}-th
 * submission on, default 1), {@code hang_poll: true} (the first poll of the step's first job), {@code hang_fetch: true} (the first download of each job hangs),
 * {@code poll_failures: n} (the first n polls of each job fail as transient),
 * {@code fetch_failures: n} with {@code fetch_failure_kind} (the first n downloads fail),
 * {@code failed_jobs: n} (the step's first n jobs end as failed, not billed).
 */
public final class FakeJobs implements JobProvider, ProviderFactory {
    /** One accepted job. */
    public record Job(String id, String key, String step, Map<String, Object> parameters, AtomicInteger polls) {}

    private final String id;
    private final boolean idempotent;
    private final Map<String, Job> byKey = new ConcurrentHashMap<>();
    private final Map<String, Job> byId = new ConcurrentHashMap<>();
    public final List<Job> submissions = new CopyOnWriteArrayList<>();
    public final List<String> duplicateSubmissions = new CopyOnWriteArrayList<>();
    public final List<String> cancellations = new CopyOnWriteArrayList<>();
    public final List<String> fetches = new CopyOnWriteArrayList<>();
    /** Jobs that ended as failed: a real provider does not bill them. */
    public final Set<String> failedJobs = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> fetchAttempts = new ConcurrentHashMap<>();
    private final AtomicInteger counter = new AtomicInteger();
    /** Counted down when a job hangs, so a test knows when to interrupt the run. */
    public volatile CountDownLatch hanging = new CountDownLatch(1);

    /** Plays a provider that bills by running time (Replicate), which an interrupted run cancels. */
    public volatile boolean billedByTime;

    public FakeJobs(String id, boolean idempotent) {
        this.id = id;
        this.idempotent = idempotent;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }

    @Override
    public Provider create(ProviderContext context) {
        return this;
    }

    @Override
    public boolean idempotentSubmit() {
        return idempotent;
    }

    @Override
    public boolean cancelOnInterrupt() {
        return billedByTime;
    }

    @Override
    public boolean deterministic(Capability capability, Map<String, Object> parameters) {
        return true;
    }

    @Override
    public JobHandle submit(ProviderRequest request, String key) throws ProviderException, InterruptedException {
        Job existing = idempotent ? byKey.get(key) : null;
        Job job;
        if (existing != null) {
            duplicateSubmissions.add(key);
            job = existing;
        } else {
            job = new Job("job-" + counter.incrementAndGet(), key, request.stepId(), new TreeMap<>(request.parameters()),
                    new AtomicInteger());
            byKey.put(key, job);
            byId.put(job.id(), job);
            submissions.add(job);
        }
        int from = request.parameters().get("hang_submit_from") instanceof Number n ? n.intValue() : 1;
        if (Boolean.TRUE.equals(request.parameters().get("hang_submit")) && existing == null
                && submissionsOf(request.stepId()) >= from) {
            // Accepted (and billed), but the answer is lost: the client dies before reading it.
            hanging.countDown();
            new CountDownLatch(1).await();
        }
        return JobHandle.of(id, job.id());
    }

    @Override
    public JobStatus poll(JobHandle handle) throws ProviderException, InterruptedException {
        Job job = byId.get(handle.id());
        if (job == null) {
            throw new ProviderException(ErrorKind.NOT_FOUND, "no job " + handle.id());
        }
        if (Boolean.TRUE.equals(job.parameters().get("hang_poll")) && job.polls().get() == 0
                && submissions.stream().filter(j -> j.step().equals(job.step())).findFirst().orElse(job) == job) {
            job.polls().incrementAndGet();
            hanging.countDown();
            new CountDownLatch(1).await();
        }
        int pollFailures = intParam(job, "poll_failures");
        if (job.polls().get() < pollFailures) {
            job.polls().incrementAndGet();
            throw new ProviderException(ErrorKind.TRANSIENT, "503 from the status endpoint");
        }
        int ordinal = submissions.stream().filter(j -> j.step().equals(job.step())).toList().indexOf(job) + 1;
        if (ordinal <= intParam(job, "failed_jobs")) {
            failedJobs.add(job.id());
            return new JobStatus.Failed(ErrorKind.TRANSIENT, "worker crashed");
        }
        int needed = job.parameters().get("polls") instanceof Number n ? n.intValue() + pollFailures : 1 + pollFailures;
        return job.polls().incrementAndGet() >= needed ? new JobStatus.Succeeded()
                : new JobStatus.Pending(-1, "running", Duration.ZERO);
    }

    @Override
    public ProviderResult fetch(JobHandle handle, ProviderRequest request)
            throws ProviderException, InterruptedException {
        Job job = byId.get(handle.id());
        fetches.add(handle.id());
        if (Boolean.TRUE.equals(job.parameters().get("hang_fetch"))
                && fetches.stream().filter(handle.id()::equals).count() == 1) {
            hanging.countDown();
            new CountDownLatch(1).await();
        }
        if (fetchAttempts.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet()
                <= intParam(job, "fetch_failures")) {
            throw new ProviderException(ErrorKind.valueOf(String.valueOf(
                    job.parameters().getOrDefault("fetch_failure_kind", "TRANSIENT"))), "the result is not available");
        }
        BigDecimal cost = new BigDecimal(String.valueOf(job.parameters().getOrDefault("cost", "0.01")));
        if (request.capability().producesText()) {
            return ProviderResult.text("result of " + job.parameters().get("prompt"), Map.of()).withActualCost(cost);
        }
        try {
            String input = job.parameters().get("image") instanceof String image
                    ? " from [" + Files.readString(java.nio.file.Path.of(image)) + "]" : "";
            Files.writeString(request.outputFile(), "bytes of " + job.parameters().get("prompt") + input);
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "cannot write", e);
        }
        return ProviderResult.file(Map.of()).withActualCost(cost);
    }

    @Override
    public void cancel(JobHandle handle) {
        cancellations.add(handle.id());
    }

    private static int intParam(Job job, String name) {
        return job.parameters().get(name) instanceof Number n ? n.intValue() : 0;
    }

    /** What the provider billed: one charge per accepted job that did not fail. */
    public BigDecimal billed() {
        return submissions.stream().filter(j -> !failedJobs.contains(j.id()))
                .map(j -> new BigDecimal(String.valueOf(j.parameters().getOrDefault("cost", "0.01"))))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public long submissionsOf(String step) {
        return submissions.stream().filter(j -> j.step().equals(step)).count();
    }
}
