package dev.acp.temporal;

import dev.acp.cache.CacheMode;
import dev.acp.cost.CostControl;
import dev.acp.cost.DailySpend;
import dev.acp.cost.Estimator;
import dev.acp.cost.PricingCatalog;
import dev.acp.cost.RunBudget;
import dev.acp.cost.SpendLedger;
import dev.acp.engine.JournalFailedException;
import dev.acp.engine.LocalEngine;
import dev.acp.engine.ResumeState;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunRequest;
import dev.acp.engine.RunResult;
import dev.acp.engine.StepResult;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlanResult;
import dev.acp.plan.PlannedTask;
import dev.acp.run.Journal;
import dev.acp.run.JournalRecorder;
import dev.acp.run.ResumePriors;
import dev.acp.run.RunHost;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Runs one node of a run's plan on this worker with the local engine: the same step runner,
 * budget tickets, job driver, fallbacks and output placement as {@code acp pipeline run}, over
 * the node's part of the plan. What the node does is journaled on the shared folder before the
 * engine acts on it, so that a retry of the activity (here or on another worker) resumes it:
 * finished steps are kept, recorded jobs are re-attached by their handle, not submitted again.
 */
public final class NodeWorker implements NodeActivities {
    /** The failure type of a pipeline the worker cannot plan: retrying cannot help. */
    static final String INVALID = "AcpPipelineInvalid";
    /** How often a running node tells Temporal it is alive (the activity's heartbeat timeout is 20 s). */
    static final Duration HEARTBEAT = Duration.ofSeconds(3);

    private final RunHost acp;

    public NodeWorker(RunHost acp) {
        this.acp = acp;
    }

    @Override
    public NodeOutcome runNode(NodeTask task) {
        ActivityExecutionContext context = Activity.getExecutionContext();
        var info = context.getInfo();
        PlanResult planned = acp.check(SharedPipeline.text(task.source()), task.source().label(),
                Path.of(task.source().baseDirectory()), task.source().readerFormat(), task.source().settings());
        if (planned.plan() == null) {
            throw ApplicationFailure.newNonRetryableFailure("the pipeline does not validate on worker "
                    + context.getInfo().getActivityId() + ": " + planned.problems().getFirst().render()
                    + " (check that the worker has the providers and files the submitter has)", INVALID);
        }
        ExecutionPlan plan = SubPlan.of(planned.plan(), task.nodeId());
        Set<String> upstream = task.upstream().stream().map(StepResult::stepId).collect(Collectors.toSet());
        Path journalFile = journalOf(planned.plan(), task);
        Map<String, ResumeState.Prior> priors = new LinkedHashMap<>();
        try {
            java.nio.file.Files.createDirectories(journalFile.getParent());
            priors.putAll(ResumePriors.of(journalFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the node's journal " + journalFile, e);
        }
        // Upstream steps are finished: reused as they are, never run here.
        task.upstream().forEach(r -> priors.put(r.stepId(), new ResumeState.Done(r)));
        RunControl control = new RunControl();
        try (Journal journal = Journal.open(journalFile, acp.secrets());
                Heartbeat beat = new Heartbeat(context, control)) {
            LocalEngine engine = new LocalEngine(acp.registry(), sessionOptions(info.getWorkflowId(), task.nodeId(),
                    info.getAttempt()));
            RunRequest request = new RunRequest(plan, task.runId(), beat, control,
                    new NodeRecorder(new JournalRecorder(journal, acp.engineOptions().clock()), upstream), null,
                    CacheMode.OFF, null, new ResumeState(priors), costs(task.allowance()));
            RunResult result;
            try {
                result = engine.run(request);
            } catch (JournalFailedException e) {
                // Going on would spend money a retry could not account for: the retry resumes from the journal.
                throw ApplicationFailure.newFailure("the node's journal failed: " + e.getMessage(), "AcpJournal");
            }
            List<StepResult> mine = new ArrayList<>();
            Set<String> tasks = new HashSet<>();
            plan.steps().stream().filter(PlannedTask.class::isInstance).forEach(s -> tasks.add(s.id()));
            BigDecimal spent = BigDecimal.ZERO;
            for (StepResult r : result.steps()) {
                if (upstream.contains(r.stepId())) {
                    continue;
                }
                mine.add(r);
                boolean expanded = r.stepId().endsWith("]");
                if ((tasks.contains(r.stepId()) || expanded) && r.actualCost() != null) {
                    spent = spent.add(r.actualCost());
                }
            }
            return new NodeOutcome(mine, spent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the node's journal " + journalFile, e);
        }
    }

    /**
     * The node's journal: beside its outputs on the shared folder, so that whichever worker runs
     * the node next finds it.
     */
    static Path journalOf(ExecutionPlan plan, NodeTask task) {
        return runFolder(plan, task.runId()).resolve(task.nodeId() + ".jsonl");
    }

    /** The run's own folder on the shared folder: its node journals and the pipeline's copy. */
    static Path runFolder(ExecutionPlan plan, String runId) {
        return plan.outputDirectory().resolve(".acp-temporal").resolve(runId);
    }

    /** The reservation the workflow made for the node, enforced step by step as locally. */
    private CostControl costs(BigDecimal allowance) {
        var config = acp.registry().context().config();
        Estimator estimator = new Estimator(PricingCatalog.load(acp.acpHome(), null, config),
                acp.registry()::configuredDefaultModel);
        return new RunBudget(estimator, new SpendLedger(allowance, Map.of(), DailySpend.NONE), false);
    }

    /**
     * The engine's options with its session id derived from the workflow, the node and the
     * activity's attempt: the idempotency keys of paid requests (and Runware's task UUIDs, which
     * derive from them) are then the same whenever the same attempt is replayed, and differ
     * between attempts, as they do between sessions of a local run.
     */
    private LocalEngine.Options sessionOptions(String workflowId, String nodeId, int attempt) {
        LocalEngine.Options o = acp.engineOptions();
        long seed = seed(workflowId + "/" + nodeId + "/" + attempt);
        return new LocalEngine.Options(o.clock(), o.sleeper(), o.retryPolicy(), new SplittableRandom(seed),
                o.environment(), o.cancelGrace(), o.timeouts());
    }

    static long seed(String s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(h).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Tells Temporal every few seconds that the node is alive, so that a lost worker is noticed
     * within the heartbeat timeout and the node moves to another worker; and hears from it that
     * the run was cancelled, which stops the node as Ctrl-C stops a local run.
     */
    private static final class Heartbeat implements RunListener, AutoCloseable {
        private final ActivityExecutionContext context;
        private final RunControl control;
        private final Thread thread;
        private volatile String progress = "started";

        Heartbeat(ActivityExecutionContext context, RunControl control) {
            this.context = context;
            this.control = control;
            this.thread = Thread.ofVirtual().name("acp-heartbeat").start(this::beat);
        }

        private void beat() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        context.heartbeat(progress);
                    } catch (ActivityCompletionException e) {
                        control.cancel(); // cancelled, or the activity timed out: stop the steps
                        return;
                    }
                    Thread.sleep(HEARTBEAT);
                }
            } catch (InterruptedException e) {
                // closed
            }
        }

        @Override
        public void stepStarted(PlannedTask task, int attempt) {
            progress = task.id() + " attempt " + attempt;
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }
}
