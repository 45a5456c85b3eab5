package dev.acp.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.Acp;
import dev.acp.cache.CacheMode;
import dev.acp.engine.LocalEngine;
import dev.acp.util.RetryPolicy;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.env.Environment;
import dev.acp.error.ErrorKind;
import dev.acp.plan.PlannedTask;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import dev.acp.testing.FakeJobs;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Once a provider has accepted a job, the engine never submits that step again unless the
 * provider itself says the job failed: failed polls, failed downloads, an output that cannot be
 * put in place and a timeout during the download all leave the paid job to a resume, which
 * collects it. The ledger always equals what the provider billed.
 */
@org.junit.jupiter.api.Timeout(60)
class PaidJobSafetyTest {
    @TempDir
    Path dir;

    private FakeJobs jobs;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void setUp() {
        jobs = new FakeJobs("jobs", true);
        env.put("ACP_HOME", dir.resolve("home").toString());
    }

    private RunService service() {
        Environment environment = Environment.of(env);
        ProviderRegistry registry = ProviderRegistry.of(
                ProviderContext.of(environment, dir.resolve("home"), Clock.systemUTC()), jobs);
        LocalEngine.Options options = LocalEngine.Options.defaults(environment).withSleeper(d -> { })
                .withRetryPolicy(new RetryPolicy(Duration.ZERO, Duration.ZERO)).withCancelGrace(Duration.ofSeconds(5));
        return new RunService(Acp.create(environment, registry, options));
    }

    private Path pipeline(String bConfig) throws IOException {
        Path p = dir.resolve("p.yaml");
        Files.writeString(p, """
                pipeline_name: paid
                output_directory: out
                steps:
                  - { step_type: text_to_image, id: a, provider: jobs, config: { prompt: alpha } }
                  - { step_type: text_to_image, id: b, provider: jobs, retry_count: 2, config: { prompt: beta, %s } }
                  - { step_type: image_to_image, id: c, provider: jobs, config: { image: "{{steps.b.output}}", prompt: gamma } }
                """.formatted(bConfig));
        return p;
    }

    private static RunResult run(RunService.Session session) throws IOException {
        return run(session, RunListener.NONE);
    }

    private static RunResult run(RunService.Session session, RunListener listener) throws IOException {
        try (session) {
            return session.run(listener, new RunControl());
        }
    }

