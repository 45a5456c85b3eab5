package dev.acp.cli;

import dev.acp.plan.PlanResult;
import dev.acp.plan.RunSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code acp config ...}: working with pipeline files. */
@Command(name = "config", description = "Check and create pipeline files.", mixinStandardHelpOptions = true,
        subcommands = {ConfigCommand.ValidateCommand.class, ConfigCreateCommand.class})
final class ConfigCommand {

    /** {@code acp config validate FILE}. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Validate a pipeline file without running it: structure, types, references, dependencies,"
                    + " output paths and providers. Every problem is reported with file:line:column.")
    static final class ValidateCommand implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The pipeline file (.yaml, .yml or .json).")
        Path file;

        @Option(names = "--offline", description = "Validate as for a run with --offline (local providers).")
        boolean offline;

        @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Set a declared input.")
        Map<String, String> inputs = new LinkedHashMap<>();

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
                description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). JSON: the"
                        + " result with every problem as {file, line, column, step, severity, category, message, fix};"
                        + " an invalid file is an error object (README, \"JSON output\").")
        RunCommand.Format format;

        private final CliContext context;

        ValidateCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws com.fasterxml.jackson.core.JsonProcessingException {
            Path path = context.workingDirectory().resolve(file);
            RunSettings settings = RunSettings.check(context.workingDirectory()).withOffline(offline).withInputs(inputs);
            PlanResult result = context.acp().check(path, settings);
            if (!result.errors().isEmpty()) {
                Cli.printProblems(context.err(), result.problems());
                if (format == RunCommand.Format.json) {
                    boolean onlyCredentials = result.errors().stream()
                            .allMatch(p -> p.category() == dev.acp.pipeline.Problem.Category.CREDENTIALS);
                    long errors = result.errors().size();
                    JsonErrors.print(context.out(), errors + (errors == 1 ? " error" : " errors") + " in " + file,
                            ExitCode.USAGE, onlyCredentials ? JsonErrors.Kind.credentials
                                    : JsonErrors.Kind.invalid_pipeline, result.problems());
                }
                return ExitCode.USAGE.code();
            }
            if (format == RunCommand.Format.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("file", file.toString());
                m.put("valid", true);
                m.put("pipeline_name", result.plan().spec().name());
                m.put("steps", result.plan().tasks().size());
                m.put("problems", result.warnings().stream().map(JsonErrors::problem).toList());
                result.warnings().forEach(p -> context.err().println(p.render()));
                context.out().println(CliJson.pretty().writeValueAsString(m));
                return ExitCode.OK.code();
            }
            result.warnings().forEach(p -> context.err().println(p.render()));
            int steps = result.plan().tasks().size();
            long warnings = result.warnings().size();
            context.out().println(context.terminal().green("✓") + " " + file + " is valid: pipeline '"
                    + result.plan().spec().name() + "', " + steps + (steps == 1 ? " step" : " steps")
                    + (warnings == 0 ? "" : ", " + warnings + (warnings == 1 ? " warning" : " warnings")));
            return ExitCode.OK.code();
        }
    }

    private ConfigCommand() {}

}
