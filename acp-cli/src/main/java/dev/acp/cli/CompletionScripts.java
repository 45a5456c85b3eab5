package dev.acp.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Completion scripts for bash, zsh and fish, made from the command tree so that a new command or
 * option is completed without anyone editing a script. Bash comes from picocli's generator; zsh
 * uses that script through zsh's bash completion compatibility ({@code bashcompinit}, which the
 * script loads itself); fish has no picocli generator, so its script is written here from the same
 * model. Run ids change after a script is installed, so every script asks {@code acp runs list
 * --ids} for them when completing instead of listing them.
 */
final class CompletionScripts {
    private CompletionScripts() {}

    /** What a RUN argument completes to, as the bash and zsh scripts ask for it. */
    private static final String BASH_RUN_IDS = """
            # Run ids change after this script is installed: ask the acp being completed (the first word,
            # so that ./acp or a full path works too) for them.
            function __acp_run_ids() {
              command "${COMP_WORDS[0]}" runs list --ids 2>/dev/null
            }

            """;

    static String bash(CommandLine tree) {
        String script = AutoComplete.bash("acp", tree);
        String marker = "(\"" + RunsCommand.RunIds.MARKER + "\")";
        if (!script.contains(marker)) {
            // Picocli changed how it writes candidates: fail the build's tests, not the user's shell.
            throw new IllegalStateException("the bash completion script has no run id candidates to replace");
        }
        script = script.replace(marker, "($(__acp_run_ids))");
        int body = script.indexOf("function ");
        return "# acp completion for bash and zsh: see 'acp completion --help' and README, \"Shell completion\".\n"
                + script.substring(0, body) + BASH_RUN_IDS + script.substring(body);
    }

    static String zsh(CommandLine tree) {
        return "# acp completion for zsh, through zsh's bash completion compatibility (bashcompinit, loaded by\n"
                + "# the script): add 'source <(acp completion zsh)' to ~/.zshrc, or save it and source the file.\n"
                + bash(tree);
    }

    static String fish(CommandLine tree) {
        StringBuilder out = new StringBuilder();
        out.append("""
                # acp completion for fish: acp completion fish > ~/.config/fish/completions/acp.fish
                # Made from acp's commands; run it again after updating acp.

                # The acp command the words typed so far name, such as 'acp pipeline run'.
                function __acp_command_path
                    set -l path acp
                    for word in (commandline -opc)[2..-1]
                        switch "$path $word"
                """);
        List<String> paths = new ArrayList<>();
        walk(tree.getCommandSpec(), spec -> {
            if (spec.parent() != null) {
                paths.add(quote(spec.qualifiedName()));
            }
        });
        out.append("            case ").append(String.join(" ", paths)).append('\n');
        out.append("""
                                set path "$path $word"
                        end
                    end
                    echo $path
                end

                function __acp_is
                    test (__acp_command_path) = "$argv"
                end

                # Run ids change after this script is installed: ask the acp being completed for them.
                function __acp_run_ids
                    set -l acp (commandline -opc)[1]
                    command $acp runs list --ids 2>/dev/null
                end

                # No file names unless an option or argument takes a file.
                complete -c acp -f
                """);
        walk(tree.getCommandSpec(), spec -> fishCommand(out, spec));
        return out.toString();
    }

    private static void fishCommand(StringBuilder out, CommandSpec spec) {
        String when = "-n " + quote("__acp_is " + spec.qualifiedName());
        out.append('\n').append("# ").append(spec.qualifiedName()).append('\n');
        spec.subcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden() && name.equals(sub.getCommandName())) {
                var usage = sub.getCommandSpec().usageMessage();
                out.append("complete -c acp ").append(when).append(" -a ").append(quote(name))
                        .append(describe(usage.header().length > 0 ? usage.header() : usage.description())).append('\n');
            }
        });
        if (spec.userObject() instanceof HelpCommand && spec.parent() != null) {
            // 'acp help COMMAND': the commands of the parent.
            List<String> names = spec.parent().subcommands().keySet().stream().filter(n -> !n.equals("help")).toList();
            out.append("complete -c acp ").append(when).append(" -a ").append(quote(String.join(" ", names)))
                    .append('\n');
        }
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            StringBuilder line = new StringBuilder("complete -c acp ").append(when);
            for (String name : o.names()) {
                if (name.startsWith("--")) {
                    line.append(" -l ").append(name.substring(2));
                } else if (name.length() == 2) {
                    line.append(" -s ").append(name.substring(1));
                } else {
                    line.append(" -o ").append(name.substring(1));
                }
            }
            line.append(values(o)).append(describe(o.description()));
            out.append(line).append('\n');
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden()) {
                continue;
            }
            String values = values(p);
            if (values.contains(" -a ") || values.contains(" -F")) {
                out.append("complete -c acp ").append(when).append(values.replace(" -r", "").replace(" -x", ""))
                        .append(describe(p.description())).append('\n');
            }
        }
    }

    /** The fish flags for what an option or argument takes: nothing, files, fixed words or run ids. */
    private static String values(ArgSpec arg) {
        if (arg.typeInfo().isBoolean() || arg.arity().max() == 0) {
            return "";
        }
        Iterable<String> candidates = arg.completionCandidates();
        if (candidates != null) {
            List<String> words = new ArrayList<>();
            candidates.forEach(words::add);
            if (words.contains(RunsCommand.RunIds.MARKER)) {
                return " -x -a '(__acp_run_ids)'";
            }
            return " -x -a " + quote(String.join(" ", words));
        }
        Class<?> type = arg.typeInfo().getType();
        if (type == Path.class || type == java.io.File.class) {
            return " -r -F";
        }
        return " -x";
    }

    private static String describe(String[] description) {
        if (description.length == 0) {
            return "";
        }
        // Picocli has filled in ${...} variables; %n is a line break of the help layout.
        String first = String.join(" ", description).replace("%n", " ").strip();
        // One short line: up to the end of the first sentence or clause.
        int end = first.length();
        for (String stop : new String[] {". ", ": ", "; ", " ("}) {
            int i = first.indexOf(stop);
            if (i > 0 && i < end) {
                end = i;
            }
        }
        String text = first.substring(0, end).strip();
        if (text.endsWith(".")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
            return "";
        }
        text = text.length() > 70 ? text.substring(0, 69) + "…" : text;
        return " -d " + quote(text);
    }

    /** {@code s} as a fish single-quoted word. */
    static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static void walk(CommandSpec spec, Consumer<CommandSpec> action) {
        action.accept(spec);
        spec.subcommands().forEach((name, sub) -> {
            // Aliases appear under every name; each command is visited once, by its own name.
            if (name.equals(sub.getCommandName())) {
                walk(sub.getCommandSpec(), action);
            }
        });
    }
}
