package dev.acp.engine;

import dev.acp.util.RetryPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.cache.CacheMode;
import dev.acp.cost.DailySpend;
import dev.acp.cost.Estimator;
import dev.acp.cost.PricingCatalog;
import dev.acp.cost.RunBudget;
import dev.acp.cost.SpendLedger;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Problem;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlanResult;
import dev.acp.provider.ProviderResult;
import dev.acp.testing.FakeJobs;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fallback chains: an alternative is tried only after the provider in use failed for a reason
 * another provider can fix, only if its reservation fits the budget, and never while a paid job
 * may still produce a result. Each switch is in the step's result.
 */
@org.junit.jupiter.api.Timeout(60)
class FallbackTest {
    @TempDir
    Path dir;

    private final AtomicInteger primaryCalls = new AtomicInteger();
    private final AtomicInteger secondaryCalls = new AtomicInteger();

    private LambdaProvider failing(String id, ErrorKind kind) {
        return LambdaProvider.of(id, request -> {
            primaryCalls.incrementAndGet();
            throw new ProviderException(kind, kind == ErrorKind.TRANSIENT ? "HTTP 503 Service Unavailable"
                    : "refused: " + kind.wireName());
        });
    }

    private LambdaProvider working(String id) {
        return LambdaProvider.of(id, request -> {
            secondaryCalls.incrementAndGet();
            try {
                Files.writeString(request.outputFile(), "image by " + id + " " + request.model());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return ProviderResult.file(Map.of());
        });
    }

    private static String pipeline(String extra) {
        return """
                pipeline_name: fb
                output_directory: out
                steps:
                  - id: hero
                    step_type: text_to_image
                    provider: prim
                    retry_count: 1
                    config: { prompt: a castle, model: m1 }
                    fallback:
                      - { provider: second, model: m2 }
                """ + extra;
    }

    private static StepResult step(RunResult r, String id) {
        return r.steps().stream().filter(s -> s.stepId().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void an_outage_after_the_retries_switches_to_the_alternative_and_the_result_says_so() throws Exception {
        TestAcp acp = new TestAcp(dir, failing("prim", ErrorKind.TRANSIENT), working("second"));
        RunResult r = acp.run(pipeline(""));
        StepResult hero = step(r, "hero");
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(primaryCalls).hasValue(2); // its own retry first
        assertThat(secondaryCalls).hasValue(1);
        assertThat(hero.provider()).isEqualTo("second");
        assertThat(hero.model()).isEqualTo("m2");
        assertThat(Files.readString(hero.outputPath())).isEqualTo("image by second m2");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> switches = (List<Map<String, Object>>) hero.metadata().get("fallbacks");
        assertThat(switches).singleElement().satisfies(s -> {
            assertThat(s).containsEntry("from_provider", "prim").containsEntry("from_model", "m1")
                    .containsEntry("provider", "second").containsEntry("model", "m2")
                    .containsEntry("error_kind", "transient").containsKey("at");
            assertThat((String) s.get("error")).contains("503");
        });
    }

    @Test
    void invalid_requests_content_policy_and_auth_errors_never_fall_back() {
        for (ErrorKind kind : List.of(ErrorKind.VALIDATION, ErrorKind.CONTENT_POLICY, ErrorKind.AUTH)) {
            primaryCalls.set(0);
            secondaryCalls.set(0);
            TestAcp acp = new TestAcp(dir.resolve(kind.wireName()), failing("prim", kind), working("second"));
            RunResult r = acp.run(pipeline(""));
            StepResult hero = step(r, "hero");
            assertThat(hero.status()).as(kind.name()).isEqualTo(StepStatus.FAILED);
            assertThat(hero.error().kind()).isEqualTo(kind);
            assertThat(hero.error().message()).contains("refused: " + kind.wireName());
            assertThat(hero.provider()).isEqualTo("prim");
            assertThat(primaryCalls).as(kind.name()).hasValue(1);
            assertThat(secondaryCalls).as(kind.name()).hasValue(0);
            assertThat(hero.metadata()).doesNotContainKey("fallbacks");
        }
    }

    @Test
    void rate_limits_exhausted_quota_and_an_unserved_model_fall_back() {
        for (ErrorKind kind : List.of(ErrorKind.RATE_LIMIT, ErrorKind.QUOTA, ErrorKind.NOT_FOUND, ErrorKind.TIMEOUT)) {
            secondaryCalls.set(0);
            TestAcp acp = new TestAcp(dir.resolve(kind.wireName()), failing("prim", kind), working("second"));
            StepResult hero = step(acp.run(pipeline("")), "hero");
            assertThat(hero.status()).as(kind.name()).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(hero.provider()).as(kind.name()).isEqualTo("second");
            assertThat(secondaryCalls).as(kind.name()).hasValue(1);
        }
    }

    @Test
    void the_cache_keeps_the_output_under_the_alternative_that_made_it() {
        AtomicInteger primaryOk = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        LambdaProvider prim = LambdaProvider.of("prim", request -> {
            if (down.get()) {
                throw new ProviderException(ErrorKind.TRANSIENT, "HTTP 503");
            }
            primaryOk.incrementAndGet();
            try {
                Files.writeString(request.outputFile(), "image by prim");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return ProviderResult.file(Map.of());
        });
        TestAcp acp = new TestAcp(dir, prim, working("second"));
        dev.acp.cache.ArtifactCache cache = new dev.acp.cache.ArtifactCache(dir.resolve("cache"));
        ExecutionPlan plan = acp.plan(pipeline("").replace("model: m1 }", "model: m1, seed: 1 }"));
        AtomicInteger runs = new AtomicInteger();
        java.util.function.Supplier<StepResult> run = () -> step(acp.acp().unguardedEngine().run(new RunRequest(plan,
                "run-" + runs.incrementAndGet(), RunListener.NONE, new RunControl(), RunRecorder.NONE, cache,
                CacheMode.USE, "fb", ResumeState.NONE, dev.acp.cost.CostControl.NONE)), "hero");
        assertThat(run.get().provider()).isEqualTo("second");
        // Still down: the primary is tried again, and the alternative's output comes from the cache.
        StepResult again = run.get();
        assertThat(again.cacheHit()).isTrue();
        assertThat(again.provider()).isEqualTo("second");
        assertThat(secondaryCalls).hasValue(1);
        // Back up: the alternative's output is not the primary's, so the primary makes its own.
        down.set(false);
        StepResult up = run.get();
        assertThat(up.provider()).isEqualTo("prim");
        assertThat(up.cacheHit()).isFalse();
        assertThat(primaryOk).hasValue(1);
        // And now a hit on the primary's key serves the step as usual.
        StepResult cached = run.get();
        assertThat(cached.cacheHit()).isTrue();
        assertThat(cached.provider()).isEqualTo("prim");
        assertThat(primaryOk).hasValue(1);
    }

    @Test
    void the_last_alternatives_error_is_reported_with_every_switch() {
        TestAcp acp = new TestAcp(dir, failing("prim", ErrorKind.TRANSIENT), failing("second", ErrorKind.RATE_LIMIT),
                working("third"));
        RunResult r = acp.run(pipeline("      - { provider: third }\n"));
        StepResult hero = step(r, "hero");
        assertThat(hero.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(hero.provider()).isEqualTo("third");
        assertThat((List<?>) hero.metadata().get("fallbacks")).hasSize(2);
        assertThat(primaryCalls).hasValue(4); // two tries each at prim and second: retries count per provider
    }

    @Test
    void an_alternative_whose_reservation_does_not_fit_the_limit_is_refused_with_the_reason() {
        TestAcp acp = new TestAcp(dir, failing("prim", ErrorKind.TRANSIENT), working("second"));
        ExecutionPlan plan = acp.plan(pipeline(""));
        PricingCatalog pricing = PricingCatalog.parse("""
                version: 1
                providers:
                  prim:
                    models:
                      m1: { unit: request, price: 1.00, source: test, as_of: '2026-11-22' }
                  second:
                    models:
                      m2: { unit: request, price: 5.00, source: test, as_of: '2026-11-22' }
                """, "test-pricing.yaml");
        SpendLedger ledger = new SpendLedger(new BigDecimal("3.00"), Map.of(), DailySpend.NONE);
        RunRequest request = new RunRequest(plan, "run-1", RunListener.NONE, new RunControl(), RunRecorder.NONE, null,
                CacheMode.OFF, null, ResumeState.NONE, new RunBudget(new Estimator(pricing), ledger, false));
        RunResult r = acp.acp().unguardedEngine().run(request);
        StepResult hero = step(r, "hero");
        assertThat(hero.status()).isEqualTo(StepStatus.FAILED);
        assertThat(hero.error().message()).contains("503").contains("fallback to second/m2 refused: would exceed the limit");
        assertThat(hero.metadata()).containsKey("fallback_refused");
        assertThat(secondaryCalls).hasValue(0);
        assertThat(ledger.settled()).isEqualByComparingTo("0");
        assertThat(ledger.reserved()).isEqualByComparingTo("0");
    }

    @Test
    void billed_failures_of_the_abandoned_provider_are_settled_before_the_switch_and_reported_as_fallback_spend() {
        TestAcp acp = new TestAcp(dir, failing("prim", ErrorKind.TRANSIENT), working("second"));
        ExecutionPlan plan = acp.plan(pipeline(""));
        PricingCatalog pricing = PricingCatalog.parse("""
                version: 1
                providers:
                  prim:
                    bills_failures: true
                    models:
                      m1: { unit: request, price: 1.00, source: test, as_of: '2026-11-22' }
                  second:
                    models:
                      m2: { unit: request, price: 0.50, source: test, as_of: '2026-11-22' }
                """, "test-pricing.yaml");
        SpendLedger ledger = new SpendLedger(new BigDecimal("10.00"), Map.of(), DailySpend.NONE);
        List<String> journal = new java.util.concurrent.CopyOnWriteArrayList<>();
        RunRecorder recorder = new RunRecorder() {
            @Override
            public void costSettled(dev.acp.plan.PlannedTask task, Settlement cost, boolean force) {
                journal.add("cost " + task.providerId() + " " + cost.amount().setScale(2).toPlainString());
            }

            @Override
            public void fallbackSwitched(dev.acp.plan.PlannedTask task, int attempt, FallbackSwitch change) {
                journal.add("switch to " + change.provider() + " at attempt " + attempt);
            }
        };
        RunRequest request = new RunRequest(plan, "run-1", RunListener.NONE, new RunControl(), recorder, null,
                CacheMode.OFF, null, ResumeState.NONE, new RunBudget(new Estimator(pricing), ledger, false));
        RunResult r = acp.acp().unguardedEngine().run(request);
        StepResult hero = step(r, "hero");
        assertThat(hero.status()).isEqualTo(StepStatus.SUCCEEDED);
        // Settled first, then switched: a crash between the two cannot lose the failed calls' cost.
        assertThat(journal).containsExactly("cost prim 2.00", "switch to second at attempt 3");
        assertThat(hero.actualCost()).isEqualByComparingTo("2.50");
        assertThat((BigDecimal) hero.metadata().get("fallback_cost")).isEqualByComparingTo("2.00");
        assertThat(ledger.settled()).isEqualByComparingTo("2.50");
        assertThat(ledger.reserved()).isEqualByComparingTo("0");
        Map<String, Object> costs = dev.acp.report.RunReportWriter.costSummary(r, dev.acp.report.RunReportWriter.Extras.NONE);
        assertThat(costs).containsEntry("fallback_spend", 2.0).containsEntry("retry_spend", 0.0);
        assertThat((List<?>) costs.get("fallbacks")).singleElement().asString().contains("step_id=hero")
                .contains("provider=second");
    }

    @Test
    void the_estimate_puts_the_alternatives_in_the_high_end_only() {
        TestAcp acp = new TestAcp(dir, failing("prim", ErrorKind.TRANSIENT), working("second"));
        ExecutionPlan plan = acp.plan(pipeline(""));
        String prices = """
                version: 1
                providers:
                  prim:
                    bills_failures: %s
                    models:
                      m1: { unit: request, price: 1.00, source: test, as_of: '2026-11-22' }
                  second:
                    models:
                      m2: { unit: request, price: 5.00, source: test, as_of: '2026-11-22' }
                """;
        var unbilled = dev.acp.cost.PipelineEstimate.of(plan, new Estimator(PricingCatalog.parse(prices.formatted(false),
                "p.yaml")), null);
        assertThat(unbilled.expected()).isEqualByComparingTo("1.00");
        assertThat(unbilled.high()).isEqualByComparingTo("5.00");
        assertThat(unbilled.steps().get(0).formula()).contains("fallbacks second/m2 $5.00");
        // Both of the primary's attempts billed, then the alternative.
        var billed = dev.acp.cost.PipelineEstimate.of(plan, new Estimator(PricingCatalog.parse(prices.formatted(true),
                "p.yaml")), null);
        assertThat(billed.expected()).isEqualByComparingTo("1.00");
        assertThat(billed.high()).isEqualByComparingTo("7.00");
    }

    @Test
    void a_job_left_at_the_provider_is_never_abandoned_but_a_failed_job_falls_back() {
        FakeJobs jobs = new FakeJobs("jobs", true);
        TestAcp acp = new TestAcp(dir, jobs, working("second"));
        String yaml = """
                pipeline_name: fb
                output_directory: out
                steps:
                  - id: hero
                    step_type: text_to_image
                    provider: jobs
                    config: { prompt: a castle, %s }
                    fallback: [ { provider: second } ]
                """;
        RunResult left = acp.run(yaml.formatted("poll_failures: 12"));
        assertThat(step(left, "hero").status()).isEqualTo(StepStatus.FAILED);
        assertThat(step(left, "hero").error().message()).contains("resume the run to collect it");
        assertThat(step(left, "hero").metadata()).containsKey(StepMetadata.JOB_IN_FLIGHT).doesNotContainKey("fallbacks");
        assertThat(secondaryCalls).hasValue(0);

        // A new provider's books: its first job for the step ends as failed, which is not billed.
        TestAcp fresh = new TestAcp(dir.resolve("second-run"), new FakeJobs("jobs", true), working("second"));
        RunResult failed = fresh.run(yaml.formatted("failed_jobs: 1"));
        assertThat(step(failed, "hero").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(step(failed, "hero").provider()).isEqualTo("second");
        assertThat(secondaryCalls).hasValue(1);
    }

    @Test
    void a_resume_after_a_crash_mid_fallback_re_attaches_the_alternatives_job_and_never_calls_the_primary_again()
            throws Exception {
        FakeJobs jobs = new FakeJobs("jobs", true);
        Map<String, String> env = Map.of("ACP_HOME", dir.resolve("home").toString());
        java.util.function.Supplier<dev.acp.run.RunService> service = () -> {
            dev.acp.env.Environment environment = dev.acp.env.Environment.of(env);
            dev.acp.provider.ProviderRegistry registry = dev.acp.provider.ProviderRegistry.of(
                    dev.acp.provider.ProviderContext.of(environment, dir.resolve("home"), java.time.Clock.systemUTC()),
                    failing("prim", ErrorKind.TRANSIENT), jobs);
            LocalEngine.Options options = LocalEngine.Options.defaults(environment).withSleeper(d -> { })
                    .withRetryPolicy(new RetryPolicy(java.time.Duration.ZERO, java.time.Duration.ZERO))
                    .withCancelGrace(java.time.Duration.ofSeconds(5));
            return new dev.acp.run.RunService(dev.acp.Acp.create(environment, registry, options));
        };
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, """
                pipeline_name: fb
                output_directory: out
                steps:
                  - id: hero
                    step_type: text_to_image
                    provider: prim
                    config: { prompt: a castle, hang_poll: true }
                    fallback: [ { provider: jobs } ]
                """);
        // The primary fails, the step switches to the job provider, whose job is accepted; then the
        // process is stopped while the job runs.
        dev.acp.run.RunService.Session first = service.get().start(file, dev.acp.plan.RunSettings.run(dir),
                CacheMode.OFF);
        String runId = first.runId();
        RunControl control = new RunControl();
        jobs.hanging = new java.util.concurrent.CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try {
                if (jobs.hanging.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    control.cancel();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (first) {
            RunResult stopped = first.run(RunListener.NONE, control);
            assertThat(stopped.status()).isEqualTo(RunStatus.INTERRUPTED);
        }
        assertThat(primaryCalls).hasValue(1);
        assertThat(jobs.submissions).hasSize(1);

        dev.acp.run.RunService.Session second = service.get().resume(runId, null, null);
        assertThat(second.resume().routes().get("hero")).satisfies(r -> {
            assertThat(r.index()).isEqualTo(1);
            assertThat(r.provider()).isEqualTo("jobs");
        });
        RunResult resumed;
        try (second) {
            resumed = second.run(RunListener.NONE, new RunControl());
        }
        StepResult hero = step(resumed, "hero");
        assertThat(hero.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(hero.provider()).isEqualTo("jobs");
        assertThat(primaryCalls).as("the primary is not called again").hasValue(1);
        assertThat(jobs.submissions).as("the job is re-attached, not submitted again").hasSize(1);
        assertThat((List<?>) hero.metadata().get("fallbacks")).hasSize(1);
    }

    @Test
    void fallback_is_checked_like_the_step_itself() {
        TestAcp acp = new TestAcp(dir, working("prim"), working("second"),
                LambdaProvider.limitedTo("speech", java.util.EnumSet.of(dev.acp.pipeline.Capability.TEXT_TO_SPEECH),
                        request -> ProviderResult.file(Map.of())));
        PlanResult r = acp.check("""
                pipeline_name: fb
                steps:
                  - id: hero
                    step_type: text_to_image
                    provider: prim
                    config: { prompt: a castle }
                    fallback:
                      - { provider: secnd }
                      - { provider: speech }
                      - { model: no-such-model }
                      - { provider: second, colour: red }
                  - step_type: parallel_group
                    id: g
                    fallback: [ { provider: second } ]
                    steps:
                      - { step_type: text_to_image, provider: prim, config: { prompt: b } }
                  - for_each: "{{inputs.names}}"
                    id: each
                    fallback: [ { provider: second } ]
                    steps:
                      - { step_type: text_to_image, provider: prim, config: { prompt: c } }
                """);
        List<String> errors = r.problems().stream().filter(Problem::isError).map(Problem::render).toList();
        assertThat(errors).anySatisfy(e -> assertThat(e).contains(":8:").contains("fallback 1: unknown provider 'secnd'")
                .contains("did you mean 'second'?"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains(":9:")
                .contains("fallback 2: provider 'speech' cannot do text_to_image"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains(":10:")
                .contains("fallback 3: model 'no-such-model' is not in the model catalog").contains("name the provider"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains(":11:").contains("unknown key 'colour'"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains(":14:")
                .contains("fallback is not allowed on a parallel_group").contains("move 'fallback:' onto the steps"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains(":19:")
                .contains("fallback is not allowed on a for_each block"));
    }
}
