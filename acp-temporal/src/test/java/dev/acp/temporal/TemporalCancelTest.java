package dev.acp.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.Acp;
import dev.acp.engine.RunStatus;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.env.Environment;
import dev.acp.run.RunHandle;
import dev.acp.run.RunOutcome;
import dev.acp.run.Runner;
import dev.acp.testkit.jobs.FakeJobProviderFactory;
import dev.acp.testkit.jobs.FakeJobServer;
import io.temporal.api.enums.v1.EventType;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C at the submitter of a Temporal run: the workflow is cancelled, the running node hears it
 * at its next heartbeat and stops as a local run does (the paid job is left at the provider for
 * the resume), nothing more is submitted, the run journal says interrupted, and a resume finishes
 * the run without paying twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class TemporalCancelTest {
    static final String QUEUE = "acp-cancel";
    /** The queue of a worker whose provider bills jobs by their running time. */
    static final String BY_TIME = "acp-cancel-by-time";
    /** The nodes' heartbeat here (3 s in a real worker): a cancelled node hears it within about one beat. */
    static final Duration HEARTBEAT = Duration.ofMillis(500);
    /** How long a cancelled node may take to stop: a few heartbeats, with margin for a loaded machine. */
    static final long STOP_BOUND_MS = 5_000;

    @TempDir
    static Path dir;
    private TestWorkflowEnvironment temporal;
    private FakeJobServer jobs;
    private Acp acp;

    @BeforeAll
    void start() {
        jobs = FakeJobServer.start(FakeJobServer.Settings.defaults().withJobDuration(Duration.ofMillis(40)));
        acp = Acp.create(env("home"));
        temporal = TestWorkflowEnvironment.newInstance();
        worker(QUEUE, env("worker-home"));
        worker(BY_TIME, env("by-time-home").with(FakeJobProviderFactory.BILLS_BY_TIME_VARIABLE, "true"));
        temporal.start();
    }

    private void worker(String queue, Environment environment) {
        Worker worker = temporal.newWorker(queue, AcpWorker.workerOptions(4, HEARTBEAT));
        worker.registerWorkflowImplementationTypes(PlanWorkflow.class);
        worker.registerActivitiesImplementations(new NodeWorker(Acp.create(environment), HEARTBEAT));
    }

    private Environment env(String home) {
        return Environment.of(Map.of("ACP_HOME", dir.resolve(home).toString(), FakeJobProviderFactory.BASE_URL_VARIABLE,
                jobs.baseUrl(), FakeJobProviderFactory.API_KEY_VARIABLE, jobs.apiKey()));
    }

    @AfterAll
    void stop() {
        temporal.close();
        jobs.close();
    }

    @Test
    void ctrlCAtTheSubmitterCancelsTheWorkflowAndAResumeFinishesWithoutPayingTwice() throws Exception {
        Path folder = dir.resolve("ctrl-c");
        Files.createDirectories(folder);
        Path file = folder.resolve("pipeline.yaml");
        // 'slow' is still running at the provider when the run is cancelled; 'after' must never be submitted.
        Files.writeString(file, """
                pipeline_name: cancelled
                steps:
                  - { id: quick, step_type: text_to_image, provider: fakejobs, depends_on: [], config: { prompt: an owl } }
                  - { id: slow, step_type: text_to_image, provider: fakejobs, depends_on: [],
                      config: { prompt: a fox, fake_duration_ms: 3000 } }
                  - { id: after, step_type: image_to_image, provider: fakejobs, depends_on: [slow],
                      config: { image: "{{steps.slow.output}}", prompt: sharper } }
                """);
        jobs.reset();
        TemporalEngine engine = new TemporalEngine(temporal.getWorkflowClient(), QUEUE, acp.registry(), folder,
                Clock.systemUTC());
        // 'quick' is done, paid and journaled before the cancel; the resume must not count it again.
        java.util.concurrent.CountDownLatch quickDone = new java.util.concurrent.CountDownLatch(1);
        dev.acp.engine.RunListener listener = new dev.acp.engine.RunListener() {
            @Override
            public void stepFinished(StepResult r) {
                if (r.stepId().equals("quick")) {
                    quickDone.countDown();
                }
            }
        };
        RunHandle handle = acp.runner(file).outputDirectory(folder.resolve("out")).engine(engine).listener(listener)
                .yes(true).start();
        waitFor(() -> jobs.submissionsByStep().containsKey("slow"), "the slow job's submission");
        assertThat(quickDone.await(20, TimeUnit.SECONDS)).as("'quick' reported done").isTrue();

        long cancelledAt = System.nanoTime();
        handle.cancel();
        RunOutcome outcome = handle.await();
        long stoppedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelledAt);

        assertThat(outcome.result().status()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(stoppedMs).as("the node stopped at its next heartbeat").isLessThan(STOP_BOUND_MS);
        StepResult slow = step(outcome, "slow");
        assertThat(slow.status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(slow.reason()).contains("left running at fakejobs");
        assertThat(step(outcome, "after").status()).isEqualTo(StepStatus.CANCELLED);
        // The job is paid for and the provider bills by result, not by time: it is left for the resume.
        assertThat(jobs.cancellations()).isEmpty();
        assertThat(jobs.submissionsByStep()).isEqualTo(Map.of("quick", 1, "slow", 1));
        var history = temporal.getWorkflowClient().fetchHistory(TemporalRun.workflowId(outcome.runId())).getEvents();
        assertThat(history).anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
        var journaled = new dev.acp.run.RunStore(acp.acpHome().resolve("runs")).list().stream()
                .filter(r -> r.runId().equals(outcome.runId())).findFirst().orElseThrow();
        assertThat(journaled.status()).isEqualTo("interrupted");
        assertThat(journaled.resumable()).isTrue();

        RunOutcome resumed = Runner.resume(acp, outcome.runId(), folder).engine(new TemporalEngine(
                temporal.getWorkflowClient(), QUEUE, acp.registry(), folder, Clock.systemUTC())).yes(true).run();

        assertThat(resumed.clean()).as(resumed.result().steps().toString()).isTrue();
        assertThat(jobs.submissionsByStep()).isEqualTo(Map.of("quick", 1, "slow", 1, "after", 1));
        assertThat(jobs.duplicateSubmissions()).isEmpty();
        assertThat(jobs.charges()).extracting(FakeJobServer.Charge::stepId)
                .containsExactlyInAnyOrder("quick", "slow", "after");
        // Both sessions journaled what they saw settle: each step's cost counts once.
        var afterResume = new dev.acp.run.RunStore(acp.acpHome().resolve("runs")).list().stream()
                .filter(r -> r.runId().equals(outcome.runId())).findFirst().orElseThrow();
        assertThat(afterResume.spent()).isEqualByComparingTo(jobs.billedTotal());
        assertThat(folder.resolve("out/slow.png")).exists();
    }

    /**
     * A provider that bills jobs by their running time: Ctrl-C cancels the running job at the
     * provider (a forgotten job would be paid by the minute), as a local run does.
     */
    @Test
    void ctrlCCancelsAJobBilledByItsRunningTime() throws Exception {
        Path folder = dir.resolve("by-time");
        Files.createDirectories(folder);
        Path file = folder.resolve("pipeline.yaml");
        Files.writeString(file, """
                pipeline_name: by-time
                steps:
                  - { id: slow, step_type: text_to_image, provider: fakejobs,
                      config: { prompt: a fox, fake_duration_ms: 30000 } }
                  - { id: after, step_type: image_to_image, provider: fakejobs, depends_on: [slow],
                      config: { image: "{{steps.slow.output}}", prompt: sharper } }
                """);
        jobs.reset();
        TemporalEngine engine = new TemporalEngine(temporal.getWorkflowClient(), BY_TIME, acp.registry(), folder,
                Clock.systemUTC());
        RunHandle handle = acp.runner(file).outputDirectory(folder.resolve("out")).engine(engine).yes(true).start();
        waitFor(() -> !jobs.submissions().isEmpty(), "the slow job's submission");

        handle.cancel();
        RunOutcome outcome = handle.await();

        assertThat(outcome.result().status()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(step(outcome, "slow").status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(step(outcome, "slow").reason()).doesNotContain("left running");
        assertThat(jobs.cancellations()).extracting(FakeJobServer.Cancellation::stepId).containsExactly("slow");
        assertThat(jobs.submissionsByStep()).isEqualTo(Map.of("slow", 1));
    }

    /**
     * A pipeline has no run timeout; its time limits are its steps' (and groups') timeouts, which
     * the local engine enforces inside the node: a job over its step's time is cancelled at the
     * provider (a job nobody will collect), the step fails with the timeout and its dependents are
     * skipped, as locally.
     */
    @Test
    void aStepOverItsTimeIsCancelledAtTheProviderOnAWorker() throws Exception {
        Path folder = dir.resolve("timeout");
        Files.createDirectories(folder);
        Path file = folder.resolve("pipeline.yaml");
        Files.writeString(file, """
                pipeline_name: too-slow
                steps:
                  - { id: slow, step_type: text_to_image, provider: fakejobs, timeout: 0.5, retry_count: 0,
                      config: { prompt: a fox, fake_duration_ms: 30000 } }
                  - { id: after, step_type: image_to_image, provider: fakejobs, depends_on: [slow],
                      config: { image: "{{steps.slow.output}}", prompt: sharper } }
                """);
        jobs.reset();
        TemporalEngine engine = new TemporalEngine(temporal.getWorkflowClient(), QUEUE, acp.registry(), folder,
                Clock.systemUTC());

        RunOutcome outcome = acp.runner(file).outputDirectory(folder.resolve("out")).engine(engine).yes(true).run();

        StepResult slow = step(outcome, "slow");
        assertThat(slow.status()).isEqualTo(StepStatus.FAILED);
        assertThat(slow.error().kind()).isEqualTo(dev.acp.error.ErrorKind.TIMEOUT);
        assertThat(step(outcome, "after").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(jobs.cancellations()).extracting(FakeJobServer.Cancellation::stepId).containsExactly("slow");
        assertThat(jobs.submissionsByStep()).isEqualTo(Map.of("slow", 1));
        assertThat(outcome.result().status()).isEqualTo(RunStatus.PARTIAL);
    }

    private static StepResult step(RunOutcome outcome, String id) {
        return outcome.result().steps().stream().filter(s -> s.stepId().equals(id)).findFirst().orElseThrow();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("waited 20 s for " + what);
            }
            Thread.sleep(20);
        }
    }
}
