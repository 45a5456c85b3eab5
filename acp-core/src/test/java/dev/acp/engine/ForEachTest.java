package dev.acp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Problem;
import dev.acp.plan.RunSettings;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** for_each blocks: expansion, item order, max_workers, local failures, empty lists, validation. */
class ForEachTest {
    @TempDir
    Path dir;

    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();

    /** Scenes as story_to_scenes answers them. */
    private static String scenes(int n) {
        StringBuilder sb = new StringBuilder("{\"scenes\":[");
        for (int i = 1; i <= n; i++) {
            sb.append(i > 1 ? "," : "").append("{\"title\":\"T").append(i).append("\",\"description\":\"d\","
                    + "\"image_prompt\":\"prompt ").append(i).append("\",\"narration\":\"words ").append(i)
                    .append("\",\"duration\":").append(i).append('}');
        }
        return sb.append("]}").toString();
    }

    /**
     * Story steps answer {@code scenes}; others echo their parameters as text after a random
     * pause, so that items complete in random order; a prompt containing "boom" fails.
     */
    private LambdaProvider fake(String scenes) {
        return LambdaProvider.of("fake", r -> {
            if (r.capability() == Capability.STORY_TO_SCENES) {
                return ProviderResult.text(scenes, Map.of());
            }
            int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(1, 15));
                if (String.valueOf(r.parameters()).contains("boom")) {
                    throw new ProviderException(ErrorKind.VALIDATION, "the prompt went boom");
                }
                return ProviderResult.text(r.stepId() + ":" + r.parameters().get("prompt"), Map.of());
            } finally {
                running.decrementAndGet();
            }
        });
    }

    private static String pipeline(String block, String after) {
        return """
                pipeline_name: fan
                global_config: { parallel_enabled: true }
                steps:
                  - id: scenes
                    step_type: story_to_scenes
                    provider: fake
                    config: { story: "Once upon a time." }
                    output_filename: scenes.json
                """ + block + after;
    }

    private static final String BLOCK = """
              - id: scene
                for_each: "{{steps.scenes.items}}"
                max_workers: %s
                steps:
                  - id: caption
                    step_type: prompt_generation
                    provider: fake
                    config: { prompt: "{{item.image_prompt}} #{{index}}/{{index0}}", n: "{{item.duration}}" }
                    output_filename: "caption_{{index}}.txt"
                  - id: review
                    step_type: prompt_generation
                    provider: fake
                    config: { prompt: "review {{steps.caption.text}}" }
            """;

    private static final String COLLECT = """
              - id: all
                step_type: prompt_generation
                provider: fake
                config: { prompt: "{{steps.review.texts}}", files: "{{steps.caption.outputs}}" }
            """;

    private static StepResult step(RunResult r, String id) {
        return r.steps().stream().filter(s -> s.stepId().equals(id)).findFirst().orElseThrow(
                () -> new AssertionError("no step " + id + " in " + r.steps().stream().map(StepResult::stepId).toList()));
    }

    @Test
    void items_run_with_their_own_values_and_results_keep_item_order_whatever_finishes_first() throws Exception {
        TestAcp acp = new TestAcp(dir, fake(scenes(6)));
        RunResult r = acp.run(pipeline(BLOCK.formatted(6), COLLECT));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(step(r, "caption[3]").text()).isEqualTo("caption[3]:prompt 3 #3/2");
        // The sibling reference inside the block means the same item's result.
        assertThat(step(r, "review[5]").text()).isEqualTo("review[5]:review caption[5]:prompt 5 #5/4");
        assertThat(step(r, "caption[2]").outputPath()).isEqualTo(dir.resolve("output/caption_2.txt"));
        assertThat(step(r, "review[4]").outputPath()).isEqualTo(dir.resolve("output/review_4.txt"));
        assertThat(Files.readString(dir.resolve("output/caption_6.txt"))).isEqualTo("caption[6]:prompt 6 #6/5");
        // Outside, .texts and .outputs are lists in item order.
        StepResult all = step(r, "all");
        // A reference alone keeps its type: the provider got a list (which the fake prints).
        assertThat(all.text()).isEqualTo("all:" + java.util.stream.IntStream.rangeClosed(1, 6)
                .mapToObj(i -> "review[" + i + "]:review caption[" + i + "]:prompt " + i + " #" + i + "/" + (i - 1))
                .toList());
        assertThat(step(r, "scene").metadata()).containsEntry("items", 6);
        // The report lists the block, then its expansions in item order.
        List<String> ids = r.steps().stream().map(StepResult::stepId).toList();
        assertThat(ids).containsSubsequence("scene", "caption[1]", "review[1]", "caption[2]", "review[6]", "all");
    }

    @Test
    void a_reference_alone_keeps_the_items_type() {
        List<Object> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", req -> {
            if (req.capability() == Capability.STORY_TO_SCENES) {
                return ProviderResult.text(scenes(2), Map.of());
            }
            if (req.stepId().startsWith("caption")) {
                seen.add(req.parameters().get("n"));
            }
            return ProviderResult.text("x", Map.of());
        }));
        assertThat(acp.run(pipeline(BLOCK.formatted(1), "")).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(seen).containsExactlyInAnyOrder(1, 2); // numbers, not "1" and "2"
    }

    @Test
    void max_workers_limits_how_many_inner_steps_run_at_once() {
        TestAcp acp = new TestAcp(dir, fake(scenes(8)));
        RunResult r = acp.run(pipeline(BLOCK.formatted(2), ""));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(maxRunning.get()).isEqualTo(2);
    }

    @Test
    void without_parallel_execution_inner_steps_run_one_at_a_time() {
        TestAcp acp = new TestAcp(dir, fake(scenes(4)));
        RunResult r = acp.run(pipeline(BLOCK.formatted(4), "").replace("parallel_enabled: true", "parallel_enabled: false"));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(maxRunning.get()).isEqualTo(1);
    }

    @Test
    void a_failed_item_fails_only_its_own_dependents_and_the_collecting_step_does_not_run() {
        String story = scenes(4).replace("prompt 3", "boom");
        TestAcp acp = new TestAcp(dir, fake(story));
        RunResult r = acp.run(pipeline(BLOCK.formatted(4), COLLECT));
        assertThat(r.status()).isEqualTo(RunStatus.PARTIAL);
        assertThat(step(r, "caption[3]").status()).isEqualTo(StepStatus.FAILED);
        assertThat(step(r, "review[3]").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(step(r, "review[3]").reason()).contains("'caption[3]' failed");
        for (int i : new int[] {1, 2, 4}) {
            assertThat(step(r, "review[" + i + "]").status()).isEqualTo(StepStatus.SUCCEEDED);
        }
        StepResult block = step(r, "scene");
        assertThat(block.status()).isEqualTo(StepStatus.FAILED);
        assertThat(block.metadata()).containsEntry("failed_items", List.of(3));
        assertThat(block.error().message()).contains("1 of 4 items did not succeed: item 3 ('caption[3]' failed");
        assertThat(step(r, "all").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(step(r, "all").reason()).contains("'scene' failed");
    }

    @Test
    void an_empty_list_succeeds_with_no_items_and_empty_outputs() {
        List<Object> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", req -> {
            if (req.capability() == Capability.STORY_TO_SCENES) {
                return ProviderResult.text("{\"scenes\": []}", Map.of());
            }
            seen.add(req.parameters().get("files"));
            return ProviderResult.text("x", Map.of());
        }));
        RunResult r = acp.run(pipeline(BLOCK.formatted(4), COLLECT));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(step(r, "scene").metadata()).containsEntry("items", 0)
                .containsEntry("note", "the list is empty: no item ran");
        assertThat(seen).containsExactly(List.of());
    }

    @Test
    void a_source_that_is_not_a_list_fails_the_block_with_a_clear_error() {
        TestAcp acp = new TestAcp(dir, fake("{\"a\": [1], \"b\": [2]}"));
        RunResult r = acp.run(pipeline(BLOCK.formatted(4), COLLECT));
        StepResult block = step(r, "scene");
        assertThat(block.status()).isEqualTo(StepStatus.FAILED);
        assertThat(block.error().message()).contains("2 list fields (a, b)");
        assertThat(step(r, "all").status()).isEqualTo(StepStatus.SKIPPED);
    }

    @Test
    void too_many_items_are_refused() {
        TestAcp acp = new TestAcp(dir, fake(scenes(1001)));
        StepResult block = step(acp.run(pipeline(BLOCK.formatted(4), "")), "scene");
        assertThat(block.status()).isEqualTo(StepStatus.FAILED);
        assertThat(block.error().message()).contains("1001 items").contains("at most 1000");
    }

    @Test
    void a_list_input_set_as_comma_separated_text_drives_the_block() {
        TestAcp acp = new TestAcp(dir, fake("{}"));
        String yaml = """
                pipeline_name: words
                inputs:
                  words: { type: list, default: [x] }
                steps:
                  - id: each
                    for_each: "{{inputs.words}}"
                    steps:
                      - id: say
                        step_type: prompt_generation
                        provider: fake
                        config: { prompt: "{{item}}" }
                """;
        RunSettings settings = RunSettings.run(dir).withInputs(Map.of("words", "red, green,blue"));
        RunResult r = acp.run(acp.plan(yaml, settings), RunListener.NONE, new RunControl());
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(step(r, "say[3]").text()).isEqualTo("say[3]:blue");
    }

    @Test
    void an_item_without_a_field_fails_that_item_with_a_step_level_error() {
        TestAcp acp = new TestAcp(dir, fake("[{\"name\": \"a\"}, {\"other\": 1}]"));
        String yaml = """
                pipeline_name: fan
                steps:
                  - id: list
                    step_type: prompt_generation
                    provider: fake
                    config: { prompt: "list" }
                  - id: each
                    for_each: "{{steps.list.items}}"
                    steps:
                      - id: say
                        step_type: prompt_generation
                        provider: fake
                        config: { prompt: "{{item.name}}" }
                """;
        // The fake answers the list step with its parameters, so make it answer the JSON instead.
        TestAcp lists = new TestAcp(dir, LambdaProvider.of("fake", req -> ProviderResult.text(
                req.stepId().equals("list") ? "[{\"name\": \"a\"}, {\"other\": 1}]" : "hi " + req.parameters().get("prompt"),
                Map.of())));
        RunResult r = lists.run(yaml);
        assertThat(step(r, "say[1]").text()).isEqualTo("hi a");
        StepResult second = step(r, "say[2]");
        assertThat(second.status()).isEqualTo(StepStatus.FAILED);
        assertThat(second.error().kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(second.error().message()).contains("{{item.name}}: item 2 of for_each block 'each' has no field"
                + " 'name'; it has other");
        assertThat(acp).isNotNull();
    }

    // ---- validation --------------------------------------------------------------------------------

    private List<String> errors(String yaml) {
        TestAcp acp = new TestAcp(dir, fake("{}"));
        return acp.check(yaml).errors().stream().map(Problem::render).toList();
    }

    @Test
    void validation_reports_every_for_each_mistake_at_once_with_its_location() {
        List<String> e = errors("""
                pipeline_name: bad
                steps:
                  - id: scenes
                    step_type: story_to_scenes
                    provider: fake
                    config: { story: "x" }
                  - id: scene
                    for_each: "{{steps.scenes.items}}"
                    steps:
                      - id: image
                        step_type: text_to_image
                        provider: fake
                        config: { prompt: "{{item.imageprompt}}" }
                        output_filename: scene.png
                      - id: voice
                        step_type: text_to_speech
                        provider: fake
                        config: { text: "{{steps.image.outputs}}" }
                  - id: after
                    step_type: prompt_generation
                    provider: fake
                    config: { prompt: "{{steps.image.output}} {{item.title}} {{index}}" }
                  - id: picture
                    step_type: text_to_image
                    provider: fake
                    config: { prompt: "x" }
                  - id: wrong
                    for_each: "{{steps.picture.output}}"
                    steps:
                      - id: w
                        step_type: prompt_generation
                        provider: fake
                        config: { prompt: "{{item}}" }
                """);
        String file = dir.resolve("pipeline.yaml").toString();
        assertThat(e).anySatisfy(m -> assertThat(m).startsWith(file + ":13:")
                .contains("{{item.imageprompt}}: the items of for_each block 'scene' have no field 'imageprompt'")
                .contains("did you mean 'item.image_prompt'?"));
        assertThat(e).anySatisfy(m -> assertThat(m).startsWith(file + ":14:")
                .contains("output_filename 'scene.png' is the same for every item")
                .contains("scene_{{index}}.png"));
        assertThat(e).anySatisfy(m -> assertThat(m).startsWith(file + ":18:")
                .contains("inside for_each block 'scene' a step sees only its own item's results")
                .contains("{{steps.image.output}}"));
        assertThat(e).anySatisfy(m -> assertThat(m).startsWith(file + ":22:")
                .contains("'image' runs once per item of for_each block 'scene'")
                .contains("use {{steps.image.outputs}}"));
        assertThat(e).anySatisfy(m -> assertThat(m).startsWith(file + ":22:")
                .contains("{{item.title}} is only valid inside a for_each block"));
        assertThat(e).anySatisfy(m -> assertThat(m).contains("{{index}} is only valid inside a for_each block"));
        assertThat(e).anySatisfy(m -> assertThat(m).startsWith(file + ":28:")
                .contains("'picture' (text_to_image) does not produce a list"));
    }

    @Test
    void a_non_list_input_and_a_nested_block_are_rejected() {
        List<String> e = errors("""
                pipeline_name: bad
                inputs:
                  topic: { type: string, default: "x" }
                steps:
                  - id: each
                    for_each: "{{inputs.topic}}"
                    steps:
                      - id: inner
                        for_each: "{{inputs.topic}}"
                        steps: []
                      - id: say
                        step_type: prompt_generation
                        provider: fake
                        config: { prompt: "{{item}}" }
                """);
        assertThat(e).anySatisfy(m -> assertThat(m).contains("input 'topic' is a string, not a list")
                .contains("declare it with 'type: list'"));
        assertThat(e).anySatisfy(m -> assertThat(m).contains("a for_each block cannot be inside a for_each"));
    }

    @Test
    void a_valid_block_plans_without_problems() {
        TestAcp acp = new TestAcp(dir, fake("{}"));
        var result = acp.check(pipeline(BLOCK.formatted(4), COLLECT));
        assertThat(result.problems()).isEmpty();
        assertThat(result.plan().byId().get("all").dependencies()).containsExactly("scene");
        assertThat(result.plan().byId().get("scene").dependencies()).containsExactly("scenes");
    }
}
