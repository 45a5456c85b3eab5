package dev.acp.batch;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a batch was started with, stored as {@code meta.json} in its folder: a resume runs the
 * same pipeline over the same rows with the same settings, and refuses to when the files changed.
 *
 * @param pipelineFile the pipeline file (absolute)
 * @param inputsFile the inputs file (absolute)
 * @param inputsLabel the inputs file as the user named it, for messages
 * @param outputDirectory the folder of the rows' folders and the results (absolute)
 * @param limitRows at most this many rows run (the first ones selected), or null for all
 * @param only the ids of the rows to run, or empty for all
 * @param cacheMode USE, REFRESH or OFF
 * @param rows how many rows the batch runs
 * @param engine the engine its rows run on ("temporal"), or null for the local one (and batches
 *     written before engines were named)
 */
record BatchMeta(String batchId, String pipelineName, String pipelineFile, String pipelineSha256, String inputsFile,
        String inputsLabel, String inputsSha256, String workingDirectory, String outputDirectory, boolean offline,
        boolean parallel, @Nullable Long limitRows, List<String> only, String cacheMode, long rows, String createdAt,
        String acpVersion, @Nullable String engine) {

    BatchMeta {
        only = List.copyOf(only);
    }
}
