package dev.acp.run;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a run was started with, stored as {@code meta.json} in its folder, so that a resume runs
 * the same pipeline with the same settings.
 *
 * @param pipelineFile the pipeline file as given (absolute)
 * @param snapshotName the name of the pipeline's copy in the run folder
 * @param outputDirectory the absolute output folder
 * @param cacheMode USE, REFRESH or OFF
 */
public record RunMeta(
        String runId,
        String pipelineName,
        String pipelineFile,
        String pipelineSha256,
        String snapshotName,
        Instant createdAt,
        String acpVersion,
        boolean offline,
        boolean parallel,
        Map<String, String> inputs,
        String outputDirectory,
        String cacheMode) {

    public RunMeta {
        Objects.requireNonNull(runId, "runId");
        inputs = Map.copyOf(inputs);
    }
}
