package dev.acp.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.pipeline.Problem;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderResult;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every class of validation error: its message, its location, and that all are reported at once. */
class PipelineValidationTest {
    @TempDir
    Path dir;

    private TestAcp acp() {
        return new TestAcp(dir, Map.of("HOME_TOWN", "Oslo"),
                LambdaProvider.of("fake", r -> ProviderResult.text("x", Map.of())),
                LambdaProvider.limitedTo("speaker", Set.of(Capability.TEXT_TO_SPEECH),
                        r -> ProviderResult.text("x", Map.of())));
    }

    private List<String> errors(String yaml) {
        return acp().check(yaml).errors().stream().map(Problem::render).toList();
    }

    private static String pipeline(String steps) {
        return "pipeline_name: t\nsteps:\n" + steps;
    }

    @Test
    void should_accept_a_valid_pipeline_without_problems() {
        PlanResult r = acp().check(pipeline("""
                  - step_type: text_to_image
                    provider: fake
                    config: { prompt: "a cat" }
                    output_filename: cat.png
                """));
        assertThat(r.problems()).isEmpty();
        assertThat(r.plan()).isNotNull();
    }

    @Test
    void should_report_yaml_syntax_errors_with_line_and_column() {
        List<String> e = errors("pipeline_name: t\nsteps:\n  - step_type: [unclosed\n");
        assertThat(e).singleElement().satisfies(m -> {
            assertThat(m).startsWith(dir.resolve("pipeline.yaml") + ":");
            assertThat(m).contains("cannot parse YAML");
        });
    }

    @Test
    void should_suggest_the_nearest_name_for_an_unknown_root_key() {
        List<String> e = errors("pipeline_name: t\noutput_dir: out\nsteps:\n  - step_type: text_to_image\n"
                + "    provider: fake\n    config: { prompt: x }\n");
        assertThat(e).singleElement().asString()
                .contains("pipeline.yaml:2:1: error: unknown key 'output_dir' in pipeline")
                .contains("did you mean 'output_directory'?");
    }

    @Test
    void should_suggest_the_nearest_step_type() {
        List<String> e = errors(pipeline("  - step_type: text_to_imag\n    config: { prompt: x }\n"));
        assertThat(e).singleElement().asString()
                .contains("pipeline.yaml:3:16: error: step 'steps[1]': unknown step_type 'text_to_imag'")
                .contains("did you mean 'text_to_image'?");
    }

    @Test
    void should_reject_unknown_step_keys() {
        List<String> e = errors(pipeline("""
                  - step_type: text_to_image
                    provider: fake
                    retries: 2
                    config: { prompt: x }
                """));
        assertThat(e).singleElement().asString()
                .contains(":5:5: error: step 'text_to_image_1': unknown key 'retries'")
                .contains("did you mean 'retry_count'?");
    }

    @Test
    void should_report_missing_required_config() {
        List<String> e = errors(pipeline("""
                  - step_type: text_to_image
                    provider: fake
                    config: { model: x }
                """));
        assertThat(e).singleElement().asString()
                .contains(":5:13: error: step 'text_to_image_1': missing config.prompt")
                .contains("add 'prompt: ...' under config");
    }

    @Test
    void should_report_mistyped_config_and_step_fields() {
        List<String> e = errors(pipeline("""
                  - step_type: text_to_video
                    provider: fake
                    timeout: soon
                    retry_count: -1
                    enabled: maybe
                    config: { prompt: x, duration: six, num_images: 2 }
                """));
        assertThat(e).hasSize(4);
        assertThat(String.join("\n", e))
                .contains(":5:14: error: step 'text_to_video_1': timeout must be a positive number of seconds")
                .contains(":6:18: error: step 'text_to_video_1': retry_count must be a whole number from 0 to 10")
                .contains(":7:14: error: step 'text_to_video_1': enabled must be true or false")
                .contains(":8:36: error: step 'text_to_video_1': config.duration must be a number, found text \"six\"");
    }

    @Test
    void should_catch_config_key_typos_but_pass_unknown_model_parameters_through() {
        PlanResult r = acp().check(pipeline("""
                  - step_type: text_to_image
                    provider: fake
                    config: { prompt: x, negativ_prompt: y, lora_scale: 0.8 }
                """));
        assertThat(r.errors()).singleElement().extracting(Problem::render).asString()
                .contains("unknown config key 'negativ_prompt'").contains("did you mean 'negative_prompt'?");
    }

