package dev.acp.engine;

import static dev.acp.engine.StepRunFixture.error;
import static dev.acp.engine.StepRunFixture.thrown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.cost.SpendLedger;
import dev.acp.engine.StepRunFixture.Events;
import dev.acp.engine.StepRunFixture.ScriptedJobs;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.JobHandle;
import dev.acp.provider.JobStatus;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JobDriver} on its own: a submission journaled on both sides, a job re-attached instead of
 * submitted again, a lost submission resolved by the provider's idempotency or the user's
 * {@code --resend-unknown}, polls and downloads that fail, and refused submissions sent again.
 */
@Timeout(30)
class JobDriverTest {
    @TempDir
    Path dir;

    private final Events events = new Events();
    private ScriptedJobs jobs;
    private StepRunFixture fx;

    private void setUp(boolean idempotent, String config) {
        setUpYaml(idempotent, StepRunFixture.oneStep("jobs", config, ""));
    }

    private void setUpYaml(boolean idempotent, String yaml) {
        jobs = new ScriptedJobs(events, "jobs", idempotent);
        fx = new StepRunFixture(dir, yaml, events, jobs);
    }

    /** The run's first attempt, as the task runner starts it. */
    private static StepRun firstAttempt(StepRun s) {
        s.attempt++;
        return s;
    }

    @Test
    void a_submission_is_journaled_before_it_is_sent_and_its_handle_after_then_the_job_is_followed_to_its_result()
            throws Exception {
        setUp(true, "");
        AtomicInteger polls = new AtomicInteger();
        jobs.poll = h -> polls.incrementAndGet() == 1 ? new JobStatus.Pending(0.5, "rendering", Duration.ofSeconds(3))
                : new JobStatus.Succeeded();
        // What the step has on its way at the moment the provider is asked: the key is already set.
        List<String> submittingWhenSent = new java.util.ArrayList<>();
        StepRun s = firstAttempt(fx.stepRun());
        events.observers.add(e -> {
            if (e.startsWith("submit ")) {
                submittingWhenSent.add(s.submitting);
            }
        });
        JobDriver driver = new JobDriver(s, new BudgetTicket(s));
        OutputPlacer out = new OutputPlacer(s);
        ProviderRequest request = StepRunFixture.request(s, out);
        String key = s.requestKey();

        ProviderResult result = driver.run(jobs, request);

        assertThat(key).startsWith("run-1/").endsWith("/hero/1");
        assertThat(events.list()).containsExactly("jobSubmitting " + key, "submit " + key,
                "jobSubmitted " + key + " job-1", "poll job-1", "poll job-1", "fetch job-1");
        assertThat(submittingWhenSent).containsExactly(key);
        assertThat(s.submitting).as("answered: nothing is on its way any more").isNull();
        assertThat(result.requestIds()).containsExactly("job-1");
        assertThat(driver.paidJob()).isEqualTo("job-1");
        assertThat(driver.running()).isNull();
        assertThat(driver.succeeded()).isTrue();
        assertThat(request.outputFile()).hasContent("bytes");
        // A job just submitted is not asked about at once; then the provider's own pace is kept.
        assertThat(fx.sleeps).hasSize(2);
        assertThat(fx.sleeps.get(0)).isPositive();
        assertThat(fx.sleeps.get(1)).isEqualTo(Duration.ofSeconds(3));
        assertThat(fx.progress).contains("rendering");
    }

    @Test
    void once_a_job_of_a_kind_finished_the_next_one_is_seen_done_in_one_or_two_polls() throws Exception {
        setUp(true, "");
        // Every job ends one second after its submission, by the fixture's clock.
        Map<String, java.time.Instant> submitted = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger ids = new AtomicInteger();
        jobs.submit = key -> {
            JobHandle h = JobHandle.of("jobs", "job-" + ids.incrementAndGet());
            submitted.put(h.id(), fx.clock.instant());
            return h;
        };
        jobs.poll = h -> fx.clock.instant().isBefore(submitted.get(h.id()).plusSeconds(1))
                ? new JobStatus.Pending(-1, "running", null) : new JobStatus.Succeeded();
        StepRun s = firstAttempt(fx.stepRun());
        new JobDriver(s, new BudgetTicket(s)).run(jobs, StepRunFixture.request(s, new OutputPlacer(s)));
        int firstJobPolls = events.of("poll job-1").size();

        for (int attempt = 2; attempt <= 6; attempt++) {
            s.attempt = attempt; // another job of the same kind in the same session
            new JobDriver(s, new BudgetTicket(s)).run(jobs, StepRunFixture.request(s, new OutputPlacer(s)));
            assertThat(events.of("poll job-" + attempt)).as("polls of job %s", attempt).hasSizeBetween(1, 2);
        }
        assertThat(firstJobPolls).as("the first job, of a kind not seen yet").isGreaterThanOrEqualTo(4);
    }

