package dev.acp.temporal;

import dev.acp.pipeline.load.NodeReader;
import dev.acp.plan.RunSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The pipeline as every worker plans it: its text (a snapshot, so that an edit of the file during
 * a run changes nothing) and the settings of the run. Relative paths resolve against
 * {@code baseDirectory} and outputs go to the output folder, both of which must be on a folder
 * that every worker shares (see the module README).
 *
 * @param text the snapshot itself, or empty when {@code shared} names it
 * @param shared the snapshot's copy on the shared folder ({@link SharedPipeline}), or null when
 *     the text is carried here
 */
public record PipelineSource(String text, String label, String baseDirectory, String format, boolean offline,
        boolean parallel, Map<String, String> inputs, @Nullable String outputDirectory, String workingDirectory,
        @Nullable Shared shared) {

    /** The snapshot's copy on the shared folder: its absolute path and the SHA-256 of its text. */
    public record Shared(String path, String sha256) {
        public Shared {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    public PipelineSource {
        Objects.requireNonNull(text, "text");
        inputs = Map.copyOf(inputs);
    }

    /** A source that carries its text. */
    public PipelineSource(String text, String label, String baseDirectory, String format, boolean offline,
            boolean parallel, Map<String, String> inputs, @Nullable String outputDirectory, String workingDirectory) {
        this(text, label, baseDirectory, format, offline, parallel, inputs, outputDirectory, workingDirectory, null);
    }

    public RunSettings settings() {
        return RunSettings.run(Path.of(workingDirectory)).withOffline(offline).withParallel(parallel).withInputs(inputs)
                .withOutputDirectory(outputDirectory == null ? null : Path.of(outputDirectory));
    }

    public NodeReader.Format readerFormat() {
        return NodeReader.Format.valueOf(format);
    }
}
