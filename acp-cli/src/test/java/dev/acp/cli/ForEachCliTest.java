package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code acp config validate} on for_each blocks: a valid block passes, every mistake is located. */
class ForEachCliTest {
    @TempDir
    Path dir;

    private static final String HEAD = """
            pipeline_name: story
            steps:
              - id: scenes
                step_type: story_to_scenes
                provider: scripted
                config: { story: "Once.", num_scenes: 3 }
              - id: scene
                for_each: "{{steps.scenes.items}}"
                max_workers: 2
                steps:
            """;

    @Test
    void should_validate_the_for_each_example_online_and_offline() {
        Path example = Path.of("../examples/for-each.yaml").toAbsolutePath().normalize();
        CliRunner.Result r = new CliRunner(dir).run("config", "validate", example.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        CliRunner.Result offline = new CliRunner(dir).run("config", "validate", "--offline", example.toString());
        assertThat(offline.exitCode()).as(offline.err()).isZero();
    }

    @Test
    void should_accept_a_valid_block_and_report_every_for_each_mistake_with_its_location() throws IOException {
        Files.writeString(dir.resolve("ok.yaml"), HEAD + """
                      - id: image
                        step_type: text_to_image
                        provider: scripted
                        config: { prompt: "{{item.image_prompt}}", seed: "{{index}}" }
                        output_filename: "scene_{{index}}.png"
                  - id: all
                    step_type: prompt_generation
                    provider: scripted
                    config: { prompt: "{{steps.image.outputs}}" }
                """);
        CliRunner.Result ok = new CliRunner(dir).run("config", "validate", "ok.yaml");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("is valid");

        Files.writeString(dir.resolve("bad.yaml"), HEAD + """
                      - id: image
                        step_type: text_to_image
                        provider: scripted
                        config: { prompt: "{{item.imageprompt}}" }
                        output_filename: scene.png
                  - id: all
                    step_type: prompt_generation
                    provider: scripted
                    config: { prompt: "{{steps.image.output}} {{item.title}}" }
                """);
        CliRunner.Result bad = new CliRunner(dir).run("config", "validate", "bad.yaml");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err())
                .contains("bad.yaml:14:27: error: step 'image': {{item.imageprompt}}: the items of for_each block"
                        + " 'scene' have no field 'imageprompt' (fix: did you mean 'item.image_prompt'?)")
                .contains("bad.yaml:15:26: error: step 'image': output_filename 'scene.png' is the same for every item")
                .contains("use {{steps.image.outputs}}, the list in item order")
                .contains("{{item.title}} is only valid inside a for_each block")
                .contains("4 errors in the pipeline; nothing was run.");
    }
}