    private RunResult runInterrupted(RunService.Session session) throws Exception {
        RunControl control = new RunControl();
        jobs.hanging = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try {
                if (jobs.hanging.await(10, TimeUnit.SECONDS)) {
                    control.cancel();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (session) {
            return session.run(RunListener.NONE, control);
        }
    }

    private static StepResult step(RunResult r, String id) {
        return r.steps().stream().filter(s -> s.stepId().equals(id)).findFirst().orElseThrow();
    }

    private BigDecimal ledger(String runId) throws IOException {
        return RunHistory.of(JournalReader.read(dir.resolve("home/runs/" + runId + "/journal.jsonl")).records()).spent();
    }

    @Test
    void polls_that_keep_failing_leave_the_job_to_a_resume_instead_of_submitting_again() throws Exception {
        RunService service = service();
        RunService.Session first = service.start(pipeline("poll_failures: 12"), RunSettings.run(dir), CacheMode.OFF);
        String runId = first.runId();
        RunResult failed = run(first);
        StepResult b = step(failed, "b");
        assertThat(b.status()).isEqualTo(StepStatus.FAILED);
        assertThat(b.error().message()).containsPattern("polling job job-\\d failed")
                .containsPattern("job job-\\d stays at jobs: resume the run to collect it without paying again");
        assertThat(jobs.submissionsOf("b")).isEqualTo(1);
        assertThat(jobs.cancellations).isEmpty();

        RunResult resumed = run(service().resume(runId, null, null));
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(jobs.submissionsOf("b")).isEqualTo(1);
        assertThat(dir.resolve("out/b.png")).hasContent("bytes of beta");
        assertThat(ledger(runId)).isEqualByComparingTo(jobs.billed()).isEqualByComparingTo("0.03");
    }

    @Test
    void a_download_that_keeps_failing_never_leads_to_a_new_submission_in_this_or_a_later_session() throws Exception {
        // Retryable failures use up the five download attempts; others end the session at once.
        for (String failures : new String[] {"5, fetch_failure_kind: RATE_LIMIT", "1, fetch_failure_kind: NOT_FOUND"}) {
            String kind = failures.substring(failures.lastIndexOf(' ') + 1);
            jobs = new FakeJobs("jobs", true);
            RunService service = service();
            RunService.Session first = service.start(pipeline("fetch_failures: " + failures), RunSettings.run(dir),
                    CacheMode.OFF);
            String runId = first.runId();
            StepResult b = step(run(first), "b");
            assertThat(b.status()).as(kind).isEqualTo(StepStatus.FAILED);
            assertThat(b.error().kind()).isEqualTo(ErrorKind.valueOf(kind));
            assertThat(b.error().message()).contains("could not be downloaded").contains("resume the run to collect it");
            assertThat(jobs.submissionsOf("b")).as(kind).isEqualTo(1);

            RunResult resumed = run(service().resume(runId, null, null));
            assertThat(resumed.status()).as(kind).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(jobs.submissionsOf("b")).as(kind).isEqualTo(1);
            assertThat(ledger(runId)).as(kind).isEqualByComparingTo(jobs.billed());
        }
    }

    @Test
    void an_interrupted_run_leaves_jobs_billed_per_result_running_but_cancels_jobs_billed_by_running_time()
            throws Exception {
        RunService.Session kept = service().start(pipeline("hang_poll: true"), RunSettings.run(dir), CacheMode.OFF);
        String keptId = kept.runId();
        StepResult left = step(runInterrupted(kept), "b");
        assertThat(left.status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(left.metadata()).containsKey("job_in_flight");
        assertThat(jobs.cancellations).isEmpty();
        run(service().resume(keptId, null, null));
        assertThat(jobs.submissionsOf("b")).isEqualTo(1);

        jobs = new FakeJobs("jobs", true);
        jobs.billedByTime = true;
        Files.writeString(dir.resolve("p.yaml"), Files.readString(dir.resolve("p.yaml")).replace("beta", "delta"));
        RunService.Session timed = service().start(dir.resolve("p.yaml"), RunSettings.run(dir), CacheMode.OFF);
        String timedId = timed.runId();
        StepResult cancelled = step(runInterrupted(timed), "b");
        assertThat(cancelled.status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(cancelled.metadata()).doesNotContainKey("job_in_flight");
        assertThat(cancelled.reason()).contains("was cancelled at jobs, which bills by running time");
        assertThat(jobs.cancellations).hasSize(1);

        RunResult resumed = run(service().resume(timedId, null, null));
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(jobs.submissionsOf("b")).as("the cancelled job is replaced by a new one").isEqualTo(2);
    }

    @Test
    void a_job_the_provider_reports_as_failed_is_retried_with_a_new_submission_and_only_the_good_one_is_paid()
            throws Exception {
        RunService.Session s = service().start(pipeline("failed_jobs: 1"), RunSettings.run(dir), CacheMode.OFF);
        String runId = s.runId();
        RunResult r = run(s);
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(step(r, "b").attempts()).isEqualTo(2);
        assertThat(jobs.submissionsOf("b")).isEqualTo(2);
        assertThat(ledger(runId)).isEqualByComparingTo(jobs.billed()).isEqualByComparingTo("0.03");
    }

    @Test
    void a_resume_follows_the_latest_attempt_not_an_older_dead_job() throws Exception {
        // Attempt 1's job fails; attempt 2's submission is accepted but its answer is lost (the
        // process stops). The resume must ask for attempt 2's job again by its key, not re-attach
        // the dead job of attempt 1 and then submit a third.
        RunService.Session first = service().start(pipeline("failed_jobs: 1, hang_submit: true, hang_submit_from: 2"),
                RunSettings.run(dir), CacheMode.OFF);
        String runId = first.runId();
        runInterrupted(first);
        assertThat(jobs.submissionsOf("b")).isEqualTo(2);

        RunService.Session second = service().resume(runId, null, null);
        assertThat(second.resume().steps().get("b")).isInstanceOf(dev.acp.engine.ResumeState.Submitting.class);
        RunResult resumed = run(second);
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(jobs.submissionsOf("b")).isEqualTo(2);
        assertThat(jobs.duplicateSubmissions).hasSize(1);
        assertThat(ledger(runId)).isEqualByComparingTo(jobs.billed()).isEqualByComparingTo("0.03");
    }

    @Test
    void a_paid_output_that_cannot_be_put_in_place_is_on_the_ledger_and_downloaded_again_on_resume()
            throws Exception {
        RunService.Session first = service().start(pipeline("polls: 2"), RunSettings.run(dir), CacheMode.OFF);
        String runId = first.runId();
        Path blocker = dir.resolve("out/b.png");
        RunResult failed = run(first, new RunListener() {
            @Override
            public void stepStarted(PlannedTask task, int attempt) {
                if (task.id().equals("b")) {
                    try {
                        // A folder where the output goes: the rename into place fails.
                        Files.createDirectories(blocker.resolve("in-the-way"));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        });
        assertThat(step(failed, "b").status()).isEqualTo(StepStatus.FAILED);
        assertThat(step(failed, "b").error().message()).contains("cannot put the output in place");
        assertThat(ledger(runId)).isEqualByComparingTo("0.02");

        Files.delete(blocker.resolve("in-the-way"));
        Files.delete(blocker);
        RunResult resumed = run(service().resume(runId, null, null));
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(jobs.submissionsOf("b")).isEqualTo(1);
        assertThat(dir.resolve("out/b.png")).hasContent("bytes of beta");
        assertThat(ledger(runId)).isEqualByComparingTo(jobs.billed()).isEqualByComparingTo("0.03");
    }

    @Test
    void a_timeout_during_the_download_of_a_finished_job_does_not_cancel_it_and_a_resume_collects_it()
            throws Exception {
        Path file = dir.resolve("t.yaml");
        Files.writeString(file, """
                pipeline_name: slow-download
                output_directory: out
                steps:
                  - { step_type: text_to_image, id: b, provider: jobs, timeout: 0.3, config: { prompt: beta, hang_fetch: true } }
                """);
        RunService.Session first = service().start(file, RunSettings.run(dir), CacheMode.OFF);
        String runId = first.runId();
        StepResult b = step(run(first), "b");
        assertThat(b.status()).isEqualTo(StepStatus.FAILED);
        assertThat(b.error().kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(b.error().message()).contains("while downloading the result of job job-1, which succeeded");
        assertThat(jobs.cancellations).isEmpty();

        RunResult resumed = run(service().resume(runId, null, null));
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(jobs.submissionsOf("b")).isEqualTo(1);
        assertThat(ledger(runId)).isEqualByComparingTo(jobs.billed()).isEqualByComparingTo("0.01");
    }

    @Test
    void a_changed_environment_variable_makes_a_finished_step_and_its_dependents_run_again_on_resume()
            throws Exception {
        env.put("STYLE", "watercolour");
        RunService.Session first = service().start(pipeline("style: \"{{env.STYLE}}\""), RunSettings.run(dir),
                CacheMode.OFF);
        String runId = first.runId();
        RunResult done = run(first);
        assertThat(done.status()).isEqualTo(RunStatus.SUCCEEDED);

        env.put("STYLE", "oil");
        RunResult resumed = run(service().resume(runId, null, null));
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(step(resumed, "a").metadata()).containsEntry("resumed", true);
        assertThat(step(resumed, "b").metadata()).doesNotContainKey("resumed");
        assertThat(jobs.submissionsOf("a")).isEqualTo(1);
        assertThat(jobs.submissionsOf("b")).isEqualTo(2);
        // c's input (b's output) has the same bytes (the fake ignores "style"): it is reused.
        assertThat(jobs.submissionsOf("c")).isEqualTo(1);

        RunResult again = run(service().resume(runId, null, null));
        assertThat(Stream.of("a", "b", "c").map(id -> step(again, id).metadata().get("resumed")))
                .containsOnly(true);
    }

    @Test
    void refresh_calls_the_provider_once_for_identical_steps_running_at_the_same_moment() throws Exception {
        Path file = dir.resolve("twins.yaml");
        Files.writeString(file, """
                pipeline_name: twins
                output_directory: out
                global_config: { parallel_enabled: true }
                steps:
                  - step_type: parallel_group
                    steps:
                      - { step_type: text_to_image, id: left, provider: jobs, config: { prompt: same, polls: 3 } }
                      - { step_type: text_to_image, id: right, provider: jobs, config: { prompt: same, polls: 3 } }
                """);
        run(service().start(file, RunSettings.run(dir), CacheMode.USE));
        assertThat(jobs.submissions).hasSize(1);
        RunResult refreshed = run(service().start(file, RunSettings.run(dir), CacheMode.REFRESH));
        assertThat(refreshed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(jobs.submissions).hasSize(2);
    }

    @Test
    void a_damaged_cache_object_is_a_miss_and_the_step_runs_again() throws Exception {
        Path file = pipeline("polls: 1");
        RunService service = service();
        run(service.start(file, RunSettings.run(dir), CacheMode.USE));
        try (Stream<Path> objects = Files.walk(dir.resolve("home/cache/objects"))) {
            for (Path o : objects.filter(Files::isRegularFile).toList()) {
                Files.writeString(o, "flipped bits");
            }
        }
        RunResult again = run(service().start(file, RunSettings.run(dir), CacheMode.USE));
        assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(step(again, "a").cache().reason()).isEqualTo("the cached output was damaged or removed");
        assertThat(dir.resolve("out/a.png")).hasContent("bytes of alpha");
        assertThat(jobs.submissions).hasSize(6);
    }

    @Test
    void a_secret_rendered_into_a_step_reaches_neither_the_journal_nor_the_cache() throws Exception {
        String canary = "canary-key-123456789";
        env.put("JOBS_API_KEY", canary);
        // Templates refuse secret-looking variables unless config.yaml allows them; allowed, the
        // value is still masked everywhere ACP writes.
        Files.createDirectories(dir.resolve("home"));
        Files.writeString(dir.resolve("home/config.yaml"), "template_variables: [JOBS_API_KEY]\n");
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, """
                pipeline_name: leaky
                output_directory: out
                steps:
                  - { step_type: prompt_generation, id: p, provider: jobs, config: { prompt: "sign with {{env.JOBS_API_KEY}}" } }
                """);
        RunService service = service();
        RunService.Session s = service.start(file, RunSettings.run(dir), CacheMode.USE);
        String runId = s.runId();
        assertThat(run(s).status()).isEqualTo(RunStatus.SUCCEEDED);
        List<Path> written;
        try (Stream<Path> files = Stream.concat(Files.walk(dir.resolve("home/runs/" + runId)),
                Files.walk(dir.resolve("home/cache")))) {
            written = files.filter(Files::isRegularFile).toList();
        }
        assertThat(written).extracting(p -> p.getFileName().toString()).contains("journal.jsonl");
        for (Path f : written) {
            assertThat(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString())
                    .doesNotContain(canary);
        }
        // The masked journal still reads back whole.
        assertThat(JournalReader.read(dir.resolve("home/runs/" + runId + "/journal.jsonl")).warnings()).isEmpty();
    }
}
