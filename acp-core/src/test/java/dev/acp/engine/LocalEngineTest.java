package dev.acp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine semantics: ordering, real concurrency (shown with latches), merges, timeouts, retries, failures. */
class LocalEngineTest {
    @TempDir
    Path dir;

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();

    /** Records the call and the number of calls in flight, then runs {@code body}. */
    private ProviderResult tracked(ProviderRequest r, LambdaProvider.Behaviour body)
            throws ProviderException, InterruptedException {
        calls.add(r.stepId());
        int now = running.incrementAndGet();
        maxRunning.accumulateAndGet(now, Math::max);
        try {
            return body.call(r);
        } finally {
            running.decrementAndGet();
        }
    }

    private static ProviderResult text(ProviderRequest r) {
        return ProviderResult.text("text of " + r.stepId() + " from " + r.parameters().get("prompt"), Map.of());
    }

    private static String group(String strategy, Integer maxWorkers, int members, String extra) {
        StringBuilder sb = new StringBuilder("""
                pipeline_name: g
                global_config: { parallel_enabled: true }
                steps:
                  - step_type: parallel_group
                    id: grp
                    parallel_config: { merge_strategy: %s%s }
                    steps:
                """.formatted(strategy, maxWorkers == null ? "" : ", max_workers: " + maxWorkers));
        for (int i = 1; i <= members; i++) {
            sb.append("""
                          - step_type: prompt_generation
                            id: m%d
                            provider: fake
                            config: { prompt: "p%d" }
                    """.formatted(i, i));
        }
        return sb + extra;
    }

