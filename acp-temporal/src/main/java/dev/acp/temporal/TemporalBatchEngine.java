package dev.acp.temporal;

import dev.acp.cost.RunBudget;
import dev.acp.engine.RunRequest;
import dev.acp.engine.RunResult;
import dev.acp.run.RunEngine;
import dev.acp.run.RunMeta;
import java.nio.file.Path;

/**
 * {@code acp batch run --engine temporal}: each row's run goes through the run path as locally
 * (the batch hands it here instead of to the local engine), and its plan runs as a workflow of
 * its own ({@code acp-run-<batch>.<row>}). Before the workflow starts, the row's pessimistic cost
 * is reserved out of the batch's ledger here, at the submitter ({@link RowGrant}), and the
 * workflow gets exactly that as its limit; a row that does not fit is not started and is reported
 * as stopped by the budget, which makes the batch start no more rows, as a local batch does.
 */
public final class TemporalBatchEngine implements RunEngine {
    private final TemporalEngine engine;

    public TemporalBatchEngine(TemporalEngine engine) {
        this.engine = engine;
    }

    @Override
    public RunResult run(RunRequest request, RunMeta meta, Path pipelineSnapshot) {
        if (!(request.costs() instanceof RunBudget budget)) {
            return engine.run(request, meta, pipelineSnapshot);
        }
        return engine.runGranted(request, meta, pipelineSnapshot, budget);
    }
}
