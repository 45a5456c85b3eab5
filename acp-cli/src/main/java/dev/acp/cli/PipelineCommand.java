package dev.acp.cli;

import picocli.CommandLine.Command;

/** {@code acp pipeline ...}: running pipelines. */
@Command(name = "pipeline", description = "Run and list pipelines.", mixinStandardHelpOptions = true,
        subcommands = {RunCommand.class, PipelineListCommand.class})
final class PipelineCommand {
    private PipelineCommand() {}
}
