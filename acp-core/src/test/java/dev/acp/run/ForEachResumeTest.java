package dev.acp.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.Acp;
import dev.acp.cache.CacheMode;
import dev.acp.engine.LocalEngine;
import dev.acp.util.RetryPolicy;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.env.Environment;
import dev.acp.plan.RunSettings;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import dev.acp.provider.ProviderResult;
import dev.acp.testing.LambdaProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A for_each block interrupted part-way resumes with the same expanded ids, skipping finished items. */
@org.junit.jupiter.api.Timeout(60)
class ForEachResumeTest {
    @TempDir
    Path dir;

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile int sceneCount = 4;
    /** When set, the step with this id blocks (until interrupted) and counts the latch down. */
    private volatile String hangOn;
    private final CountDownLatch hanging = new CountDownLatch(1);
    private RunService service;

    private static final String PIPELINE = """
            pipeline_name: resumable
            output_directory: out
            steps:
              - id: scenes
                step_type: story_to_scenes
                provider: fake
                config: { story: "%s" }
              - id: scene
                for_each: "{{steps.scenes.items}}"
                steps:
                  - id: image
                    step_type: prompt_generation
                    provider: fake
                    config: { prompt: "{{item.image_prompt}}" }
              - id: all
                step_type: prompt_generation
                provider: fake
                config: { prompt: "{{steps.image.texts}}" }
            """;

    @BeforeEach
    void setUp() {
        Environment env = Environment.of(Map.of("ACP_HOME", dir.resolve("home").toString()));
        LambdaProvider fake = LambdaProvider.free("fake", r -> {
            calls.computeIfAbsent(r.stepId(), k -> new AtomicInteger()).incrementAndGet();
            if (r.capability() == Capability.STORY_TO_SCENES) {
                StringBuilder sb = new StringBuilder("{\"scenes\":[");
                for (int i = 1; i <= sceneCount; i++) {
                    sb.append(i > 1 ? "," : "").append("{\"title\":\"t\",\"description\":\"d\",\"image_prompt\":\"p")
                            .append(i).append(sceneCount).append("\",\"narration\":\"n\",\"duration\":2}");
                }
                return ProviderResult.text(sb + "]}", Map.of());
            }
            if (r.stepId().equals(hangOn)) {
                hanging.countDown();
                Thread.sleep(60_000);
            }
            return ProviderResult.text("text of " + r.stepId() + " " + r.parameters().get("prompt"), Map.of());
        });
        ProviderRegistry registry = ProviderRegistry.of(ProviderContext.of(env, dir.resolve("home"), Clock.systemUTC()),
                fake);
        LocalEngine.Options options = LocalEngine.Options.defaults(env).withSleeper(d -> { })
                .withRetryPolicy(new RetryPolicy(Duration.ZERO, Duration.ZERO)).withCancelGrace(Duration.ofSeconds(5));
        service = new RunService(Acp.create(env, registry, options));
    }

    private RunResult runInterruptedAt(RunService.Session session, String stepId) throws Exception {
        hangOn = stepId;
        RunControl control = new RunControl();
        Thread.ofVirtual().start(() -> {
            try {
                if (hanging.await(10, TimeUnit.SECONDS)) {
                    control.cancel();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (session) {
            return session.run(RunListener.NONE, control);
        } finally {
            hangOn = null;
        }
    }

    private static RunResult run(RunService.Session session) throws Exception {
        try (session) {
            return session.run(RunListener.NONE, new RunControl());
        }
    }

    private static StepResult step(RunResult r, String id) {
        return r.steps().stream().filter(s -> s.stepId().equals(id)).findFirst().orElseThrow();
    }

    private int calls(String id) {
        return calls.getOrDefault(id, new AtomicInteger()).get();
    }

    @Test
    void an_interrupted_block_resumes_with_the_same_ids_and_runs_only_the_unfinished_items() throws Exception {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, PIPELINE.formatted("a story"));
        // Sequential (no --parallel): items 1 and 2 finish, item 3 hangs and is interrupted.
        RunService.Session first = service.start(file, RunSettings.run(dir), CacheMode.OFF);
        String runId = first.runId();
        RunResult interrupted = runInterruptedAt(first, "image[3]");
        assertThat(interrupted.status()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(step(interrupted, "image[2]").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(step(interrupted, "image[3]").status()).isEqualTo(StepStatus.CANCELLED);

        RunService.Session second = service.resume(runId, null, null);
        assertThat(second.resume().steps()).containsKeys("scenes", "image[1]", "image[2]");
        assertThat(second.resume().expansions()).containsKey("scene");
        RunResult resumed = run(second);
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(step(resumed, "image[1]").metadata()).containsEntry("resumed", true);
        assertThat(calls("scenes")).isEqualTo(1);
        assertThat(calls("image[1]")).isEqualTo(1);
        assertThat(calls("image[2]")).isEqualTo(1);
        assertThat(calls("image[4]")).isEqualTo(1);
        assertThat(step(resumed, "all").text()).contains("text of image[1] p14").contains("text of image[4] p44");
    }

    @Test
    void a_source_that_answers_differently_on_resume_runs_the_whole_block_again() throws Exception {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, PIPELINE.formatted("a story"));
        RunService.Session first = service.start(file, RunSettings.run(dir), CacheMode.OFF);
        String runId = first.runId();
        runInterruptedAt(first, "image[3]");

        // The story changed: the source runs again and now answers three scenes.
        sceneCount = 3;
        Files.writeString(file, PIPELINE.formatted("another story"));
        RunResult resumed = run(service.resume(runId, file, null));
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(calls("scenes")).isEqualTo(2);
        StepResult block = step(resumed, "scene");
        assertThat(block.metadata()).containsEntry("items", 3);
        assertThat(String.valueOf(block.metadata().get("note"))).contains("the list changed")
                .contains("4 items then, 3 now");
        assertThat(calls("image[1]")).isEqualTo(2);
        assertThat(step(resumed, "image[1]").metadata()).doesNotContainKey("resumed");
        assertThat(resumed.steps().stream().map(StepResult::stepId).toList()).doesNotContain("image[4]");
        assertThat(List.of(step(resumed, "all").text())).singleElement().asString().contains("p13").contains("p33");
    }
}