    @Test
    void time_behind_others_in_the_provider_s_queue_is_not_counted_as_the_job_s_running_time() throws Exception {
        setUp(true, "");
        java.time.Instant start = fx.clock.instant();
        // Three seconds behind others in the queue, then one second of work.
        jobs.poll = h -> {
            Duration t = Duration.between(start, fx.clock.instant());
            return t.compareTo(Duration.ofSeconds(3)) < 0 ? new JobStatus.Pending(-1, "queued", null, 4)
                    : t.compareTo(Duration.ofSeconds(4)) < 0 ? new JobStatus.Pending(-1, "running", null)
                    : new JobStatus.Succeeded();
        };
        StepRun s = firstAttempt(fx.stepRun());
        new JobDriver(s, new BudgetTicket(s)).run(jobs, StepRunFixture.request(s, new OutputPlacer(s)));

        Duration learned = s.x.jobDurations.expected(s.provider.id() + " " + s.t.capability() + " " + s.t.model())
                .orElseThrow();
        assertThat(learned).isBetween(Duration.ofMillis(500), Duration.ofMillis(2000));
    }

    @Test
    void a_job_an_earlier_session_recorded_is_re_attached_and_never_submitted_again() throws Exception {
        setUp(false, "");
        JobHandle old = new JobHandle("jobs", "job-7", Map.of("status_url", "https://example.invalid/7"));
        fx.resume = new ResumeState(Map.of("hero", new ResumeState.Attached(2, "old-key", old)));
        StepRun s = fx.stepRun();
        assertThat(s.attempt).as("the resume continues the journaled attempt").isEqualTo(1);
        s.attempt++;
        JobDriver driver = new JobDriver(s, new BudgetTicket(s));

        ProviderResult result = driver.run(jobs, StepRunFixture.request(s, new OutputPlacer(s)));

        assertThat(events.list()).containsExactly("poll job-7", "fetch job-7");
        assertThat(result.requestIds()).containsExactly("job-7");
        assertThat(s.prior).as("used up").isNull();
        assertThat(fx.progress).contains("re-attached to job job-7");
        assertThat(fx.sleeps).as("a re-attached job is asked about at once").isEmpty();
    }

    @Test
    void a_handle_journaled_for_another_attempt_is_not_re_attached() throws Exception {
        setUp(true, "");
        fx.resume = new ResumeState(Map.of("hero", new ResumeState.Attached(1, "old-key",
                JobHandle.of("jobs", "job-7"))));
        StepRun s = fx.stepRun();
        s.attempt = 2; // a later attempt of the step (the task runner's loop moved on)
        new JobDriver(s, new BudgetTicket(s)).run(jobs, StepRunFixture.request(s, new OutputPlacer(s)));

        assertThat(events.of("submit ")).singleElement().asString().endsWith("/hero/2");
        assertThat(events.list()).doesNotContain("poll job-7");
    }

    @Test
    void a_lost_submission_to_a_provider_that_deduplicates_is_sent_again_with_its_old_key() throws Exception {
        setUp(true, "");
        fx.resume = new ResumeState(Map.of("hero", new ResumeState.Submitting(1, "lost-key")));
        StepRun s = firstAttempt(fx.stepRun());
        BudgetTicket money = new BudgetTicket(s);

        new JobDriver(s, money).run(jobs, StepRunFixture.request(s, new OutputPlacer(s)));

        assertThat(events.list()).startsWith("jobSubmitting lost-key", "submit lost-key",
                "jobSubmitted lost-key job-1");
        assertThat(money.withPossibleDuplicate(okResult(s)).metadata())
                .as("one job, one charge").doesNotContainKey(StepMetadata.POSSIBLE_DUPLICATE);
    }

