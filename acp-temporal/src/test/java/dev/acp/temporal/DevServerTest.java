package dev.acp.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code acp temporal dev-server} losing the worker a run's workflow was sticky to (issue 19's
 * hang in TemporalCrashIT): Temporal's test server routes a workflow's next task to the queue of
 * the worker that ran its previous one, and unlike a real server never gives it back to the
 * shared queue when that worker is gone. Here worker A runs the first workflow task and stops
 * without a word (as after SIGKILL: the test server ignores a worker's shutdown call anyway);
 * worker B runs the activity; the task that follows must reach B.
 */
@Timeout(60)
class DevServerTest {
    @WorkflowInterface
    public interface Twice {
        @WorkflowMethod
        String run();
    }

    @ActivityInterface
    public interface Step {
        String step(String name);
    }

    public static final class TwiceWorkflow implements Twice {
        private final Step step = Workflow.newActivityStub(Step.class,
                ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build());

        @Override
        public String run() {
            return step.step("one") + " " + step.step("two");
        }
    }

    static final class NamedStep implements Step {
        @Override
        public String step(String name) {
            return name + " done";
        }
    }

    @Test
    void aWorkflowWhoseWorkerIsGoneMovesToAnotherWorker() throws Exception {
        int port = freePort();
        try (DevServer server = DevServer.start(port)) {
            WorkflowServiceStubs stubs = stubs(port);
            try {
                WorkflowClient client = WorkflowClient.newInstance(stubs);
                WorkerFactory a = WorkerFactory.newInstance(client);
                a.newWorker("q").registerWorkflowImplementationTypes(TwiceWorkflow.class);
                a.start();
                Twice twice = client.newWorkflowStub(Twice.class,
                        WorkflowOptions.newBuilder().setWorkflowId("twice").setTaskQueue("q").build());
                WorkflowExecution run = WorkflowClient.start(twice::run);
                awaitPendingActivity(stubs, run);
                a.shutdownNow();
                a.awaitTermination(10, TimeUnit.SECONDS);

                WorkerFactory b = WorkerFactory.newInstance(client);
                var worker = b.newWorker("q");
                worker.registerWorkflowImplementationTypes(TwiceWorkflow.class);
                worker.registerActivitiesImplementations(new NamedStep());
                b.start();
                try {
                    // Bounded well below the class's timeout: a task stuck on A's queue fails here, not by hanging.
                    String result = WorkflowStub.fromTyped(twice).getResultAsync(String.class)
                            .get(30, TimeUnit.SECONDS);
                    assertThat(result).isEqualTo("one done two done");
                } finally {
                    b.shutdownNow();
                }
            } finally {
                stubs.shutdownNow();
            }
        }
    }

    /**
     * Issue 19's "all workers gone": a run whose queue no worker polls waits (its workflow task and
     * nodes stay scheduled; no timeout ends it) and finishes when a worker comes.
     */
    @Test
    void aRunWithNoWorkerWaitsAndFinishesWhenOneComes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        int port = freePort();
        try (DevServer server = DevServer.start(port)) {
            WorkflowServiceStubs stubs = stubs(port);
            try {
                WorkflowClient client = WorkflowClient.newInstance(stubs);
                java.nio.file.Path file = dir.resolve("waits.yaml");
                java.nio.file.Files.writeString(file, """
                        pipeline_name: waits
                        steps:
                          - { id: a, step_type: prompt_generation, provider: local, config: { prompt: a lighthouse } }
                          - { id: b, step_type: prompt_generation, provider: local,
                              config: { prompt: "{{steps.a.text}} at night" } }
                        """);
                dev.acp.Acp acp = dev.acp.Acp.create(dev.acp.env.Environment.of(
                        java.util.Map.of("ACP_HOME", dir.resolve("home").toString())));
                java.nio.file.Path out = dir.resolve("out");
                dev.acp.plan.ExecutionPlan plan = acp.plan(file, dev.acp.plan.RunSettings.run(dir)
                        .withOutputDirectory(out));
                PipelineSource source = new PipelineSource(java.nio.file.Files.readString(file), file.toString(),
                        dir.toString(), "YAML", false, false, java.util.Map.of(), out.toString(), dir.toString());
                RunInput input = new RunInput("waits", source, PlanShape.of(plan, null, p -> false), null);
                java.util.concurrent.CompletableFuture<dev.acp.engine.RunResult> run =
                        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                            try {
                                return new TemporalRun(client, "nobody", java.time.Clock.systemUTC()).run(plan, input,
                                        dev.acp.engine.RunListener.NONE, new dev.acp.engine.RunControl());
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        });

                Thread.sleep(2_000);
                assertThat(run).as("no worker: the run waits").isNotDone();

                WorkerFactory late = WorkerFactory.newInstance(client);
                var worker = late.newWorker("nobody");
                worker.registerWorkflowImplementationTypes(PlanWorkflow.class);
                worker.registerActivitiesImplementations(new NodeWorker(acp));
                late.start();
                try {
                    dev.acp.engine.RunResult result = run.get(30, TimeUnit.SECONDS);
                    assertThat(result.status()).isEqualTo(dev.acp.engine.RunStatus.SUCCEEDED);
                    assertThat(result.steps()).extracting(dev.acp.engine.StepResult::stepId).containsExactly("a", "b");
                } finally {
                    late.shutdownNow();
                }
            } finally {
                stubs.shutdownNow();
            }
        }
    }

    @Test
    void itListensOnLoopbackOnly() throws Exception {
        java.net.InetAddress outside = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())
                .stream().flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress()).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(outside != null, "this machine has no address but loopback");
        int port = freePort();
        try (DevServer server = DevServer.start(port)) {
            try (java.net.Socket local = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                assertThat(local.isConnected()).isTrue();
            }
            // It has no authentication: another machine must not reach it.
            final java.net.InetAddress address = outside;
            final int p = port;
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new java.net.Socket(address, p).close())
                    .isInstanceOf(java.net.ConnectException.class);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static WorkflowServiceStubs stubs(int port) {
        return WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget("127.0.0.1:" + port).build());
    }

    /** Waits until worker A has run the first workflow task (the activity is scheduled, so A holds the workflow). */
    private static void awaitPendingActivity(WorkflowServiceStubs stubs, WorkflowExecution run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (stubs.blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace("default").setExecution(run).build()).getPendingActivitiesCount() == 0) {
            assertThat(System.nanoTime()).as("the first workflow task ran").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
