package dev.acp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.ProviderResult;
import dev.acp.testing.FakeJobs;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a provider did not accept is sent again by default, whatever retry_count says; what it
 * accepted and failed follows retry_count; and every step ends within a time limit even when it
 * sets none.
 */
class RefusalsAndTimeoutsTest {
    @TempDir
    Path dir;

    private static ProviderException refused(Duration retryAfter) {
        return new ProviderException(ErrorKind.RATE_LIMIT, "p: HTTP 429: slow down", retryAfter, null, null, true);
    }

    private static ProviderResult text(dev.acp.provider.ProviderRequest r) {
        return ProviderResult.text("ok " + r.stepId(), Map.of());
    }

    private static final String ONE_STEP = """
            pipeline_name: t
            steps:
              - { id: s, step_type: prompt_generation, provider: p, config: { prompt: x }%s }
            """;

    @Test
    void a_request_turned_away_unbilled_is_sent_again_with_its_retry_after_even_with_retry_count_0() {
        AtomicInteger calls = new AtomicInteger();
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("p", r -> {
            if (calls.incrementAndGet() == 1) {
                throw refused(Duration.ofSeconds(1));
            }
            return text(r);
        }));
        RunResult run = acp.run(ONE_STEP.formatted(", retry_count: 0"));
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(calls).hasValue(2);
        assertThat(acp.sleeps).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void refusals_beyond_three_end_the_step_and_it_may_then_fall_back() {
        AtomicInteger calls = new AtomicInteger();
        List<String> other = new CopyOnWriteArrayList<>();
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("p", r -> {
            calls.incrementAndGet();
            throw refused(Duration.ofMillis(10));
        }), LambdaProvider.of("q", r -> {
            other.add(r.stepId());
            return text(r);
        }));
        RunResult alone = acp.run(ONE_STEP.formatted(""));
        assertThat(alone.steps().get(0).error().kind()).isEqualTo(ErrorKind.RATE_LIMIT);
        assertThat(calls).as("1 call + 3 resends").hasValue(4);
        calls.set(0);
        RunResult fallen = acp.run(ONE_STEP.formatted(", fallback: [ { provider: q } ]"));
        assertThat(fallen.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(calls).hasValue(4);
        assertThat(other).containsExactly("s");
    }

    @Test
    void accepted_work_that_failed_is_retried_only_as_retry_count_says() {
        AtomicInteger calls = new AtomicInteger();
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("p", r -> {
            calls.incrementAndGet();
            throw new ProviderException(ErrorKind.TRANSIENT, "p: the model crashed");
        }));
        RunResult none = acp.run(ONE_STEP.formatted(", retry_count: 0"));
        assertThat(none.steps().get(0).status()).isEqualTo(StepStatus.FAILED);
        assertThat(calls).hasValue(1);
        calls.set(0);
        acp.run(ONE_STEP.formatted(", retry_count: 2"));
        assertThat(calls).hasValue(3);
    }

    @Test
    void a_step_that_sets_no_timeout_ends_at_the_default_of_its_kind_and_the_run_goes_on() {
        FakeJobs jobs = new FakeJobs("jobs", false);
        List<String> done = new CopyOnWriteArrayList<>();
        TestAcp acp = new TestAcp(dir, jobs, LambdaProvider.free("free", r -> {
            done.add(r.stepId());
            return text(r);
        }));
        // A job whose status never comes: the default (here the pipeline's, 0.3 s) ends it.
        RunResult run = acp.run("""
                pipeline_name: t
                global_config: { parallel_enabled: true, timeouts: { text_to_image: 0.3 } }
                steps:
                  - step_type: parallel_group
                    steps:
                      - { id: stuck, step_type: text_to_image, provider: jobs, config: { prompt: x, hang_poll: true } }
                      - { id: other, step_type: prompt_generation, provider: free, config: { prompt: y } }
                """);
        StepResult stuck = run.steps().stream().filter(s -> s.stepId().equals("stuck")).findFirst().orElseThrow();
        assertThat(stuck.status()).isEqualTo(StepStatus.FAILED);
        assertThat(stuck.error().kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(stuck.error().message()).isEqualTo("timed out after 0.3 s (the default timeout of text_to_image"
                + " steps; set 'timeout:' on the step, or global_config.timeouts, to change it)");
        // The job was cancelled at the provider: nobody will collect it.
        assertThat(jobs.cancellations).hasSize(1);
        assertThat(done).containsExactly("other");
    }

    @Test
    void without_any_setting_a_step_still_has_a_time_limit() {
        assertThat(StepTimeouts.defaults().of(dev.acp.pipeline.Capability.TEXT_TO_VIDEO)).isEqualTo(Duration.ofHours(1));
        assertThat(StepTimeouts.defaults().of(dev.acp.pipeline.Capability.TEXT_TO_IMAGE))
                .isEqualTo(Duration.ofMinutes(10));
        CountDownLatch never = new CountDownLatch(1);
        TestAcp acp = new TestAcp(dir, LambdaProvider.free("free", r -> {
            never.await();
            return text(r);
        }));
        // ACP_HOME/config.yaml's timeouts (here set on the engine) apply when the pipeline sets none.
        RunResult run = acp.runWith(acp.plan(ONE_STEP.formatted("").replace("provider: p", "provider: free")),
                StepTimeouts.defaults().with(Map.of(dev.acp.pipeline.Capability.PROMPT_GENERATION,
                        Duration.ofMillis(200))));
        assertThat(run.steps().get(0).error().message()).startsWith("timed out after 0.2 s (the default timeout");
    }
}