    @Test
    void a_lost_submission_to_a_provider_that_does_not_deduplicate_is_an_unknown_outcome_and_is_not_sent()
            throws Exception {
        setUp(false, "");
        fx.resume = new ResumeState(Map.of("hero", new ResumeState.Submitting(1, "lost-key")));
        StepRun s = firstAttempt(fx.stepRun());
        JobDriver driver = new JobDriver(s, new BudgetTicket(s));

        ProviderException e = thrown(ProviderException.class,
                () -> driver.run(jobs, StepRunFixture.request(s, new OutputPlacer(s))));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(e.getMessage()).contains("--resend-unknown");
        assertThat(s.submitting).as("still unknown for a later resume").isEqualTo("lost-key");
        assertThat(events.list()).as("neither journaled nor sent").isEmpty();
    }

    @Test
    void with_resend_unknown_a_lost_submission_is_sent_with_a_new_key_after_its_possible_charge_is_counted()
            throws Exception {
        setUp(false, "model: m1");
        SpendLedger[] ledger = new SpendLedger[1];
        fx.costs = StepRunFixture.budget("10.00", """
                version: 1
                providers:
                  jobs:
                    models:
                      m1: { unit: request, price: 0.40, source: test, as_of: '2026-11-22' }
                """, ledger);
        fx.resume = new ResumeState(Map.of("hero", new ResumeState.Submitting(1, "lost-key"))).resendingUnknown();
        StepRun s = firstAttempt(fx.stepRun());
        BudgetTicket money = new BudgetTicket(s);
        assertThat(money.admit()).isNull();

        new JobDriver(s, money).run(jobs, StepRunFixture.request(s, new OutputPlacer(s)));

        String key = s.requestKey();
        assertThat(key).isNotEqualTo("lost-key");
        assertThat(events.list()).startsWith("costSettled jobs 0.40 possible", "jobSubmitting " + key, "submit " + key);
        assertThat(ledger[0].settled()).as("the possible first charge counts against the limit")
                .isEqualByComparingTo("0.40");
        StepResult marked = money.withPossibleDuplicate(okResult(s));
        assertThat(marked.metadata()).containsEntry(StepMetadata.POSSIBLE_DUPLICATE, true);
        assertThat(marked.actualCost()).isEqualByComparingTo("0.40");
    }

    @Test
    void polls_that_keep_failing_leave_the_job_at_the_provider_after_ten_tries_with_a_growing_wait()
            throws Exception {
        setUp(true, "");
        jobs.poll = h -> {
            throw error(ErrorKind.TRANSIENT, "503 from the status endpoint");
        };
        StepRun s = firstAttempt(fx.stepRun());
        JobDriver driver = new JobDriver(s, new BudgetTicket(s));

        JobDriver.JobLeftAtProvider left = thrown(JobDriver.JobLeftAtProvider.class,
                () -> driver.run(jobs, StepRunFixture.request(s, new OutputPlacer(s))));

        assertThat(left.handle().id()).isEqualTo("job-1");
        assertThat(left.cause().kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(left.cause().getMessage()).contains("polling job job-1 failed").contains("503");
        assertThat(events.of("poll ")).hasSize(10);
        assertThat(events.of("submit ")).hasSize(1);
        assertThat(events.of("fetch ")).isEmpty();
        assertThat(driver.running()).as("still at the provider, for the step's report").isNotNull();
        // The first wait is the one after the submission; then 200 ms, growing by half each time.
        assertThat(fx.sleeps.subList(1, 4)).containsExactly(Duration.ofMillis(200), Duration.ofMillis(300),
                Duration.ofMillis(450));
        assertThat(fx.sleeps).hasSize(1 + 9);
    }

    @Test
    void a_job_the_provider_no_longer_knows_is_left_at_once_with_advice() throws Exception {
        setUp(true, "");
        jobs.poll = h -> {
            throw error(ErrorKind.NOT_FOUND, "404");
        };
        StepRun s = firstAttempt(fx.stepRun());
        JobDriver.JobLeftAtProvider left = thrown(JobDriver.JobLeftAtProvider.class,
                () -> new JobDriver(s, new BudgetTicket(s)).run(jobs, StepRunFixture.request(s, new OutputPlacer(s))));

        assertThat(events.of("poll ")).hasSize(1);
        assertThat(left.cause().getMessage()).contains("jobs no longer knows job job-1").contains("without --resume");
    }

    @Test
    void a_job_the_provider_says_failed_is_thrown_with_its_kind_and_nothing_is_left_to_cancel() throws Exception {
        setUp(true, "");
        jobs.poll = h -> new JobStatus.Failed(ErrorKind.TRANSIENT, "worker crashed");
        StepRun s = firstAttempt(fx.stepRun());
        JobDriver driver = new JobDriver(s, new BudgetTicket(s));

        ProviderException e = thrown(ProviderException.class,
                () -> driver.run(jobs, StepRunFixture.request(s, new OutputPlacer(s))));

        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.getMessage()).contains("job job-1 failed: worker crashed");
        assertThat(e.requestId()).contains("job-1");
        assertThat(driver.running()).isNull();
        assertThat(driver.succeeded()).isFalse();
    }

