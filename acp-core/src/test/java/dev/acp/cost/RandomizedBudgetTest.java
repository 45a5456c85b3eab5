package dev.acp.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.cache.CacheMode;
import dev.acp.engine.ResumeState;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunRecorder;
import dev.acp.engine.RunRequest;
import dev.acp.engine.RunResult;
import dev.acp.engine.Settlement;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedTask;
import dev.acp.provider.ProviderResult;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random pipelines (parallel groups, retries, failures, random prices and reported costs, step
 * and run limits, crashes and resumes) through the real engine with a fake provider; after every
 * session the ledger's invariants must hold. Seeded: a failure names its iteration's seed.
 */
class RandomizedBudgetTest {
    private static final int ITERATIONS = Integer.getInteger("acp.budget.iterations", 2000);

    @TempDir
    Path dir;

    /** Per iteration: the world the fake provider and the checks share. */
    private static final class World {
        final Random random;
        final Map<String, BigDecimal> prices = new HashMap<>();
        final boolean billsFailures;
        /** Steps holding a reservation right now (admitted and not yet settled or released). */
        final Set<String> holding = ConcurrentHashMap.newKeySet();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        volatile int crashAtCall = -1;
        volatile @Nullable RunControl control;
        /** Settlements journaled, over every session, by step. */
        final Map<String, BigDecimal> journaled = new ConcurrentHashMap<>();
        final Map<String, Random> perStep = new ConcurrentHashMap<>();
        final long seed;

        World(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            this.billsFailures = random.nextBoolean();
        }

        Random stepRandom(String step) {
            // Calls run concurrently: each step draws from its own seeded source, so runs repeat.
            return perStep.computeIfAbsent(step, s -> new Random(seed * 31 + s.hashCode()));
        }
    }

