package dev.acp.engine;

import dev.acp.Acp;
import dev.acp.cache.ArtifactCache;
import dev.acp.cache.CacheMode;
import dev.acp.cost.CostControl;
import dev.acp.cost.DailySpend;
import dev.acp.cost.Estimator;
import dev.acp.cost.PricingCatalog;
import dev.acp.cost.RunBudget;
import dev.acp.cost.SpendLedger;
import dev.acp.env.Environment;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedTask;
import dev.acp.plan.RunSettings;
import dev.acp.provider.CallRecovery;
import dev.acp.provider.JobHandle;
import dev.acp.provider.JobProvider;
import dev.acp.provider.JobStatus;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.SideFile;
import dev.acp.provider.StepContext;
import dev.acp.util.RetryPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link StepRun} of one planned task, without running the engine: a plan from
 * pipeline text, a registry of scripted fake providers, an {@link Execution} with a clock that
 * only moves when the injected sleeper sleeps, a recorder and a listener that note what they
 * are told, in order, in one list with what the fake providers were asked ({@link #events}).
 * Tests then drive one part ({@link JobDriver}, {@link PaidCall}, ...) directly.
 */
final class StepRunFixture {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    /** A clock that moves only when the sleeper sleeps or a test advances it. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final Path dir;
    final MutableClock clock = new MutableClock(T0);
    /** Every wait the parts asked the sleeper for, in order (the clock moved by each). */
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    /** What a sleep does besides moving the clock (a test may make it throw, as an interruption). */
    dev.acp.util.Sleeper onSleep = d -> {};
    /** Journal records and provider calls, in the order they happened. */
    final Events events;
    /** Progress messages the listener got. */
    final List<String> progress = new CopyOnWriteArrayList<>();
    private final ProviderRegistry registry;
    private final LocalEngine.Options options;
    private final ExecutionPlan plan;

    CostControl costs = CostControl.NONE;
    ResumeState resume = ResumeState.NONE;
    @Nullable ArtifactCache cache;
    CacheMode cacheMode = CacheMode.OFF;
    String runId = "run-1";
    Duration timeout = Duration.ofMinutes(10);

    StepRunFixture(Path dir, String yaml, Events events, ProviderFactory... providers) {
        this.dir = dir;
        this.events = events;
        Environment env = Environment.of(Map.of("ACP_HOME", dir.resolve("home").toString()));
        this.registry = ProviderRegistry.of(ProviderContext.of(env, dir.resolve("home"), clock), providers);
        this.options = new LocalEngine.Options(clock, d -> {
            sleeps.add(d);
            clock.advance(d);
            onSleep.sleep(d);
        }, new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(5)), new Random(7), env, Duration.ofSeconds(5),
                StepTimeouts.defaults());
        Acp acp = Acp.create(env, registry, options);
        try {
            Path file = Files.createDirectories(dir).resolve("pipeline.yaml");
            Files.writeString(file, yaml);
            this.plan = acp.plan(file, RunSettings.run(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A pipeline of one text_to_image step {@code hero} on {@code provider}, with {@code extra} lines. */
    static String oneStep(String provider, String config, String extra) {
        return """
                pipeline_name: parts
                output_directory: out
                steps:
                  - id: hero
                    step_type: text_to_image
                    provider: %s
                    config: { prompt: a castle%s }
                """.formatted(provider, config.isEmpty() ? "" : ", " + config) + extra;
    }

    /** Cost control with a ledger of {@code limit} (null: none) and the prices of {@code pricingYaml}. */
    static RunBudget budget(@Nullable String limit, String pricingYaml, SpendLedger[] ledgerOut) {
        SpendLedger ledger = new SpendLedger(limit == null ? null : new BigDecimal(limit), Map.of(), DailySpend.NONE);
        ledgerOut[0] = ledger;
        return new RunBudget(new Estimator(PricingCatalog.parse(pricingYaml, "test-pricing.yaml")), ledger, false);
    }

    PlannedTask task(String id) {
        return plan.tasks().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    Provider provider(String id) {
        return registry.provider(id);
    }

    /** A new execution of the plan (one session of the run) and the state of task {@code hero} in it. */
    StepRun stepRun() {
        return stepRun("hero");
    }

    StepRun stepRun(String id) {
        RunRequest request = new RunRequest(plan, runId, new Listener(), new RunControl(), new Recorder(), cache,
                cacheMode, cache == null ? null : "parts", resume, costs);
        Execution x = new Execution(options, registry, request);
        PlannedTask t = task(id);
        try {
            Files.createDirectories(t.outputPath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new StepRun(x, x.node(id), t, registry.provider(t.providerId()), timeout);
    }

    /** The attempt's request as the task runner makes it: rendered parameters, a fresh temporary name. */
    static ProviderRequest request(StepRun s, OutputPlacer out) {
        Map<String, Object> params;
        try {
            params = s.x.renderer.render(s.t);
        } catch (dev.acp.template.TemplateSyntaxException e) {
            throw new IllegalStateException(e);
        }
        ProviderRequest request = new ProviderRequest(s.t.id(), s.t.capability(), s.t.model(), params,
                out.newTemporary(), s.t.outputPath(), new StepContext() {
                    @Override
                    public Path scratchDirectory() {
                        return out.scratchDirectory();
                    }

                    @Override
                    public void progress(double fraction, String message) {}

                    @Override
                    public void sideFileHandedOut(SideFile file) {
                        out.sideFileHandedOut(file);
                    }
                });
        s.request = request;
        return request;
    }

    void note(String event) {
        events.note(event);
    }

    static String money(BigDecimal amount) {
        return amount.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    /** Notes what the engine journals, in the order it does. */
    private final class Recorder implements RunRecorder {
        @Override
        public void jobSubmitting(PlannedTask task, int attempt, String idempotencyKey) {
            note("jobSubmitting " + idempotencyKey);
        }

        @Override
        public void jobSubmitted(PlannedTask task, int attempt, String idempotencyKey, JobHandle handle) {
            note("jobSubmitted " + idempotencyKey + " " + handle.id());
        }

        @Override
        public void callSending(PlannedTask task, int attempt, String key, String provider) {
            note("callSending " + key + " " + provider);
        }

        @Override
        public void callAnswered(PlannedTask task, int attempt, String key) {
            note("callAnswered " + key);
        }

        @Override
        public void outputWritten(PlannedTask task, Path path, String sha256, long size, @Nullable String fingerprint,
                @Nullable Settlement cost, boolean force, List<WrittenSideFile> sideFiles) {
            note("outputWritten " + path.getFileName() + (cost == null ? "" : " " + money(cost.amount()) + " "
                    + cost.source()));
        }

        @Override
        public void costSettled(PlannedTask task, Settlement cost, boolean force) {
            note("costSettled " + task.providerId() + " " + money(cost.amount()) + " " + cost.source());
        }

        @Override
        public void fallbackSwitched(PlannedTask task, int attempt, FallbackSwitch change) {
            note("fallbackSwitched attempt " + attempt + " to " + change.provider());
        }
    }

    private final class Listener implements RunListener {
        @Override
        public void stepProgress(PlannedTask task, double fraction, String message) {
            progress.add(message);
        }
    }

    // ---- fake providers ------------------------------------------------------------------------

    /** A step of a script that may fail like a provider. */
    @FunctionalInterface
    interface Answer<A, R> {
        R apply(A argument) throws ProviderException;
    }

    /**
     * A job provider whose submit, poll and fetch are lambdas a test sets; every call is noted in
     * {@link #events} before it is answered. By default a submission is accepted as job-1, job-2..., a
     * poll says it succeeded, and a download writes {@code bytes} into the output file.
     */
    static final class ScriptedJobs implements JobProvider, ProviderFactory {
        private final String id;
        private final boolean idempotent;
        private final Events events;
        private final AtomicInteger jobs = new AtomicInteger();
        Answer<String, JobHandle> submit;
        Answer<JobHandle, JobStatus> poll = h -> new JobStatus.Succeeded();
        Answer<ProviderRequest, ProviderResult> fetch = request -> {
            write(request.outputFile(), "bytes");
            return ProviderResult.file(Map.of());
        };
        Answer<JobHandle, Boolean> cancel = h -> true;

        ScriptedJobs(Events events, String id, boolean idempotent) {
            this.events = events;
            this.id = id;
            this.idempotent = idempotent;
            this.submit = key -> JobHandle.of(id, "job-" + jobs.incrementAndGet());
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
        public JobHandle submit(ProviderRequest request, String idempotencyKey) throws ProviderException {
            events.note("submit " + idempotencyKey);
            return submit.apply(idempotencyKey);
        }

        @Override
        public JobStatus poll(JobHandle handle) throws ProviderException {
            events.note("poll " + handle.id());
            return poll.apply(handle);
        }

        @Override
        public ProviderResult fetch(JobHandle handle, ProviderRequest request) throws ProviderException {
            events.note("fetch " + handle.id());
            return fetch.apply(request);
        }

        @Override
        public void cancel(JobHandle handle) throws ProviderException {
            events.note("cancel " + handle.id());
            cancel.apply(handle);
        }
    }

    /**
     * A synchronous provider whose call and lookup of a lost answer are lambdas; every call is
     * noted. By default a call writes {@code bytes} and succeeds, and a lost answer is unknown.
     */
    static final class ScriptedCalls implements Provider, ProviderFactory {
        private final String id;
        private final boolean paid;
        private final Events events;
        Answer<ProviderRequest, ProviderResult> execute = request -> {
            write(request.outputFile(), "bytes");
            return ProviderResult.file(Map.of());
        };
        Answer<Instant, CallRecovery> recover = sentAt -> new CallRecovery.Unknown("no history");

        ScriptedCalls(Events events, String id, boolean paid) {
            this.events = events;
            this.id = id;
            this.paid = paid;
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
        public boolean costsMoney() {
            return paid;
        }

        @Override
        public Provider create(ProviderContext context) {
            return this;
        }

        @Override
        public ProviderResult execute(ProviderRequest request) throws ProviderException {
            events.note("execute " + request.stepId());
            return execute.apply(request);
        }

        @Override
        public CallRecovery recoverCall(ProviderRequest request, Instant sentAt) throws ProviderException {
            events.note("recoverCall " + sentAt);
            return recover.apply(sentAt);
        }
    }

    /**
     * Journal records and provider calls, in the order they happened: shared by the fixture's
     * recorder and the fake providers (made before the fixture, whose registry needs them).
     */
    static final class Events {
        private final List<String> all = new CopyOnWriteArrayList<>();
        /** Told of every event as it is noted, so that a test can look at the step's state at that moment. */
        final List<Consumer<String>> observers = new CopyOnWriteArrayList<>();

        void note(String event) {
            all.add(event);
            observers.forEach(o -> o.accept(event));
        }

        List<String> list() {
            return List.copyOf(all);
        }

        /** The events that start with {@code prefix}. */
        List<String> of(String prefix) {
            return all.stream().filter(e -> e.startsWith(prefix)).toList();
        }

        void clear() {
            all.clear();
        }
    }

    static void write(Path file, String content) throws ProviderException {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "cannot write " + file, e);
        }
    }

    /** What {@code call} threw, which must be a {@code type}: a clear failure when it threw nothing or else. */
    static <T extends Throwable> T thrown(Class<T> type, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
        org.assertj.core.api.Assertions.assertThat(t).as("expected a " + type.getSimpleName()).isInstanceOf(type);
        return type.cast(t);
    }

    static ProviderException error(ErrorKind kind, String message) {
        return new ProviderException(kind, message);
    }
}
