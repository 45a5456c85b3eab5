package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.error.UsageException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code acp worker}: runs steps of runs submitted with {@code --engine temporal}, until Ctrl-C. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a worker of the distributed engine: it takes steps of runs started with 'acp pipeline run"
                + " --engine temporal' from Temporal's task queue and runs them with this machine's providers and"
                + " keys. Pipeline files, inputs and output folders must be on a folder every worker and submitter"
                + " shares (NFS or another shared POSIX folder), at the same path. Ctrl-C stops it; a step it was"
                + " running moves to another worker within about 20 s, jobs already paid for are re-attached.")
final class WorkerCommand implements Callable<Integer> {
    @Mixin
    TemporalOptions temporal = new TemporalOptions();

    @Option(names = "--max-concurrent-steps", paramLabel = "N", defaultValue = "8", description = "Plan nodes (a"
            + " step, a parallel group or a for_each block) this worker runs at once (default: ${DEFAULT-VALUE}).")
    int maxConcurrentSteps;

    private final CliContext context;

    WorkerCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (maxConcurrentSteps < 1) {
            throw new UsageException("--max-concurrent-steps must be at least 1");
        }
        Acp acp = context.acp();
        CountDownLatch stop = new CountDownLatch(1);
        try (TemporalConnection connection = TemporalConnection.open(temporal, context);
                AutoCloseable worker = connection.startWorker(acp, maxConcurrentSteps);
                AutoCloseable ignored = context.interrupts().onInterrupt(stop::countDown)) {
            context.err().println("acp: worker polling " + connection.describe() + ", at most " + maxConcurrentSteps
                    + " steps at once; Ctrl-C stops");
            context.err().flush();
            stop.await();
            context.err().println("acp: worker stopping; steps it was running continue on another worker");
        }
        return ExitCode.OK.code();
    }
}
