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
        Input input) {

    /** Without typed input: for callers (and tests) of commands that never ask questions. */
    public CliContext(PrintWriter out, PrintWriter err, Environment environment, Path workingDirectory,
            Terminal terminal, Interrupts interrupts, Function<Environment, Acp> acpFactory) {
        this(out, err, environment, workingDirectory, terminal, interrupts, acpFactory, Input.NONE);
    }

    /** Answers typed at a terminal, for the commands that ask questions ({@code config create --interactive}). */
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
