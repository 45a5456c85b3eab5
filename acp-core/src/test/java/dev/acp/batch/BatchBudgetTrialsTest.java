package dev.acp.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.ProviderResult;
import dev.acp.run.Confirmation;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One budget for many rows in flight: random batches (rows, steps per row, prices, reported
 * costs up to the pessimistic price, failures, timing) run 8 rows at a time under a limit that
 * fits only some of them. Whatever the interleaving, what the batch settled never exceeds its
 * limit, equals what the provider billed, and equals the sum of the rows' own ledgers. Seeded;
 * trials: {@code -Dacp.batch.trials} (12 by default, for example 500 for a long run).
 */
class BatchBudgetTrialsTest {
    private static final int TRIALS = Integer.getInteger("acp.batch.trials", 12);
    private static final long SEED = Long.getLong("acp.batch.seed", 20261207L);

    @TempDir
    Path root;

    /** What the fake provider billed in the current trial, and the trial's randomness per call. */
    private static final class Trial {
        final Map<String, BigDecimal> billed = new ConcurrentHashMap<>();
        final long seed;

        Trial(long seed) {
            this.seed = seed;
        }
    }

    @Test
    void a_limit_that_fits_only_some_rows_is_never_exceeded_with_eight_rows_in_flight() throws Exception {
        AtomicReference<Trial> current = new AtomicReference<>();
        LambdaProvider paid = LambdaProvider.of("paid", r -> {
            Trial t = current.get();
            String key = r.stepId() + "|" + r.string("prompt").orElse("");
            Random rnd = new Random(t.seed ^ key.hashCode());
            Thread.sleep(rnd.nextInt(4));
            if (rnd.nextInt(10) == 0) {
                throw new ProviderException(ErrorKind.VALIDATION, "random refusal (not billed)");
            }
            // Billed between the expected price and the pessimistic one, as providers do.
            BigDecimal price = new BigDecimal(r.model().substring(1)).movePointLeft(2);
            BigDecimal cost = price.add(price.multiply(BigDecimal.valueOf(rnd.nextInt(101)).movePointLeft(2)))
                    .setScale(4, RoundingMode.HALF_UP);
            t.billed.merge(key, cost, BigDecimal::add);
            return ProviderResult.text("ok " + key, Map.of()).withActualCost(cost);
        });
        int limitReached = 0;
        int budgetRows = 0;
        for (int i = 0; i < TRIALS; i++) {
            long seed = SEED + i;
            Random rnd = new Random(seed);
            Trial t = new Trial(seed);
            current.set(t);
            Path dir = Files.createDirectories(root.resolve("t" + i));
            int price = 5 + rnd.nextInt(20); // cents; the pessimistic price is twice that
            Files.createDirectories(dir.resolve("home"));
            Files.writeString(dir.resolve("home/pricing.yaml"), "version: 1\nproviders:\n  paid:\n    models:\n"
                    + "      m" + price + ": { unit: request, price: " + BigDecimal.valueOf(price, 2) + ", pessimistic:"
                    + " { price: " + BigDecimal.valueOf(2L * price, 2) + " }, source: test, as_of: '2026-12-01' }\n");
            TestAcp acp = new TestAcp(dir, Map.of("ACP_HOME", dir.resolve("home").toString()), paid);
            int steps = 1 + rnd.nextInt(3);
            StringBuilder yaml = new StringBuilder("pipeline_name: trial\noutput_directory: out\nglobal_config: {"
                    + " parallel_enabled: true }\ninputs:\n  topic: { type: string }\nsteps:\n");
            for (int s = 0; s < steps; s++) {
                yaml.append("  - { id: s").append(s).append(", step_type: prompt_generation, provider: paid,"
                        + " depends_on: [], config: { model: m").append(price).append(", prompt: \"step ").append(s)
                        .append(" of {{inputs.topic}}\" } }\n");
            }
            acp.write("p.yaml", yaml.toString());
            int rows = 12 + rnd.nextInt(30);
            StringBuilder csv = new StringBuilder("topic\n");
            for (int r = 0; r < rows; r++) {
                csv.append("topic ").append(r).append('\n');
            }
            acp.write("rows.csv", csv.toString());
            // The expected total fits (or the batch would be refused); what is billed may not.
            BigDecimal expected = BigDecimal.valueOf((long) rows * steps * price, 2);
            BigDecimal limit = expected.multiply(BigDecimal.valueOf(100 + rnd.nextInt(30))).movePointLeft(2)
                    .setScale(2, RoundingMode.DOWN).max(expected);
            BatchOutcome o;
            try {
                o = BatchRunner.newBatch(acp.acp(), Path.of("p.yaml"), Path.of("rows.csv"), dir).concurrency(8)
                        .costLimit(limit).confirmation(Confirmation.YES).start().await();
            } catch (RuntimeException e) {
                throw new AssertionError("trial " + i + " (seed " + seed + ")", e);
            }
            BigDecimal billed = t.billed.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal settled = o.progress().spent();
            String trial = "trial " + i + " (seed " + seed + "): limit " + limit + ", " + rows + " rows x " + steps;
            assertThat(billed).as(trial + ": what the provider billed against the limit").isLessThanOrEqualTo(limit);
            assertThat(settled).as(trial + ": settled against the limit").isLessThanOrEqualTo(limit);
            assertThat(settled).as(trial + ": settled against what the provider billed").isEqualByComparingTo(billed);
            assertThat(rowsSettled(dir)).as(trial + ": the rows' ledgers").isEqualByComparingTo(billed);
            limitReached += o.stopReason() != null && o.stopReason().contains("limit") ? 1 : 0;
            budgetRows += (int) (o.count(RowStatus.BUDGET) + o.count(RowStatus.PENDING));
        }
        System.out.printf("BatchBudgetTrialsTest: %d trials, %d reached the batch limit, %d rows skipped or not"
                + " started for it, seed %d%n", TRIALS, limitReached, budgetRows, SEED);
        // The generator must reach the case this test is about: rows the limit did not let run.
        assertThat(limitReached).as("trials that reached the limit").isGreaterThan(TRIALS / 4);
        assertThat(budgetRows).as("rows skipped or not started for the limit").isGreaterThan(TRIALS);
    }

    /** What each row's run settled, from its own journal, added up. */
    private static BigDecimal rowsSettled(Path dir) throws java.io.IOException {
        BigDecimal total = BigDecimal.ZERO;
        Path batches = dir.resolve("home/batches");
        try (var b = Files.list(batches); var runs = Files.list(b.findFirst().orElseThrow().resolve("runs"))) {
            for (Path run : runs.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                total = total.add(BatchHistory.spentByRun(run));
            }
        }
        return total;
    }
}