    @Test
    void should_report_unknown_template_references() {
        List<String> e = errors(pipeline("""
                  - step_type: prompt_generation
                    id: idea
                    provider: fake
                    config: { prompt: "{{steps.idae.text}} {{inputs.style}} {{stepz.idea.text}}" }
                """));
        assertThat(e).hasSize(1);
        assertThat(e.get(0)).contains(":6:23: error: step 'idea': unknown reference '{{stepz.idea.text}}'")
                .contains("did you mean 'steps'?");
        List<String> e2 = errors(pipeline("""
                  - step_type: prompt_generation
                    id: idea
                    provider: fake
                    config: { prompt: "cats" }
                  - step_type: text_to_image
                    provider: fake
                    config: { prompt: "{{steps.idae.text}} {{inputs.style}}" }
                """));
        assertThat(e2).hasSize(2);
        assertThat(e2.get(0)).contains("{{steps.idae.text}} names unknown step 'idae'").contains("did you mean 'idea'?");
        assertThat(e2.get(1)).contains("{{inputs.style}} names an undeclared input").contains("declare it under 'inputs:'");
    }

    @Test
    void should_reject_text_references_to_steps_that_produce_files() {
        List<String> e = errors(pipeline("""
                  - step_type: text_to_image
                    id: pic
                    provider: fake
                    config: { prompt: cat }
                  - step_type: image_understanding
                    provider: fake
                    config: { image: "{{steps.pic.text}}" }
                """));
        assertThat(e).singleElement().asString()
                .contains("{{steps.pic.text}}: step 'pic' (text_to_image) produces a file, not text")
                .contains("use {{steps.pic.output}}");
    }

    @Test
    void should_report_unset_environment_variables() {
        List<String> e = errors(pipeline("""
                  - step_type: text_to_image
                    provider: fake
                    config: { prompt: "${NOT_SET_ANYWHERE} in ${HOME_TOWN} {{env.ALSO_NOT_SET}}" }
                """));
        assertThat(e).hasSize(2);
        assertThat(e.get(0)).contains("environment variable NOT_SET_ANYWHERE is not set (used as ${NOT_SET_ANYWHERE})")
                .contains("${NOT_SET_ANYWHERE:-value}");
        assertThat(e.get(1)).contains("{{env.ALSO_NOT_SET}}: environment variable ALSO_NOT_SET is not set");
    }

    @Test
    void should_substitute_environment_variables_and_defaults() {
        ExecutionPlan plan = acp().plan(pipeline("""
                  - step_type: text_to_image
                    provider: fake
                    config: { prompt: "${HOME_TOWN} at ${TIME_OF_DAY:-dusk}, $${literal}" }
                """));
        assertThat(plan.tasks().get(0).spec().config()).containsEntry("prompt", "Oslo at dusk, ${literal}");
    }

    @Test
    void should_report_dependency_cycles() {
        List<String> e = errors(pipeline("""
                  - step_type: text_to_image
                    id: a
                    provider: fake
                    depends_on: [b]
                    config: { prompt: x }
                  - step_type: text_to_image
                    id: b
                    provider: fake
                    config: { prompt: x }
                """));
        assertThat(e).singleElement().asString()
                .contains("dependency cycle: ")
                .containsAnyOf("a waits for b waits for a", "b waits for a waits for b");
    }

    @Test
    void should_report_a_cycle_made_by_a_template_reference_to_a_later_step() {
        List<String> e = errors(pipeline("""
                  - step_type: prompt_generation
                    id: first
                    provider: fake
                    config: { prompt: "{{steps.second.text}}" }
                  - step_type: prompt_generation
                    id: second
                    provider: fake
                    config: { prompt: x }
                """));
        assertThat(e).singleElement().asString().contains("dependency cycle");
    }

