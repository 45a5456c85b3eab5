package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.env.Environment;
import dev.acp.env.Secrets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Everything a command touches outside itself: output streams, environment, working folder,
 * terminal, Ctrl-C, and how to build ACP. Injected so that commands run in-process in tests.
 */
public record CliContext(
        PrintWriter out,
        PrintWriter err,
        Environment environment,
        Path workingDirectory,
        Terminal terminal,
        Interrupts interrupts,
        Function<Environment, Acp> acpFactory,
        Prompt prompt) {

    /** A context that cannot ask the user anything (no terminal). */
    public CliContext(PrintWriter out, PrintWriter err, Environment environment, Path workingDirectory,
            Terminal terminal, Interrupts interrupts, Function<Environment, Acp> acpFactory) {
        this(out, err, environment, workingDirectory, terminal, interrupts, acpFactory, Prompt.NONE);
    }

    /** Asks the user a yes/no question on the terminal. */
    public interface Prompt {
        /** The answer, or null when there is no terminal to ask on. */
        @org.jspecify.annotations.Nullable Boolean confirm(String question);

        Prompt NONE = question -> null;

        /** Asks on this process's console when stdin and stderr are a terminal; answers "y"/"yes" mean yes. */
        static Prompt console(Terminal terminal, PrintWriter err) {
            return question -> {
                java.io.Console console = System.console();
                if (console == null || !terminal.interactive()) {
                    return null;
                }
                err.print(question + " [y/N] ");
                err.flush();
                String line = console.readLine();
                return line != null && (line.strip().equalsIgnoreCase("y") || line.strip().equalsIgnoreCase("yes"));
            };
        }
    }

    /** Installs a handler for Ctrl-C for the duration of a run. */
    public interface Interrupts {
        /** Calls {@code onInterrupt} on each Ctrl-C until the returned handle is closed. */
        AutoCloseable onInterrupt(Runnable onInterrupt);

        Interrupts NONE = action -> () -> {};
    }

    public Acp acp() {
        return acpFactory.apply(environment);
    }

    /** Values never to print: the secrets in the environment. */
    public Secrets secrets() {
        return Secrets.from(environment, java.util.List.of());
    }
}
