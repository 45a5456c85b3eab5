package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.engine.RunControl;
import dev.acp.engine.RunResult;
import dev.acp.env.Environment;
import dev.acp.Acp;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.RunSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live display redraws running steps in place; plain mode writes log lines; colour is optional. */
class ProgressDisplayTest {
    @TempDir
    Path dir;

    private RunResult run(ProgressDisplay display) throws Exception {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, """
                pipeline_name: show
                output_directory: out
                steps:
                  - { step_type: text_to_image, id: slow, provider: scripted, config: { prompt: x, script_sleep_ms: 600 } }
                  - { step_type: text_to_image, id: broken, provider: scripted, config: { prompt: x, script_fail: validation } }
                """);
        Acp acp = Acp.create(Environment.of(Map.of("ACP_HOME", dir.resolve("home").toString())));
        ExecutionPlan plan = acp.plan(file, RunSettings.run(dir));
        try (display) {
            return acp.unguardedEngine().run(plan, display, new RunControl());
        }
    }

    @Test
    void live_mode_redraws_running_steps_with_elapsed_time() throws Exception {
        StringWriter out = new StringWriter();
        run(ProgressDisplay.create(new PrintWriter(out), new Terminal(true, false, 100), dir));
        String text = out.toString();
        assertThat(text).contains("Running show");
        assertThat(text).containsPattern("slow text_to_image via scripted \\d\\.\\d s");
        assertThat(text).contains("\u001b[1F\u001b[J"); // moves up over the previous frame and clears it
        assertThat(text).contains("✓ slow scripted").contains("✗ broken scripted")
                .contains("validation: scripted validation failure");
        assertThat(text).doesNotContain("\u001b[32m"); // no colour when colour is off
    }

    @Test
    void colour_is_used_only_when_allowed() throws Exception {
        StringWriter out = new StringWriter();
        run(ProgressDisplay.create(new PrintWriter(out), new Terminal(true, true, 100), dir));
        assertThat(out.toString()).contains("\u001b[32m✓\u001b[0m");
    }

    @Test
    void the_first_line_counts_the_steps_and_the_steps_each_for_each_item_adds() throws Exception {
        Path file = dir.resolve("fan.yaml");
        Files.writeString(file, """
                pipeline_name: fan
                output_directory: out
                inputs: { shots: { type: list, default: [a, b, c] } }
                steps:
                  - { step_type: text_to_image, id: cover, provider: scripted, config: { prompt: x } }
                  - id: shot
                    for_each: "{{inputs.shots}}"
                    steps:
                      - { step_type: text_to_image, id: picture, provider: scripted, config: { prompt: "{{item}}" },
                          output_filename: "picture_{{index}}.png" }
                      - { step_type: text_to_speech, id: voice, provider: scripted, config: { text: "{{item}}" },
                          output_filename: "voice_{{index}}.mp3" }
                """);
        Acp acp = Acp.create(Environment.of(Map.of("ACP_HOME", dir.resolve("home").toString())));
        ExecutionPlan plan = acp.plan(file, RunSettings.run(dir));
        assertThat(ProgressDisplay.stepCount(plan)).isEqualTo("1 step, plus 2 per item of 'shot'");
    }

    @Test
    void plain_mode_writes_one_timestamped_line_per_event() throws Exception {
        StringWriter out = new StringWriter();
        run(ProgressDisplay.create(new PrintWriter(out), Terminal.plain(), dir));
        assertThat(out.toString().lines())
                .anySatisfy(l -> assertThat(l).matches("\\d\\d:\\d\\d:\\d\\d started slow \\(text_to_image via scripted\\)"))
                .anySatisfy(l -> assertThat(l).matches("\\d\\d:\\d\\d:\\d\\d ✓ slow scripted \\d\\.\\d s → out/slow.png"))
                .noneMatch(l -> l.contains("\u001b["));
    }

    @Test
    void no_color_and_dumb_terminals_get_no_escape_codes() {
        Terminal noColor = Terminal.detect(Environment.of(Map.of("NO_COLOR", "1", "TERM", "xterm")));
        assertThat(noColor.color()).isFalse();
        Terminal dumb = Terminal.detect(Environment.of(Map.of("TERM", "dumb")));
        assertThat(dumb.interactive()).isFalse();
        assertThat(dumb.color()).isFalse();
        assertThat(noColor.green("ok")).isEqualTo("ok");
    }
}