    @Test
    void should_report_duplicate_ids_and_unknown_dependencies() {
        List<String> e = errors(pipeline("""
                  - step_type: text_to_image
                    id: a
                    provider: fake
                    config: { prompt: x }
                    output_filename: a.png
                  - step_type: text_to_image
                    id: a
                    provider: fake
                    depends_on: [aa, zzz]
                    config: { prompt: x }
                    output_filename: b.png
                """));
        assertThat(e).hasSize(3);
        assertThat(e.get(0)).contains(":9:9: error: step 'a': duplicate id 'a'");
        assertThat(e.get(1)).contains("depends_on names unknown step 'aa'").contains("did you mean 'a'?");
        assertThat(e.get(2)).contains("depends_on names unknown step 'zzz'");
    }

    @Test
    void should_keep_outputs_inside_the_output_directory() {
        List<String> e = errors(pipeline("""
                  - step_type: text_to_image
                    provider: fake
                    config: { prompt: x }
                    output_filename: /etc/passwd.png
                  - step_type: text_to_image
                    provider: fake
                    config: { prompt: x }
                    output_filename: ../../escape.png
                  - step_type: text_to_image
                    provider: fake
                    config: { prompt: x }
                    output_filename: sound.mp3
                  - step_type: text_to_image
                    provider: fake
                    config: { prompt: x }
                    output_filename: images/../sound.png
                  - step_type: text_to_image
                    provider: fake
                    config: { prompt: x }
                    output_filename: sound.png
                """));
        assertThat(e).hasSize(4);
        assertThat(e.get(0)).contains(":6:22: error: step 'text_to_image_1': output_filename '/etc/passwd.png' is absolute");
        assertThat(e.get(1)).contains("'../../escape.png' leaves the output folder");
        assertThat(e.get(2)).contains(".mp3 does not fit step type text_to_image, which produces image");
        assertThat(e.get(3)).contains(":22:22: error: step 'text_to_image_5': writes the same file as step"
                + " 'text_to_image_4' (sound.png)");
    }

    @Test
    void should_reject_a_provider_that_lacks_the_capability() {
        List<String> e = errors(pipeline("""
                  - step_type: text_to_image
                    provider: speaker
                    config: { prompt: x }
                """));
        assertThat(e).singleElement().asString()
                .contains(":4:15: error: step 'text_to_image_1': provider 'speaker' cannot do text_to_image")
                .contains("use a provider that can: fake, fal, openai, replicate, runware");
    }

    @Test
    void should_suggest_known_providers_for_an_unknown_one() {
        List<String> e = errors(pipeline("""
                  - step_type: text_to_image
                    provider: fak
                    config: { prompt: x }
                """));
        assertThat(e).singleElement().asString().contains("unknown provider 'fak'").contains("did you mean 'fake'?");
    }

    @Test
    void should_refuse_to_run_with_a_provider_that_is_not_installed_but_only_warn_when_checking() {
        String yaml = pipeline("""
                  - step_type: text_to_image
                    config: { prompt: x, model: flux-dev }
                """);
        PlanResult check = acp().check(yaml);
        assertThat(check.errors()).isEmpty();
        assertThat(check.warnings()).singleElement().extracting(Problem::render).asString()
                .contains("provider 'fal' (chosen by model flux-dev) is not available in this build")
                .contains("--offline");
        PlanResult run = acp().checkForRun(yaml, RunSettings.run(dir));
        assertThat(run.errors()).singleElement().extracting(Problem::render).asString()
                .contains(":4:33: error: step 'text_to_image_1': provider 'fal' (chosen by model flux-dev)");
    }

    @Test
    void should_reject_a_model_of_another_capability() {
        List<String> e = errors(pipeline("""
                  - step_type: text_to_video
                    config: { prompt: x, model: flux-dev }
                """));
        assertThat(e).singleElement().asString()
                .contains("model 'flux-dev' is a text_to_image model, but this is a text_to_video step");
    }

    @Test
    void should_check_input_files_exist() {
        List<String> e = errors(pipeline("""
                  - step_type: image_to_image
                    provider: fake
                    config: { image: missing.png }
                """));
        assertThat(e).singleElement().asString().contains("config.image: file not found: " + dir.resolve("missing.png"));
    }

