package dev.acp.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Parameters;

/**
 * {@code acp help [COMMAND...]}: the help of any command, also a nested one ({@code acp help
 * pipeline run}), which picocli's own help command (one level only) does not reach. A mistyped
 * name gets the same "did you mean" as a mistyped command.
 */
@Command(name = "help", helpCommand = true, header = "Show the help of a command, for example 'acp help pipeline run'.",
        description = "Without COMMAND, the help of acp itself.")
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, with its subcommands.")
    List<String> commands = new ArrayList<>();

    private CommandLine self;
    private Help.ColorScheme colorScheme;
    private java.io.PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, Help.ColorScheme colorScheme, java.io.PrintWriter out,
            java.io.PrintWriter err) {
        this.self = helpCommandLine;
        this.colorScheme = colorScheme;
        this.out = out;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        for (String name : commands) {
            CommandLine next = target.getSubcommands().get(name);
            if (next == null) {
                // Reported against the command the name was looked up in, so the error says whose help to read.
                throw new CommandLine.ParameterException(target, "Unknown command: '" + name + "'"
                        + dev.acp.util.Suggestions.nearest(name, target.getSubcommands().keySet().stream()
                                .filter(n -> !n.equals("help")).toList())
                                .map(s -> "; did you mean '" + s + "'?").orElse(""));
            }
            target = next;
        }
        target.usage(out, colorScheme);
        out.flush();
    }
}
