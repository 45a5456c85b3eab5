package dev.acp.engine;

import dev.acp.cache.CacheKey;
import dev.acp.cache.FileHashes;
import dev.acp.error.Defects;
import dev.acp.error.ErrorKind;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedForEach;
import dev.acp.plan.PlannedGroup;
import dev.acp.plan.PlannedStep;
import dev.acp.plan.PlannedTask;
import dev.acp.provider.CapabilitySchema;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderRegistry;
import dev.acp.template.TemplateSyntaxException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * One run of one plan: dependency counting, starting steps on virtual threads as soon as their
 * dependencies succeed, settling results exactly once (journaled before dependents start),
 * parallel groups, cancellation. What happens inside one task is {@link TaskRunner}'s job.
 */
final class Execution {
    final LocalEngine.Options options;
    final ProviderRegistry registry;
    private @Nullable QualityJudge judge;
    final RunRequest request;
    final ExecutionPlan plan;
    final RunListener listener;
    final ConfigRenderer renderer;
    final FileHashes hashes = new FileHashes();
    /** How long jobs of each kind took in this session, which their polls aim at. */
    final JobDurations jobDurations = new JobDurations();
    /** Key parts of the steps that ran or were served from the cache, for the cache's history. */
    final Map<String, Map<String, String>> keyParts = new ConcurrentHashMap<>();
    /** Key parts of each step on the previous run of this pipeline. */
    final Map<String, Map<String, String>> previousKeyParts;
    /** Cache keys stored during this run, which --refresh lets identical steps reuse. */
    final Set<String> storedThisRun = ConcurrentHashMap.newKeySet();
    /** Whether each step finished in an earlier session may be reused, decided once. */
    private final Map<String, Boolean> reusable = new ConcurrentHashMap<>();
    /** Distinguishes this session of the run in job idempotency keys. */
    final String sessionId;

    private final RunControl control;
    private final Map<String, StepNode> nodes = new LinkedHashMap<>();
    /** Nodes for_each blocks created at run time, by id; they settle before their block does. */
    private final Map<String, StepNode> expandedNodes = new ConcurrentHashMap<>();
    private final Map<String, ConfigRenderer.ItemScope> scopes = new ConcurrentHashMap<>();
    /** The for_each block of each inner step id. */
    private final Map<String, ForEachRun> blockOfInner = new HashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger nextIndex = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, StepResult> results = new ConcurrentHashMap<>();
    private final CountDownLatch unsettled;
    private final TaskRunner tasks;
    private final AtomicReference<@Nullable RuntimeException> journalFailure = new AtomicReference<>();
    private @Nullable StepTimers timers;

    /** The judge of best_quality groups, found on first use: most runs have no such group. */
    synchronized QualityJudge judge() {
        if (judge == null) {
            judge = QualityJudge.of(registry);
        }
        return judge;
    }

    Execution(LocalEngine.Options options, ProviderRegistry registry, RunRequest request) {
        this.options = options;
        this.registry = registry;
        this.request = request;
        this.plan = request.plan();
        this.control = request.control();
        this.listener = request.listener() == RunListener.NONE ? RunListener.NONE : new GuardedListener(request.listener());
        int index = 0;
        for (PlannedStep s : plan.steps()) {
            nodes.put(s.id(), new StepNode(s, index++, () -> timers().executor()));
        }
        for (StepNode n : nodes.values()) {
            for (String d : n.step.dependencies()) {
                nodes.get(d).dependents.add(n);
            }
            n.pending.set(n.step.dependencies().size());
            if (n.step instanceof PlannedGroup g) {
                n.group = new GroupRun(n, g, this);
            }
            if (n.step instanceof PlannedForEach f) {
                n.forEach = new ForEachRun(n, f, this);
                f.templates().forEach(t -> blockOfInner.put(t.id(), n.forEach));
            }
        }
        nextIndex.set(index);
        for (StepNode n : nodes.values()) {
            if (n.step instanceof PlannedTask t && t.groupId() != null) {
                n.group = nodes.get(t.groupId()).group;
            }
        }
        this.unsettled = new CountDownLatch(nodes.size());
        this.renderer = new ConfigRenderer(plan.inputs(), options.environment(), plan.spec().baseDirectory(), results::get,
                scopes::get, inner -> blockOfInner.containsKey(inner) ? blockOfInner.get(inner).results(inner) : null,
                plan.reads());
        this.previousKeyParts = request.cache() != null && request.pipelineId() != null
                ? new HashMap<>(request.cache().history(request.pipelineId()))
                : Map.of();
        byte[] nonce = new byte[3];
        options.random().nextBytes(nonce);
        this.sessionId = java.util.HexFormat.of().formatHex(nonce);
        this.tasks = new TaskRunner(this);
        for (ResumeState.Prior p : request.resume().steps().values()) {
            if (p instanceof ResumeState.Done d && d.outputSha256() != null && d.result().outputPath() != null) {
                try {
                    // Checked by the resume just now: the fingerprints of its dependents need not read it again.
                    hashes.remember(d.result().outputPath(), d.outputSha256());
                } catch (IOException e) {
                    // Read again when needed.
                }
            }
        }
    }

