package dev.acp.temporal;

import dev.acp.cost.Estimator;
import dev.acp.cost.RunBudget;
import dev.acp.engine.JournalFailedException;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunRecorder;
import dev.acp.engine.RunRequest;
import dev.acp.engine.RunResult;
import dev.acp.engine.StepResult;
import dev.acp.pipeline.load.NodeReader;
import dev.acp.plan.ExecutionPlan;
import dev.acp.provider.ProviderRegistry;
import dev.acp.run.RunEngine;
import dev.acp.run.RunMeta;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code acp pipeline run --engine temporal}: the run path (validation, money rules, run folder,
 * report) is the local one; only the plan runs on Temporal's workers. Every step's result and
 * settled cost is journaled in the run's folder as it would be locally, so {@code acp runs
 * list/show} show the run and what it spent, and the limit the run path computed is the one the
 * workflow holds.
 */
public final class TemporalEngine implements RunEngine {
    private final TemporalRun runs;
    private final ProviderRegistry registry;
    private final Path workingDirectory;
    private final Clock clock;

    public TemporalEngine(io.temporal.client.WorkflowClient client, String taskQueue, ProviderRegistry registry,
            Path workingDirectory, Clock clock) {
        this.runs = new TemporalRun(client, taskQueue, clock);
        this.registry = registry;
        this.workingDirectory = workingDirectory;
        this.clock = clock;
    }

    /**
     * Runs the plan under the run's own limit, which the workflow holds as its ledger and grants
     * node by node. Daily limits are another matter: they live in the submitter's ACP_HOME, shared
     * with its other runs, and no worker can see them. So when one applies to a provider the run
     * may pay, the run's pessimistic cost is taken out of them here, before the workflow starts
     * ({@link #runGranted}), as for a batch's row.
     */
    @Override
    public RunResult run(RunRequest request, RunMeta meta, Path pipelineSnapshot) {
        if (!(request.costs() instanceof RunBudget budget)) {
            return run(request, meta, pipelineSnapshot, null);
        }
        if (RowGrant.dailyLimited(request.plan(), budget.ledger(), this::billed)) {
            return runGranted(request, meta, pipelineSnapshot, budget);
        }
        return run(request, meta, pipelineSnapshot, budget.ledger().runLimit());
    }

    /**
     * Reserves the run's pessimistic cost in its ledger (and through it in the batch's and the
     * daily limits) before the workflow starts, and gives the workflow exactly that as its limit;
     * a run that does not fit is not started and is reported as stopped by the budget.
     */
    RunResult runGranted(RunRequest request, RunMeta meta, Path pipelineSnapshot, RunBudget budget) {
        return switch (RowGrant.take(request.plan(), budget.estimator(), budget.ledger(), this::billed)) {
            case RowGrant.Refused no -> RefusedRun.report(request, no.reason(), clock.instant());
            case RowGrant.Granted granted -> {
                RunResult result;
                try {
                    result = run(request, meta, pipelineSnapshot, granted.limit());
                } catch (JournalFailedException e) {
                    granted.grant().settle(e.result().steps());
                    throw e;
                }
                // An exception above leaves the reservations held: what the run spent is not
                // known then, and holding it can only stop spending early, never overspend.
                granted.grant().settle(result.steps());
                yield result;
            }
        };
    }

    /**
     * Runs the plan with {@code limit} as the workflow's ledger instead of the run's own limit: a
     * batch's row gets what the submitter reserved for it out of the batch's ledger ({@link TemporalBatchEngine}).
     */
    RunResult run(RunRequest request, RunMeta meta, Path pipelineSnapshot, @Nullable BigDecimal limit) {
        ExecutionPlan plan = request.plan();
        String text;
        try {
            text = Files.readString(pipelineSnapshot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path original = Path.of(meta.pipelineFile());
        // Every worker reads the snapshot from the shared folder (beside the node journals): the
        // activities' inputs name it instead of each carrying a copy of the text.
        PipelineSource.Shared copy = SharedPipeline.write(NodeWorker.runFolder(plan, request.runId()),
                original.getFileName().toString(), text);
        PipelineSource source = new PipelineSource("", original.toString(), original.getParent().toString(),
                NodeReader.Format.forFileName(original.getFileName().toString()).name(), meta.offline(), meta.parallel(),
                meta.inputs(), meta.outputDirectory(), workingDirectory.toString(), copy);
        Estimator estimator = request.costs() instanceof RunBudget budget ? budget.estimator() : null;
        List<NodeSpec> nodes = PlanShape.of(plan, estimator, this::billed);
        Journaling journal = new Journaling(new SettledCosts(plan), request.recorder(), request.listener());
        RunResult result;
        try {
            result = runs.run(plan, new RunInput(request.runId(), source, nodes, limit), journal, request.control());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.control().cancel();
            throw new IllegalStateException("interrupted while following the run on Temporal", e);
        }
        try {
            journal.rest(result);
            request.recorder().runFinished(result);
        } catch (RuntimeException e) {
            throw new JournalFailedException(result, e);
        }
        return result;
    }

    /**
     * Journals each step in the submitter's run journal as the workflow reports it settled, before
     * the progress display hears of it, so {@code acp runs show} of a run still going says what
     * its workers have spent so far; what the run's end brings that was not reported on the way is
     * journaled then. A journal that cannot be written fails the run at its end, with everything
     * the workers did still in their node journals.
     */
    private static final class Journaling implements RunListener {
        private final SettledCosts costs;
        private final RunRecorder recorder;
        private final RunListener next;
        private final java.util.Set<String> journaled = new java.util.HashSet<>();
        private @Nullable RuntimeException failure;

        Journaling(SettledCosts costs, RunRecorder recorder, RunListener next) {
            this.costs = costs;
            this.recorder = recorder;
            this.next = next;
        }

        @Override
        public void runStarted(ExecutionPlan plan, String runId) {
            next.runStarted(plan, runId);
        }

        @Override
        public void stepStarted(dev.acp.plan.PlannedTask task, int attempt) {
            next.stepStarted(task, attempt);
        }

        @Override
        public void stepProgress(dev.acp.plan.PlannedTask task, double fraction, String message) {
            next.stepProgress(task, fraction, message);
        }

        @Override
        public void stepRetrying(dev.acp.plan.PlannedTask task, int nextAttempt, java.time.Duration delay,
                dev.acp.engine.ErrorInfo error) {
            next.stepRetrying(task, nextAttempt, delay, error);
        }

        @Override
        public void stepFinished(StepResult result) {
            if (failure == null && journaled.add(result.stepId())) {
                try {
                    costs.record(result, recorder);
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            next.stepFinished(result);
        }

        @Override
        public void runFinished(RunResult result) {
            next.runFinished(result);
        }

        /** Journals the results not journaled on the way; throws the first failure to write. */
        void rest(RunResult result) {
            if (failure != null) {
                throw failure;
            }
            for (StepResult r : result.steps()) {
                if (journaled.add(r.stepId())) {
                    costs.record(r, recorder);
                }
            }
        }
    }

    boolean billed(@Nullable String provider) {
        return provider != null && (!registry.has(provider) || registry.provider(provider).costsMoney());
    }
}
