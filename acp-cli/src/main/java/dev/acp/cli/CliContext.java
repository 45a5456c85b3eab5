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
        Function<Environment, Acp> acpFactory) {

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
