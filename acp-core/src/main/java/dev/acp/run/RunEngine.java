package dev.acp.run;

import dev.acp.engine.RunRequest;
import dev.acp.engine.RunResult;
import java.nio.file.Path;

/**
 * What runs a session's plan once the run path has validated it, applied the money rules and
 * opened its journal: the local engine, unless another engine is chosen with
 * {@link Runner#engine} (the distributed one in acp-temporal). Whatever runs it reports to the
 * request's listener and recorder, so progress, the report, {@code acp runs} and exit codes are
 * the same for every engine.
 */
@FunctionalInterface
public interface RunEngine {
    /**
     * @param meta the run's settings, as a resume would use them
     * @param pipelineSnapshot the run's copy of the pipeline file
     */
    RunResult run(RunRequest request, RunMeta meta, Path pipelineSnapshot);
}