    @Test
    void a_download_refused_by_content_policy_ends_the_job_and_deletes_the_partial_file() throws Exception {
        setUp(true, "");
        jobs.fetch = request -> {
            StepRunFixture.write(request.outputFile(), "half");
            throw error(ErrorKind.CONTENT_POLICY, "flagged");
        };
        StepRun s = firstAttempt(fx.stepRun());
        JobDriver driver = new JobDriver(s, new BudgetTicket(s));
        ProviderRequest request = StepRunFixture.request(s, new OutputPlacer(s));

        ProviderException e = thrown(ProviderException.class, () -> driver.run(jobs, request));

        assertThat(e.kind()).isEqualTo(ErrorKind.CONTENT_POLICY);
        assertThat(events.of("fetch ")).as("downloading it again cannot help").hasSize(1);
        assertThat(driver.running()).as("the job is over: nothing to collect on resume").isNull();
        assertThat(driver.paidJob()).isNull();
        assertThat(request.outputFile()).doesNotExist();
    }

    @Test
    void a_download_that_keeps_failing_is_tried_five_times_and_leaves_the_paid_job_for_a_resume() throws Exception {
        setUp(true, "");
        jobs.fetch = request -> {
            throw error(ErrorKind.TRANSIENT, "502");
        };
        StepRun s = firstAttempt(fx.stepRun());
        JobDriver driver = new JobDriver(s, new BudgetTicket(s));

        JobDriver.JobLeftAtProvider left = thrown(JobDriver.JobLeftAtProvider.class,
                () -> driver.run(jobs, StepRunFixture.request(s, new OutputPlacer(s))));

        assertThat(events.of("fetch ")).hasSize(5);
        assertThat(events.of("submit ")).hasSize(1);
        assertThat(left.cause().getMessage()).contains("the result of job job-1 could not be downloaded");
        assertThat(driver.succeeded()).as("paid for: never cancelled").isTrue();
    }

