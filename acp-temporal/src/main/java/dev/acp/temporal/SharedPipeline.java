package dev.acp.temporal;

import dev.acp.util.AtomicFiles;
import dev.acp.util.Hashing;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The pipeline's text on the shared folder, which activity inputs name by path and SHA-256
 * instead of carrying: every scheduled activity's input travels in the workflow task's commands
 * and stays in the run's history, so 200 nodes of a 30 KB pipeline once made one task of 6 MB,
 * past gRPC's 4 MiB, and the run hung. The copy is the submitter's snapshot, written once before
 * the run starts; the hash makes a worker refuse a copy that changed since.
 */
final class SharedPipeline {
    private SharedPipeline() {}

    /** Writes the snapshot into {@code folder} (atomically, forced) and returns how tasks name it. */
    static PipelineSource.Shared write(Path folder, String fileName, String text) {
        try {
            Files.createDirectories(folder);
            Path target = folder.resolve(fileName);
            Path partial = Files.createTempFile(folder, fileName, ".partial");
            Files.writeString(partial, text);
            AtomicFiles.sync(partial);
            AtomicFiles.replace(partial, target);
            return new PipelineSource.Shared(target.toString(), Hashing.sha256(text));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pipeline's copy to the shared folder " + folder + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The text a source stands for: carried in it, or read from the shared folder and checked.
     * A copy missing on this worker may be a mount another worker has, so that is retried
     * elsewhere; a copy whose hash differs is the same on every worker, so that fails for good.
     */
    static String text(PipelineSource source) {
        PipelineSource.Shared shared = source.shared();
        if (shared == null) {
            return source.text();
        }
        String text;
        try {
            text = Files.readString(Path.of(shared.path()));
        } catch (NoSuchFileException e) {
            throw ApplicationFailure.newFailure("the pipeline's copy " + shared.path() + " is not on this worker"
                    + " (mount the shared folder at the same path on every worker)", "AcpPipelineMissing");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pipeline's copy " + shared.path() + ": " + e.getMessage(), e);
        }
        if (!Hashing.sha256(text).equals(shared.sha256())) {
            throw ApplicationFailure.newNonRetryableFailure("the pipeline's copy " + shared.path() + " changed after"
                    + " the run started (leave .acp-temporal alone while a run is going; resubmit the run)",
                    NodeWorker.INVALID);
        }
        return text;
    }
}
