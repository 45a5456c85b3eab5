package dev.acp.engine;

import dev.acp.util.AtomicFiles;
import dev.acp.env.Environment;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.MergeStrategy;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedGroup;
import dev.acp.plan.PlannedStep;
import dev.acp.plan.PlannedTask;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderRegistry;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.StepContext;
import dev.acp.template.TemplateSyntaxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Runs an {@link ExecutionPlan} in this process. Each step runs on its own virtual thread as
 * soon as everything it depends on has succeeded; a parallel group admits at most
 * {@code maxWorkers} members at a time, in file order. Failure is branch-local: a failed step
 * skips only its dependents. Step timeouts interrupt the step's thread; retryable failures are
 * retried with backoff within the step's deadline. Outputs are written to a temporary name and
 * renamed into place only when the step succeeds, so a final name never holds a partial file.
 */
public final class LocalEngine {

    /**
     * The outside world the engine uses, injectable for tests.
     *
     * @param cancelGrace how long an interrupted run waits for running steps to stop
     */
    public record Options(
            Clock clock,
            Sleeper sleeper,
            RetryPolicy retryPolicy,
            RandomGenerator random,
            Environment environment,
            Duration cancelGrace) {
        public Options {
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(sleeper, "sleeper");
            Objects.requireNonNull(retryPolicy, "retryPolicy");
            Objects.requireNonNull(random, "random");
            Objects.requireNonNull(environment, "environment");
            Objects.requireNonNull(cancelGrace, "cancelGrace");
        }

        public static Options defaults(Environment environment) {
            return new Options(Clock.systemUTC(), Sleeper.SYSTEM, RetryPolicy.DEFAULT,
                    RandomGenerator.getDefault(), environment, Duration.ofSeconds(10));
        }

        public Options withSleeper(Sleeper value) {
            return new Options(clock, value, retryPolicy, random, environment, cancelGrace);
        }

        public Options withRetryPolicy(RetryPolicy value) {
            return new Options(clock, sleeper, value, random, environment, cancelGrace);
        }

        public Options withCancelGrace(Duration value) {
            return new Options(clock, sleeper, retryPolicy, random, environment, value);
        }
    }

    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final ProviderRegistry registry;
    private final Options options;

    public LocalEngine(ProviderRegistry registry, Options options) {
        this.registry = registry;
        this.options = options;
    }

    /** Runs the plan to the end (or until {@code control} cancels it) and returns what happened. */
    public RunResult run(ExecutionPlan plan, RunListener listener, RunControl control) {
        return new Execution(plan, listener, control).run();
    }

    /** A new run id: UTC time plus random hex, sortable and unique enough to name folders. */
    public String newRunId() {
        byte[] b = new byte[3];
        options.random().nextBytes(b);
        return RUN_ID_TIME.format(options.clock().instant()) + "-" + HexFormat.of().formatHex(b);
    }

    /** One run of one plan. */
    private final class Execution {
        private final ExecutionPlan plan;
        private final RunListener listener;
        private final RunControl control;
        private final String runId;
        private final Map<String, Node> nodes = new LinkedHashMap<>();
        private final Map<String, StepResult> results = new ConcurrentHashMap<>();
        private final CountDownLatch unsettled;
        private final ConfigRenderer renderer;
        private @Nullable ScheduledExecutorService timers;

