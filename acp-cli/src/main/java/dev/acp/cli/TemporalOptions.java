package dev.acp.cli;

import dev.acp.env.Environment;
import picocli.CommandLine.Option;

/**
 * Where the Temporal service is, for {@code acp worker} and {@code --engine temporal}. Plain
 * values only: nothing of Temporal's is loaded until a command connects ({@link TemporalConnection}).
 */
final class TemporalOptions {
    @Option(names = "--temporal-target", paramLabel = "HOST:PORT", description = "The Temporal frontend (default:"
            + " $ACP_TEMPORAL_TARGET, else 127.0.0.1:7233, where 'acp temporal dev-server' listens).")
    String target;

    @Option(names = "--namespace", paramLabel = "NAME", description = "The Temporal namespace (default:"
            + " $ACP_TEMPORAL_NAMESPACE, else default).")
    String namespace;

    @Option(names = "--task-queue", paramLabel = "QUEUE", description = "The task queue ACP's workers poll (default:"
            + " $ACP_TEMPORAL_TASK_QUEUE, else acp); submitters and workers must name the same one.")
    String taskQueue;

    @Option(names = "--temporal-tls", description = "Connect with TLS (a production cluster, Temporal Cloud). An API"
            + " key, if the cluster wants one, is read from $ACP_TEMPORAL_API_KEY and never printed.")
    boolean tls;

    String target(Environment env) {
        return target != null ? target : env.get("ACP_TEMPORAL_TARGET").orElse("127.0.0.1:7233");
    }

    String namespace(Environment env) {
        return namespace != null ? namespace : env.get("ACP_TEMPORAL_NAMESPACE").orElse("default");
    }

    String taskQueue(Environment env) {
        return taskQueue != null ? taskQueue : env.get("ACP_TEMPORAL_TASK_QUEUE").orElse("acp");
    }
}
