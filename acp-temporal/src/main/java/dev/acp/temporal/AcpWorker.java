package dev.acp.temporal;

import dev.acp.run.RunHost;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;

/**
 * An ACP worker: polls the task queue for runs' workflow tasks and node activities, and runs
 * at most {@code maxConcurrentNodes} nodes at a time with this process's providers.
 */
public final class AcpWorker implements AutoCloseable {
    private final WorkerFactory factory;

    private AcpWorker(WorkerFactory factory) {
        this.factory = factory;
    }

    public static AcpWorker start(WorkflowClient client, String taskQueue, RunHost acp, int maxConcurrentNodes) {
        WorkerFactory factory = WorkerFactory.newInstance(client);
        Worker worker = factory.newWorker(taskQueue, workerOptions(maxConcurrentNodes));
        register(worker, acp);
        factory.start();
        return new AcpWorker(factory);
    }

    /**
     * The options of a worker that runs at most {@code maxConcurrentNodes} nodes at a time. A
     * node hears that its run was cancelled only in the answer to a heartbeat the SDK sends, and
     * the SDK sends them at most every 80% of the heartbeat timeout (16 s) unless told otherwise:
     * sending each of the node's beats makes it stop within about one beat of a Ctrl-C.
     */
    public static WorkerOptions workerOptions(int maxConcurrentNodes) {
        return workerOptions(maxConcurrentNodes, NodeWorker.HEARTBEAT);
    }

    static WorkerOptions workerOptions(int maxConcurrentNodes, java.time.Duration heartbeat) {
        return WorkerOptions.newBuilder().setMaxConcurrentActivityExecutionSize(maxConcurrentNodes)
                .setMaxHeartbeatThrottleInterval(heartbeat).setDefaultHeartbeatThrottleInterval(heartbeat).build();
    }

    /** Registers the workflow and the node activities on a worker (tests use their own). */
    public static void register(Worker worker, RunHost acp) {
        worker.registerWorkflowImplementationTypes(PlanWorkflow.class);
        worker.registerActivitiesImplementations(new NodeWorker(acp));
    }

    /** Stops polling; running nodes are left to finish or to be retried elsewhere after their heartbeat lapses. */
    @Override
    public void close() {
        factory.shutdownNow();
    }
}
