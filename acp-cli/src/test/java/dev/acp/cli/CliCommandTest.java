package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands in-process: exit codes, stdout/stderr, reports, and that secrets never print. */
class CliCommandTest {
    @TempDir
    Path dir;

    private static final String OK_PIPELINE = """
            pipeline_name: scripted_ok
            output_directory: out
            steps:
              - step_type: text_to_image
                id: picture
                provider: scripted
                config: { prompt: "a red fox" }
                output_filename: fox.png
              - step_type: prompt_generation
                id: caption
                provider: scripted
                config: { prompt: "caption for {{steps.picture.output}}" }
            """;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void should_print_the_version() {
        CliRunner.Result r = new CliRunner(dir).run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("acp 0.").contains("Java ");
        // The short path prints what picocli prints for the version option.
        java.io.StringWriter picocli = new java.io.StringWriter();
        new picocli.CommandLine(AcpCommand.class).printVersionHelp(new java.io.PrintWriter(picocli, true));
        assertThat(r.out()).isEqualTo(picocli.toString());
        assertThat(new CliRunner(dir).run("-V").out()).isEqualTo(r.out());
    }

    @Test
    void should_show_which_credentials_are_set_but_never_their_values() {
        CliRunner.Result r = new CliRunner(dir).env("FAL_KEY", "fal-secret-1234567890").run("info");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("FAL_KEY set").contains("ELEVENLABS_API_KEY not set")
                .contains("text_to_image").contains("local").contains("hume").contains("retired")
                .doesNotContain("fal-secret-1234567890");
    }