    @Test
    void spendNeverExceedsALimitAndTheLedgerMatchesTheJournal() {
        AtomicReference<World> current = new AtomicReference<>();
        LambdaProvider paid = LambdaProvider.of("paid", request -> {
            World w = current.get();
            String step = request.stepId();
            if (!w.holding.contains(step)) {
                w.violations.add("step " + step + " called its provider without a reservation");
            }
            if (w.calls.incrementAndGet() == w.crashAtCall && w.control != null) {
                w.control.cancel(); // the "crash": the run stops here; the resume replays the journal
            }
            Random r;
            synchronized (w) {
                r = w.stepRandom(step);
            }
            double roll;
            BigDecimal fraction;
            boolean report;
            synchronized (r) {
                roll = r.nextDouble();
                fraction = BigDecimal.valueOf(r.nextInt(101)).divide(BigDecimal.valueOf(100));
                report = r.nextBoolean();
            }
            if (roll < 0.25) {
                throw new ProviderException(ErrorKind.TRANSIENT, "random failure");
            }
            if (roll < 0.30) {
                throw new ProviderException(ErrorKind.VALIDATION, "random refusal");
            }
            BigDecimal price = w.prices.get(request.model());
            ProviderResult result = ProviderResult.text("ok " + step, Map.of());
            // Random actual cost up to the pessimistic estimate of one call (the unit price).
            return report ? result.withActualCost(price.multiply(fraction)) : result;
        });
        TestAcp acp = new TestAcp(dir, paid);
        long base = 20261122L;
        int budgetSkips = 0;
        int resumes = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            long seed = base + i;
            World w = new World(seed);
            current.set(w);
            try {
                int[] outcome = iteration(acp, w, i);
                budgetSkips += outcome[0];
                resumes += outcome[1];
            } catch (AssertionError e) {
                throw new AssertionError("iteration " + i + " (seed " + seed + "): " + e.getMessage(), e);
            }
        }
        // The generator must actually reach the interesting cases.
        assertThat(budgetSkips).as("budget-skipped steps over all iterations").isGreaterThan(50);
        assertThat(resumes).as("crash-and-resume iterations").isGreaterThan(50);
    }

    /** One random pipeline, run, maybe crashed and resumed; returns {budget skips, resumed?}. */
    private int[] iteration(TestAcp acp, World w, int i) {
        Random r = w.random;
        int models = 1 + r.nextInt(4);
        StringBuilder pricing = new StringBuilder("version: 1\nproviders:\n  paid:\n    bills_failures: "
                + w.billsFailures + "\n    models:\n");
        for (int m = 0; m < models; m++) {
            BigDecimal price = BigDecimal.valueOf(1 + r.nextInt(100)).divide(BigDecimal.valueOf(100));
            w.prices.put("m" + m, price);
            pricing.append("      m").append(m).append(": { unit: request, price: ").append(price.toPlainString())
                    .append(", source: test, as_of: '2026-11-22' }\n");
        }
        PricingCatalog catalog = PricingCatalog.parse(pricing.toString(), "random-pricing.yaml");
        BigDecimal runLimit = r.nextInt(5) == 0 ? null : BigDecimal.valueOf(r.nextInt(300)).divide(BigDecimal.valueOf(100));
        Map<String, BigDecimal> stepLimits = new HashMap<>();
        StringBuilder yaml = new StringBuilder("pipeline_name: random\noutput_directory: out" + i
                + "\nglobal_config:\n  parallel_enabled: true\n" + (runLimit == null ? "" : "  cost_limit: "
                + runLimit.toPlainString() + "\n") + "steps:\n");
        int items = 1 + r.nextInt(5);
        int n = 0;
        for (int k = 0; k < items; k++) {
            if (r.nextInt(3) == 0) {
                yaml.append("  - step_type: parallel_group\n    id: g").append(k).append("\n    parallel_config: {"
                        + " merge_strategy: collect_all, max_workers: ").append(1 + r.nextInt(4)).append(" }\n"
                        + "    steps:\n");
                int members = 2 + r.nextInt(3);
                for (int m = 0; m < members; m++) {
                    yaml.append(task("s" + n++, r, models, stepLimits, "      "));
                }
            } else {
                yaml.append(task("s" + n++, r, models, stepLimits, "  "));
            }
        }
        ExecutionPlan plan = acp.plan(yaml.toString());
        boolean crash = r.nextInt(3) == 0;
        w.crashAtCall = crash ? 1 + r.nextInt(Math.max(1, n)) : -1;

        Map<String, BigDecimal> spentBefore = new LinkedHashMap<>();
        Map<String, ResumeState.Prior> priors = new LinkedHashMap<>();
        int skips = 0;
        int sessions = crash ? 2 : 1;
        for (int session = 0; session < sessions; session++) {
            SpendLedger ledger = new SpendLedger(runLimit, spentBefore, DailySpend.NONE);
            RunBudget budget = new RunBudget(new Estimator(catalog), ledger, false);
            Map<String, BigDecimal> settledThisSession = new ConcurrentHashMap<>();
            RunRecorder recorder = new RunRecorder() {
                @Override
                public void outputWritten(PlannedTask task, Path path, String sha256, long size,
                        @Nullable String fingerprint, @Nullable Settlement cost, boolean force) {
                    if (cost != null) {
                        settledThisSession.merge(task.id(), cost.amount(), BigDecimal::add);
                    }
                }

                @Override
                public void costSettled(PlannedTask task, Settlement cost, boolean force) {
                    settledThisSession.merge(task.id(), cost.amount(), BigDecimal::add);
                }
            };
            CostControl watched = new Watching(budget, w, runLimit, ledger, stepLimits);
            RunControl control = new RunControl();
            w.control = session == 0 ? control : null;
            RunRequest request = new RunRequest(plan, "run-" + i, RunListener.NONE, control, recorder, null,
                    CacheMode.OFF, null, new ResumeState(priors), watched);
            RunResult result = acp.acp().unguardedEngine().run(request);

            assertThat(w.violations).isEmpty();
            // Released reservations returned in full: nothing is held once every step settled.
            assertThat(ledger.reserved()).as("reserved after the run").isEqualByComparingTo("0");
            assertThat(ledger.openReservations()).isZero();
            // The ledger equals what was journaled: earlier sessions plus this one.
            BigDecimal journaledTotal = sum(spentBefore).add(sum(settledThisSession));
            assertThat(ledger.settled()).as("ledger vs journal").isEqualByComparingTo(journaledTotal);
            // ... and the steps' reported costs of this session.
            BigDecimal reported = BigDecimal.ZERO;
            for (StepResult s : result.steps()) {
                if (s.groupId() != null || plan.tasks().stream().anyMatch(t -> t.id().equals(s.stepId()))) {
                    if (s.actualCost() != null && s.attempts() > 0 && !Boolean.TRUE.equals(s.metadata().get("resumed"))) {
                        reported = reported.add(s.actualCost());
                    }
                }
                if (s.status() == StepStatus.SKIPPED && s.reason() != null && s.reason().startsWith("budget")) {
                    skips++;
                    assertThat(s.attempts()).isZero();
                }
            }
            assertThat(reported).as("sum of step costs vs ledger (this session)").isEqualByComparingTo(
                    sum(settledThisSession));
            // Settled spend never exceeds a limit (the fake never bills above the pessimistic estimate).
            if (runLimit != null) {
                assertThat(ledger.settled()).as("settled vs run limit").isLessThanOrEqualTo(runLimit);
            }
            for (var e : stepLimits.entrySet()) {
                assertThat(ledger.settled(e.getKey())).as("step " + e.getKey() + " vs max_cost")
                        .isLessThanOrEqualTo(e.getValue());
            }
            assertThat(ledger.overruns()).isEmpty();

            // "Crash": what the journal holds becomes the next session's starting point.
            settledThisSession.forEach((k, v) -> spentBefore.merge(k, v, BigDecimal::add));
            for (StepResult s : result.steps()) {
                if (s.succeeded() && plan.tasks().stream().anyMatch(t -> t.id().equals(s.stepId()))) {
                    priors.put(s.stepId(), new ResumeState.Done(s));
                }
            }
        }
        return new int[] {skips, crash ? 1 : 0};
    }

    private static String task(String id, Random r, int models, Map<String, BigDecimal> stepLimits, String indent) {
        StringBuilder b = new StringBuilder();
        b.append(indent).append("- step_type: prompt_generation\n");
        b.append(indent).append("  id: ").append(id).append('\n');
        b.append(indent).append("  provider: paid\n");
        b.append(indent).append("  retry_count: ").append(r.nextInt(3)).append('\n');
        if (r.nextInt(4) == 0) {
            BigDecimal limit = BigDecimal.valueOf(r.nextInt(150)).divide(BigDecimal.valueOf(100));
            stepLimits.put(id, limit);
            b.append(indent).append("  max_cost: ").append(limit.toPlainString()).append('\n');
        }
        b.append(indent).append("  config: { prompt: \"p\", model: m").append(r.nextInt(models)).append(" }\n");
        return b.toString();
    }

    private static BigDecimal sum(Map<String, BigDecimal> m) {
        return m.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add).setScale(10, RoundingMode.UNNECESSARY);
    }

    /**
     * Passes everything to the real budget and checks, at the moment each reservation is made,
     * that settled plus reserved fits every limit; tracks which steps hold a reservation.
     */
    private record Watching(RunBudget budget, World w, @Nullable BigDecimal runLimit, SpendLedger ledger,
            Map<String, BigDecimal> stepLimits) implements CostControl {
        @Override
        public Dispatch admit(PlannedTask task, Map<String, Object> params) {
            Dispatch d = budget.admit(task, params);
            if (d instanceof Go go) {
                if (runLimit != null && ledger.settled().add(ledger.reserved()).compareTo(runLimit) > 0) {
                    w.violations.add("reservation of " + task.id() + " took the run past its limit");
                }
                BigDecimal stepLimit = stepLimits.get(task.id());
                if (stepLimit != null && go.reservation().amount().add(ledger.settled(task.id())).compareTo(stepLimit) > 0) {
                    w.violations.add("reservation of " + task.id() + " exceeds its max_cost");
                }
                w.holding.add(task.id());
            }
            return d;
        }

        @Override
        public Charge charge(Go ticket, @Nullable BigDecimal reported, dev.acp.provider.@Nullable Usage usage,
                Map<String, Object> params) {
            return budget.charge(ticket, reported, usage, params);
        }

        @Override
        public SpendLedger.@Nullable Outcome settle(Go ticket, BigDecimal amount) {
            w.holding.remove(ticket.reservation().stepId());
            return budget.settle(ticket, amount);
        }

        @Override
        public void release(Go ticket) {
            w.holding.remove(ticket.reservation().stepId());
            budget.release(ticket);
        }

        @Override
        public @Nullable Charge failureCharge(Go ticket, int attempts) {
            return budget.failureCharge(ticket, attempts);
        }
    }
}
