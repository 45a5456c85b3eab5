package dev.acp.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code acp completion bash|zsh|fish}: a completion script made from the whole command tree. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Print a shell completion script for acp: commands, options, option values (formats,"
                + " templates) and the ids of runs for --resume and 'runs show'.",
        footer = {"", "Install (see README, \"Shell completion\"):",
            "  bash  acp completion bash > ~/.local/share/bash-completion/completions/acp",
            "  zsh   acp completion zsh > ~/.zfunc/_acp   (bash completion through zsh's bashcompinit)",
            "  fish  acp completion fish > ~/.config/fish/completions/acp.fish",
            "Or for the current shell only: source <(acp completion bash)"})
final class CompletionCommand implements Callable<Integer> {

    /** The shells a script can be made for. */
    enum Shell {
        bash,
        zsh,
        fish
    }

    @Parameters(paramLabel = "SHELL", description = "The shell: ${COMPLETION-CANDIDATES}.")
    Shell shell;

    private final CliContext context;

    CompletionCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        // This command line holds only 'completion' (Cli builds what a command line names); the script
        // needs every command.
        picocli.CommandLine tree = Cli.tree(context);
        String script = switch (shell) {
            case bash -> CompletionScripts.bash(tree);
            case zsh -> CompletionScripts.zsh(tree);
            case fish -> CompletionScripts.fish(tree);
        };
        context.out().print(script);
        context.out().flush();
        return ExitCode.OK.code();
    }
}
