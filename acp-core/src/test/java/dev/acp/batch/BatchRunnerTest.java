package dev.acp.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.error.BudgetRefusedException;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.error.UsageException;
import dev.acp.provider.ProviderResult;
import dev.acp.run.Confirmation;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batches through the one run path: one budget, one cache, failure isolation, results, resume. */
class BatchRunnerTest {
    /** $0.10 a call as priced, $0.20 at worst: the batch reserves the worst and settles what is reported. */
    static final String PRICING = """
            version: 1
            providers:
              paid:
                bills_failures: false
                models:
                  m1: { unit: request, price: 0.10, pessimistic: { price: 0.20 }, source: test, as_of: '2026-12-01' }
            """;

    static final String PIPELINE = """
            pipeline_name: cards
            output_directory: out
            global_config: { parallel_enabled: true }
            inputs:
              topic: { type: string }
            steps:
              - { id: intro, step_type: prompt_generation, provider: paid, config: { prompt: "the same intro", model: m1 } }
              - { id: idea, step_type: prompt_generation, provider: paid, depends_on: [],
                  config: { prompt: "an idea about {{inputs.topic}}", model: m1 } }
              - { id: line, step_type: prompt_generation, provider: paid,
                  config: { prompt: "a line from {{steps.idea.text}}", model: m1 } }
            """;

    @TempDir
    Path dir;
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    TestAcp acp;

    @BeforeEach
    void setUp() throws IOException {
        acp = acp(LambdaProvider.of("paid", r -> {
            calls.computeIfAbsent(r.string("prompt").orElse("?"), k -> new AtomicInteger()).incrementAndGet();
            if (r.string("prompt").orElse("").contains("bad")) {
                throw new ProviderException(ErrorKind.VALIDATION, "the provider refuses 'bad'");
            }
            return ProviderResult.text("text for " + r.string("prompt").orElse(""), Map.of())
                    .withActualCost(new BigDecimal("0.10"));
        }));
    }

    TestAcp acp(LambdaProvider... providers) throws IOException {
        Files.createDirectories(dir.resolve("acp-home"));
        Files.writeString(dir.resolve("acp-home/pricing.yaml"), PRICING);
        TestAcp t = new TestAcp(dir, Map.of("ACP_HOME", dir.resolve("acp-home").toString()), providers);
        t.write("p.yaml", PIPELINE);
        return t;
    }

    private BatchRunner batch(String rows) throws IOException {
        Files.writeString(dir.resolve("rows.csv"), rows);
        return BatchRunner.newBatch(acp.acp(), Path.of("p.yaml"), Path.of("rows.csv"), dir);
    }

    private static String rows(int n, String prefix) {
        StringBuilder sb = new StringBuilder("id,topic\n");
        for (int i = 1; i <= n; i++) {
            sb.append("r").append(i).append(',').append(prefix).append(i).append('\n');
        }
        return sb.toString();
    }

    private static BatchOutcome await(BatchHandle h) throws InterruptedException {
        return h.await();
    }

