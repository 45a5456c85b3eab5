package dev.acp.batch;

import dev.acp.cache.CacheMode;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.error.AcpException;
import dev.acp.error.PipelineInvalidException;
import dev.acp.run.RunEngine;
import dev.acp.run.RunGroup;
import dev.acp.run.RunHandle;
import dev.acp.run.RunHost;
import dev.acp.run.RunOutcome;
import dev.acp.run.Runner;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs one row as a run of its own, through the one run path ({@link Runner}) and within the
 * batch's {@link RunGroup}: validated, estimated, held to the row's own limits and, step by step,
 * to the batch's through the group's ledger, journaled, cached and reported like any run. The
 * row's run has a fixed id ({@code <batch>.<row>}), so that after a crash its folder is found and
 * the run resumed (its jobs re-attached, nothing paid twice) instead of started again.
 *
 * @param settings the batch's settings every row runs with
 * @param engine what runs each row's plan instead of the local engine (a distributed one), or null
 */
record RowRun(RunHost acp, RunGroup group, Path pipelineFile, Path workingDirectory, BatchSource source,
        boolean offline, boolean parallel, CacheMode cacheMode, boolean allowUnknownPrices, String batchId,
        @Nullable RunEngine engine) {

    /** The id of a row's run. */
    static String runId(String batchId, String rowId) {
        return batchId + "." + rowId;
    }

    /**
     * Runs (or resumes) the row to its end.
     *
     * @param started receives the row's run once it started, so that it can be stopped
     */
    RowOutcome run(BatchRow row, RunListener listener, Consumer<RunHandle> started) {
        String runId = runId(batchId, row.id());
        Path dir = source.rowDirectory(row.id());
        boolean resume = Files.isDirectory(group.service().store().root().resolve(runId));
        Runner runner = resume ? Runner.resume(acp, runId, workingDirectory)
                : Runner.newRun(acp, pipelineFile, workingDirectory).runId(runId).offline(offline).parallel(parallel)
                        .inputs(row.inputs()).outputDirectory(dir);
        // Agreed to for the whole batch before any row started; each row still meets its own limits.
        runner.group(group).yes(true).allowUnknownPrices(allowUnknownPrices).listener(listener);
        if (!resume) {
            runner.cacheMode(cacheMode);
        }
        if (engine != null) {
            runner.engine(engine);
        }
        RunOutcome outcome;
        try {
            RunHandle handle = runner.start();
            started.accept(handle);
            outcome = awaitUninterruptibly(handle);
        } catch (PipelineInvalidException e) {
            return failed(row, runId, dir, e.problems().stream().filter(p -> p.isError()).findFirst()
                    .map(p -> p.render()).orElse(e.getMessage()));
        } catch (AcpException | UncheckedIOException e) {
            return failed(row, runId, dir, e.getMessage());
        }
        return outcome(row, dir, outcome);
    }

    private static RunOutcome awaitUninterruptibly(RunHandle handle) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return handle.await();
                } catch (InterruptedException e) {
                    // The batch stops rows through their handles; this thread waits for the end.
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private RowOutcome failed(BatchRow row, String runId, Path dir, @Nullable String why) {
        return new RowOutcome(row, runId, RowStatus.FAILED, null, BigDecimal.ZERO, dir, List.of(), oneLine(why));
    }

    private static RowOutcome outcome(BatchRow row, Path dir, RunOutcome outcome) {
        RunResult result = outcome.result();
        List<String> outputs = new ArrayList<>();
        StepResult failed = null;
        StepResult budget = null;
        for (StepResult s : result.taskResults()) {
            if (s.outputPath() != null && s.succeeded()) {
                Path p = s.outputPath();
                outputs.add(p.startsWith(dir) ? dir.relativize(p).toString() : p.toString());
            }
            if (s.status() == StepStatus.FAILED && failed == null) {
                failed = s;
            }
            if (s.status() == StepStatus.SKIPPED && "budget".equals(s.metadata().get("skipped_for")) && budget == null) {
                budget = s;
            }
        }
        RowStatus status = switch (result.status()) {
            case SUCCEEDED -> RowStatus.SUCCEEDED;
            case INTERRUPTED -> RowStatus.INTERRUPTED;
            case PARTIAL -> failed == null && budget != null ? RowStatus.BUDGET : RowStatus.FAILED;
        };
        String error = failed != null ? "step '" + failed.stepId() + "': " + (failed.error() != null
                ? failed.error().message() : failed.status().wireName())
                : budget != null ? "step '" + budget.stepId() + "' skipped: " + budget.reason()
                : status == RowStatus.FAILED ? "steps were skipped: " + String.join(", ", result.failedStepIds())
                : status == RowStatus.INTERRUPTED ? "interrupted" : null;
        if (status == RowStatus.SUCCEEDED && (outcome.journalError() != null || outcome.reportError() != null)) {
            status = RowStatus.FAILED;
            error = outcome.journalError() != null ? "journal: " + outcome.journalError()
                    : "cannot write run.json: " + outcome.reportError();
        }
        BigDecimal spent = outcome.extras().spent() != null ? outcome.extras().spent() : result.totalActualCost();
        BigDecimal estimated = result.taskResults().stream().anyMatch(s -> s.estimatedCost() != null)
                ? result.totalEstimatedCost() : null;
        return new RowOutcome(row, outcome.runId(), status, estimated, spent, dir, outputs, oneLine(error));
    }

    static @Nullable String oneLine(@Nullable String s) {
        return s == null ? null : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