    @Test
    void should_list_openai_speech_and_image_models_with_parameters_and_say_what_replaces_hume() {
        CliRunner.Result r = new CliRunner(dir).run("info");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).containsPattern("gpt-4o-mini-tts +openai +text_to_speech")
                .containsPattern("gpt-image-1 +openai +text_to_image")
                .contains("parameters: description, emotion, instructions, intensity, model, rate, speed, text, voice")
                .contains("hume").contains("2026-11-13")
                .contains("text_to_speech with emotion/intensity/description on elevenlabs, openai or local")
                .contains("text_to_speech emotion: neutral, happy");
    }

    @Test
    void should_validate_every_seed_example() {
        for (String name : new String[] {"content_creation.yaml", "parallel_voices.yaml", "simple_tts.yaml"}) {
            Path seed = Path.of("../examples/seed", name).toAbsolutePath().normalize();
            CliRunner.Result r = new CliRunner(dir).run("config", "validate", seed.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("is valid");
            CliRunner.Result offline = new CliRunner(dir).run("config", "validate", "--offline", seed.toString());
            assertThat(offline.exitCode()).as(offline.err()).isZero();
        }
    }

    @Test
    void should_report_all_validation_errors_with_locations_and_exit_2() throws IOException {
        write("bad.yaml", """
                pipeline_name: bad
                steps:
                  - step_type: text_to_imag
                  - step_type: text_to_speech
                    provider: scripted
                    config: { txt: hi }
                """);
        CliRunner.Result r = new CliRunner(dir).run("config", "validate", "bad.yaml");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("bad.yaml:3:16: error: step 'steps[1]': unknown step_type 'text_to_imag'")
                .contains("bad.yaml:6:20: error: step 'text_to_speech_1': unknown config key 'txt'")
                .contains("did you mean 'text'?")
                .contains("missing config.text")
                .contains("3 errors in the pipeline; nothing was run.");
    }

    @Test
    void should_run_a_pipeline_write_run_json_and_print_a_summary() throws IOException {
        write("p.yaml", OK_PIPELINE);
        CliRunner.Result r = new CliRunner(dir).run("pipeline", "run", "--config", "p.yaml");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("✓ scripted_ok succeeded").contains("picture").contains("out/fox.png")
                .contains("Report: out/run.json");
        assertThat(r.err()).contains("started picture (text_to_image via scripted)");
        JsonNode report = new ObjectMapper().readTree(dir.resolve("out/run.json").toFile());
        assertThat(report.get("pipeline_name").asText()).isEqualTo("scripted_ok");
        assertThat(report.get("success").asBoolean()).isTrue();
        assertThat(report.get("total_steps").asInt()).isEqualTo(2);
        JsonNode first = report.get("step_results").get(0);
        assertThat(first.get("step_id").asText()).isEqualTo("picture");
        assertThat(first.get("output_path").asText()).isEqualTo(dir.resolve("out/fox.png").toString());
        assertThat(first.get("attempts").asInt()).isEqualTo(1);
        assertThat(report.get("step_results").get(1).get("text").asText()).contains(dir.resolve("out/fox.png").toString());
        assertThat(dir.resolve("out/fox.png")).hasContent("scripted output of picture");
    }

    @Test
    void should_print_json_results_for_scripts() throws IOException {
        write("p.yaml", OK_PIPELINE);
        CliRunner.Result r = new CliRunner(dir).run("pipeline", "run", "-c", "p.yaml", "--format", "json");
        assertThat(r.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void should_exit_1_with_a_failure_summary_when_a_step_fails() throws IOException {
        write("p.yaml", """
                pipeline_name: partly
                output_directory: out
                steps:
                  - { step_type: text_to_image, id: a, provider: scripted, config: { prompt: x, script_fail: validation } }
                  - { step_type: text_to_image, id: b, depends_on: [], provider: scripted, config: { prompt: y } }
                """);
        CliRunner.Result r = new CliRunner(dir).run("pipeline", "run", "--config", "p.yaml");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("✗ partly finished with failures").contains("Failures:")
                .contains("a: validation: scripted validation failure (attempt 1)");
        assertThat(dir.resolve("out/b.png")).exists();
        assertThat(dir.resolve("out/run.json")).exists();
    }

    @Test
    void should_write_nothing_when_the_pipeline_is_invalid() throws IOException {
        write("p.yaml", OK_PIPELINE.replace("provider: scripted\n    config: { prompt: \"a red fox\" }",
                "provider: scripted\n    config: { promt: \"a red fox\" }"));
        CliRunner.Result r = new CliRunner(dir).run("pipeline", "run", "--config", "p.yaml");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("did you mean 'prompt'?").contains("nothing was run");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void should_name_the_missing_key_before_anything_is_paid() {
        Path seed = Path.of("../examples/seed/simple_tts.yaml").toAbsolutePath().normalize();
        CliRunner.Result r = new CliRunner(dir).run("pipeline", "run", "--config", seed.toString());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("provider 'elevenlabs' needs ELEVENLABS_API_KEY").contains("--offline")
                .contains("nothing was run");
    }

    @Test
    void should_explain_a_missing_file_and_bad_flags_in_one_line() {
        CliRunner.Result missing = new CliRunner(dir).run("pipeline", "run", "--config", "nope.yaml");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().strip()).contains("nope.yaml: error: file not found");
        CliRunner.Result flag = new CliRunner(dir).run("pipeline", "run", "--confg", "x.yaml");
        assertThat(flag.exitCode()).isEqualTo(2);
        assertThat(flag.err()).contains("Unknown option: '--confg'").contains("Run 'acp pipeline run --help' for usage.");
    }

    @Test
    void should_suggest_the_command_meant_by_a_mistyped_one() {
        CliRunner.Result top = new CliRunner(dir).run("pipline", "run");
        assertThat(top.exitCode()).isEqualTo(2);
        assertThat(top.err()).contains("Unknown command: 'pipline'; did you mean 'pipeline'?")
                .contains("Run 'acp --help' for usage.");
        CliRunner.Result sub = new CliRunner(dir).run("config", "validat", "x.yaml");
        assertThat(sub.exitCode()).isEqualTo(2);
        assertThat(sub.err()).contains("Unknown command: 'validat'; did you mean 'validate'?");
    }

    @Test
    void should_list_every_command_in_help_although_a_command_line_builds_only_the_one_it_names() {
        CliRunner.Result help = new CliRunner(dir).run("--help");
        assertThat(help.exitCode()).isZero();
        for (String name : AcpCommand.SUBCOMMANDS.keySet()) {
            assertThat(help.out()).containsPattern("(?m)^  " + name + " ");
        }
        CliRunner.Result stacktraceFirst = new CliRunner(dir).run("--stacktrace", "config", "validate", "nope.yaml");
        assertThat(stacktraceFirst.exitCode()).isEqualTo(2);
        assertThat(stacktraceFirst.err()).contains("nope.yaml");
    }

    @Test
    void should_set_inputs_from_the_command_line() throws IOException {
        write("p.yaml", """
                pipeline_name: inputs
                output_directory: out
                inputs:
                  subject: { type: string }
                steps:
                  - { step_type: prompt_generation, id: idea, provider: scripted, config: { prompt: "{{inputs.subject}}" } }
                """);
        CliRunner.Result r = new CliRunner(dir).run("pipeline", "run", "-c", "p.yaml", "--set", "subject=lighthouse");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(dir.resolve("out/idea.txt")).hasContent("scripted text of idea: lighthouse");
        CliRunner.Result missing = new CliRunner(dir).run("pipeline", "run", "-c", "p.yaml");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("input 'subject' has no value");
    }

    @Test
    void should_stop_cleanly_write_the_report_and_exit_5_when_interrupted() throws IOException {
        write("p.yaml", """
                pipeline_name: long
                output_directory: out
                steps:
                  - { step_type: text_to_image, id: quick, provider: scripted, config: { prompt: x } }
                  - { step_type: text_to_image, id: slow, provider: scripted, config: { prompt: x, script_hang: true } }
                  - { step_type: text_to_image, id: never, provider: scripted, config: { prompt: x } }
                """);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            // Simulates Ctrl-C once the hanging step is running.
            CliContext.Interrupts ctrlC = action -> {
                timer.scheduleAtFixedRate(() -> {
                    if (Files.exists(dir.resolve("out/quick.png"))) {
                        action.run();
                    }
                }, 50, 50, TimeUnit.MILLISECONDS);
                return () -> {};
            };
            CliRunner.Result r = new CliRunner(dir).interrupts(ctrlC).run("pipeline", "run", "-c", "p.yaml");
            assertThat(r.exitCode()).isEqualTo(5);
            assertThat(r.out()).contains("■ long was interrupted").contains("Completed outputs were kept.");
            JsonNode report = new ObjectMapper().readTree(dir.resolve("out/run.json").toFile());
            assertThat(report.get("status").asText()).isEqualTo("interrupted");
            assertThat(report.get("step_results").get(1).get("status").asText()).isEqualTo("cancelled");
            assertThat(report.get("step_results").get(2).get("attempts").asInt()).isZero();
            assertThat(dir.resolve("out/quick.png")).exists();
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void should_mask_secret_values_in_messages_output_and_the_report() throws IOException {
        // A secret-looking variable reaches a pipeline only when config.yaml allows it; its value
        // is still masked wherever ACP prints or writes it.
        String key = "brand-key-0123456789abcdef";
        Files.createDirectories(dir.resolve(".acp-home"));
        Files.writeString(dir.resolve(".acp-home/config.yaml"), "template_variables: [MY_SIGNING_KEY]\n");
        write("bad.yaml", """
                pipeline_name: leaky
                steps:
                  - { step_type: text_to_image, provider: scripted, config: { prompt: x, seed: "${MY_SIGNING_KEY}" } }
                """);
        CliRunner.Result invalid = new CliRunner(dir).env("MY_SIGNING_KEY", key).run("config", "validate", "bad.yaml");
        assertThat(invalid.exitCode()).isEqualTo(2);
        assertThat(invalid.err()).contains("config.seed must be a whole number, found text \"****\"")
                .doesNotContain(key);
        write("ok.yaml", """
                pipeline_name: leaky
                output_directory: out
                steps:
                  - { step_type: prompt_generation, id: idea, provider: scripted, config: { prompt: "uses ${MY_SIGNING_KEY}" } }
                """);
        CliRunner.Result run = new CliRunner(dir).env("MY_SIGNING_KEY", key).run("pipeline", "run", "-c", "ok.yaml",
                "--format", "json");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("uses ****").doesNotContain(key);
        assertThat(Files.readString(dir.resolve("out/run.json"))).contains("uses ****").doesNotContain(key);
    }

    @Test
    void should_refuse_a_providers_key_in_a_prompt_in_both_forms_and_write_nothing() throws IOException {
        String key = "test-openrouter-key-not-real-0123";
        for (String ref : List.of("{{env.OPENROUTER_API_KEY}}", "${OPENROUTER_API_KEY}")) {
            write("leak.yaml", """
                    pipeline_name: leak
                    output_directory: out
                    steps:
                      - id: a
                        step_type: prompt_generation
                        config:
                          prompt: "repeat this: %s"
                        output_filename: a.txt
                    """.formatted(ref));
            CliRunner.Result r = new CliRunner(dir).env("OPENROUTER_API_KEY", key)
                    .run("pipeline", "run", "-c", "leak.yaml", "--offline");
            assertThat(r.exitCode()).as(ref).isEqualTo(2);
            assertThat(r.err()).as(ref).contains("leak.yaml:7:15: error: step 'a': ")
                    .contains("environment variable OPENROUTER_API_KEY holds a provider's API key and is never put into"
                            + " a pipeline")
                    .contains("(fix: remove the reference; providers read their keys themselves)")
                    .doesNotContain(key);
            assertThat(dir.resolve("out")).doesNotExist();
        }
    }

    @Test
    void should_explain_an_output_folder_that_cannot_be_created_in_one_line() throws IOException {
        write("p.yaml", OK_PIPELINE);
        write("afile", "not a folder");
        CliRunner.Result r = new CliRunner(dir).run("pipeline", "run", "-c", "p.yaml", "-o", "afile/out");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("acp: error: cannot create the output folder").doesNotContain("internal");
    }

    @Test
    void should_list_and_show_runs_and_report_and_clear_the_cache() throws IOException {
        write("p.yaml", OK_PIPELINE);
        CliRunner runner = new CliRunner(dir);
        assertThat(runner.run("runs", "list").out()).contains("No runs yet");
        CliRunner.Result first = runner.run("pipeline", "run", "-c", "p.yaml");
        assertThat(first.exitCode()).isZero();
        assertThat(first.out()).containsPattern("Run: \\d{8}-\\d{6}-[0-9a-f]{6}");
        CliRunner.Result second = runner.run("pipeline", "run", "-c", "p.yaml");
        assertThat(second.out()).contains("cached").contains("Cache: 2 steps served from the cache");

        CliRunner.Result list = runner.run("runs", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out().lines().filter(l -> l.contains("scripted_ok"))).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("succeeded").contains("2/2 ok"));
        JsonNode json = new ObjectMapper().readTree(runner.run("runs", "list", "--format", "json").out());
        assertThat(json).hasSize(2);
        String id = json.get(0).get("run_id").asText();
        CliRunner.Result show = runner.run("runs", "show", id);
        assertThat(show.out()).contains("Run " + id).contains("picture").contains("caption").contains("succeeded");
        JsonNode shown = new ObjectMapper().readTree(runner.run("runs", "show", "latest", "--format", "json").out());
        assertThat(shown.get("run_id").asText()).isEqualTo(id);
        assertThat(shown.get("steps")).hasSize(2);
        assertThat(runner.run("runs", "show", "nosuchrun").err()).contains("no run 'nosuchrun'");

        assertThat(runner.run("cache", "stats").out()).contains("Entries: 2 step results").contains("Hits: 2");
        assertThat(runner.run("cache", "clear").out()).contains("Cleared").contains("2 step results");
        assertThat(runner.run("cache", "stats").out()).contains("Entries: 0 step results");
    }

    @Test
    void should_resume_an_interrupted_run_by_id() throws IOException {
        write("p.yaml", """
                pipeline_name: stop_and_go
                output_directory: out
                steps:
                  - { step_type: text_to_image, id: quick, provider: scripted, config: { prompt: x } }
                  - { step_type: text_to_image, id: slow, provider: scripted, config: { prompt: "{{env.HANG}}" } }
                """);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            CliContext.Interrupts ctrlC = action -> {
                timer.schedule(action, 300, TimeUnit.MILLISECONDS);
                return () -> {};
            };
            // The second step hangs until the run is interrupted.
            CliRunner hanging = new CliRunner(dir).env("HANG", "x").interrupts(ctrlC);
            write("p.yaml", Files.readString(dir.resolve("p.yaml"))
                    .replace("prompt: \"{{env.HANG}}\" }", "prompt: y, script_hang: true }"));
            CliRunner.Result interrupted = hanging.run("pipeline", "run", "-c", "p.yaml");
            assertThat(interrupted.exitCode()).isEqualTo(5);
            String id = interrupted.out().lines().filter(l -> l.startsWith("Resume with: ")).findFirst().orElseThrow()
                    .replace("Resume with: acp pipeline run --resume ", "").trim();
            write("p.yaml", Files.readString(dir.resolve("p.yaml")).replace(", script_hang: true", ""));
            CliRunner.Result resumed = new CliRunner(dir).run("pipeline", "run", "--resume", id, "-c", "p.yaml");
            assertThat(resumed.exitCode()).as(resumed.err()).isZero();
            assertThat(resumed.err()).contains("acp: resume: the pipeline file changed").contains("slow");
            assertThat(resumed.out()).contains("resumed").contains("Run: " + id);
            CliRunner.Result again = new CliRunner(dir).run("pipeline", "run", "--resume", id, "--offline");
            assertThat(again.exitCode()).isEqualTo(2);
            assertThat(again.err()).contains("--offline differs from the run being resumed (run " + id
                    + " started without it)");
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void a_resume_accepts_the_runs_own_settings_and_names_one_that_differs() throws IOException {
        write("p.yaml", """
                pipeline_name: own_settings
                output_directory: out
                inputs:
                  subject: { type: string, default: harbour }
                steps:
                  - { step_type: prompt_generation, id: idea, config: { prompt: "a {{inputs.subject}} at dawn" } }
                """);
        CliRunner.Result first = new CliRunner(dir).run("pipeline", "run", "-c", "p.yaml", "--offline", "--set",
                "subject=lighthouse");
        assertThat(first.exitCode()).as(first.err()).isZero();
        CliRunner.Result same = new CliRunner(dir).run("pipeline", "run", "--resume", "latest", "--offline", "--set",
                "subject=lighthouse");
        assertThat(same.exitCode()).as(same.err()).isZero();
        assertThat(same.err()).contains("had already succeeded");
        CliRunner.Result other = new CliRunner(dir).run("pipeline", "run", "--resume", "latest", "--offline", "--set",
                "subject=desert");
        assertThat(other.exitCode()).isEqualTo(2);
        assertThat(other.err()).contains("--set subject=desert differs from the run being resumed")
                .contains("has subject=lighthouse");
    }

    @Test
    void should_say_in_words_when_a_command_runs_out_of_memory() throws IOException {
        write("p.yaml", OK_PIPELINE);
        CliRunner runner = new CliRunner(dir).acpFactory(env -> {
            throw new OutOfMemoryError("Java heap space");
        });
        CliRunner.Result r = runner.run("pipeline", "run", "-c", "p.yaml");
        assertThat(r.exitCode()).isEqualTo(70);
        assertThat(r.err()).contains("acp: error: ran out of memory").contains("ACP_JAVA_OPTS=-Xmx2g")
                .doesNotContain("OutOfMemoryError").doesNotContain("\tat ");
    }

    @Test
    void should_map_unexpected_errors_to_exit_70_with_a_stack_trace_only_on_request() throws IOException {
        write("p.yaml", OK_PIPELINE);
        CliRunner runner = new CliRunner(dir).acpFactory(env -> {
            throw new IllegalStateException("registry exploded");
        });
        CliRunner.Result r = runner.run("pipeline", "run", "-c", "p.yaml");
        assertThat(r.exitCode()).isEqualTo(70);
        assertThat(r.err()).contains("acp: error: an internal error (registry exploded)")
                .contains("--stacktrace").doesNotContain("\tat ").doesNotContain("IllegalStateException");
        CliRunner.Result withTrace = runner.run("pipeline", "run", "-c", "p.yaml", "--stacktrace");
        assertThat(withTrace.err()).contains("\tat ");
    }
}