        /** The run's timer thread, created on first use: most runs need no timer at all. */
        private synchronized ScheduledExecutorService timers() {
            if (timers == null) {
                timers = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "acp-timers");
                    t.setDaemon(true);
                    return t;
                });
            }
            return timers;
        }

        Execution(ExecutionPlan plan, RunListener listener, RunControl control) {
            this.plan = plan;
            this.listener = listener == RunListener.NONE ? listener : new GuardedListener(listener);
            this.control = control;
            this.runId = newRunId();
            int index = 0;
            for (PlannedStep s : plan.steps()) {
                nodes.put(s.id(), new Node(s, index++));
            }
            for (Node n : nodes.values()) {
                for (String d : n.step.dependencies()) {
                    nodes.get(d).dependents.add(n);
                }
                n.pending.set(n.step.dependencies().size());
                if (n.step instanceof PlannedGroup g) {
                    n.group = new GroupRun(n, g);
                }
            }
            for (Node n : nodes.values()) {
                if (n.step instanceof PlannedTask t && t.groupId() != null) {
                    n.group = nodes.get(t.groupId()).group;
                }
            }
            this.unsettled = new CountDownLatch(nodes.size());
            this.renderer = new ConfigRenderer(plan.inputs(), options.environment(), plan.spec().baseDirectory(),
                    results::get);
        }

        RunResult run() {
            Instant started = options.clock().instant();
            try {
                // Every folder an output goes to is made once here, not once per step.
                java.util.Set<Path> folders = new java.util.LinkedHashSet<>();
                folders.add(plan.outputDirectory());
                plan.tasks().forEach(t -> folders.add(t.outputPath().getParent()));
                for (Path f : folders) {
                    Files.createDirectories(f);
                }
            } catch (IOException e) {
                throw new dev.acp.error.UsageException("cannot create the output folder: " + e.getMessage()
                        + " (check the path of output_directory or --output-dir and its permissions)", e);
            }
            listener.runStarted(plan, runId);
            control.onCancel(this::cancelAll);
            for (Node n : nodes.values()) {
                if (n.pending.get() == 0) {
                    start(n);
                }
            }
            awaitAll();
            synchronized (this) {
                if (timers != null) {
                    timers.shutdownNow();
                }
            }
            RunResult result = assemble(started);
            listener.runFinished(result);
            return result;
        }

        private void awaitAll() {
            try {
                if (!control.isCancelled()) {
                    // Wake up periodically only to notice a cancellation that raced with the wait.
                    while (!unsettled.await(200, TimeUnit.MILLISECONDS)) {
                        if (control.isCancelled()) {
                            break;
                        }
                    }
                }
                if (control.isCancelled() && !unsettled.await(options.cancelGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                    giveUpOnRunningSteps();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                control.cancel();
            }
        }

        /**
         * After an interruption, steps that ignored it past the grace period are abandoned: they are
         * reported as cancelled and anything they still produce is discarded, so the report never
         * contradicts the files. A step already putting a finished output in place gets a moment more.
         */
        private void giveUpOnRunningSteps() throws InterruptedException {
            for (Node n : nodes.values()) {
                if (!n.settled.get() && n.step instanceof PlannedTask && n.abandon()) {
                    settle(n, notRun(n, StepStatus.CANCELLED, "did not stop within "
                            + options.cancelGrace().toSeconds() + " s of the interruption; anything it produces"
                            + " later is discarded"));
                }
            }
            if (!unsettled.await(5, TimeUnit.SECONDS)) {
                for (Node n : nodes.values()) {
                    settle(n, notRun(n, StepStatus.CANCELLED, "outcome unknown: the run ended while this step was"
                            + " putting its output in place"));
                }
            }
        }

        // ---- scheduling --------------------------------------------------------------------

        /** Called once a node's dependencies have all succeeded. */
        private void start(Node n) {
            if (!n.started.compareAndSet(false, true)) {
                return;
            }
            if (control.isCancelled()) {
                settle(n, notRun(n, StepStatus.CANCELLED, "the run was interrupted before this step started"));
                return;
            }
            if (!n.step.enabled()) {
                settle(n, notRun(n, StepStatus.DISABLED, "enabled: false"));
                return;
            }
            switch (n.step) {
                case PlannedGroup g -> n.group.open();
                case PlannedTask t -> {
                    if (n.group != null) {
                        n.group.offer(n);
                    } else {
                        launch(n);
                    }
                }
            }
        }

        private void launch(Node n) {
            Thread.ofVirtual().name("acp-step-", n.index).start(() -> runChain(n));
        }

        /**
         * Runs a task and then, on the same thread, the next standalone task it made ready: a chain
         * of steps costs one thread instead of one thread start and hand-off per step.
         */
        private void runChain(Node first) {
            Node n = first;
            while (n != null) {
                StepResult r = null;
                try {
                    r = runTask(n, (PlannedTask) n.step);
                } catch (Throwable t) {
                    // A defect in a provider or in ACP must not hang the run.
                    r = internalFailure(n, t);
                } finally {
                    if (r == null) {
                        r = internalFailure(n, null);
                    }
                }
                n = settle(n, r, true);
            }
        }

        /** A failed result built without anything that could fail again. */
        private StepResult internalFailure(Node n, @Nullable Throwable t) {
            String message = t == null ? "the step ended without a result"
                    : "unexpected " + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
            return new StepResult(n.step.id(), n.step.typeName(), null, null, null, StepStatus.FAILED, null, null,
                    Map.of(), new ErrorInfo(ErrorKind.INTERNAL, message, null), null, null, Duration.ZERO, 0, null, null,
                    false, false, null, List.of());
        }

        /**
         * Records a node's final result once and propagates it: dependents of a success (or of a
         * disabled step) may start; dependents of anything else are skipped. Iterative, so that a
         * failure at the head of a long chain cannot overflow the stack.
         *
         * @param mayContinue whether the caller is a task thread that can run one ready standalone
         *     task itself; that task is returned instead of being launched
         */
        private void settle(Node first, StepResult firstResult) {
            settle(first, firstResult, false);
        }

        private @Nullable Node settle(Node first, StepResult firstResult, boolean mayContinue) {
            Deque<Map.Entry<Node, StepResult>> work = new ArrayDeque<>();
            work.add(Map.entry(first, firstResult));
            List<Node> toStart = new ArrayList<>();
            while (!work.isEmpty()) {
                var item = work.poll();
                Node n = item.getKey();
                StepResult r = item.getValue();
                if (!n.settled.compareAndSet(false, true)) {
                    continue;
                }
                results.put(n.step.id(), r);
                unsettled.countDown();
                listener.stepFinished(r);
                boolean ok = r.status() == StepStatus.SUCCEEDED || r.status() == StepStatus.DISABLED;
                for (Node d : n.dependents) {
                    if (ok) {
                        if (d.pending.decrementAndGet() == 0) {
                            toStart.add(d);
                        }
                    } else if (!d.settled.get() && control.isCancelled()) {
                        work.add(Map.entry(d, notRun(d, StepStatus.CANCELLED,
                                "the run was interrupted before this step started")));
                    } else if (!d.settled.get()) {
                        String why = switch (r.status()) {
                            case CANCELLED -> "'" + n.step.id() + "' was cancelled";
                            case SKIPPED -> "'" + n.step.id() + "' was skipped";
                            default -> "'" + n.step.id() + "' failed";
                        };
                        work.add(Map.entry(d, notRun(d, StepStatus.SKIPPED, "depends on " + why)));
                    }
                }
                if (n.group != null && n.step instanceof PlannedTask) {
                    StepResult groupResult = n.group.memberSettled(n, r);
                    if (groupResult != null) {
                        work.add(Map.entry(n.group.node, groupResult));
                    }
                    work.addAll(n.group.drainCancellations());
                }
            }
            Node next = null;
            for (Node n : toStart) {
                if (mayContinue && next == null && n.group == null && n.step instanceof PlannedTask && n.step.enabled()
                        && !control.isCancelled() && n.started.compareAndSet(false, true)) {
                    next = n;
                } else {
                    start(n);
                }
            }
            return next;
        }

        private void cancelAll() {
            // Mark every task first, so that one launched but not yet running sees the mark when it
            // starts (runTask checks it after publishing its thread) and never calls its provider.
            List<Node> notRunning = new ArrayList<>();
            for (Node n : nodes.values()) {
                if (n.settled.get() || !(n.step instanceof PlannedTask)) {
                    continue;
                }
                n.cancel("the run was interrupted");
                if (!n.attached) {
                    notRunning.add(n);
                }
            }
            // Tasks that never started are settled now; running ones settle when they stop. Groups
            // settle through their members.
            for (Node n : notRunning) {
                settle(n, notRun(n, StepStatus.CANCELLED, "the run was interrupted before this step started"));
            }
        }

        // ---- one task ------------------------------------------------------------------------

        private StepResult runTask(Node n, PlannedTask t) {
            n.attach(Thread.currentThread());
            // Settled already (a group timeout or an interruption got there first) or asked to stop:
            // the provider must not be called.
            if (n.cancelReason != null || n.settled.get()) {
                n.detach();
                return notRun(n, StepStatus.CANCELLED, n.cancelReason != null ? n.cancelReason : "already settled");
            }
            Provider provider = registry.provider(t.providerId());
            Instant startedAt = options.clock().instant();
            Instant deadline = t.spec().timeout() == null ? null : startedAt.plus(t.spec().timeout());
            ScheduledFuture<?> timer = null;
            if (t.spec().timeout() != null) {
                timer = timers().schedule(() -> n.timeOut(), t.spec().timeout().toNanos(), TimeUnit.NANOSECONDS);
            }
            int attempt = 0;
            Path tmp = null;
            boolean tmpDone = false;
            LazyScratch scratch = new LazyScratch(t.id());
            try {
                while (true) {
                    attempt++;
                    if (n.stopRequested()) {
                        return stopped(n, t, startedAt, attempt - 1, provider);
                    }
                    listener.stepStarted(t, attempt);
                    Map<String, Object> params;
                    try {
                        params = renderer.render(t);
                    } catch (TemplateSyntaxException | IllegalStateException e) {
                        return failed(n, t, startedAt, attempt, ErrorInfo.of(ErrorKind.INTERNAL,
                                "cannot prepare the step's parameters: " + e.getMessage()), provider);
                    }
                    tmp = temporaryName(t.outputPath(), attempt);
                    ProviderResult result;
                    try {
                        ProviderRequest request = new ProviderRequest(t.id(), t.capability(), t.model(), params, tmp,
                                new Context(scratch, t, n));
                        result = provider.execute(request);
                    } catch (ProviderException e) {
                        deleteQuietly(tmp);
                        if (n.stopRequested()) {
                            // The provider turned the cancellation into an error (a closed channel, a reset).
                            return stopped(n, t, startedAt, attempt, provider);
                        }
                        ErrorInfo error = new ErrorInfo(e.kind(), oneLine(e.getMessage()), e.requestId().orElse(null));
                        if (!e.retryable() || attempt > t.spec().retryCount()) {
                            return failed(n, t, startedAt, attempt, error, provider);
                        }
                        Duration delay = options.retryPolicy().delay(attempt, e.retryAfter(), options.random());
                        if (deadline != null && options.clock().instant().plus(delay).isAfter(deadline)) {
                            return failed(n, t, startedAt, attempt, new ErrorInfo(error.kind(), error.message()
                                    + " (no time left for a retry within the step's timeout)", error.requestId()), provider);
                        }
                        listener.stepRetrying(t, attempt + 1, delay, error);
                        options.sleeper().sleep(delay);
                        continue;
                    }
                    // The provider finished: its (possibly paid) result is kept even if a timeout or a
                    // cancellation arrived meanwhile, and no interrupt may break the file writes. Only a
                    // run that already gave up on this step (see awaitAll) discards it.
                    if (!n.commit()) {
                        return stopped(n, t, startedAt, attempt, provider);
                    }
                    try {
                        Path output = keep(result, tmp, t.outputPath(), provider);
                        // Renamed into place, or never written (a result with no output): nothing to
                        // clean up, which spares the file system a call per step.
                        tmpDone = true;
                        return succeeded(n, t, provider, result, output, startedAt, attempt);
                    } catch (IOException | ProviderException e) {
                        // The result exists but could not be put in place: keep it where it is, name it,
                        // and report what it cost, so that nothing paid for disappears.
                        tmpDone = Files.exists(tmp);
                        String where = tmpDone ? "; the output was kept as " + tmp : "";
                        return failedAfterProvider(n, t, provider, result, startedAt, attempt, ErrorInfo.of(
                                ErrorKind.LOCAL, "cannot put the output in place: " + oneLine(e.getMessage()) + where),
                                tmpDone ? tmp : null);
                    }
                }
            } catch (InterruptedException e) {
                return stopped(n, t, startedAt, attempt, provider);
            } finally {
                if (!tmpDone) {
                    deleteQuietly(tmp);
                }
                if (timer != null) {
                    timer.cancel(false);
                }
                scratch.delete();
                n.detach();
            }
        }

        /** The result of a step that stopped because it was asked to: timed out or cancelled. */
        private StepResult stopped(Node n, PlannedTask t, Instant startedAt, int attempts, Provider provider) {
            if (n.timedOut) {
                return failed(n, t, startedAt, attempts, ErrorInfo.of(ErrorKind.TIMEOUT, "timed out after "
                        + seconds(t.spec().timeout()) + " (timeout)"), provider);
            }
            if (n.groupTimedOut) {
                return failed(n, t, startedAt, attempts, ErrorInfo.of(ErrorKind.TIMEOUT,
                        "the parallel group's timeout ended this step"), provider);
            }
            StepResult base = failed(n, t, startedAt, attempts, null, provider);
            return withStatus(base, StepStatus.CANCELLED, n.cancelReason != null ? n.cancelReason : "interrupted");
        }

        /**
         * {@code .name.partial-<run>-<attempt>.ext} beside the final file: on the same file system,
         * so the rename is atomic, and unique per run and attempt.
         */
        private Path temporaryName(Path target, int attempt) {
            String name = target.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String stem = dot <= 0 ? name : name.substring(0, dot);
            String ext = dot <= 0 ? "" : name.substring(dot);
            return target.resolveSibling("." + stem + ".partial-" + runId + "-" + attempt + ext);
        }

        private Path keep(ProviderResult result, Path tmp, Path target, Provider provider) throws IOException {
            if (result.wroteFile()) {
                if (!Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                    throw new ProviderException(ErrorKind.INTERNAL, "provider '" + provider.id()
                            + "' reported an output file but wrote nothing");
                }
            } else if (result.text() != null) {
                Files.writeString(tmp, result.text(), StandardCharsets.UTF_8);
            } else {
                return null;
            }
            AtomicFiles.moveIntoPlace(tmp, target);
            return target;
        }

        private StepResult succeeded(Node n, PlannedTask t, Provider provider, ProviderResult r, @Nullable Path output,
                Instant startedAt, int attempts) {
            Map<String, Object> metadata = new LinkedHashMap<>(r.metadata());
            metadata.putIfAbsent("provider_reason", t.providerReason());
            BigDecimal actual = provider.preview() ? BigDecimal.ZERO : r.actualCost();
            BigDecimal estimated = provider.preview() ? BigDecimal.ZERO : null;
            // A preview engine does not use the requested model; it stays in the metadata, not in "model".
            String model = provider.preview() ? null : t.model();
            return new StepResult(t.id(), t.typeName(), t.groupId(), provider.id(), model, StepStatus.SUCCEEDED,
                    output, r.text(), metadata, null, null, startedAt, elapsed(startedAt), attempts, estimated, actual,
                    false, provider.preview(), r.qualityScore(), r.requestIds());
        }

        private StepResult failed(Node n, PlannedTask t, @Nullable Instant startedAt, int attempts,
                @Nullable ErrorInfo error, @Nullable Provider provider) {
            Map<String, Object> metadata = Map.of("provider_reason", t.providerReason());
            boolean preview = provider != null && provider.preview();
            return new StepResult(t.id(), t.typeName(), t.groupId(), t.providerId(), preview ? null : t.model(),
                    StepStatus.FAILED,
                    null, null, metadata, error, null, startedAt, startedAt == null ? Duration.ZERO : elapsed(startedAt),
                    attempts, preview ? BigDecimal.ZERO : null, preview ? BigDecimal.ZERO : null, false, preview,
                    null, error == null || error.requestId() == null ? List.of() : List.of(error.requestId()));
        }

        /** A step whose provider succeeded (and may have billed) but whose output could not be kept. */
        private StepResult failedAfterProvider(Node n, PlannedTask t, Provider provider, ProviderResult r,
                Instant startedAt, int attempts, ErrorInfo error, @Nullable Path recoverable) {
            Map<String, Object> metadata = new LinkedHashMap<>(r.metadata());
            metadata.put("provider_reason", t.providerReason());
            if (recoverable != null) {
                metadata.put("recoverable_output", recoverable.toString());
            }
            BigDecimal actual = provider.preview() ? BigDecimal.ZERO : r.actualCost();
            return new StepResult(t.id(), t.typeName(), t.groupId(), provider.id(), provider.preview() ? null : t.model(),
                    StepStatus.FAILED, null, r.text(), metadata, error, null, startedAt, elapsed(startedAt), attempts,
                    provider.preview() ? BigDecimal.ZERO : null, actual, false, provider.preview(), r.qualityScore(),
                    r.requestIds());
        }

        private StepResult notRun(Node n, StepStatus status, String reason) {
            PlannedStep s = n.step;
            String provider = s instanceof PlannedTask t ? t.providerId() : null;
            String model = s instanceof PlannedTask t ? t.model() : null;
            String group = s instanceof PlannedTask t ? t.groupId() : null;
            return StepResult.notRun(s.id(), s.typeName(), group, provider, model, status, reason);
        }

        private Duration elapsed(Instant since) {
            return Duration.between(since, options.clock().instant());
        }

        // ---- the whole run ---------------------------------------------------------------------

        private RunResult assemble(Instant started) {
            List<StepResult> ordered = new ArrayList<>();
            List<String> failed = new ArrayList<>();
            for (Node n : nodes.values()) {
                StepResult r = results.get(n.step.id());
                if (r == null) {
                    r = notRun(n, StepStatus.CANCELLED, "the run ended before this step settled");
                }
                ordered.add(r);
            }
            Map<String, StepResult> byId = new HashMap<>();
            ordered.forEach(r -> byId.put(r.stepId(), r));
            for (StepResult r : ordered) {
                if (r.status() != StepStatus.FAILED && r.status() != StepStatus.SKIPPED) {
                    continue;
                }
                // A member's failure does not fail the run when its group still succeeded.
                StepResult group = r.groupId() == null ? null : byId.get(r.groupId());
                if (group != null && group.succeeded()) {
                    continue;
                }
                failed.add(r.stepId());
            }
            RunStatus status = control.isCancelled() ? RunStatus.INTERRUPTED
                    : failed.isEmpty() ? RunStatus.SUCCEEDED : RunStatus.PARTIAL;
            return new RunResult(runId, plan.spec().name(), status, plan.outputDirectory(), started,
                    Duration.between(started, options.clock().instant()), ordered, failed);
        }

        // ---- groups ---------------------------------------------------------------------------

        /** The admission and merge state of one parallel group. */
        private final class GroupRun {
            private final Node node;
            private final PlannedGroup group;
            private final PriorityQueue<Node> ready = new PriorityQueue<>(Comparator.comparingInt(x -> x.index));
            private final List<Map.Entry<Node, StepResult>> cancellations = new ArrayList<>();
            private final List<Node> members = new ArrayList<>();
            private int running;
            private int remaining;
            private boolean opened;
            private boolean decided;
            /** Set when the group's timeout fired: nothing more is admitted. */
            private boolean closed;
            private @Nullable Node winner;
            private @Nullable ScheduledFuture<?> timer;

            GroupRun(Node node, PlannedGroup group) {
                this.node = node;
                this.group = group;
                this.remaining = group.memberIds().size();
            }

            void open() {
                synchronized (this) {
                    if (members.isEmpty()) {
                        group.memberIds().forEach(id -> members.add(nodes.get(id)));
                    }
                    opened = true;
                    if (group.timeout() != null) {
                        timer = timers().schedule(this::timeOut, group.timeout().toNanos(), TimeUnit.NANOSECONDS);
                    }
                }
                dispatch();
                if (group.memberIds().isEmpty()) {
                    settle(node, merge());
                }
            }

            void offer(Node member) {
                synchronized (this) {
                    ready.add(member);
                }
                dispatch();
            }

            private void dispatch() {
                List<Node> launch = new ArrayList<>();
                synchronized (this) {
                    if (!opened || closed) {
                        return;
                    }
                    while (running < group.maxWorkers() && !ready.isEmpty()) {
                        Node m = ready.poll();
                        if (m.settled.get() || decided && group.mergeStrategy() == MergeStrategy.FIRST_SUCCESS) {
                            continue;
                        }
                        running++;
                        m.launched = true;
                        launch.add(m);
                    }
                }
                launch.forEach(Execution.this::launch);
            }

            /** Returns the group's result when this was its last member, else null. */
            @Nullable StepResult memberSettled(Node member, StepResult r) {
                StepResult done = null;
                synchronized (this) {
                    if (member.launched) {
                        running--;
                    }
                    remaining--;
                    if (!decided && group.mergeStrategy() == MergeStrategy.FIRST_SUCCESS && r.succeeded()) {
                        decided = true;
                        winner = member;
                        for (Node m : members) {
                            if (m == member || m.settled.get()) {
                                continue;
                            }
                            if (m.launched) {
                                m.cancel("'" + member.step.id() + "' succeeded first (first_success)");
                            } else {
                                cancellations.add(Map.entry(m, notRun(m, StepStatus.CANCELLED,
                                        "'" + member.step.id() + "' succeeded first (first_success)")));
                            }
                        }
                    }
                    if (remaining == 0 && !node.settled.get()) {
                        if (timer != null) {
                            timer.cancel(false);
                        }
                        done = merge();
                    }
                }
                if (done == null) {
                    dispatch();
                }
                return done;
            }

            synchronized List<Map.Entry<Node, StepResult>> drainCancellations() {
                if (cancellations.isEmpty()) {
                    return List.of();
                }
                List<Map.Entry<Node, StepResult>> out = List.copyOf(cancellations);
                cancellations.clear();
                return out;
            }

            private void timeOut() {
                List<Map.Entry<Node, StepResult>> skip = new ArrayList<>();
                synchronized (this) {
                    // No member may start from now on, even when a running one frees its slot.
                    closed = true;
                    for (Node m : members) {
                        if (m.settled.get()) {
                            continue;
                        }
                        if (m.launched) {
                            m.groupTimedOut = true;
                            m.cancel("the parallel group timed out");
                        } else {
                            m.cancelReason = "the parallel group timed out before this member started";
                            skip.add(Map.entry(m, notRun(m, StepStatus.SKIPPED,
                                    "the parallel group timed out after " + seconds(group.timeout())
                                            + " before this member started")));
                        }
                    }
                }
                skip.forEach(e -> settle(e.getKey(), e.getValue()));
            }

            /** The group's result from its members' results (called with the lock held). */
            private StepResult merge() {
                List<StepResult> rs = new ArrayList<>();
                for (String id : group.memberIds()) {
                    StepResult r = results.get(id);
                    if (r != null && r.status() != StepStatus.DISABLED) {
                        rs.add(r);
                    }
                }
                Map<String, Object> metadata = new LinkedHashMap<>();
                metadata.put("merge_strategy", group.mergeStrategy().wireName());
                metadata.put("members", group.memberIds());
                metadata.put("max_workers", group.maxWorkers());
                List<StepResult> ok = rs.stream().filter(StepResult::succeeded).toList();
                Instant first = rs.stream().map(StepResult::startedAt).filter(Objects::nonNull).min(Instant::compareTo)
                        .orElse(null);
                Duration time = first == null ? Duration.ZERO : elapsed(first);
                if (rs.isEmpty()) {
                    return groupResult(StepStatus.DISABLED, null, metadata, null, "all members are disabled", first, time);
                }
                StepResult selected = switch (group.mergeStrategy()) {
                    case COLLECT_ALL -> null;
                    case FIRST_SUCCESS -> winner == null ? null : results.get(winner.step.id());
                    case BEST_QUALITY -> best(ok, metadata);
                };
                boolean success = group.mergeStrategy() == MergeStrategy.COLLECT_ALL
                        ? ok.size() == rs.size() : selected != null;
                if (selected != null) {
                    metadata.put("selected", selected.stepId());
                }
                metadata.put("succeeded_members", ok.size());
                if (success) {
                    return groupResult(StepStatus.SUCCEEDED, selected, metadata, null, null, first, time);
                }
                if (control.isCancelled()) {
                    return groupResult(StepStatus.CANCELLED, null, metadata, null, "the run was interrupted", first,
                            time);
                }
                String message = group.mergeStrategy() == MergeStrategy.COLLECT_ALL
                        ? (rs.size() - ok.size()) + " of " + rs.size() + " members did not succeed"
                        : "no member succeeded";
                return groupResult(StepStatus.FAILED, null, metadata, ErrorInfo.of(ErrorKind.LOCAL, message), null,
                        first, time);
            }

            /**
             * The successful member with the highest quality score; members that report no score
             * rank below those that do, and ties go to the earlier member in the file.
             */
            private @Nullable StepResult best(List<StepResult> ok, Map<String, Object> metadata) {
                StepResult best = null;
                Map<String, Object> scores = new LinkedHashMap<>();
                for (StepResult r : ok) {
                    scores.put(r.stepId(), r.qualityScore());
                    double s = r.qualityScore() == null ? -1 : r.qualityScore();
                    double b = best == null ? Double.NEGATIVE_INFINITY
                            : best.qualityScore() == null ? -1 : best.qualityScore();
                    if (s > b) {
                        best = r;
                    }
                }
                metadata.put("quality_scores", scores);
                if (best != null && best.qualityScore() == null) {
                    metadata.put("note", "no member reported a quality score; the first success was selected");
                }
                return best;
            }

            private StepResult groupResult(StepStatus status, @Nullable StepResult selected, Map<String, Object> metadata,
                    @Nullable ErrorInfo error, @Nullable String reason, @Nullable Instant startedAt, Duration time) {
                return new StepResult(group.id(), group.typeName(), null, selected == null ? null : selected.provider(),
                        selected == null ? null : selected.model(), status,
                        selected == null ? null : selected.outputPath(), selected == null ? null : selected.text(),
                        metadata, error, reason, startedAt, time, 0, null, null, false,
                        selected != null && selected.preview(), selected == null ? null : selected.qualityScore(),
                        List.of());
            }
        }

        // ---- per-step plumbing -----------------------------------------------------------------

        /** Mutable run state of one plan node. */
        private final class Node {
            final PlannedStep step;
            final int index;
            final List<Node> dependents = new ArrayList<>();
            final AtomicInteger pending = new AtomicInteger();
            final AtomicBoolean started = new AtomicBoolean();
            final AtomicBoolean settled = new AtomicBoolean();
            @Nullable GroupRun group;
            volatile @Nullable Thread thread;
            volatile @Nullable String cancelReason;
            volatile boolean timedOut;
            /** Set once a thread has started running this task; never reset. */
            volatile boolean attached;
            private boolean committing;
            private boolean abandoned;
            private @Nullable ScheduledFuture<?> reinterrupter;
            volatile boolean groupTimedOut;
            volatile boolean launched;

            Node(PlannedStep step, int index) {
                this.step = step;
                this.index = index;
            }

            void cancel(String reason) {
                cancelReason = reason;
                requestStop();
            }

            void timeOut() {
                timedOut = true;
                requestStop();
            }

            /** Whether the step was asked to stop (cancelled, timed out, or its group timed out). */
            boolean stopRequested() {
                return cancelReason != null || timedOut || groupTimedOut;
            }

            /**
             * Interrupts the node's thread while it runs this node's provider, and again every
             * 250 ms until it stops: some libraries clear an interrupt they run into (Java2D's font
             * reader does), and a lost interrupt must not leave a cancelled step running. Threads
             * carry on with the next task of a chain, which a late interrupt must not hit.
             */
            private synchronized void requestStop() {
                if (thread == null || committing) {
                    return;
                }
                thread.interrupt();
                if (reinterrupter == null) {
                    try {
                        reinterrupter = timers().scheduleAtFixedRate(this::reinterrupt, 250, 250, TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        // The run is over; the one interrupt above is all there is to do.
                    }
                }
            }

            private synchronized void reinterrupt() {
                if (thread != null && !committing) {
                    thread.interrupt();
                }
            }

            synchronized void attach(Thread t) {
                thread = t;
                attached = true;
                committing = false;
            }

            /**
             * The provider has returned a result: from here on the step keeps its output, so no
             * further interrupt may break the file writes.
             */
            synchronized boolean commit() {
                Thread.interrupted();
                if (abandoned) {
                    return false;
                }
                committing = true;
                return true;
            }

            /**
             * Gives up on a step that did not stop in time: whatever it produces later is discarded.
             * Refused (false) once the step is keeping a finished result, which takes only a moment.
             */
            synchronized boolean abandon() {
                if (committing) {
                    return false;
                }
                abandoned = true;
                return true;
            }

            synchronized void detach() {
                thread = null;
                if (reinterrupter != null) {
                    reinterrupter.cancel(false);
                    reinterrupter = null;
                }
                Thread.interrupted();
            }
        }

        /** The step context handed to providers. */
        private final class Context implements StepContext {
            private final LazyScratch scratch;
            private final PlannedTask task;
            private final Node node;

            Context(LazyScratch scratch, PlannedTask task, Node node) {
                this.scratch = scratch;
                this.task = task;
                this.node = node;
            }

            @Override
            public Path scratchDirectory() {
                return scratch.get();
            }

            @Override
            public void progress(double fraction, String message) {
                listener.stepProgress(task, fraction, message);
            }

            @Override
            public void checkCancelled() throws InterruptedException {
                if (node.stopRequested() || Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("step cancelled");
                }
            }
        }
    }

    /** A scratch folder created on first use only, so steps that need none cost no file system calls. */
    private static final class LazyScratch {
        private final String stepId;
        private @Nullable Path dir;

        LazyScratch(String stepId) {
            this.stepId = stepId;
        }

        synchronized Path get() {
            if (dir == null) {
                try {
                    dir = Files.createTempDirectory("acp-" + stepId.replaceAll("[^A-Za-z0-9_-]", "_") + "-");
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create a scratch folder", e);
                }
            }
            return dir;
        }

        synchronized void delete() {
            if (dir == null) {
                return;
            }
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // Best effort: a leftover scratch file in the temp folder is harmless.
                    }
                });
            } catch (IOException ignored) {
                // As above.
            }
            dir = null;
        }
    }


    private static StepResult withStatus(StepResult r, StepStatus status, String reason) {
        return new StepResult(r.stepId(), r.stepType(), r.groupId(), r.provider(), r.model(), status, r.outputPath(),
                r.text(), r.metadata(), r.error(), reason, r.startedAt(), r.executionTime(), r.attempts(),
                r.estimatedCost(), r.actualCost(), r.cacheHit(), r.preview(), r.qualityScore(), r.requestIds());
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

    private static String oneLine(@Nullable String s) {
        if (s == null) {
            return "no message";
        }
        return s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private static String seconds(@Nullable Duration d) {
        if (d == null) {
            return "?";
        }
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

}
