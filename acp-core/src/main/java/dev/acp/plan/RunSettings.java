package dev.acp.plan;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How the user asked to run (or only check) a pipeline; the command-line flags, as a value.
 *
 * @param offline force the local provider for every step ({@code --offline})
 * @param parallel run parallel groups side by side even if the file does not enable it
 * @param inputValues {@code --set name=value} pairs, as typed
 * @param outputDirectory overrides the file's {@code output_directory}, or null
 * @param workingDirectory the folder relative output folders and --set file paths resolve against
 */
public record RunSettings(
        Mode mode,
        boolean offline,
        boolean parallel,
        Map<String, String> inputValues,
        @Nullable Path outputDirectory,
        Path workingDirectory) {

    /** Whether the pipeline is about to run (everything must be installed) or only checked. */
    public enum Mode {
        CHECK,
        RUN
    }

    public RunSettings {
        Objects.requireNonNull(mode, "mode");
        inputValues = Map.copyOf(inputValues);
        Objects.requireNonNull(workingDirectory, "workingDirectory");
    }

    public static RunSettings check(Path workingDirectory) {
        return new RunSettings(Mode.CHECK, false, false, Map.of(), null, workingDirectory);
    }

    public static RunSettings run(Path workingDirectory) {
        return new RunSettings(Mode.RUN, false, false, Map.of(), null, workingDirectory);
    }

    public RunSettings withOffline(boolean value) {
        return new RunSettings(mode, value, parallel, inputValues, outputDirectory, workingDirectory);
    }

    public RunSettings withParallel(boolean value) {
        return new RunSettings(mode, offline, value, inputValues, outputDirectory, workingDirectory);
    }

    public RunSettings withInputs(Map<String, String> values) {
        return new RunSettings(mode, offline, parallel, values, outputDirectory, workingDirectory);
    }

    public RunSettings withOutputDirectory(@Nullable Path dir) {
        return new RunSettings(mode, offline, parallel, inputValues, dir, workingDirectory);
    }
}