    /** The cache key of a task's call with these rendered parameters: also its fingerprint. */
    CacheKey cacheKey(PlannedTask t, Provider provider, Map<String, Object> params) throws IOException {
        return CacheKey.of(t.capability(), provider.id(), provider.revision(), t.model(), params,
                CapabilitySchema.of(t.capability()).fileParameters(), CacheGate.extension(t.outputPath()), hashes);
    }

    /**
     * Whether a step finished in an earlier session may be reused: its recorded fingerprint
     * matches what it would be made from now (rendered parameters, input files' content, model,
     * provider). A changed environment variable, input default or upstream output makes it run
     * again. Groups are reused when each of their members may be.
     */
    private boolean stillValid(StepNode n, ResumeState.Done done) {
        // Not computeIfAbsent: a group's check recurses into its members' entries.
        Boolean known = reusable.get(n.id());
        if (known == null) {
            known = checkStillValid(n, done);
            reusable.put(n.id(), known);
        }
        return known;
    }

    private boolean checkStillValid(StepNode n, ResumeState.Done done) {
        if (n.step instanceof PlannedGroup g) {
            for (String member : g.memberIds()) {
                if (request.resume().steps().get(member) instanceof ResumeState.Done d
                        && !stillValid(nodes.get(member), d)) {
                    return false;
                }
            }
            return true;
        }
        if (done.fingerprint() == null || !(n.step instanceof PlannedTask t)) {
            return true;
        }
        try {
            // A step that an alternative finished was made by that alternative: compare its fingerprint.
            PlannedTask made = t;
            String by = done.result().provider();
            String model = done.result().model();
            boolean primary = t.providerId().equals(by) && (model == null || model.equals(t.model()));
            for (PlannedTask.Fallback f : t.fallbacks()) {
                if (!primary && f.providerId().equals(by) && (model == null || model.equals(f.model()))) {
                    made = t.on(f);
                    break;
                }
            }
            Map<String, Object> params = renderer.render(made);
            return done.fingerprint().equals(cacheKey(made, registry.provider(made.providerId()), params).hash());
        } catch (IOException | TemplateSyntaxException | RuntimeException e) {
            // It cannot be made the same way now: running it reports why.
            return false;
        }
    }

