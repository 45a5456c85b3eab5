package dev.acp.local.media;

import dev.acp.env.Environment;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.process.CommandResult;
import dev.acp.local.process.ExternalCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Runs ffmpeg with an argument list. Every invocation starts with {@code -hide_banner -nostdin
 * -y}: no banner noise in error tails, never a prompt waiting on standard input, and outputs are
 * overwritten (callers always write to fresh temporary names). Thread-safe.
 *
 * <p>Interrupting the calling thread kills ffmpeg (see {@link ExternalCommand}).
 *
 * <p>At most {@link #maxProcesses()} ffmpeg processes run at once (one per core by default,
 * {@value #MAX_PROCESSES_VARIABLE} to change it); further calls wait their turn. Each ffmpeg
 * already uses every core, so a parallel group of twenty local video steps gains nothing from
 * twenty encoders at once, and would hold twenty encoders' memory.
 */
public final class Ffmpeg {
    private static final int ERROR_TAIL_LINES = 3;
    /** The environment variable that sets how many ffmpeg processes may run at once. */
    public static final String MAX_PROCESSES_VARIABLE = "ACP_FFMPEG_MAX_PROCESSES";

    private final FfmpegLocator locator;
    private final int maxProcesses;
    private final Semaphore processes;

    public Ffmpeg(FfmpegLocator locator) {
        this(locator, defaultMaxProcesses());
    }

    public Ffmpeg(FfmpegLocator locator, int maxProcesses) {
        this.locator = Objects.requireNonNull(locator, "locator");
        if (maxProcesses < 1) {
            throw new IllegalArgumentException("maxProcesses must be at least 1: " + maxProcesses);
        }
        this.maxProcesses = maxProcesses;
        this.processes = new Semaphore(maxProcesses, true);
    }

    /**
     * An ffmpeg resolved from {@code environment}, extracting the bundled one under {@code acpHome}.
     *
     * @throws dev.acp.error.UsageException when {@value #MAX_PROCESSES_VARIABLE} is not a whole number above 0
     */
    public static Ffmpeg locate(Environment environment, Path acpHome) {
        int max = environment.get(MAX_PROCESSES_VARIABLE).map(String::strip).filter(v -> !v.isEmpty()).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                return 0;
            }
        }).orElse(defaultMaxProcesses());
        if (max < 1) {
            throw new dev.acp.error.UsageException(MAX_PROCESSES_VARIABLE + " must be a whole number above 0, not '"
                    + environment.get(MAX_PROCESSES_VARIABLE).orElse("") + "'");
        }
        return new Ffmpeg(new FfmpegLocator(environment, acpHome), max);
    }

    private static int defaultMaxProcesses() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /** How many ffmpeg processes may run at once. */
    public int maxProcesses() {
        return maxProcesses;
    }

    public FfmpegLocator locator() {
        return locator;
    }

    /** The binary that will run; resolves (and extracts) it if that has not happened yet. */
    public FfmpegBinary binary() throws ProviderException {
        return locator.locate();
    }

    /**
     * Runs ffmpeg and requires exit status 0.
     *
     * @param purpose what the run does, for the error message ("encoding the video")
     * @param arguments everything after the common prefix, ending with the output
     * @param stdoutLines receives standard output lines, for example {@code -progress pipe:1}
     * @throws ProviderException ({@link ErrorKind#LOCAL}) on a non-zero exit, naming the purpose
     *     and quoting the last lines of ffmpeg's error output
     */
    public CommandResult run(String purpose, List<String> arguments, Consumer<String> stdoutLines)
            throws ProviderException, InterruptedException {
        CommandResult result = execute(arguments, stdoutLines);
        if (!result.succeeded()) {
            throw new ProviderException(ErrorKind.LOCAL, "ffmpeg failed while " + purpose + " (exit "
                    + result.exitCode() + "): " + result.stderrTail(ERROR_TAIL_LINES)
                    + "; check the input file or set " + FfmpegLocator.ENV_VARIABLE + " to another ffmpeg build");
        }
        return result;
    }

    /** Runs ffmpeg and discards standard output; see {@link #run(String, List, Consumer)}. */
    public CommandResult run(String purpose, List<String> arguments) throws ProviderException, InterruptedException {
        return run(purpose, arguments, line -> {});
    }

    /**
     * Runs ffmpeg and returns however it ended, for callers that read its messages even on a
     * non-zero exit (probing a file with {@code -i} alone always "fails").
     */
    public CommandResult execute(List<String> arguments, Consumer<String> stdoutLines)
            throws ProviderException, InterruptedException {
        FfmpegBinary binary = locator.locate();
        List<String> command = command(binary, arguments);
        processes.acquire();
        try {
            return ExternalCommand.run(command, stdoutLines);
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "could not start ffmpeg at " + binary.path() + " ("
                    + e.getMessage() + "); install ffmpeg or set " + FfmpegLocator.ENV_VARIABLE
                    + " to a working binary", e);
        } finally {
            processes.release();
        }
    }
    /** ffmpeg with the options every run starts with: no banner, no terminal input, overwrite. */
    private static List<String> command(FfmpegBinary binary, List<String> arguments) {
        List<String> command = new ArrayList<>(arguments.size() + 4);
        command.add(binary.path().toString());
        command.add("-hide_banner");
        command.add("-nostdin");
        command.add("-y");
        command.addAll(arguments);
        return command;
    }

    /**
     * Runs ffmpeg, hands its standard output as bytes to {@code stdout} (for example raw frames
     * written to {@code pipe:1}), and returns however it ended, so that the caller can word the
     * error for what it was reading.
     *
     * @param purpose what the run does, for the error message when the reader fails ("reading the
     *     frames of clip.mp4")
     * @throws ProviderException ({@link ErrorKind#LOCAL}) when ffmpeg cannot be started or the
     *     reader fails (ffmpeg has then been stopped)
     */
    public CommandResult executeReading(String purpose, List<String> arguments, ExternalCommand.OutputReader stdout)
            throws ProviderException, InterruptedException {
        FfmpegBinary binary = locator.locate();
        List<String> command = command(binary, arguments);
        processes.acquire();
        try {
            return ExternalCommand.runReading(command, stdout);
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "ffmpeg failed while " + purpose + " (" + e.getMessage()
                    + "); check the input file or set " + FfmpegLocator.ENV_VARIABLE + " to another ffmpeg build", e);
        } finally {
            processes.release();
        }
    }
}
