package dev.acp.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.Acp;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.StepResult;
import dev.acp.env.Environment;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.RunSettings;
import dev.acp.testkit.jobs.FakeJobProviderFactory;
import dev.acp.testkit.jobs.FakeJobServer;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared test matrix: every pipeline shape the local engine runs, run by the local engine and
 * by the workflow (Temporal's in-process test environment) on the same plan, compared step by
 * step (status, provider, text) and file by file (the bytes of every output).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class EngineMatrixTest {
    static final String QUEUE = "acp-matrix";

    @TempDir
    static Path dir;
    private TestWorkflowEnvironment temporal;
    /** A paid job provider (over HTTP, with its own record of what it billed) for the spend test. */
    private FakeJobServer jobs;
    /** The local engine's ACP; the worker has its own (providers keep per-instance state, as on two machines). */
    private Acp acp;

    @BeforeAll
    void startTemporal() {
        jobs = FakeJobServer.start(FakeJobServer.Settings.defaults().withJobDuration(java.time.Duration.ofMillis(40)));
        acp = Acp.create(Environment.of(Map.of("ACP_HOME", dir.resolve("home").toString(),
                FakeJobProviderFactory.BASE_URL_VARIABLE, jobs.baseUrl(), FakeJobProviderFactory.API_KEY_VARIABLE,
                jobs.apiKey())));
        Acp workerAcp = Acp.create(Environment.of(Map.of("ACP_HOME", dir.resolve("worker-home").toString(),
                FakeJobProviderFactory.BASE_URL_VARIABLE, jobs.baseUrl(), FakeJobProviderFactory.API_KEY_VARIABLE,
                jobs.apiKey())));
        temporal = TestWorkflowEnvironment.newInstance();
        Worker worker = temporal.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(PlanWorkflow.class);
        worker.registerActivitiesImplementations(new NodeWorker(workerAcp));
        temporal.start();
    }

    @AfterAll
    void stopTemporal() {
        temporal.close();
        jobs.close();
    }

    static Stream<String> shapes() {
        return Stream.of("sequential", "group-collect-all", "group-first-success", "group-best-quality", "for-each",
                "fallback", "failing-step");
    }

    static final Map<String, String> PIPELINES = Map.of(
            "sequential", """
                    pipeline_name: sequential
                    steps:
                      - { id: a, step_type: text_to_image, provider: scripted, config: { prompt: a castle } }
                      - { id: b, step_type: prompt_generation, provider: scripted, config: { prompt: "{{steps.a.output}}" } }
                      - { id: c, step_type: text_to_image, provider: scripted, depends_on: [b],
                          config: { prompt: "{{steps.b.text}}" } }
                      - { id: d, step_type: text_to_image, provider: scripted, depends_on: [a], config: { prompt: x } }
                    """,
            "group-collect-all", """
                    pipeline_name: collect
                    global_config: { parallel_enabled: true }
                    steps:
                      - { id: first, step_type: prompt_generation, provider: scripted, config: { prompt: p } }
                      - id: shots
                        step_type: parallel_group
                        parallel_config: { merge_strategy: collect_all, max_workers: 2, timeout: 60 }
                        steps:
                          - { id: s1, step_type: text_to_image, provider: scripted, config: { prompt: "{{steps.first.text}}" } }
                          - { id: s2, step_type: text_to_image, provider: scripted, config: { prompt: two } }
                          - { id: s3, step_type: text_to_image, provider: scripted, config: { prompt: three } }
                      - { id: after, step_type: prompt_generation, provider: scripted, depends_on: [shots],
                          config: { prompt: "{{steps.s2.output}}" } }
                    """,
            "group-first-success", """
                    pipeline_name: first
                    steps:
                      - id: race
                        step_type: parallel_group
                        parallel_config: { merge_strategy: first_success }
                        steps:
                          - { id: bad, step_type: text_to_image, provider: scripted, retry_count: 0,
                              config: { prompt: one, script_fail: validation } }
                          - { id: good, step_type: text_to_image, provider: scripted, config: { prompt: two } }
                    """,
            "group-best-quality", """
                    pipeline_name: best
                    steps:
                      - id: takes
                        step_type: parallel_group
                        parallel_config: { merge_strategy: best_quality }
                        steps:
                          - { id: t1, step_type: text_to_image, provider: scripted, config: { prompt: a, script_quality: 0.4 } }
                          - { id: t2, step_type: text_to_image, provider: scripted, config: { prompt: b, script_quality: 0.9 } }
                      - { id: use, step_type: prompt_generation, provider: scripted, depends_on: [takes],
                          config: { prompt: "{{steps.takes.output}}" } }
                    """,
            "for-each", """
                    pipeline_name: scenes
                    steps:
                      - { id: scenes, step_type: story_to_scenes, provider: local,
                          config: { story: "A fox wakes. The fox runs to the river. The fox swims home." } }
                      - id: scene
                        for_each: "{{steps.scenes.items}}"
                        steps:
                          - { id: image, step_type: text_to_image, provider: scripted, config: { prompt: "{{item.image_prompt}}" } }
                      - { id: all, step_type: prompt_generation, provider: scripted, config: { prompt: "{{steps.image.outputs}}" } }
                    """,
            "fallback", """
                    pipeline_name: fallback
                    steps:
                      - id: hero
                        step_type: text_to_image
                        provider: scripted
                        retry_count: 0
                        config: { prompt: a castle, script_fail: transient }
                        fallback: [ { provider: local } ]
                    """,
            "failing-step", """
                    pipeline_name: failing
                    steps:
                      - { id: ok, step_type: text_to_image, provider: scripted, config: { prompt: fine } }
                      - { id: broken, step_type: text_to_image, provider: scripted, retry_count: 0,
                          depends_on: [ok], config: { prompt: nope, script_fail: validation } }
                      - { id: after, step_type: text_to_image, provider: scripted, depends_on: [broken],
                          config: { prompt: never } }
                      - { id: aside, step_type: text_to_image, provider: scripted, depends_on: [ok],
                          config: { prompt: still } }
                    """);

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void theWorkflowDoesWhatTheLocalEngineDoes(String shape) throws Exception {
        Path folder = dir.resolve(shape);
        Files.createDirectories(folder);
        Path file = folder.resolve("pipeline.yaml");
        Files.writeString(file, PIPELINES.get(shape));

        RunResult local = runLocally(file, folder.resolve("local"));
        RunResult distributed = runOnTemporal(file, folder.resolve("temporal"), shape);

        assertThat(summary(distributed, folder.resolve("temporal"))).isEqualTo(summary(local, folder.resolve("local")));
        assertThat(distributed.status()).isEqualTo(local.status());
        assertThat(distributed.failedStepIds()).isEqualTo(local.failedStepIds());
        assertThat(files(folder.resolve("temporal"))).isEqualTo(files(folder.resolve("local")));
        assertThat(files(folder.resolve("local"))).isNotEmpty();
    }

    /**
     * Through the one run path (validation, run folder, journal, report): {@code acp runs list}
     * sees the run with its steps as if the local engine had run it.
     */
    @org.junit.jupiter.api.Test
    void aRunOnTemporalGoesThroughTheRunPath() throws Exception {
        Path folder = dir.resolve("run-path");
        Files.createDirectories(folder);
        Path file = folder.resolve("pipeline.yaml");
        Files.writeString(file, PIPELINES.get("group-collect-all"));
        TemporalEngine engine = new TemporalEngine(temporal.getWorkflowClient(), QUEUE, acp.registry(), folder,
                Clock.systemUTC());
        dev.acp.run.RunOutcome outcome = acp.runner(file).outputDirectory(folder.resolve("out")).engine(engine).run();

        dev.acp.run.RunOutcome local = acp.runner(file).outputDirectory(folder.resolve("local")).run();

        assertThat(outcome.clean()).isTrue();
        assertThat(outcome.report()).exists();
        var runs = new dev.acp.run.RunStore(acp.acpHome().resolve("runs")).list();
        var onTemporal = runs.stream().filter(r -> r.runId().equals(outcome.runId())).findFirst().orElseThrow();
        var onLocal = runs.stream().filter(r -> r.runId().equals(local.runId())).findFirst().orElseThrow();
        assertThat(List.of(onTemporal.status(), onTemporal.steps(), onTemporal.succeeded(), onTemporal.failed()))
                .isEqualTo(List.of(onLocal.status(), onLocal.steps(), onLocal.succeeded(), onLocal.failed()))
                .isEqualTo(List.of("succeeded", 5, 5, 0));
    }

    /**
     * The workers pay, the submitter's run journal says so: {@code acp runs list/show} and the
     * report show what the provider billed (a task, a dependent task and a for_each block's
     * items), not $0.
     */
    @org.junit.jupiter.api.Test
    void aRunOnTemporalJournalsWhatItsWorkersSpent() throws Exception {
        Path folder = dir.resolve("spend");
        Files.createDirectories(folder);
        Path file = folder.resolve("pipeline.yaml");
        Files.writeString(file, """
                pipeline_name: spend
                steps:
                  - { id: picture, step_type: text_to_image, provider: fakejobs, config: { prompt: a fox } }
                  - { id: sharper, step_type: image_to_image, provider: fakejobs, depends_on: [picture],
                      config: { image: "{{steps.picture.output}}", prompt: sharper } }
                  - { id: scenes, step_type: story_to_scenes, provider: local,
                      config: { story: "A fox wakes. The fox runs to the river." } }
                  - id: scene
                    for_each: "{{steps.scenes.items}}"
                    steps:
                      - { id: shot, step_type: text_to_image, provider: fakejobs, output_filename: "shot{{index}}.png",
                          config: { prompt: "{{item.image_prompt}}" } }
                """);
        jobs.reset();
        TemporalEngine engine = new TemporalEngine(temporal.getWorkflowClient(), QUEUE, acp.registry(), folder,
                Clock.systemUTC());

        // While the run goes on: when 'picture' is reported done, the run journal already holds its cost.
        java.util.concurrent.atomic.AtomicReference<BigDecimal> spentWhenPictureDone = new java.util.concurrent.atomic.AtomicReference<>();
        dev.acp.engine.RunListener watcher = new dev.acp.engine.RunListener() {
            @Override
            public void stepFinished(dev.acp.engine.StepResult r) {
                if (r.stepId().equals("picture")) {
                    try {
                        spentWhenPictureDone.set(new dev.acp.run.RunStore(acp.acpHome().resolve("runs")).list().stream()
                                .filter(run -> run.pipelineName().equals("spend")).findFirst().orElseThrow().spent());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        };
        dev.acp.run.RunOutcome outcome = acp.runner(file).outputDirectory(folder.resolve("out")).engine(engine)
                .listener(watcher).yes(true).run();

        assertThat(outcome.clean()).as(outcome.result().steps().toString()).isTrue();
        assertThat(spentWhenPictureDone.get()).as("spent so far when 'picture' was reported").isPositive();
        assertThat(jobs.charges()).extracting(FakeJobServer.Charge::stepId).contains("picture", "sharper", "shot[1]");
        var run = new dev.acp.run.RunStore(acp.acpHome().resolve("runs")).list().stream()
                .filter(r -> r.runId().equals(outcome.runId())).findFirst().orElseThrow();
        assertThat(run.spent()).isEqualByComparingTo(jobs.billedTotal()).isPositive();
        assertThat(outcome.extras().spent()).isEqualByComparingTo(jobs.billedTotal());
    }

    /**
     * The activities name the pipeline's copy on the shared folder (path and SHA-256) instead of
     * each carrying its text: no input in the run's history holds the text, and the run is the
     * local one.
     */
    @org.junit.jupiter.api.Test
    void theActivitiesNameThePipelineInsteadOfCarryingIt() throws Exception {
        Path folder = dir.resolve("by-reference");
        Files.createDirectories(folder);
        Path file = folder.resolve("pipeline.yaml");
        String marker = "# only in the pipeline's text: 7f3c9a";
        Files.writeString(file, marker + "\n" + PIPELINES.get("sequential"));
        TemporalEngine engine = new TemporalEngine(temporal.getWorkflowClient(), QUEUE, acp.registry(), folder,
                Clock.systemUTC());

        dev.acp.run.RunOutcome outcome = acp.runner(file).outputDirectory(folder.resolve("out")).engine(engine).run();

        assertThat(outcome.clean()).isTrue();
        var events = temporal.getWorkflowClient().fetchHistory(TemporalRun.workflowId(outcome.runId())).getEvents();
        var inputs = events.stream().filter(e -> e.hasActivityTaskScheduledEventAttributes())
                .map(e -> e.getActivityTaskScheduledEventAttributes().getInput().toString()).toList();
        assertThat(inputs).hasSize(4).noneMatch(i -> i.contains("7f3c9a"));
        assertThat(events).noneMatch(e -> e.toString().contains("7f3c9a"));
        assertThat(folder.resolve("out/.acp-temporal").resolve(outcome.runId()).resolve("pipeline.yaml"))
                .hasContent(Files.readString(file));
    }

    /** A copy that changed after the run started is refused by every worker: the nodes fail, saying why. */
    @org.junit.jupiter.api.Test
    void aPipelineCopyThatChangedIsRefused() throws Exception {
        Path folder = dir.resolve("changed-copy");
        Files.createDirectories(folder);
        Path file = folder.resolve("pipeline.yaml");
        Files.writeString(file, PIPELINES.get("sequential"));
        Path out = folder.resolve("out");
        ExecutionPlan plan = acp.plan(file, settings(file, out));
        PipelineSource.Shared copy = SharedPipeline.write(out.resolve(".acp-temporal/changed"), "pipeline.yaml",
                Files.readString(file));
        Files.writeString(Path.of(copy.path()), PIPELINES.get("sequential").replace("a castle", "a cottage"));
        PipelineSource source = new PipelineSource("", file.toString(), folder.toString(), "YAML", false, false,
                Map.of(), out.toString(), folder.toString(), copy);

        RunResult r = new TemporalRun(temporal.getWorkflowClient(), QUEUE, Clock.systemUTC()).run(plan,
                new RunInput("changed", source, PlanShape.of(plan, null, p -> false), null), RunListener.NONE,
                new RunControl());

        assertThat(r.steps()).filteredOn(s -> s.stepId().equals("a")).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo(dev.acp.engine.StepStatus.FAILED);
            assertThat(a.error().message()).contains("changed after the run started");
        });
        assertThat(out.resolve("a.png")).doesNotExist();
    }

    /**
     * The workflow is the run's ledger: a node whose estimate does not fit what is left of the
     * limit is not started (and what depends on it is skipped), while one that fits runs.
     */
    @org.junit.jupiter.api.Test
    void aNodeWhoseEstimateDoesNotFitTheLimitIsNotStarted() throws Exception {
        Path folder = dir.resolve("ledger");
        Files.createDirectories(folder);
        Path file = folder.resolve("pipeline.yaml");
        Files.writeString(file, PIPELINES.get("sequential"));
        Path out = folder.resolve("out");
        ExecutionPlan plan = acp.plan(file, settings(file, out));
        List<NodeSpec> priced = new ArrayList<>();
        for (NodeSpec n : PlanShape.of(plan, null, p -> false)) {
            // a, b and d fit the $0.60 limit (nothing is billed, so each reservation returns); c never does.
            BigDecimal estimate = switch (n.id()) {
                case "a" -> new BigDecimal("0.40");
                case "b" -> new BigDecimal("0.40");
                case "c" -> new BigDecimal("0.70");
                default -> BigDecimal.ZERO;
            };
            priced.add(new NodeSpec(n.id(), n.dependencies(), n.steps(), estimate));
        }
        PipelineSource source = new PipelineSource(Files.readString(file), file.toString(), folder.toString(), "YAML",
                false, false, Map.of(), out.toString(), folder.toString());
        RunResult r = new TemporalRun(temporal.getWorkflowClient(), QUEUE, Clock.systemUTC()).run(plan,
                new RunInput("ledger", source, priced, new BigDecimal("0.60")), RunListener.NONE, new RunControl());

        Map<String, StepResult> byId = new LinkedHashMap<>();
        r.steps().forEach(s -> byId.put(s.stepId(), s));
        assertThat(byId.get("a").status()).isEqualTo(dev.acp.engine.StepStatus.SUCCEEDED);
        assertThat(byId.get("b").status()).isEqualTo(dev.acp.engine.StepStatus.SUCCEEDED);
        assertThat(byId.get("d").status()).isEqualTo(dev.acp.engine.StepStatus.SUCCEEDED);
        assertThat(byId.get("c").status()).isEqualTo(dev.acp.engine.StepStatus.FAILED);
        assertThat(byId.get("c").error().message()).contains("does not fit the $0.60 left");
        assertThat(out.resolve("c.png")).doesNotExist();
    }

    private RunResult runLocally(Path file, Path out) {
        ExecutionPlan plan = acp.plan(file, settings(file, out));
        return acp.unguardedEngine().run(plan, RunListener.NONE, new RunControl());
    }

    private RunResult runOnTemporal(Path file, Path out, String runId) throws Exception {
        RunSettings settings = settings(file, out);
        ExecutionPlan plan = acp.plan(file, settings);
        PipelineSource source = new PipelineSource(Files.readString(file), file.toString(), file.getParent().toString(),
                "YAML", false, false, Map.of(), out.toString(), file.getParent().toString());
        RunInput input = new RunInput(runId, source, PlanShape.of(plan, null, p -> false), null);
        return new TemporalRun(temporal.getWorkflowClient(), QUEUE, Clock.systemUTC()).run(plan, input,
                RunListener.NONE, new RunControl());
    }

    private static RunSettings settings(Path file, Path out) {
        return RunSettings.run(file.getParent()).withOutputDirectory(out);
    }

    /** What the report says of each step, without times and run-specific paths. */
    private static List<String> summary(RunResult r, Path out) {
        List<String> lines = new ArrayList<>();
        for (StepResult s : r.steps()) {
            lines.add((s.stepId() + " " + s.stepType() + " " + s.status() + " " + s.provider() + " " + s.model() + " "
                    + (s.outputPath() == null ? "-" : s.outputPath().getFileName()) + " " + s.text() + " "
                    + (s.error() == null ? "-" : s.error().kind() + ": " + s.error().message()) + " " + s.qualityScore()
                    + " " + s.attempts()).replace(out.toString(), "<out>"));
        }
        return lines;
    }

    /** Every output file by its path inside the output folder, with its bytes as text. */
    private static Map<String, String> files(Path root) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).sorted().toList()) {
                String rel = root.relativize(p).toString();
                if (!rel.startsWith(".acp-temporal")) {
                    // Text outputs that quote an upstream output's path name their own run's folder.
                    String bytes = new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1);
                    out.put(rel, bytes.replace(root.toString(), "<out>"));
                }
            }
        }
        return out;
    }
}