    RunResult run() {
        Instant started = options.clock().instant();
        try {
            // Every folder an output goes to is made once here, not once per step.
            Set<java.nio.file.Path> folders = new LinkedHashSet<>();
            folders.add(plan.outputDirectory());
            plan.tasks().forEach(t -> folders.add(t.outputPath().getParent()));
            for (java.nio.file.Path f : folders) {
                java.nio.file.Files.createDirectories(f);
            }
        } catch (IOException e) {
            throw new dev.acp.error.UsageException("cannot create the output folder: " + e.getMessage()
                    + " (check the path of output_directory or --output-dir and its permissions)", e);
        }
        listener.runStarted(plan, request.runId());
        control.onCancel(this::cancelAll);
        for (StepNode n : nodes.values()) {
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
        if (request.cache() != null && request.pipelineId() != null) {
            try {
                request.cache().updateHistory(request.pipelineId(), keyParts);
            } catch (IOException e) {
                // Only the "why did this step run again" explanations of the next run suffer.
            }
        }
        try {
            request.recorder().runFinished(result);
        } catch (RuntimeException e) {
            journalFailure.compareAndSet(null, e);
        }
        listener.runFinished(result);
        return result;
    }

    /** A failure of the journal, which the caller reports; null when journaling worked. */
    @Nullable RuntimeException journalFailure() {
        return journalFailure.get();
    }

    /** The run's timer thread, created on first use: most runs need no timer at all. */
    synchronized StepTimers timers() {
        if (timers == null) {
            timers = new StepTimers(r -> {
                Thread thread = new Thread(r, "acp-timers");
                thread.setDaemon(true);
                return thread;
            });
        }
        return timers;
    }

    StepNode node(String id) {
        return nodes.get(id);
    }

    /** Positions for a block's expanded nodes, after every node of the plan: ordering only. */
    int reserveIndexes(int count) {
        return nextIndex.getAndAdd(count);
    }

    void scope(String expandedId, ConfigRenderer.ItemScope scope) {
        scopes.put(expandedId, scope);
    }

    /** Adds a block's expanded nodes to the run, so that cancellation reaches them. */
    void register(List<StepNode> expanded) {
        expanded.forEach(n -> expandedNodes.put(n.id(), n));
    }

    /** Starts an expanded node with no dependencies within its item. */
    void startExpanded(StepNode n) {
        start(n);
    }

    void journalFailed(RuntimeException e) {
        if (journalFailure.compareAndSet(null, e)) {
            control.cancel();
        }
    }

    /** The plan's nodes followed by the expanded ones. */
    private List<StepNode> allNodes() {
        List<StepNode> all = new ArrayList<>(nodes.values());
        all.addAll(expandedNodes.values());
        return all;
    }

    @Nullable StepResult result(String id) {
        return results.get(id);
    }

    boolean cancelled() {
        return control.isCancelled();
    }

    Duration elapsed(Instant since) {
        return Duration.between(since, options.clock().instant());
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
        for (StepNode n : allNodes()) {
            if (!n.settled.get() && n.step instanceof PlannedTask && n.abandon()) {
                settle(n, notRun(n, StepStatus.CANCELLED, "did not stop within " + options.cancelGrace().toSeconds()
                        + " s of the interruption; anything it produces later is discarded"));
            }
        }
        if (!unsettled.await(5, TimeUnit.SECONDS)) {
            for (StepNode n : allNodes()) {
                settle(n, notRun(n, StepStatus.CANCELLED, "outcome unknown: the run ended while this step was"
                        + " putting its output in place"));
            }
        }
    }

    // ---- scheduling --------------------------------------------------------------------------

    /** Called once a node's dependencies have all succeeded. */
    private void start(StepNode n) {
        if (!n.started.compareAndSet(false, true)) {
            return;
        }
        begin(n);
    }

    /** Starts a node whose {@code started} flag the caller has just claimed. */
    private void begin(StepNode n) {
        if (control.isCancelled()) {
            settle(n, notRun(n, StepStatus.CANCELLED, "the run was interrupted before this step started"));
            return;
        }
        if (!n.step.enabled()) {
            settle(n, notRun(n, StepStatus.DISABLED, "enabled: false"));
            return;
        }
        if (mayReuse(n)) {
            // Finished in an earlier session, its output checked: reused, nothing runs or is paid.
            settle(n, ((ResumeState.Done) request.resume().steps().get(n.id())).result().withMetadata("resumed", true));
            return;
        }
        switch (n.step) {
            case PlannedGroup g -> n.group.open();
            // Never reused as a whole: it expands again, and its items are reused one by one.
            case PlannedForEach f -> n.forEach.open();
            case PlannedTask t -> {
                if (n.group != null) {
                    n.group.offer(n);
                } else if (n.forEach != null) {
                    n.forEach.offer(n);
                } else {
                    launch(n);
                }
            }
        }
    }

    /** Whether a node finished in an earlier session may be reused instead of run. */
    private boolean mayReuse(StepNode n) {
        return !(n.step instanceof PlannedForEach) && (n.forEach == null || n.forEach.mayResume())
                && request.resume().steps().get(n.id()) instanceof ResumeState.Done done && stillValid(n, done);
    }

    void launch(StepNode n) {
        Thread.ofVirtual().name("acp-step-", n.index).start(() -> runChain(n));
    }

    /**
     * Runs a task and then, on the same thread, the next standalone task it made ready: a chain
     * of steps costs one thread instead of one thread start and hand-off per step.
     */
    private void runChain(StepNode first) {
        StepNode n = first;
        while (n != null) {
            StepResult r = null;
            try {
                r = tasks.run(n, (PlannedTask) n.step);
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
    private static StepResult internalFailure(StepNode n, @Nullable Throwable t) {
        String message = t == null ? "the step ended without a result" : describe(t);
        return new StepResult(n.id(), n.step.typeName(), null, null, null, StepStatus.FAILED, null, null, Map.of(),
                new ErrorInfo(ErrorKind.INTERNAL, message, null), null, null, Duration.ZERO, 0, null, null, null, false,
                null, List.of());
    }

    /**
     * What went wrong, in words: running out of memory says how much there was and how to give
     * more (steps run side by side share one heap); anything else is a defect to report.
     */
    static String describe(Throwable t) {
        return Defects.describe(t) + (t instanceof OutOfMemoryError
                ? ", or run fewer steps at once (max_workers), and resume the run"
                : "; please report it with the run's journal");
    }

    void settle(StepNode first, StepResult firstResult) {
        settle(first, firstResult, false);
    }

    /**
     * Records a node's final result once and propagates it: dependents of a success (or of a
     * disabled step) may start; dependents of anything else are skipped. Iterative, so that a
     * failure at the head of a long chain cannot overflow the stack.
     *
     * @param mayContinue whether the caller is a task thread that can run one ready standalone
     *     task itself; that task is returned instead of being launched
     */
    private @Nullable StepNode settle(StepNode first, StepResult firstResult, boolean mayContinue) {
        Deque<Map.Entry<StepNode, StepResult>> work = new ArrayDeque<>();
        work.add(Map.entry(first, firstResult));
        List<StepNode> toStart = new ArrayList<>();
        while (!work.isEmpty()) {
            var item = work.poll();
            StepNode n = item.getKey();
            StepResult r = item.getValue();
            if (!n.settled.compareAndSet(false, true)) {
                continue;
            }
            results.put(n.id(), r);
            journal(r);
            // Before the count-down: once the last step counts down the run ends, and a listener
            // (the progress display) must have seen every step by then.
            listener.stepFinished(r);
            if (!n.expanded) {
                unsettled.countDown();
            }
            boolean ok = r.status() == StepStatus.SUCCEEDED || r.status() == StepStatus.DISABLED;
            for (StepNode d : n.dependents) {
                if (ok) {
                    if (d.pending.decrementAndGet() == 0) {
                        toStart.add(d);
                    }
                } else if (!d.settled.get() && control.isCancelled()) {
                    work.add(Map.entry(d, notRun(d, StepStatus.CANCELLED, "the run was interrupted before this step started")));
                } else if (!d.settled.get()) {
                    String why = switch (r.status()) {
                        case CANCELLED -> "'" + n.id() + "' was cancelled";
                        case SKIPPED -> "'" + n.id() + "' was skipped";
                        default -> "'" + n.id() + "' failed";
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
            if (n.forEach != null && n.expanded) {
                StepResult blockResult = n.forEach.itemSettled(n);
                if (blockResult != null) {
                    work.add(Map.entry(n.forEach.node, blockResult));
                }
            }
        }
        StepNode next = null;
        for (StepNode n : toStart) {
            if (mayContinue && next == null && n.group == null && n.forEach == null && n.step instanceof PlannedTask
                    && n.step.enabled() && !control.isCancelled() && !mayReuse(n)
                    && n.started.compareAndSet(false, true)) {
                next = n;
            } else {
                start(n);
            }
        }
        return next;
    }

    /**
     * Journals a final result before dependents start. If the journal cannot be written the run
     * stops: going on would spend money that a resume could not account for.
     */
    private void journal(StepResult r) {
        boolean force = r.attempts() > 0 && r.provider() != null && registry.has(r.provider())
                && registry.provider(r.provider()).costsMoney();
        try {
            request.recorder().stepFinished(r, force);
        } catch (RuntimeException e) {
            if (journalFailure.compareAndSet(null, e)) {
                control.cancel();
            }
        }
    }

    private void cancelAll() {
        // Mark every task first, so that one launched but not yet running sees the mark when it
        // starts (the task runner checks it after publishing its thread) and never calls its provider.
        List<StepNode> notRunning = new ArrayList<>();
        for (StepNode n : allNodes()) {
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
        for (StepNode n : notRunning) {
            settle(n, notRun(n, StepStatus.CANCELLED, "the run was interrupted before this step started"));
        }
    }

    StepResult notRun(StepNode n, StepStatus status, String reason) {
        PlannedStep s = n.step;
        String provider = s instanceof PlannedTask t ? t.providerId() : null;
        String model = s instanceof PlannedTask t ? t.model() : null;
        String group = s instanceof PlannedTask t ? t.groupId() : null;
        return StepResult.notRun(s.id(), s.typeName(), group, provider, model, status, reason);
    }

    // ---- the whole run ------------------------------------------------------------------------

    private RunResult assemble(Instant started) {
        List<StepResult> ordered = new ArrayList<>();
        for (StepNode n : nodes.values()) {
            List<StepNode> here = new ArrayList<>();
            here.add(n);
            if (n.forEach != null) {
                // A block's expansions follow it, in item order.
                here.addAll(n.forEach.nodes());
            }
            for (StepNode x : here) {
                StepResult r = results.get(x.id());
                if (r == null) {
                    r = notRun(x, StepStatus.CANCELLED, "the run ended before this step settled");
                }
                ordered.add(r);
            }
        }
        List<String> failed = RunResult.failedSteps(ordered);
        RunStatus status = control.isCancelled() ? RunStatus.INTERRUPTED
                : failed.isEmpty() ? RunStatus.SUCCEEDED : RunStatus.PARTIAL;
        return new RunResult(request.runId(), plan.spec().name(), status, plan.outputDirectory(), started,
                Duration.between(started, options.clock().instant()), ordered, failed);
    }

    static String seconds(@Nullable Duration d) {
        if (d == null) {
            return "?";
        }
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
