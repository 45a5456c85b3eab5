package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.error.UsageException;
import dev.acp.run.RunEngine;
import dev.acp.temporal.AcpWorker;
import dev.acp.temporal.TemporalBatchEngine;
import dev.acp.temporal.TemporalEngine;
import dev.acp.temporal.TemporalTarget;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;

/**
 * The command line's one door to Temporal: the only class of acp-cli that names Temporal's
 * types, so that commands that do not use it never load them (the JVM loads a class when it is
 * first used, and the other commands only hold {@link TemporalOptions}' plain values).
 */
final class TemporalConnection implements AutoCloseable {
    private final TemporalTarget target;
    private final WorkflowServiceStubs service;
    private final WorkflowClient client;

    private TemporalConnection(TemporalTarget target, WorkflowServiceStubs service) {
        this.target = target;
        this.service = service;
        this.client = target.client(service);
    }

    static TemporalConnection open(TemporalOptions options, CliContext context) {
        var env = context.environment();
        TemporalTarget target = new TemporalTarget(options.target(env), options.namespace(env), options.taskQueue(env),
                options.tls, env.get("ACP_TEMPORAL_API_KEY").filter(k -> !k.isBlank()).orElse(null));
        try {
            return new TemporalConnection(target, target.connect(Duration.ofSeconds(30)));
        } catch (TemporalTarget.Unreachable e) {
            throw new UsageException(e.getMessage() + " (start one with 'acp temporal dev-server', or give"
                    + " --temporal-target HOST:PORT)", e);
        }
    }

    String describe() {
        return target.toString();
    }

    /** An engine that connects when the run starts and disconnects when it ends. */
    static RunEngine engine(TemporalOptions options, CliContext context, Acp acp) {
        return (request, meta, snapshot) -> {
            try (TemporalConnection c = open(options, context)) {
                return new TemporalEngine(c.client, c.target.taskQueue(), acp.registry(), context.workingDirectory(),
                        acp.engineOptions().clock()).run(request, meta, snapshot);
            }
        };
    }

    /**
     * The engine of a batch's rows ({@code acp batch run --engine temporal}): one connection for
     * the whole batch, opened when the first row starts (after every row was checked and the money
     * rules met, so that a batch refused for those never reaches Temporal) and closed by the caller
     * when the batch has ended.
     */
    static BatchEngine batchEngine(TemporalOptions options, CliContext context, Acp acp) {
        return new BatchEngine(options, context, acp);
    }

    /** Rows share one connection; a service that cannot be reached fails every row at once with the same line. */
    static final class BatchEngine implements RunEngine, AutoCloseable {
        private final TemporalOptions options;
        private final CliContext context;
        private final Acp acp;
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        private @org.jspecify.annotations.Nullable TemporalConnection connection;
        private @org.jspecify.annotations.Nullable TemporalBatchEngine engine;
        private @org.jspecify.annotations.Nullable UsageException unreachable;

        private BatchEngine(TemporalOptions options, CliContext context, Acp acp) {
            this.options = options;
            this.context = context;
            this.acp = acp;
        }

        @Override
        public dev.acp.engine.RunResult run(dev.acp.engine.RunRequest request, dev.acp.run.RunMeta meta,
                java.nio.file.Path snapshot) {
            return engine().run(request, meta, snapshot);
        }

        private TemporalBatchEngine engine() {
            lock.lock();
            try {
                if (unreachable != null) {
                    throw new UsageException(unreachable.getMessage(), unreachable);
                }
                if (engine == null) {
                    try {
                        connection = open(options, context);
                    } catch (UsageException e) {
                        unreachable = e;
                        throw e;
                    }
                    engine = new TemporalBatchEngine(new TemporalEngine(connection.client, connection.target.taskQueue(),
                            acp.registry(), context.workingDirectory(), acp.engineOptions().clock()));
                }
                return engine;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (connection != null) {
                    connection.close();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    AutoCloseable startWorker(Acp acp, int maxConcurrentSteps) {
        return AcpWorker.start(client, target.taskQueue(), acp, maxConcurrentSteps);
    }

    @Override
    public void close() {
        service.shutdown();
    }
}
