package dev.acp.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.Acp;
import dev.acp.batch.BatchHandle;
import dev.acp.batch.BatchOutcome;
import dev.acp.batch.BatchRunner;
import dev.acp.batch.BatchStore;
import dev.acp.batch.RowStatus;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.env.Environment;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.RunSettings;
import dev.acp.run.Confirmation;
import dev.acp.testkit.jobs.FakeJobServer;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code acp batch run --engine temporal}: the batch runner with each row's plan on Temporal's
 * in-process test environment, against the same batch run by the local engine; the batch's limit
 * held at the submitter across rows; a row's workflow found again instead of started twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class TemporalBatchTest {
    static final String QUEUE = "acp-batch";
    static final String PRICING = """
            version: 1
            providers:
              fakejobs:
                bills_failures: false
                models:
                  "*": { unit: request, price: 0.10, pessimistic: { price: 0.20 }, source: test, as_of: '2026-12-01' }
            """;

    @TempDir
    static Path dir;
    private TestWorkflowEnvironment temporal;
    private FakeJobServer jobs;
    private Acp acp;

    @BeforeAll
    void start() throws IOException {
        // Billed at $0.15 a job: between the expected price and the pessimistic one.
        jobs = FakeJobServer.start(FakeJobServer.Settings.defaults().withJobDuration(Duration.ofMillis(50))
                .withDefaultCost(new BigDecimal("0.15")));
        acp = Acp.create(environment(dir.resolve("home")));
        Acp workerAcp = Acp.create(environment(dir.resolve("worker-home")));
        temporal = TestWorkflowEnvironment.newInstance();
        Worker worker = temporal.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(PlanWorkflow.class);
        worker.registerActivitiesImplementations(new NodeWorker(workerAcp));
        temporal.start();
    }

    private Environment environment(Path home) throws IOException {
        Files.createDirectories(home);
        Files.writeString(home.resolve("pricing.yaml"), PRICING);
        return Environment.of(Map.of("ACP_HOME", home.toString(), "ACP_FAKEJOBS_BASE_URL", jobs.baseUrl(),
                "FAKEJOBS_API_KEY", jobs.apiKey()));
    }

    @AfterAll
    void stop() {
        temporal.close();
        jobs.close();
    }

    private TemporalBatchEngine engine(Path work) {
        return new TemporalBatchEngine(new TemporalEngine(temporal.getWorkflowClient(), QUEUE, acp.registry(), work,
                Clock.systemUTC()));
    }

    private static BatchOutcome await(BatchHandle h) throws InterruptedException {
        return h.await();
    }

    /**
     * A provider's daily limit lives in the submitter's ACP_HOME, which the workers never see: a
     * pipeline run on Temporal takes its pessimistic cost out of it before the workflow starts,
     * what the workers paid is settled there, and a run that no longer fits pays nothing.
     */
    @Test
    void aProvidersDailyLimitHoldsForPipelineRunsOnTemporal() throws Exception {
        Path home = dir.resolve("daily-home");
        Environment environment = environment(home);
        Files.writeString(home.resolve("config.yaml"), "providers:\n  fakejobs: { daily_limit: 0.50 }\n");
        Acp submitter = Acp.create(environment);
        Path work = Files.createDirectories(dir.resolve("daily"));
        Path file = work.resolve("pair.yaml");
        Files.writeString(file, """
                pipeline_name: pair
                steps:
                  - { id: daily-one, step_type: text_to_image, provider: fakejobs, config: { prompt: a fox } }
                  - { id: daily-two, step_type: text_to_image, provider: fakejobs, config: { prompt: an owl } }
                """);
        TemporalEngine engine = new TemporalEngine(temporal.getWorkflowClient(), QUEUE, submitter.registry(), work,
                Clock.systemUTC());

        // $0.40 pessimistic fits the $0.50 limit; the workers are billed $0.30.
        var first = submitter.runner(file).outputDirectory(work.resolve("first")).engine(engine).yes(true).run();
        // $0.20 is left, and the next run may cost $0.40: refused before anything is submitted.
        var second = submitter.runner(file).outputDirectory(work.resolve("second")).engine(engine).yes(true).run();

        assertThat(first.clean()).as(first.result().steps().toString()).isTrue();
        assertThat(jobs.charges()).filteredOn(c -> c.stepId().startsWith("daily-")).hasSize(2);
        var daily = new dev.acp.cost.DailySpendFile(home, Map.of("fakejobs", new BigDecimal("0.50")), Clock.systemUTC());
        assertThat(daily.spentToday("fakejobs")).isEqualByComparingTo("0.30");
        assertThat(second.clean()).isFalse();
        assertThat(second.result().steps()).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(dev.acp.engine.StepStatus.SKIPPED);
            assertThat(r.reason()).contains("daily limit");
        });
    }

    @Test
    void aBatchOnTemporalDoesWhatTheLocalBatchDoesRowByRowAndFileByFile() throws Exception {
        Path work = Files.createDirectories(dir.resolve("same"));
        Files.writeString(work.resolve("cards.yaml"), """
                pipeline_name: cards
                output_directory: out
                inputs:
                  topic: { type: string }
                steps:
                  - { id: picture, step_type: text_to_image, provider: local, config: { prompt: "{{inputs.topic}}" } }
                  - { id: caption, step_type: prompt_generation, provider: scripted,
                      config: { prompt: "a caption for {{steps.picture.output}} about {{inputs.topic}}" } }
                """);
        Files.writeString(work.resolve("rows.csv"), "id,topic\nfox,a red fox\nowl,\"an owl, at night\"\nbee,a bee\nelk,an elk\n");

        BatchOutcome local = await(BatchRunner.newBatch(acp, Path.of("cards.yaml"), Path.of("rows.csv"), work)
                .outputDirectory(Path.of("local")).concurrency(4).start());
        BatchHandle h = BatchRunner.newBatch(acp, Path.of("cards.yaml"), Path.of("rows.csv"), work)
                .outputDirectory(Path.of("temporal")).concurrency(4).engine("temporal", engine(work)).start();
        BatchOutcome distributed = await(h);

        assertThat(distributed.count(RowStatus.SUCCEEDED)).as(distributed.toString()).isEqualTo(4);
        assertThat(rows(work.resolve("temporal"))).isEqualTo(rows(work.resolve("local")));
        assertThat(files(work.resolve("temporal"))).isEqualTo(files(work.resolve("local")));
        assertThat(files(work.resolve("local"))).hasSizeGreaterThanOrEqualTo(8);
        // Each row ran as a workflow of its own, named by the batch and the row.
        assertThat(temporal.getWorkflowClient().newUntypedWorkflowStub(TemporalRun.workflowId(h.batchId() + ".owl"))
                .getResult(RunSummary.class).results()).hasSize(2);
        // acp runs list: the batch and its rows.
        var listed = new BatchStore(acp.acpHome()).list().stream().filter(b -> b.batchId().equals(h.batchId()))
                .findFirst().orElseThrow();
        assertThat(listed.status()).isEqualTo("completed");
        assertThat(listed.counts().get(RowStatus.SUCCEEDED)).isEqualTo(4L);
    }

    /**
     * Rows reserve their pessimistic cost ($0.20) out of the batch's $0.45 before their workflows
     * start, and are billed $0.15 each: the rows that fit run, the next one is not started and the
     * batch stops starting rows. Without the reservation at the submitter every row's workflow
     * would run with no limit and the four rows would bill $0.60.
     */
    @Test
    void aBatchLimitThatFitsOnlySomeRowsIsNeverExceeded() throws Exception {
        Path work = Files.createDirectories(dir.resolve("limit"));
        Files.writeString(work.resolve("paid.yaml"), """
                pipeline_name: paid
                output_directory: out
                inputs:
                  topic: { type: string }
                steps:
                  - { id: picture, step_type: text_to_image, provider: fakejobs, config: { prompt: "{{inputs.topic}}" } }
                """);
        Files.writeString(work.resolve("rows.csv"), "id,topic\nr1,one\nr2,two\nr3,three\nr4,four\n");
        jobs.reset();

        BatchOutcome o = await(BatchRunner.newBatch(acp, Path.of("paid.yaml"), Path.of("rows.csv"), work)
                .costLimit(new BigDecimal("0.45")).concurrency(2).confirmation(Confirmation.YES)
                .engine("temporal", engine(work)).start());

        assertThat(jobs.billedTotal()).isLessThanOrEqualTo(new BigDecimal("0.45"));
        assertThat(jobs.duplicateSubmissions()).isEmpty();
        assertThat(o.count(RowStatus.SUCCEEDED)).as(o.toString()).isBetween(1L, 3L);
        assertThat(o.count(RowStatus.BUDGET)).isGreaterThanOrEqualTo(1);
        assertThat(o.stopReason()).contains("limit of $0.45 is reached");
        assertThat(o.progress().spent()).isEqualByComparingTo(jobs.billedTotal());
        assertThat(o.progress().reserved()).isEqualByComparingTo("0");
        JsonNode json = new ObjectMapper().readTree(work.resolve("out/batch.json").toFile());
        JsonNode refused = null;
        BigDecimal rowsSettled = BigDecimal.ZERO;
        for (JsonNode row : json.get("rows")) {
            if (row.get("status").asText().equals("budget")) {
                refused = row;
            }
            if (row.get("status").asText().equals("succeeded")) {
                // Each row says what its workers spent (the submitter's row journal), not $0.
                assertThat(row.get("settled_cost").decimalValue()).as(row.toString()).isEqualByComparingTo("0.15");
            }
            if (row.hasNonNull("settled_cost")) {
                rowsSettled = rowsSettled.add(row.get("settled_cost").decimalValue());
            }
        }
        assertThat(rowsSettled).isEqualByComparingTo(jobs.billedTotal());
        assertThat(refused).isNotNull();
        assertThat(refused.get("error").asText()).contains("skipped").contains("batch's limit");
    }

    /**
     * A submitter that stopped after starting a row's workflow: the next one (a resumed batch)
     * follows that workflow instead of starting the row again, so its job is made once.
     */
    @Test
    void aRowWhoseWorkflowIsAlreadyRunningIsFollowedNotStartedAgain() throws Exception {
        Path work = Files.createDirectories(dir.resolve("attach"));
        Path file = work.resolve("paid.yaml");
        Files.writeString(file, """
                pipeline_name: attach
                steps:
                  - { id: picture, step_type: text_to_image, provider: fakejobs, config: { prompt: once } }
                """);
        jobs.reset();
        Path out = work.resolve("out");
        ExecutionPlan plan = acp.plan(file, RunSettings.run(work).withOutputDirectory(out));
        PipelineSource source = new PipelineSource(Files.readString(file), file.toString(), work.toString(), "YAML",
                false, false, Map.of(), out.toString(), work.toString());
        RunInput input = new RunInput("b1.r1", source, PlanShape.of(plan, null, p -> false), null);
        WorkflowClient client = temporal.getWorkflowClient();
        RunWorkflow first = client.newWorkflowStub(RunWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(TemporalRun.workflowId("b1.r1")).setTaskQueue(QUEUE).build());
        WorkflowClient.start(first::run, input); // the submitter that stopped

        RunResult followed = new TemporalRun(client, QUEUE, Clock.systemUTC()).run(plan, input, RunListener.NONE,
                new RunControl());

        assertThat(followed.steps()).singleElement().satisfies(s -> assertThat(s.succeeded()).isTrue());
        assertThat(jobs.submissions()).hasSize(1);
    }

    /** Each row's status and outputs, in file order, from batch.csv (without run ids, which name the batch). */
    private static List<String> rows(Path out) throws IOException {
        List<String> rows = new ArrayList<>();
        for (JsonNode row : new ObjectMapper().readTree(out.resolve("batch.json").toFile()).get("rows")) {
            rows.add(row.get("row_id").asText() + " " + row.get("status").asText() + " " + row.get("outputs")
                    + " " + row.get("error"));
        }
        return rows;
    }

    /** Every row's output file by its path, with its bytes; reports and Temporal's node journals left out. */
    private static Map<String, String> files(Path root) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).sorted().toList()) {
                String rel = root.relativize(p).toString();
                String name = p.getFileName().toString();
                if (!rel.contains(".acp-temporal") && !name.equals("run.json") && !name.startsWith("batch.")) {
                    String bytes = new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1);
                    out.put(rel, bytes.replace(root.toString(), "<out>"));
                }
            }
        }
        return out;
    }
}
