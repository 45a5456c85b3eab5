package dev.acp.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.Acp;
import dev.acp.cache.CacheMode;
import dev.acp.engine.CacheInfo;
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
import dev.acp.error.UsageException;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import dev.acp.testing.FakeJobs;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Journaled runs: resume after an interruption, never submitting or paying twice; the cache. */
@org.junit.jupiter.api.Timeout(60)
class RunServiceTest {
    @TempDir
    Path dir;

    private FakeJobs jobs;
    private FakeJobs plainJobs;
    private RunService service;

    @BeforeEach
    void setUp() {
        jobs = new FakeJobs("jobs", true);
        plainJobs = new FakeJobs("plain", false);
        Environment env = Environment.of(Map.of("ACP_HOME", dir.resolve("home").toString()));
        ProviderRegistry registry = ProviderRegistry.of(ProviderContext.of(env, dir.resolve("home"), Clock.systemUTC()),
                jobs, plainJobs);
        LocalEngine.Options options = LocalEngine.Options.defaults(env).withSleeper(d -> { })
                .withRetryPolicy(new RetryPolicy(Duration.ZERO, Duration.ZERO)).withCancelGrace(Duration.ofSeconds(5));
        service = new RunService(Acp.create(env, registry, options));
    }

    private Path write(String name, String yaml) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    private static final String THREE_STEPS = """
            pipeline_name: durable
            output_directory: out
            steps:
              - { step_type: text_to_image, id: a, provider: jobs, config: { prompt: alpha } }
              - { step_type: text_to_image, id: b, provider: jobs, config: { prompt: beta, %s } }
              - { step_type: image_to_image, id: c, provider: jobs, config: { image: "{{steps.b.output}}", prompt: gamma } }
            """;

    /** Runs a session and interrupts it as soon as a job of {@code provider} hangs. */
    private RunResult runInterrupted(RunService.Session session) throws Exception {
        return runInterrupted(session, jobs);
    }

