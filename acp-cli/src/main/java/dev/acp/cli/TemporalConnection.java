package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.error.UsageException;
import dev.acp.run.RunEngine;
import dev.acp.temporal.AcpWorker;
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

    AutoCloseable startWorker(Acp acp, int maxConcurrentSteps) {
        return AcpWorker.start(client, target.taskQueue(), acp, maxConcurrentSteps);
    }

    @Override
    public void close() {
        service.shutdown();
    }
}