    @Test
    void ten_rows_run_as_runs_of_their_own_with_one_cache_and_results_in_file_order() throws Exception {
        BatchHandle h = batch(rows(10, "topic ")).concurrency(4).costLimit(new BigDecimal("10"))
                .confirmation(Confirmation.YES).start();
        BatchOutcome o = await(h);
        assertThat(o.clean()).as(o.toString()).isTrue();
        assertThat(o.count(RowStatus.SUCCEEDED)).isEqualTo(10);
        // The intro is the same in every row: made once, served from the cache to the other nine.
        assertThat(calls.get("the same intro")).hasValue(1);
        assertThat(calls.keySet().stream().filter(k -> k.startsWith("an idea"))).hasSize(10);
        assertThat(calls.values()).allSatisfy(n -> assertThat(n).hasValue(1));
        // Settled: 21 calls at $0.10, each once, in the batch's ledger and in the results.
        assertThat(o.progress().spent()).isEqualByComparingTo("2.10");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("out/batch.json").toFile());
        assertThat(json.get("succeeded").asLong()).isEqualTo(10);
        assertThat(json.get("cost").get("settled").decimalValue()).isEqualByComparingTo("2.10");
        assertThat(json.get("rows")).hasSize(10);
        assertThat(json.get("rows").get(0).get("row_id").asText()).isEqualTo("r1");
        assertThat(json.get("rows").get(9).get("row_id").asText()).isEqualTo("r10");
        JsonNode first = json.get("rows").get(0);
        assertThat(first.get("status").asText()).isEqualTo("succeeded");
        assertThat(first.get("run_id").asText()).isEqualTo(h.batchId() + ".r1");
        assertThat(first.get("output_dir").asText()).isEqualTo(dir.resolve("out/r1").toString());
        assertThat(first.get("outputs")).hasSize(3);
        List<String> csv = Files.readAllLines(dir.resolve("out/batch.csv"));
        assertThat(csv).hasSize(11);
        assertThat(csv.get(0)).isEqualTo("row_id,line,status,run_id,estimated_cost,settled_cost,output_dir,outputs,error");
        assertThat(csv.get(1)).startsWith("r1,2,succeeded," + h.batchId() + ".r1,");
        // Each row is a run of its own, journaled in the batch's folder.
        try (Stream<Path> runs = Files.list(h.directory().resolve("runs"))) {
            assertThat(runs.filter(p -> !p.getFileName().toString().startsWith("."))).hasSize(10);
        }
        assertThat(dir.resolve("out/r7/run.json")).exists();
    }

    @Test
    void the_progress_a_listener_sees_when_a_row_ends_counts_it_done_and_no_longer_running() throws Exception {
        java.util.concurrent.atomic.AtomicReference<BatchHandle> handle = new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        List<BatchProgress> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        BatchHandle h = batch(rows(6, "topic ")).concurrency(3).confirmation(Confirmation.YES)
                .listener(new BatchListener() {
                    @Override
                    public void rowFinished(RowOutcome outcome) {
                        try {
                            started.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        seen.add(handle.get().progress());
                    }
                }).start();
        handle.set(h);
        started.countDown();
        BatchOutcome o = await(h);
        assertThat(o.count(RowStatus.SUCCEEDED)).isEqualTo(6);
        assertThat(seen).hasSize(6).allSatisfy(p -> assertThat(p.succeeded() + p.failed() + p.running())
                .as(p.toString()).isLessThanOrEqualTo(p.rows()));
        assertThat(seen).anySatisfy(p -> assertThat(p.succeeded()).isEqualTo(6));
    }

    @Test
    void a_failed_row_fails_alone_and_max_failures_stops_starting_new_rows() throws Exception {
        BatchOutcome all = await(batch("id,topic\na,fine\nb,bad\nc,fine too\n").confirmation(Confirmation.YES).start());
        assertThat(all.count(RowStatus.SUCCEEDED)).isEqualTo(2);
        assertThat(all.count(RowStatus.FAILED)).isEqualTo(1);
        assertThat(all.clean()).isFalse();

        calls.clear();
        Files.writeString(dir.resolve("rows2.csv"), "id,topic\na,bad 1\nb,bad 2\nc,good\nd,good too\n");
        BatchOutcome stopped = await(BatchRunner.newBatch(acp.acp(), Path.of("p.yaml"), Path.of("rows2.csv"), dir)
                .outputDirectory(Path.of("out2")).concurrency(1).maxFailures(2).confirmation(Confirmation.YES).start());
        assertThat(stopped.count(RowStatus.FAILED)).isEqualTo(2);
        assertThat(stopped.count(RowStatus.PENDING)).isEqualTo(2);
        assertThat(stopped.stopReason()).contains("--max-failures 2");
        assertThat(calls.keySet()).noneMatch(k -> k.contains("good"));
    }

    @Test
    void a_batch_whose_expected_total_is_above_the_limit_or_that_nobody_agrees_to_is_refused_and_leaves_nothing()
            throws IOException {
        // 10 rows of 3 steps at $0.10 expected: $3.00 (the intro is estimated in every row).
        assertThatThrownBy(() -> batch(rows(10, "t")).costLimit(new BigDecimal("2.50")).confirmation(Confirmation.YES)
                .start()).isInstanceOf(BudgetRefusedException.class).hasMessageContaining("expected cost $3.00 is above"
                        + " the cost limit of $2.50");
        assertThatThrownBy(() -> batch(rows(10, "t")).start()).isInstanceOf(BudgetRefusedException.class)
                .hasMessageContaining("this batch of 10 rows may cost up to $6.00").hasMessageContaining("--yes");
        assertThat(calls).isEmpty();
        assertThat(dir.resolve("acp-home/batches")).doesNotExist();
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void cancelled_rows_continue_on_resume_and_finished_ones_are_not_run_again() throws Exception {
        CountDownLatch hanging = new CountDownLatch(1);
        Map<String, AtomicInteger> freeCalls = new ConcurrentHashMap<>();
        acp = acp(LambdaProvider.free("paid", r -> {
            String prompt = r.string("prompt").orElse("?");
            freeCalls.computeIfAbsent(r.stepId() + ":" + prompt, k -> new AtomicInteger()).incrementAndGet();
            if (prompt.contains("hang") && !Files.exists(dir.resolve("release"))) {
                hanging.countDown();
                new CountDownLatch(1).await(); // until the batch is cancelled
            }
            return ProviderResult.text("ok " + prompt, Map.of());
        }));
        BatchHandle first = batch("id,topic\na,one\nb,hang\nc,three\n").concurrency(1).start();
        assertThat(hanging.await(30, TimeUnit.SECONDS)).isTrue();
        first.cancel();
        BatchOutcome stopped = await(first);
        assertThat(stopped.interrupted()).isTrue();
        assertThat(stopped.count(RowStatus.SUCCEEDED)).isEqualTo(1);
        assertThat(stopped.count(RowStatus.INTERRUPTED)).isEqualTo(1);
        assertThat(stopped.count(RowStatus.PENDING)).isEqualTo(1);
        assertThat(stopped.summary().get("resume")).isEqualTo("acp batch run --resume " + first.batchId());

        Files.writeString(dir.resolve("release"), "");
        assertThatThrownBy(() -> BatchRunner.resume(acp.acp(), "latest", dir).offline(true).start())
                .isInstanceOf(UsageException.class).hasMessageContaining("--offline differs from the batch");
        BatchHandle again = BatchRunner.resume(acp.acp(), first.batchId().substring(0, 12), dir).start();
        BatchOutcome done = await(again);
        assertThat(done.clean()).as(done.toString()).isTrue();
        assertThat(again.batchId()).isEqualTo(first.batchId());
        // Row a finished in the first session: none of its steps ran again.
        assertThat(freeCalls.get("idea:an idea about one")).hasValue(1);
        assertThat(freeCalls.get("line:a line from ok an idea about one")).hasValue(1);
        assertThat(freeCalls.get("idea:an idea about three")).hasValue(1);
        assertThat(freeCalls.get("idea:an idea about hang")).hasValue(2);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("out/batch.json").toFile());
        assertThat(json.get("sessions").asInt()).isEqualTo(2);
        assertThat(json.get("succeeded").asLong()).isEqualTo(3);
        assertThat(json.get("resume").isNull()).isTrue();
    }

    @Test
    void a_resume_refuses_an_inputs_file_that_changed() throws Exception {
        BatchHandle h = batch("id,topic\na,one\nb,bad\n").confirmation(Confirmation.YES).start();
        await(h);
        Files.writeString(dir.resolve("rows.csv"), "id,topic\na,one\nb,better\n");
        assertThatThrownBy(() -> BatchRunner.resume(acp.acp(), h.batchId(), dir).start())
                .isInstanceOf(UsageException.class).hasMessageContaining("rows.csv changed since batch " + h.batchId());
    }

    @Test
    void the_daily_limit_of_a_provider_holds_across_the_rows() throws Exception {
        Files.createDirectories(dir.resolve("acp-home"));
        Files.writeString(dir.resolve("acp-home/config.yaml"), "providers:\n  paid: { daily_limit: 1.00 }\n");
        acp = acp(LambdaProvider.of("paid", r -> ProviderResult.text("x " + r.string("prompt").orElse(""), Map.of())
                .withActualCost(new BigDecimal("0.20"))));
        BatchOutcome o = await(batch(rows(6, "t")).concurrency(3).confirmation(Confirmation.YES).start());
        assertThat(o.progress().spent()).isLessThanOrEqualTo(new BigDecimal("1.00"));
        assertThat(o.count(RowStatus.BUDGET)).isPositive();
    }
}