    @Test
    void should_validate_inputs_and_set_values() {
        String yaml = """
                pipeline_name: t
                inputs:
                  topic: { type: string }
                  count: { type: integer, default: 2 }
                  style: { type: string, default: cinematic, enum: [cinematic, cartoon] }
                steps:
                  - step_type: text_to_image
                    provider: fake
                    config: { prompt: "{{inputs.topic}} x{{inputs.count}} {{inputs.style}}" }
                """;
        PlanResult missing = acp().checkForRun(yaml, RunSettings.run(dir));
        assertThat(missing.errors()).singleElement().extracting(Problem::render).asString()
                .contains(":3:3: error: input 'topic' has no value").contains("--set topic=...");
        PlanResult bad = acp().checkForRun(yaml, RunSettings.run(dir)
                .withInputs(Map.of("topic", "owls", "count", "many", "stlye", "x")));
        assertThat(bad.errors()).extracting(Problem::render).anySatisfy(m -> assertThat(m)
                .contains("--set: error: input 'count' is integer but got 'many'"));
        assertThat(bad.errors()).extracting(Problem::render).anySatisfy(m -> assertThat(m)
                .contains("unknown input 'stlye'").contains("did you mean 'style'?"));
        PlanResult notAllowed = acp().checkForRun(yaml, RunSettings.run(dir)
                .withInputs(Map.of("topic", "owls", "style", "noir")));
        assertThat(notAllowed.errors()).singleElement().extracting(Problem::render).asString()
                .contains("input 'style' is 'noir', not one of its allowed values");
        PlanResult ok = acp().checkForRun(yaml, RunSettings.run(dir).withInputs(Map.of("topic", "owls", "count", "3")));
        assertThat(ok.errors()).isEmpty();
        assertThat(ok.plan().inputs()).containsEntry("topic", "owls").containsEntry("count", 3L)
                .containsEntry("style", "cinematic");
    }

