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
        Prompt prompt,
        Input input) {

    /** A context that cannot ask the user anything (no terminal). */
    public CliContext(PrintWriter out, PrintWriter err, Environment environment, Path workingDirectory,
            Terminal terminal, Interrupts interrupts, Function<Environment, Acp> acpFactory) {
        this(out, err, environment, workingDirectory, terminal, interrupts, acpFactory, Prompt.NONE, Input.NONE);
    }

    /** A context that can ask yes/no questions but takes no typed answers. */
    public CliContext(PrintWriter out, PrintWriter err, Environment environment, Path workingDirectory,
            Terminal terminal, Interrupts interrupts, Function<Environment, Acp> acpFactory, Prompt prompt) {
        this(out, err, environment, workingDirectory, terminal, interrupts, acpFactory, prompt, Input.NONE);
    }

    /**
     * Lines typed at a terminal, for the commands that ask open questions
     * ({@code config create --interactive}); {@link Prompt} answers yes/no questions.
     */
    public interface Input {
        /** Whether someone can answer: standard input is a terminal (or a test plays one). */
        boolean interactive();

        /** The next line typed, without its line break; null at the end of input. */
        @org.jspecify.annotations.Nullable String readLine() throws java.io.IOException;

        Input NONE = new Input() {
            @Override
            public boolean interactive() {
                return false;
            }

            @Override
            public String readLine() {
                return null;
            }
        };

        /** Lines from {@code reader}; {@code interactive} says whether a person is typing them. */
        static Input of(java.io.BufferedReader reader, boolean interactive) {
            return new Input() {
                @Override
                public boolean interactive() {
                    return interactive;
                }

                @Override
                public String readLine() throws java.io.IOException {
                    return reader.readLine();
                }
            };
        }
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
        /** Calls {@code onInterrupt} on each Ctrl-C (or SIGTERM, SIGHUP) until the returned handle is closed. */
        AutoCloseable onInterrupt(Runnable onInterrupt);

        /**
         * The exit code of the signal that stopped the run, when it was not Ctrl-C (whose code is
         * {@link ExitCode#INTERRUPTED}): 143 for SIGTERM, 129 for SIGHUP, as shells report them.
         */
        default java.util.Optional<ExitCode> stoppedBy() {
            return java.util.Optional.empty();
        }

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
