package dev.acp.cli;

import picocli.CommandLine.Command;

/** {@code acp pipeline ...}: running pipelines. */
@Command(name = "pipeline", description = "Run pipelines.", mixinStandardHelpOptions = true,
        subcommands = {RunCommand.class, EstimateCommand.class})
final class PipelineCommand {
    private PipelineCommand() {}
}