    @Test
    void refused_submissions_are_sent_again_up_to_the_refusal_retries_then_the_refusal_is_thrown() throws Exception {
        setUp(true, "");
        jobs.submit = key -> {
            throw new ProviderException(ErrorKind.RATE_LIMIT, "429", Duration.ofSeconds(2), null, null, true);
        };
        StepRun s = firstAttempt(fx.stepRun());
        int retries = s.refusalRetries();
        assertThat(retries).isEqualTo(StepRun.MIN_REFUSAL_RETRIES);

        assertThatThrownBy(() -> new JobDriver(s, new BudgetTicket(s)).run(jobs,
                StepRunFixture.request(s, new OutputPlacer(s))))
                .isInstanceOf(ProviderException.class).hasMessage("429");

        assertThat(events.of("submit ")).hasSize(retries + 1);
        // Each one journaled before it is sent and its refusal after: none is left unknown.
        assertThat(events.of("jobSubmitting ")).hasSize(retries + 1);
        assertThat(events.of("callAnswered ")).hasSize(retries + 1);
        assertThat(events.of("jobSubmitted ")).isEmpty();
        assertThat(s.submitting).isNull();
        // The provider's Retry-After is waited out between the tries.
        assertThat(fx.sleeps).hasSize(retries).allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(
                Duration.ofSeconds(2)));
    }

    @Test
    void a_step_stopped_while_waiting_to_send_a_refused_submission_again_has_nothing_unknown_at_the_provider()
            throws Exception {
        setUp(true, "");
        jobs.submit = key -> {
            throw new ProviderException(ErrorKind.RATE_LIMIT, "429", Duration.ofSeconds(2), null, null, true);
        };
        fx.onSleep = d -> {
            throw new InterruptedException("stopped while waiting");
        };
        StepRun s = firstAttempt(fx.stepRun());
        assertThatThrownBy(() -> new JobDriver(s, new BudgetTicket(s)).run(jobs,
                StepRunFixture.request(s, new OutputPlacer(s)))).isInstanceOf(InterruptedException.class);
        assertThat(events.of("submit ")).hasSize(1);
        assertThat(events.of("callAnswered ")).hasSize(1);
        assertThat(s.submitting).as("the refusal was an answer: no submission is on its way").isNull();
    }

    @Test
    void a_larger_retry_count_raises_the_refusal_retries_and_a_non_retryable_refusal_is_not_sent_again()
            throws Exception {
        setUpYaml(true, StepRunFixture.oneStep("jobs", "", "").replace("    config:", "    retry_count: 5\n    config:"));
        jobs.submit = key -> {
            throw error(ErrorKind.TRANSIENT, "503");
        };
        StepRun s = firstAttempt(fx.stepRun());
        assertThat(s.refusalRetries()).isEqualTo(5);
        assertThatThrownBy(() -> new JobDriver(s, new BudgetTicket(s)).run(jobs,
                StepRunFixture.request(s, new OutputPlacer(s)))).isInstanceOf(ProviderException.class);
        assertThat(events.of("submit ")).hasSize(6);

        events.clear();
        jobs.submit = key -> {
            throw error(ErrorKind.VALIDATION, "bad size");
        };
        StepRun again = firstAttempt(fx.stepRun());
        assertThatThrownBy(() -> new JobDriver(again, new BudgetTicket(again)).run(jobs,
                StepRunFixture.request(again, new OutputPlacer(again)))).hasMessage("bad size");
        assertThat(events.of("submit ")).hasSize(1);
    }

    @Test
    void a_refused_submission_is_not_sent_again_when_the_wait_would_pass_the_step_deadline() throws Exception {
        setUp(true, "");
        fx.timeout = Duration.ofSeconds(30);
        jobs.submit = key -> {
            throw new ProviderException(ErrorKind.RATE_LIMIT, "429", Duration.ofMinutes(5), null, null, true);
        };
        StepRun s = firstAttempt(fx.stepRun());
        assertThatThrownBy(() -> new JobDriver(s, new BudgetTicket(s)).run(jobs,
                StepRunFixture.request(s, new OutputPlacer(s)))).hasMessage("429");
        assertThat(events.of("submit ")).hasSize(1);
        assertThat(fx.sleeps).isEmpty();
    }

    @Test
    void cancel_quietly_asks_the_provider_and_swallows_its_failure() {
        setUp(true, "");
        StepRun s = firstAttempt(fx.stepRun());
        JobDriver driver = new JobDriver(s, new BudgetTicket(s));
        jobs.cancel = h -> {
            throw error(ErrorKind.TRANSIENT, "503 on cancel");
        };
        Thread.currentThread().interrupt(); // a timeout's interrupt must not stop the cancellation
        driver.cancelQuietly(jobs, JobHandle.of("jobs", "job-3"));
        assertThat(events.list()).containsExactly("cancel job-3");
        assertThat(Thread.interrupted()).isFalse();
    }

    private static StepResult okResult(StepRun s) {
        return new StepResult(s.t.id(), s.t.typeName(), null, s.provider.id(), null, StepStatus.SUCCEEDED, null, null,
                Map.of(), null, null, s.startedAt, Duration.ZERO, s.attempt, null, null, null, false, null, List.of());
    }
}