    @Test
    void should_read_a_text_file_input_and_refuse_missing_empty_or_binary_files() throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir.resolve("stories"));
        java.nio.file.Files.writeString(dir.resolve("stories/tale.txt"), "\uFEFFOnce upon a time, a keeper.\n");
        java.nio.file.Files.writeString(dir.resolve("mine.txt"), "My own story.");
        java.nio.file.Files.writeString(dir.resolve("blank.txt"), " \n\t\n");
        java.nio.file.Files.write(dir.resolve("video.txt"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc3});
        String yaml = """
                pipeline_name: t
                inputs:
                  story: { type: text_file, default: stories/tale.txt }
                steps:
                  - step_type: prompt_generation
                    provider: fake
                    config: { prompt: "{{inputs.story}}" }
                """;
        PlanResult byDefault = acp().checkForRun(yaml, RunSettings.run(dir));
        assertThat(byDefault.errors()).isEmpty();
        assertThat(byDefault.plan().inputs()).containsEntry("story", "Once upon a time, a keeper.\n");
        PlanResult set = acp().checkForRun(yaml, RunSettings.run(dir).withInputs(Map.of("story", "mine.txt")));
        assertThat(set.plan().inputs()).containsEntry("story", "My own story.");

        assertThat(acp().checkForRun(yaml, RunSettings.run(dir).withInputs(Map.of("story", "blank.txt"))).errors())
                .singleElement().extracting(Problem::render).asString()
                .contains("--set: error: input 'story': " + dir.resolve("blank.txt") + " is empty");
        assertThat(acp().checkForRun(yaml, RunSettings.run(dir).withInputs(Map.of("story", "video.txt"))).errors())
                .singleElement().extracting(Problem::render).asString().contains("is not UTF-8 text");
        assertThat(acp().checkForRun(yaml, RunSettings.run(dir).withInputs(Map.of("story", "gone.txt"))).errors())
                .singleElement().extracting(Problem::render).asString()
                .contains("input 'story': file not found: " + dir.resolve("gone.txt"));
        PlanResult missingDefault = acp().checkForRun(yaml.replace("stories/tale.txt", "stories/none.txt"),
                RunSettings.run(dir));
        assertThat(missingDefault.errors()).singleElement().extracting(Problem::render).asString()
                .contains(":3:3: error: input 'story': file not found").contains("--set story=FILE");
    }

    @Test
    void should_reject_references_inside_a_group_and_collect_all_outputs() {
        List<String> e = errors(pipeline("""
                  - step_type: parallel_group
                    id: voices
                    steps:
                      - step_type: text_to_speech
                        id: v1
                        provider: fake
                        config: { text: a }
                      - step_type: text_to_speech
                        id: v2
                        provider: fake
                        config: { text: "{{steps.v1.output}}" }
                  - step_type: avatar_generation
                    provider: fake
                    config: { image: "{{steps.voices.output}}", audio: "{{steps.v1.output}}" }
                """));
        assertThat(e).hasSize(2);
        assertThat(e.get(0)).contains("{{steps.v1.output}} refers to its own parallel group");
        assertThat(e.get(1)).contains("group 'voices' collects all members' outputs, so it has no single output");
    }

    @Test
    void should_not_check_what_disabled_steps_refer_to_nor_let_them_own_output_names() {
        PlanResult r = acp().check(pipeline("""
                  - { step_type: text_to_image, id: a, enabled: false, provider: fake, config: { prompt: x },
                      output_filename: same.png }
                  - { step_type: image_to_image, id: b, enabled: false, provider: fake,
                      config: { image: "{{steps.a.output}}", filter: missing.png } }
                  - { step_type: image_to_image, id: c, enabled: false, provider: fake, config: { image: nowhere.png } }
                  - { step_type: text_to_image, id: d, provider: fake, config: { prompt: x }, output_filename: same.png }
                  - { step_type: text_to_image, id: e, provider: fake, config: { prompt: x }, output_filename: same.png }
                """));
        assertThat(r.errors()).singleElement().extracting(Problem::render).asString()
                .contains("step 'e': writes the same file as step 'd'");
    }

    @Test
    void should_reserve_run_json_and_refuse_outputs_where_a_folder_exists() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("output/taken.png"));
        List<String> e = errors(pipeline("""
                  - { step_type: prompt_generation, provider: fake, config: { prompt: x }, output_filename: run.json }
                  - { step_type: text_to_image, provider: fake, config: { prompt: x }, output_filename: taken.png }
                """));
        assertThat(e).hasSize(2);
        assertThat(e.get(0)).contains("run.json is the name of the run's report");
        assertThat(e.get(1)).contains("a folder already exists where the output goes");
    }

    @Test
    void should_refuse_dependencies_on_members_that_a_first_success_group_may_cancel() {
        List<String> e = errors(pipeline("""
                  - step_type: parallel_group
                    id: race
                    parallel_config: { merge_strategy: first_success }
                    steps:
                      - { step_type: prompt_generation, id: fast, provider: fake, config: { prompt: x } }
                      - { step_type: prompt_generation, id: slow, provider: fake, config: { prompt: x } }
                  - { step_type: prompt_generation, id: after, depends_on: [fast], provider: fake,
                      config: { prompt: "{{steps.slow.text}} {{steps.race.text}}" } }
                """));
        assertThat(e).hasSize(2);
        assertThat(e).anySatisfy(m -> assertThat(m).contains("'fast' is a member of first_success group 'race'")
                .contains("depend on the group 'race' instead"));
        assertThat(e).anySatisfy(m -> assertThat(m).contains("{{steps.slow.text}}: 'slow' is a member of first_success")
                .contains("use {{steps.race.text}}"));
    }

    @Test
    void should_treat_a_group_whose_members_are_all_disabled_as_disabled() {
        List<String> e = errors(pipeline("""
                  - step_type: parallel_group
                    id: g
                    parallel_config: { merge_strategy: first_success }
                    steps:
                      - { step_type: prompt_generation, id: only, enabled: false, provider: fake, config: { prompt: x } }
                  - { step_type: prompt_generation, provider: fake, config: { prompt: "{{steps.g.text}}" } }
                """));
        assertThat(e).singleElement().asString().contains("refers to step 'g', which is disabled");
    }

    @Test
    void should_report_every_problem_at_once_in_file_order() {
        List<String> e = errors("""
                pipeline_name: t
                global_config: { cost_limit: -3, paralel_enabled: true }
                steps:
                  - step_type: text_to_imagee
                  - step_type: text_to_speech
                    provider: fake
                    config: {}
                  - step_type: parallel_group
                    parallel_config: { merge_strategy: best, max_workers: 0 }
                    steps: []
                """);
        assertThat(e).extracting(m -> m.replaceAll("^.*pipeline.yaml:(\\d+):.*$", "$1"))
                .containsExactly("2", "2", "4", "7", "9", "9", "10");
        assertThat(e.get(4)).contains("unknown merge_strategy 'best'");
    }
}