    @Test
    void should_run_a_chain_in_order_passing_text_between_steps() {
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> tracked(r, LocalEngineTest::text)));
        RunResult run = acp.run("""
                pipeline_name: chain
                steps:
                  - step_type: prompt_generation
                    id: a
                    provider: fake
                    config: { prompt: seed }
                  - step_type: prompt_generation
                    id: b
                    provider: fake
                    config: { prompt: "{{steps.a.text}}" }
                  - step_type: prompt_generation
                    id: c
                    provider: fake
                    config: { prompt: "from file {{steps.b.output}}" }
                """);
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(calls).containsExactly("a", "b", "c");
        StepResult b = run.steps().get(1);
        assertThat(b.text()).isEqualTo("text of b from text of a from seed");
        assertThat(b.outputPath()).isEqualTo(dir.resolve("output/b.txt"));
        assertThat(b.outputPath()).hasContent("text of b from text of a from seed");
        assertThat(run.steps().get(2).text()).endsWith("from file " + dir.resolve("output/b.txt"));
    }

    @Test
    void should_run_group_members_at_the_same_time() {
        CyclicBarrier allThree = new CyclicBarrier(3);
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> tracked(r, req -> {
            try {
                // Only passes if all three members are running at once.
                allThree.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new ProviderException(ErrorKind.INTERNAL, "members did not run concurrently: " + e);
            }
            return text(req);
        })));
        RunResult run = acp.run(group("collect_all", null, 3, ""));
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(maxRunning).hasValue(3);
    }

    @Test
    void should_admit_at_most_max_workers_members() {
        CountDownLatch firstPair = new CountDownLatch(2);
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> tracked(r, req -> {
            firstPair.countDown();
            firstPair.await(10, TimeUnit.SECONDS);
            return text(req);
        })));
        RunResult run = acp.run(group("collect_all", 2, 6, ""));
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(calls).hasSize(6);
        assertThat(maxRunning).hasValue(2);
    }

    @Test
    void should_run_group_members_one_by_one_in_file_order_when_parallel_is_off() {
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> tracked(r, req -> {
            Thread.sleep(5);
            return text(req);
        })));
        String yaml = group("collect_all", 4, 4, "").replace("parallel_enabled: true", "parallel_enabled: false");
        RunResult run = acp.run(yaml);
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(calls).containsExactly("m1", "m2", "m3", "m4");
        assertThat(maxRunning).hasValue(1);
    }

    @Test
    void should_run_group_members_in_parallel_when_the_parallel_flag_is_given() {
        CyclicBarrier both = new CyclicBarrier(2);
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> tracked(r, req -> {
            try {
                both.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new ProviderException(ErrorKind.INTERNAL, "not concurrent");
            }
            return text(req);
        })));
        String yaml = group("collect_all", null, 2, "").replace("parallel_enabled: true", "parallel_enabled: false");
        ExecutionPlan plan = acp.plan(yaml, RunSettings.run(dir).withParallel(true));
        RunResult run = acp.run(plan, RunListener.NONE, new RunControl());
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(maxRunning).hasValue(2);
    }

    @Test
    void should_cancel_the_other_members_once_one_succeeds_with_first_success() {
        CountDownLatch slowStarted = new CountDownLatch(1);
        TestAcp acp = new TestAcp(dir, LambdaProvider.free("fake", r -> tracked(r, req -> {
            if (req.stepId().equals("m1")) {
                slowStarted.countDown();
                new CountDownLatch(1).await(); // blocks until cancelled
            } else if (req.stepId().equals("m2")) {
                slowStarted.await(10, TimeUnit.SECONDS);
            }
            return text(req);
        })));
        RunResult run = acp.run(group("first_success", 2, 3, """
                  - step_type: prompt_generation
                    provider: fake
                    config: { prompt: "{{steps.grp.text}}" }
                """));
        Map<String, StepResult> r = byId(run);
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.get("m2").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(r.get("m1").status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(r.get("m1").reason()).contains("'m2' succeeded first");
        assertThat(r.get("m3").status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(r.get("m3").attempts()).isZero();
        assertThat(r.get("grp").metadata()).containsEntry("selected", "m2");
        assertThat(r.get("prompt_generation_1").text()).contains("text of m2");
        assertThat(calls).doesNotContain("m3");
    }

    @Test
    void should_select_the_member_with_the_highest_quality_score_with_best_quality() {
        Map<String, Double> scores = Map.of("m1", 0.2, "m2", 0.9, "m3", 0.5);
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> {
            if (r.stepId().equals("m4")) {
                throw new ProviderException(ErrorKind.CONTENT_POLICY, "refused");
            }
            return text(r).withQualityScore(scores.get(r.stepId()));
        }));
        RunResult run = acp.run(group("best_quality", null, 4, ""));
        StepResult grp = byId(run).get("grp");
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(grp.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(grp.metadata()).containsEntry("selected", "m2");
        assertThat(grp.outputPath()).isEqualTo(dir.resolve("output/m2.txt"));
        assertThat(grp.qualityScore()).isEqualTo(0.9);
        assertThat(byId(run).get("m4").status()).isEqualTo(StepStatus.FAILED);
        assertThat(run.failedStepIds()).isEmpty();
    }

    @Test
    void should_fail_a_collect_all_group_and_skip_only_its_dependents() {
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> tracked(r, req -> {
            if (req.stepId().equals("m2")) {
                throw new ProviderException(ErrorKind.VALIDATION, "bad size");
            }
            return text(req);
        })));
        RunResult run = acp.run(group("collect_all", null, 3, """
                  - step_type: prompt_generation
                    id: after_group
                    provider: fake
                    config: { prompt: x }
                  - step_type: prompt_generation
                    id: independent
                    depends_on: []
                    provider: fake
                    config: { prompt: x }
                """));
        Map<String, StepResult> r = byId(run);
        assertThat(run.status()).isEqualTo(RunStatus.PARTIAL);
        assertThat(r.get("m1").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(r.get("m3").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(r.get("m2").error().kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(r.get("grp").status()).isEqualTo(StepStatus.FAILED);
        assertThat(r.get("grp").error().message()).isEqualTo("1 of 3 members did not succeed");
        assertThat(r.get("after_group").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(r.get("after_group").reason()).isEqualTo("depends on 'grp' failed");
        assertThat(r.get("independent").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(run.failedStepIds()).containsExactly("grp", "m2", "after_group");
    }

    @Test
    void should_fail_a_step_that_runs_past_its_timeout() {
        TestAcp acp = new TestAcp(dir, LambdaProvider.free("fake", r -> {
            new CountDownLatch(1).await();
            return text(r);
        }));
        RunResult run = acp.run("""
                pipeline_name: t
                steps:
                  - step_type: prompt_generation
                    provider: fake
                    timeout: 0.2
                    retry_count: 3
                    config: { prompt: x }
                """);
        StepResult s = run.steps().get(0);
        assertThat(s.status()).isEqualTo(StepStatus.FAILED);
        assertThat(s.error().kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(s.error().message()).isEqualTo("timed out after 0.2 s (timeout)");
        assertThat(s.attempts()).isEqualTo(1);
        assertThat(run.status()).isEqualTo(RunStatus.PARTIAL);
    }

    @Test
    void a_paid_call_cut_short_by_its_timeout_is_an_unknown_outcome_never_retried_nor_fallen_back_from() {
        java.util.List<String> called = new java.util.concurrent.CopyOnWriteArrayList<>();
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("paid", r -> {
            called.add("paid");
            new CountDownLatch(1).await(); // the answer never comes: it may be billed all the same
            return text(r);
        }), LambdaProvider.of("other", r -> {
            called.add("other");
            return text(r);
        }));
        RunResult run = acp.run("""
                pipeline_name: t
                steps:
                  - step_type: prompt_generation
                    provider: paid
                    timeout: 0.2
                    retry_count: 3
                    config: { prompt: x }
                    fallback: [ { provider: other } ]
                """);
        StepResult s = run.steps().get(0);
        assertThat(s.status()).isEqualTo(StepStatus.FAILED);
        assertThat(s.error().kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(s.error().message()).startsWith("timed out after 0.2 s (timeout) while paid was answering a paid"
                + " request, which may have been billed");
        assertThat(s.metadata()).containsKey("submission_unanswered");
        assertThat(called).containsExactly("paid");
    }

    @Test
    void should_end_running_members_and_skip_waiting_ones_when_a_group_times_out() {
        TestAcp acp = new TestAcp(dir, LambdaProvider.free("fake", r -> {
            new CountDownLatch(1).await();
            return text(r);
        }));
        RunResult run = acp.run(group("collect_all", 1, 2, "").replace("max_workers: 1", "max_workers: 1, timeout: 0.2"));
        Map<String, StepResult> r = byId(run);
        assertThat(r.get("m1").error().kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(r.get("m2").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(r.get("m2").reason()).contains("timed out after 0.2 s before this member started");
        assertThat(r.get("grp").status()).isEqualTo(StepStatus.FAILED);
    }

    @Test
    void should_retry_retryable_errors_with_growing_backoff_and_then_succeed() {
        AtomicInteger attempts = new AtomicInteger();
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> {
            if (attempts.incrementAndGet() <= 2) {
                throw new ProviderException(ErrorKind.TRANSIENT, "503 from provider");
            }
            return text(r);
        }));
        RunResult run = acp.run("""
                pipeline_name: t
                steps:
                  - step_type: prompt_generation
                    provider: fake
                    retry_count: 2
                    config: { prompt: x }
                """);
        assertThat(run.steps().get(0).status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(run.steps().get(0).attempts()).isEqualTo(3);
        assertThat(acp.sleeps).hasSize(2);
        assertThat(acp.sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(acp.sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void should_honour_retry_after_and_give_up_when_retries_run_out() {
        AtomicInteger attempts = new AtomicInteger();
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> {
            attempts.incrementAndGet();
            throw new ProviderException(ErrorKind.RATE_LIMIT, "429", Duration.ofSeconds(3), "req-1", null);
        }));
        RunResult run = acp.run("""
                pipeline_name: t
                steps:
                  - step_type: prompt_generation
                    provider: fake
                    retry_count: 1
                    config: { prompt: x }
                """);
        StepResult s = run.steps().get(0);
        assertThat(s.status()).isEqualTo(StepStatus.FAILED);
        assertThat(s.attempts()).isEqualTo(2);
        assertThat(attempts).hasValue(2);
        assertThat(acp.sleeps).containsExactly(Duration.ofSeconds(3));
        assertThat(s.error()).isEqualTo(new ErrorInfo(ErrorKind.RATE_LIMIT, "429", "req-1"));
        assertThat(s.requestIds()).containsExactly("req-1");
    }

    @Test
    void should_never_retry_errors_that_are_not_retryable() {
        AtomicInteger attempts = new AtomicInteger();
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> {
            attempts.incrementAndGet();
            throw new ProviderException(ErrorKind.AUTH, "invalid key");
        }));
        RunResult run = acp.run("""
                pipeline_name: t
                steps:
                  - step_type: prompt_generation
                    provider: fake
                    retry_count: 5
                    config: { prompt: x }
                """);
        assertThat(run.steps().get(0).attempts()).isEqualTo(1);
        assertThat(attempts).hasValue(1);
        assertThat(acp.sleeps).isEmpty();
    }

    @Test
    void should_keep_failures_local_to_their_branch() {
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> {
            if (r.stepId().equals("a")) {
                throw new ProviderException(ErrorKind.LOCAL, "boom");
            }
            return text(r);
        }));
        RunResult run = acp.run("""
                pipeline_name: t
                steps:
                  - { step_type: prompt_generation, id: a, provider: fake, config: { prompt: x } }
                  - { step_type: prompt_generation, id: b, provider: fake, config: { prompt: x } }
                  - { step_type: prompt_generation, id: c, depends_on: [], provider: fake, config: { prompt: x } }
                  - { step_type: prompt_generation, id: d, provider: fake, config: { prompt: x } }
                """);
        Map<String, StepResult> r = byId(run);
        assertThat(r.get("a").status()).isEqualTo(StepStatus.FAILED);
        assertThat(r.get("b").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(r.get("c").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(r.get("d").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(run.failedStepIds()).containsExactly("a", "b");
        assertThat(run.status()).isEqualTo(RunStatus.PARTIAL);
    }

    @Test
    void should_skip_a_long_chain_after_an_early_failure_without_running_it() {
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> {
            if (r.stepId().equals("prompt_generation_1")) {
                throw new ProviderException(ErrorKind.LOCAL, "boom");
            }
            calls.add(r.stepId());
            return ProviderResult.nothing(Map.of());
        }));
        String steps = IntStream.range(0, 5000)
                .mapToObj(i -> "  - { step_type: prompt_generation, provider: fake, config: { prompt: x } }")
                .collect(Collectors.joining("\n"));
        RunResult run = acp.run("pipeline_name: long\nsteps:\n" + steps + "\n");
        assertThat(calls).isEmpty();
        assertThat(run.count(StepStatus.SKIPPED)).isEqualTo(4999);
    }

    @Test
    void should_stop_running_steps_and_cancel_the_rest_when_the_run_is_interrupted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> {
            write(r.outputFile(), "partial");
            started.countDown();
            new CountDownLatch(1).await();
            return ProviderResult.file(Map.of());
        }));
        ExecutionPlan plan = acp.plan("""
                pipeline_name: t
                steps:
                  - { step_type: text_to_image, id: a, provider: fake, config: { prompt: x } }
                  - { step_type: text_to_image, id: b, provider: fake, config: { prompt: x } }
                """);
        RunControl control = new RunControl();
        Thread.ofVirtual().start(() -> {
            try {
                started.await();
                control.cancel();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        RunResult run = acp.run(plan, RunListener.NONE, control);
        assertThat(run.status()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(byId(run).get("a").status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(byId(run).get("a").attempts()).isEqualTo(1);
        assertThat(byId(run).get("b").status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(byId(run).get("b").attempts()).isZero();
        assertThat(filesIn(dir.resolve("output"))).isEmpty();
    }

    @Test
    void should_stop_a_step_even_when_a_library_swallows_the_interrupt() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> {
            started.countDown();
            // Like Java2D's font reader: work that clears any interrupt it runs into, for a while
            // after the cancellation (the engine cancels once both steps have started).
            started.await();
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < end) {
                Thread.interrupted();
            }
            if (r.stepId().equals("swallows_then_checks")) {
                r.context().checkCancelled();
                throw new AssertionError("should have been cancelled");
            }
            new CountDownLatch(1).await(); // only the engine's repeated interrupt ends this
            return text(r);
        }));
        ExecutionPlan plan = acp.plan("""
                pipeline_name: t
                steps:
                  - { step_type: prompt_generation, id: swallows_then_checks, provider: fake, config: { prompt: x } }
                  - { step_type: prompt_generation, id: swallows_then_waits, depends_on: [], provider: fake,
                      config: { prompt: x } }
                """);
        RunControl control = new RunControl();
        Thread.ofVirtual().start(() -> {
            try {
                started.await();
                control.cancel();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        RunResult run = acp.run(plan, RunListener.NONE, control);
        assertThat(byId(run).get("swallows_then_checks").status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(byId(run).get("swallows_then_checks").reason()).isEqualTo("the run was interrupted");
        assertThat(byId(run).get("swallows_then_waits").status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(byId(run).get("swallows_then_waits").reason()).isEqualTo("the run was interrupted");
    }

    @Test
    void should_start_no_queued_member_after_a_group_timeout() {
        TestAcp acp = new TestAcp(dir, LambdaProvider.free("fake", r -> tracked(r, req -> {
            new CountDownLatch(1).await();
            return text(req);
        })));
        RunResult run = acp.run(group("collect_all", 1, 40, "").replace("max_workers: 1", "max_workers: 1, timeout: 0.3"));
        assertThat(calls).containsExactly("m1");
        assertThat(run.count(StepStatus.SKIPPED)).isEqualTo(39);
        assertThat(byId(run).get("m1").error().kind()).isEqualTo(ErrorKind.TIMEOUT);
    }

    @Test
    void should_finish_the_run_when_a_listener_throws() {
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", LocalEngineTest::text));
        ExecutionPlan plan = acp.plan("""
                pipeline_name: t
                steps:
                  - { step_type: prompt_generation, id: a, provider: fake, config: { prompt: x } }
                  - { step_type: prompt_generation, id: b, provider: fake, config: { prompt: x } }
                """);
        RunListener broken = new RunListener() {
            @Override
            public void stepFinished(StepResult result) {
                throw new IllegalStateException("display broke");
            }

            @Override
            public void stepStarted(dev.acp.plan.PlannedTask task, int attempt) {
                throw new IllegalStateException("display broke");
            }
        };
        RunResult run = acp.run(plan, broken, new RunControl());
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.count(StepStatus.SUCCEEDED)).isEqualTo(2);
    }

    @Test
    void should_not_retry_a_step_that_was_cancelled_even_if_its_provider_calls_it_transient() {
        AtomicInteger loserCalls = new AtomicInteger();
        CountDownLatch loserRunning = new CountDownLatch(1);
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> {
            if (r.stepId().equals("m1")) {
                loserCalls.incrementAndGet();
                loserRunning.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    // Like an HTTP client reporting the interrupted call as a connection reset.
                    throw new ProviderException(ErrorKind.TRANSIENT, "connection reset");
                }
            }
            loserRunning.await(10, TimeUnit.SECONDS);
            return text(r);
        }));
        String yaml = group("first_success", null, 2, "").replace("provider: fake\n", "provider: fake\n        retry_count: 3\n");
        RunResult run = acp.run(yaml);
        assertThat(loserCalls).hasValue(1);
        assertThat(byId(run).get("m1").status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void should_discard_what_an_abandoned_step_produces_after_the_run_gave_up_on_it() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch providerDone = new CountDownLatch(1);
        TestAcp acp = new TestAcp(dir, Map.of(), Duration.ofMillis(300), LambdaProvider.of("fake", r -> {
            started.countDown();
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            while (System.nanoTime() < end) {
                Thread.interrupted(); // ignores every interruption
            }
            write(r.outputFile(), "late");
            providerDone.countDown();
            return ProviderResult.file(Map.of());
        }));
        ExecutionPlan plan = acp.plan("""
                pipeline_name: t
                steps:
                  - { step_type: text_to_image, id: stubborn, provider: fake, config: { prompt: x } }
                """);
        RunControl control = new RunControl();
        Thread.ofVirtual().start(() -> {
            try {
                started.await();
                control.cancel();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        RunResult run = acp.run(plan, RunListener.NONE, control);
        assertThat(byId(run).get("stubborn").status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(byId(run).get("stubborn").reason()).contains("did not stop within").contains("discarded");
        assertThat(providerDone.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(200); // lets the abandoned thread finish its clean-up
        assertThat(filesIn(dir.resolve("output"))).isEmpty();
    }

    @Test
    void should_keep_a_finished_output_that_cannot_be_put_in_place_and_report_its_cost() throws Exception {
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> {
            write(r.outputFile(), "paid pixels");
            // Something else takes the final name meanwhile: a folder with content.
            try {
                Path target = r.outputFile().resolveSibling("pic.png");
                Files.createDirectories(target);
                Files.writeString(target.resolve("x"), "x");
            } catch (IOException e) {
                throw new ProviderException(ErrorKind.LOCAL, "test setup", e);
            }
            return ProviderResult.file(Map.of()).withActualCost(new java.math.BigDecimal("0.05"))
                    .withRequestIds(List.of("req-9"));
        }));
        RunResult run = acp.run("""
                pipeline_name: t
                steps:
                  - { step_type: text_to_image, id: pic, provider: fake, config: { prompt: x } }
                """);
        StepResult s = run.steps().get(0);
        assertThat(s.status()).isEqualTo(StepStatus.FAILED);
        assertThat(s.error().message()).contains("cannot put the output in place").contains("kept as");
        assertThat(s.actualCost()).isEqualByComparingTo("0.05");
        assertThat(s.requestIds()).containsExactly("req-9");
        Path kept = Path.of((String) s.metadata().get("recoverable_output"));
        assertThat(kept).hasContent("paid pixels");
    }

    @Test
    void should_leave_no_partial_file_when_a_provider_throws_an_unexpected_exception() throws Exception {
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> {
            write(r.outputFile(), "half");
            throw new IllegalArgumentException("bug after writing");
        }));
        RunResult run = acp.run("""
                pipeline_name: t
                steps:
                  - { step_type: text_to_image, id: a, provider: fake, config: { prompt: x } }
                """);
        assertThat(run.steps().get(0).error().kind()).isEqualTo(ErrorKind.INTERNAL);
        assertThat(filesIn(dir.resolve("output"))).isEmpty();
    }

    @Test
    void should_skip_disabled_steps_and_continue_the_chain() {
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> tracked(r, LocalEngineTest::text)));
        RunResult run = acp.run("""
                pipeline_name: t
                steps:
                  - { step_type: prompt_generation, id: a, provider: fake, config: { prompt: x } }
                  - { step_type: prompt_generation, id: b, enabled: false, provider: fake, config: { prompt: x } }
                  - { step_type: prompt_generation, id: c, provider: fake, config: { prompt: x } }
                """);
        assertThat(calls).containsExactly("a", "c");
        assertThat(byId(run).get("b").status()).isEqualTo(StepStatus.DISABLED);
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void should_publish_outputs_atomically_and_leave_nothing_behind_on_failure() throws IOException {
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> {
            write(r.outputFile(), "image bytes of " + r.stepId());
            if (r.stepId().equals("bad")) {
                throw new ProviderException(ErrorKind.LOCAL, "encoder crashed half way");
            }
            assertThat(r.outputFile().getFileName().toString()).startsWith("." + r.stepId() + ".partial-").endsWith(".png");
            return ProviderResult.file(Map.of("width", 10));
        }));
        RunResult run = acp.run("""
                pipeline_name: t
                steps:
                  - { step_type: text_to_image, id: good, provider: fake, config: { prompt: x } }
                  - { step_type: text_to_image, id: bad, depends_on: [], provider: fake, config: { prompt: x } }
                """);
        assertThat(filesIn(dir.resolve("output"))).containsExactly("good.png");
        assertThat(dir.resolve("output/good.png")).hasContent("image bytes of good");
        assertThat(byId(run).get("good").metadata()).containsEntry("width", 10);
    }

    @Test
    void should_report_a_provider_defect_as_an_internal_failure_of_that_step_only() {
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> {
            if (r.stepId().equals("a")) {
                throw new IllegalStateException("bug");
            }
            return text(r);
        }));
        RunResult run = acp.run("""
                pipeline_name: t
                steps:
                  - { step_type: prompt_generation, id: a, provider: fake, config: { prompt: x } }
                  - { step_type: prompt_generation, id: b, depends_on: [], provider: fake, config: { prompt: x } }
                """);
        assertThat(byId(run).get("a").error().kind()).isEqualTo(ErrorKind.INTERNAL);
        assertThat(byId(run).get("a").error().message()).contains("an internal error (bug)").doesNotContain("IllegalStateException");
        assertThat(byId(run).get("b").status()).isEqualTo(StepStatus.SUCCEEDED);
    }

    @Test
    void should_label_preview_providers_and_count_their_cost_as_zero() {
        TestAcp acp = new TestAcp(dir, LambdaProvider.preview("local", LocalEngineTest::text));
        RunResult run = acp.run("""
                pipeline_name: t
                steps:
                  - { step_type: prompt_generation, provider: local, config: { prompt: x } }
                """);
        StepResult s = run.steps().get(0);
        assertThat(s.preview()).isTrue();
        assertThat(s.actualCost()).isZero();
        assertThat(run.anyPreview()).isTrue();
    }

    private static void write(Path p, String content) throws ProviderException {
        try {
            Files.writeString(p, content);
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "cannot write", e);
        }
    }

    private static Map<String, StepResult> byId(RunResult run) {
        Map<String, StepResult> m = new ConcurrentHashMap<>();
        run.steps().forEach(s -> m.put(s.stepId(), s));
        return m;
    }

    private static List<String> filesIn(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
