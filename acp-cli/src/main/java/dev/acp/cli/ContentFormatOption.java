package dev.acp.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import picocli.CommandLine.Option;

/** {@code --format table|json} of the content commands, and printing their JSON answers. */
final class ContentFormatOption {
    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "Output format:"
            + " ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    RunCommand.Format format = RunCommand.Format.table;

    boolean json() {
        return format == RunCommand.Format.json;
    }

    /** Prints {@code answer} as indented JSON on standard output. */
    void print(CliContext context, Object answer) throws JsonProcessingException {
        context.out().println(CliJson.pretty().writeValueAsString(answer));
    }
}
