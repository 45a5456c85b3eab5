package dev.acp.cli;

import picocli.CommandLine.Command;

/** {@code acp pipeline ...}: running pipelines. */
@Command(name = "pipeline", description = "Run, estimate and list pipelines.", mixinStandardHelpOptions = true,
        subcommands = {RunCommand.class, EstimateCommand.class, PipelineListCommand.class})
final class PipelineCommand {
    private PipelineCommand() {}
}
