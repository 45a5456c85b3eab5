package dev.acp.cli;

import dev.acp.error.UsageException;
import dev.acp.temporal.DevServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code acp temporal ...}: the distributed engine's helpers. */
@Command(name = "temporal", mixinStandardHelpOptions = true, description = "Helpers for the distributed engine"
        + " on Temporal.", subcommands = {TemporalCommand.DevServerCommand.class})
final class TemporalCommand {
    private TemporalCommand() {}

    /** {@code acp temporal dev-server}: Temporal's in-memory test server on loopback. */
    @Command(name = "dev-server", mixinStandardHelpOptions = true, description = "Start Temporal's test server on"
            + " this machine, for trying 'acp worker' and '--engine temporal' without a Temporal cluster. It keeps"
            + " everything in memory: when it stops, every run it held is forgotten (outputs and journals on disk"
            + " stay, and 'acp pipeline run --resume' picks a run up again).")
    static final class DevServerCommand implements Callable<Integer> {
        @Option(names = "--port", paramLabel = "PORT", defaultValue = "7233", description = "The port (default:"
                + " ${DEFAULT-VALUE}, Temporal's own).")
        int port;

        private final CliContext context;

        DevServerCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws Exception {
            if (port < 1 || port > 65535) {
                throw new UsageException("--port must be between 1 and 65535");
            }
            CountDownLatch stop = new CountDownLatch(1);
            DevServer server;
            try {
                server = DevServer.start(port);
            } catch (RuntimeException e) {
                throw new UsageException("cannot start the dev server on port " + port + " (" + e.getMessage()
                        + "); is the port in use? choose another with --port", e);
            }
            try (server; AutoCloseable ignored = context.interrupts().onInterrupt(stop::countDown)) {
                context.err().println("acp: Temporal dev server on 127.0.0.1:" + port + " (in memory only: it keeps"
                        + " nothing across restarts); Ctrl-C stops");
                context.err().println("acp: start workers with 'acp worker --temporal-target 127.0.0.1:" + port
                        + "' and runs with 'acp pipeline run --engine temporal --temporal-target 127.0.0.1:" + port
                        + " ...'");
                context.err().flush();
                stop.await();
                context.err().println("acp: dev server stopping; the runs it held are forgotten");
            }
            return ExitCode.OK.code();
        }
    }
}