    private RunResult runInterrupted(RunService.Session session, FakeJobs provider) throws Exception {
        RunControl control = new RunControl();
        provider.hanging = new java.util.concurrent.CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try {
                if (provider.hanging.await(10, TimeUnit.SECONDS)) {
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

    private RunResult run(RunService.Session session) throws IOException {
        try (session) {
            return session.run(RunListener.NONE, new RunControl());
        }
    }

    private static StepResult step(RunResult r, String id) {
        return r.steps().stream().filter(s -> s.stepId().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void a_resume_reuses_finished_steps_and_collects_a_submitted_job_without_submitting_it_again() throws Exception {
        Path file = write("p.yaml", THREE_STEPS.formatted("hang_poll: true"));
        RunService.Session first = service.start(file, RunSettings.run(dir), CacheMode.USE);
        String runId = first.runId();
        RunResult interrupted = runInterrupted(first);
        assertThat(interrupted.status()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(step(interrupted, "a").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(step(interrupted, "b").reason()).contains("was left running at jobs")
                .contains("collected when the run is resumed");
        assertThat(jobs.cancellations).isEmpty();

        RunService.Session second = service.resume(runId, null, null);
        assertThat(second.resume().steps()).containsOnlyKeys("a", "b");
        RunResult resumed = run(second);
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(step(resumed, "a").metadata()).containsEntry("resumed", true);
        assertThat(jobs.submissionsOf("a")).isEqualTo(1);
        assertThat(jobs.submissionsOf("b")).isEqualTo(1);
        assertThat(jobs.submissionsOf("c")).isEqualTo(1);
        assertThat(jobs.duplicateSubmissions).isEmpty();
        assertThat(dir.resolve("out/b.png")).hasContent("bytes of beta");
        assertThat(RunHistory.of(JournalReader.read(dir.resolve("home/runs/" + runId + "/journal.jsonl")).records())
                .spent()).isEqualByComparingTo(jobs.billed());
    }

    @Test
    void an_unanswered_submission_is_sent_again_with_the_same_key_only_to_a_deduplicating_provider() throws Exception {
        Path file = write("p.yaml", THREE_STEPS.formatted("hang_submit: true"));
        RunService.Session first = service.start(file, RunSettings.run(dir), CacheMode.USE);
        String runId = first.runId();
        runInterrupted(first);
        assertThat(jobs.submissionsOf("b")).isEqualTo(1);
        RunResult resumed = run(service.resume(runId, null, null));
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(jobs.submissionsOf("b")).isEqualTo(1);
        assertThat(jobs.duplicateSubmissions).hasSize(1);

        Path plain = write("plain.yaml", THREE_STEPS.formatted("hang_submit: true").replace("provider: jobs", "provider: plain"));
        RunService.Session p1 = service.start(plain, RunSettings.run(dir).withOutputDirectory(dir.resolve("out2")),
                CacheMode.OFF);
        String plainRun = p1.runId();
        runInterrupted(p1, plainJobs);
        RunResult p2 = run(service.resume(plainRun, null, null));
        assertThat(step(p2, "b").status()).isEqualTo(StepStatus.FAILED);
        assertThat(step(p2, "b").error().kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(step(p2, "b").error().message()).contains("may have accepted and billed it");
        assertThat(plainJobs.submissionsOf("b")).isEqualTo(1);
    }

    @Test
    void a_deleted_output_is_restored_from_the_cache_or_produced_again() throws Exception {
        Path file = write("p.yaml", THREE_STEPS.formatted("polls: 2"));
        RunService.Session first = service.start(file, RunSettings.run(dir), CacheMode.USE);
        String runId = first.runId();
        assertThat(run(first).status()).isEqualTo(RunStatus.SUCCEEDED);
        Files.delete(dir.resolve("out/a.png"));
        RunResult restored = run(service.resume(runId, null, null));
        assertThat(restored.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(dir.resolve("out/a.png")).hasContent("bytes of alpha");
        assertThat(jobs.submissions).hasSize(3);

        service.cache().clear();
        Files.writeString(dir.resolve("out/b.png"), "edited by hand");
        RunService.Session third = service.resume(runId, null, null);
        assertThat(third.notes()).anySatisfy(n -> assertThat(n).contains("step 'b'").contains("was changed"))
                .anySatisfy(n -> assertThat(n).contains("step 'c' runs again because a step it depends on runs again"));
        RunResult rerun = run(third);
        assertThat(rerun.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(jobs.submissionsOf("a")).isEqualTo(1);
        assertThat(jobs.submissionsOf("b")).isEqualTo(2);
        assertThat(dir.resolve("out/b.png")).hasContent("bytes of beta");
    }

    @Test
    void a_torn_last_record_and_a_damaged_record_are_skipped_with_warnings() throws Exception {
        Path file = write("p.yaml", THREE_STEPS.formatted("hang_poll: true"));
        RunService.Session first = service.start(file, RunSettings.run(dir), CacheMode.USE);
        String runId = first.runId();
        runInterrupted(first);
        Path journal = dir.resolve("home/runs/" + runId + "/journal.jsonl");
        List<String> lines = Files.readAllLines(journal);
        int damaged = lines.size() / 2;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (i == damaged && l.contains("step_started")) {
                l = l.replace("step_started", "step_startex");
            }
            sb.append(l).append('\n');
        }
        sb.append("0badc0de {\"type\":\"step_fin");
        Files.writeString(journal, sb.toString());
        RunService.Session second = service.resume(runId, null, null);
        assertThat(second.notes()).anySatisfy(n -> assertThat(n).contains("the last record was cut off"));
        RunResult resumed = run(second);
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(jobs.submissionsOf("b")).isEqualTo(1);
    }

    @Test
    void an_unknown_run_id_is_explained() throws Exception {
        Path file = write("p.yaml", THREE_STEPS.formatted("polls: 1"));
        RunService.Session s = service.start(file, RunSettings.run(dir), CacheMode.USE);
        String id = s.runId();
        run(s);
        String typo = id.substring(0, id.length() - 1) + (id.endsWith("0") ? "1" : "0");
        assertThatThrownBy(() -> service.resume(typo, null, null)).isInstanceOf(UsageException.class)
                .hasMessageContaining("no run '" + typo + "'").hasMessageContaining("did you mean " + id + "?");
        assertThatThrownBy(() -> service.resume("../etc", null, null)).isInstanceOf(UsageException.class)
                .hasMessageContaining("is not a run id");
    }

    @Test
    void a_changed_pipeline_runs_the_changed_steps_and_their_dependents_again() throws Exception {
        Path file = write("p.yaml", THREE_STEPS.formatted("polls: 1"));
        RunService.Session s = service.start(file, RunSettings.run(dir), CacheMode.OFF);
        String id = s.runId();
        run(s);
        Files.writeString(file, Files.readString(file).replace("prompt: beta", "prompt: BETA"));
        RunService.Session resumed = service.resume(id, file, null);
        assertThat(resumed.notes()).anySatisfy(n -> assertThat(n).contains("changed steps run again: b"));
        RunResult r = run(resumed);
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(jobs.submissionsOf("a")).isEqualTo(1);
        assertThat(jobs.submissionsOf("b")).isEqualTo(2);
        assertThat(jobs.submissionsOf("c")).isEqualTo(2);
    }

    @Test
    void a_step_whose_job_is_in_flight_may_not_change_on_resume() throws Exception {
        Path file = write("p.yaml", THREE_STEPS.formatted("hang_poll: true"));
        RunService.Session s = service.start(file, RunSettings.run(dir), CacheMode.USE);
        String id = s.runId();
        runInterrupted(s);
        Files.writeString(file, Files.readString(file).replace("prompt: beta", "prompt: BETA"));
        assertThatThrownBy(() -> service.resume(id, file, null)).isInstanceOf(UsageException.class)
                .hasMessageContaining("step 'b' changed").hasMessageContaining("omit --config");
        // The refusal released the run: it can still be resumed unchanged.
        assertThat(run(service.resume(id, null, null)).status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void an_unchanged_pipeline_costs_nothing_the_second_time_and_one_changed_prompt_reruns_its_branch()
            throws Exception {
        StringBuilder yaml = new StringBuilder("pipeline_name: twenty\noutput_directory: out\nsteps:\n");
        for (int i = 1; i <= 20; i++) {
            String dep = i > 1 && i % 5 != 1 ? ", image: \"{{steps.s" + (i - 1) + ".output}}\"" : "";
            yaml.append("  - { step_type: ").append(dep.isEmpty() ? "text_to_image" : "image_to_image")
                    .append(", id: s").append(i).append(", provider: jobs, config: { prompt: p").append(i).append(dep)
                    .append(", cost: 0.05 } }\n");
        }
        Path file = write("twenty.yaml", yaml.toString());
        RunResult first = run(service.start(file, RunSettings.run(dir), CacheMode.USE));
        assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(jobs.submissions).hasSize(20);

        RunResult again = run(service.start(file, RunSettings.run(dir), CacheMode.USE));
        assertThat(jobs.submissions).hasSize(20);
        assertThat(again.totalActualCost()).isZero();
        assertThat(again.taskResults()).allSatisfy(r -> assertThat(r.cacheHit()).isTrue());
        assertThat(again.taskResults()).allSatisfy(r -> assertThat(r.cache().saving()).isEqualByComparingTo("0.05"));

        Files.writeString(file, Files.readString(file).replace("prompt: p12,", "prompt: p12 at night,"));
        RunResult changed = run(service.start(file, RunSettings.run(dir), CacheMode.USE));
        assertThat(jobs.submissions).hasSize(24);
        assertThat(changed.taskResults().stream().filter(r -> !r.cacheHit()).map(StepResult::stepId))
                .containsExactly("s12", "s13", "s14", "s15");
        assertThat(step(changed, "s12").cache().reason()).isEqualTo("changed since the previous run: prompt changed");
        assertThat(step(changed, "s13").cache().reason())
                .isEqualTo("changed since the previous run: input image has new content");
    }

    @Test
    void identical_steps_running_at_the_same_moment_are_executed_once() throws Exception {
        Path file = write("p.yaml", """
                pipeline_name: twins
                output_directory: out
                global_config: { parallel_enabled: true }
                steps:
                  - step_type: parallel_group
                    steps:
                      - { step_type: text_to_image, id: left, provider: jobs, config: { prompt: same, polls: 3 } }
                      - { step_type: text_to_image, id: right, provider: jobs, config: { prompt: same, polls: 3 } }
                """);
        RunResult r = run(service.start(file, RunSettings.run(dir), CacheMode.USE));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(jobs.submissions).hasSize(1);
        assertThat(Stream.of(step(r, "left"), step(r, "right")).map(s -> s.cache().status()))
                .containsExactlyInAnyOrder(CacheInfo.Status.MISS, CacheInfo.Status.HIT);
        assertThat(dir.resolve("out/left.png")).hasSameTextualContentAs(dir.resolve("out/right.png"));
    }

    @Test
    void no_cache_and_refresh_call_the_provider_again() throws Exception {
        Path file = write("p.yaml", THREE_STEPS.formatted("polls: 1"));
        run(service.start(file, RunSettings.run(dir), CacheMode.USE));
        RunResult off = run(service.start(file, RunSettings.run(dir), CacheMode.OFF));
        assertThat(off.taskResults()).allSatisfy(s -> assertThat(s.cache().status()).isEqualTo(CacheInfo.Status.OFF));
        RunResult refreshed = run(service.start(file, RunSettings.run(dir), CacheMode.REFRESH));
        assertThat(refreshed.taskResults())
                .allSatisfy(s -> assertThat(s.cache().status()).isEqualTo(CacheInfo.Status.REFRESHED));
        // The first run filled the cache; --no-cache and --refresh each called the provider again.
        assertThat(jobs.submissions).hasSize(9);
        assertThat(jobs.duplicateSubmissions).isEmpty();
    }

    /**
     * A new run's spend comes from what its journal settles: a batch row skips reading the journal
     * back only when nothing was settled, never when a paid job was.
     */
    @Test
    void a_new_run_reports_what_it_paid() throws Exception {
        Path file = write("p.yaml", THREE_STEPS.formatted("polls: 1"));
        try (RunService.Session s = service.start(file, RunSettings.run(dir), CacheMode.OFF)) {
            assertThat(s.run(RunListener.NONE, new RunControl()).status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(jobs.billed()).isPositive();
            assertThat(s.spent()).isEqualByComparingTo(jobs.billed());
        }
    }

    @Test
    void runs_are_listed_with_their_status_and_spend() throws Exception {
        Path file = write("p.yaml", THREE_STEPS.formatted("hang_poll: true"));
        RunService.Session s = service.start(file, RunSettings.run(dir), CacheMode.USE);
        String interrupted = s.runId();
        runInterrupted(s);
        Path ok = write("ok.yaml", THREE_STEPS.formatted("polls: 1").replace("output_directory: out",
                "output_directory: out-ok"));
        String succeeded;
        try (RunService.Session s2 = service.start(ok, RunSettings.run(dir), CacheMode.USE)) {
            succeeded = s2.runId();
            s2.run(RunListener.NONE, new RunControl());
        }
        // A run whose process died: a journal without run_finished.
        Path crashedDir = service.store().root().resolve(interrupted);
        List<RunStore.Summary> runs = service.store().list();
        assertThat(runs).extracting(RunStore.Summary::runId).contains(interrupted, succeeded);
        RunStore.Summary i = runs.stream().filter(r -> r.runId().equals(interrupted)).findFirst().orElseThrow();
        assertThat(i.status()).isEqualTo("interrupted");
        assertThat(i.resumable()).isTrue();
        assertThat(i.spent()).isEqualByComparingTo(new BigDecimal("0.01"));
        Files.writeString(crashedDir.resolve("journal.jsonl"), Files.readString(crashedDir.resolve("journal.jsonl"))
                .lines().filter(l -> !l.contains("run_finished")).reduce("", (a, b) -> a + b + "\n"));
        assertThat(service.store().summary(crashedDir).status()).isEqualTo("crashed");
        assertThat(service.store().resolve("latest").getFileName().toString()).isEqualTo(succeeded);
    }

    @Test
    void a_step_failed_after_its_paid_output_was_in_place_is_kept_on_resume_not_bought_again() throws Exception {
        Path p = write("p.yaml", THREE_STEPS.formatted("polls: 1"));
        String runId;
        try (RunService.Session session = service.start(p, RunSettings.run(dir), CacheMode.OFF)) {
            runId = session.runId();
            assertThat(session.run(RunListener.NONE, new RunControl()).status()).isEqualTo(RunStatus.SUCCEEDED);
        }
        // As if something after b's paid output failed it (a bug, a full disk in the report): its last record.
        Path journal = service.store().folder(runId).resolve("journal.jsonl");
        StepResult b = JournalReader.read(journal).records().stream()
                .filter(r -> r instanceof JournalRecord.StepFinished f && f.result().stepId().equals("b"))
                .map(r -> ((JournalRecord.StepFinished) r).result()).findFirst().orElseThrow();
        try (Journal j = Journal.open(journal)) {
            j.append(new JournalRecord.StepFinished(b.withStatus(StepStatus.FAILED, "internal error after the output"),
                    java.time.Instant.now()), true);
        }
        long before = jobs.submissionsOf("b");
        RunService.Session resumed = service.resume(runId, null, null);
        assertThat(resumed.notes()).anySatisfy(n -> assertThat(n).contains("step 'b' failed after its paid output was"
                + " in place").contains("kept, not made again"));
        RunResult r = run(resumed);
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(jobs.submissionsOf("b")).isEqualTo(before);
    }

    @Test
    void a_forced_record_is_on_disk_before_append_returns() throws Exception {
        Path file = dir.resolve("j.jsonl");
        try (Journal j = Journal.open(file)) {
            j.append(new JournalRecord.StepStarted("free", 1, java.time.Instant.now()), false);
            j.append(new JournalRecord.JobSubmitting("paid", 1, "key-1", java.time.Instant.now()), true);
            // Read by another handle while the journal is open: both records are there, in order.
            List<JournalRecord> records = JournalReader.read(file).records();
            assertThat(records).hasSize(2);
            assertThat(records.get(1)).isInstanceOf(JournalRecord.JobSubmitting.class);
        }
        Files.writeString(file, "not a record\n", StandardOpenOption.APPEND);
        assertThat(JournalReader.read(file).warnings()).singleElement().asString().contains(":3: a damaged record");
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).startsWith(
                Files.readAllLines(file).get(0));
    }
}
