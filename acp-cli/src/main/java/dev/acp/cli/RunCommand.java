package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunResult;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlanResult;
import dev.acp.plan.RunSettings;
import dev.acp.report.RunReportWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code acp pipeline run --config FILE}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Validate and run a pipeline. Steps run as soon as their dependencies succeed; a failed step"
                + " fails only what depends on it. Writes run.json into the output folder.")
final class RunCommand implements Callable<Integer> {

    /** How results are printed. */
    enum Format {
        table,
        json
    }

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The pipeline file.")
    Path config;

    @Option(names = "--parallel", description = "Run parallel groups side by side even if the file does not"
            + " set global_config.parallel_enabled.")
    boolean parallel;

    @Option(names = "--offline", description = "Use the local offline engines for every step: no keys, no network,"
            + " outputs labelled as previews.")
    boolean offline;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Set a declared input (repeatable).")
    Map<String, String> inputs = new LinkedHashMap<>();

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", description = "Write outputs here instead of the"
            + " file's output_directory.")
    Path outputDirectory;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Result format: ${COMPLETION-CANDIDATES}"
            + " (default: ${DEFAULT-VALUE}).", defaultValue = "table")
    Format format;

    private final CliContext context;

    RunCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        Acp acp = context.acp();
        Path file = context.workingDirectory().resolve(config);
        RunSettings settings = RunSettings.run(context.workingDirectory()).withOffline(offline).withParallel(parallel)
                .withInputs(inputs)
                .withOutputDirectory(outputDirectory == null ? null : context.workingDirectory().resolve(outputDirectory));
        PlanResult planned = acp.check(file, settings);
        if (planned.plan() == null) {
            Cli.printProblems(context.err(), planned.problems());
            return ExitCode.USAGE.code();
        }
        ExecutionPlan plan = planned.plan();
        planned.warnings().forEach(p -> context.err().println(p.render()));

        RunControl control = new RunControl();
        ProgressDisplay progress = ProgressDisplay.create(context.err(), context.terminal(), context.workingDirectory());
        RunResult result;
        try (AutoCloseable ignored = context.interrupts().onInterrupt(control::cancel)) {
            result = acp.run(plan, progress, control);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            progress.close();
        }
        RunReportWriter writer = new RunReportWriter(context.secrets());
        Path report = null;
        String reportError = null;
        try {
            report = writer.write(plan, result);
        } catch (IOException e) {
            reportError = e.getMessage();
        }
        if (format == Format.json) {
            context.out().println(writer.toJson(plan, result));
        } else {
            new SummaryPrinter(context.out(), context.terminal(), context.workingDirectory()).print(plan, result, report);
        }
        if (reportError != null) {
            // The run happened and its outputs are in place; only the report is missing, which a
            // script must notice, so a successful run is reported as partial.
            context.err().println("acp: error: cannot write " + RunReportWriter.FILE_NAME + " in "
                    + result.outputDirectory() + ": " + reportError);
            return Math.max(ExitCode.of(result.status()).code(), ExitCode.FAILED_STEPS.code());
        }
        return ExitCode.of(result.status()).code();
    }
}
