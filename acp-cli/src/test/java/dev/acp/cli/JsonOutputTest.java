package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --format json} for scripts: data commands print one JSON document on stdout, and a
 * failure prints one error object there ({@code {"error": {message, exit_code, kind, ...}}}) while
 * the usual line still goes to stderr; exit codes are those of the text output.
 */
class JsonOutputTest {
    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String PIPELINE = """
            pipeline_name: json_out
            output_directory: out
            steps:
              - { step_type: text_to_image, id: picture, provider: scripted, config: { prompt: "a red fox" } }
            """;

    private static final String BAD = """
            pipeline_name: bad
            steps:
              - step_type: text_to_imag
              - step_type: text_to_speech
                provider: scripted
                config: { txt: hi }
            """;

    private JsonNode json(CliRunner.Result r) throws IOException {
        return JSON.readTree(r.out());
    }

    @Test
    void cache_stats_and_clear_print_json() throws IOException {
        Files.writeString(dir.resolve("p.yaml"), PIPELINE);
        assertThat(new CliRunner(dir).run("pipeline", "run", "-c", "p.yaml").exitCode()).isZero();
        CliRunner.Result stats = new CliRunner(dir).run("cache", "stats", "--format", "json");
        assertThat(stats.exitCode()).as(stats.err()).isZero();
        JsonNode s = json(stats);
        assertThat(s.get("cache").asText()).isEqualTo(dir.resolve(".acp-home/cache").toString());
        assertThat(s.get("entries").asInt()).isEqualTo(1);
        assertThat(s.get("files").asInt()).isEqualTo(1);
        assertThat(s.get("bytes").asLong()).isPositive();
        assertThat(s.has("stored_value")).isTrue();
        assertThat(s.get("hits").asInt()).isZero();

        CliRunner.Result clear = new CliRunner(dir).run("cache", "clear", "--format", "json");
        assertThat(clear.exitCode()).isZero();
        assertThat(json(clear).get("cleared").get("entries").asInt()).isEqualTo(1);
        assertThat(json(new CliRunner(dir).run("cache", "stats", "--format", "json")).get("entries").asInt()).isZero();
    }

    @Test
    void config_validate_prints_the_result_and_every_problem_as_an_object() throws IOException {
        Files.writeString(dir.resolve("p.yaml"), PIPELINE);
        CliRunner.Result ok = new CliRunner(dir).run("config", "validate", "p.yaml", "--format", "json");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        JsonNode valid = json(ok);
        assertThat(valid.get("valid").asBoolean()).isTrue();
        assertThat(valid.get("pipeline_name").asText()).isEqualTo("json_out");
        assertThat(valid.get("steps").asInt()).isEqualTo(1);
        assertThat(valid.get("problems").isArray()).isTrue();

        Files.writeString(dir.resolve("bad.yaml"), BAD);
        CliRunner.Result bad = new CliRunner(dir).run("config", "validate", "bad.yaml", "--format", "json");
        assertThat(bad.exitCode()).isEqualTo(2);
        // People still get the usual lines on stderr.
        assertThat(bad.err()).contains("bad.yaml:3:16: error: step 'steps[1]': unknown step_type 'text_to_imag'");
        JsonNode error = json(bad).get("error");
        assertThat(error.get("exit_code").asInt()).isEqualTo(2);
        assertThat(error.get("kind").asText()).isEqualTo("invalid_pipeline");
        assertThat(error.get("message").asText()).isEqualTo("3 errors in bad.yaml");
        JsonNode first = error.get("problems").get(0);
        assertThat(first.get("file").asText()).isEqualTo(dir.resolve("bad.yaml").toString());
        assertThat(first.get("line").asInt()).isEqualTo(3);
        assertThat(first.get("column").asInt()).isEqualTo(16);
        assertThat(first.get("step").asText()).isEqualTo("steps[1]");
        assertThat(first.get("severity").asText()).isEqualTo("error");
        assertThat(first.get("message").asText()).isEqualTo("unknown step_type 'text_to_imag'");
        assertThat(first.get("fix").asText()).isEqualTo("did you mean 'text_to_image'?");
        assertThat(error.get("problems")).hasSize(3);
    }

    @Test
    void a_run_of_an_invalid_pipeline_prints_the_error_object_with_its_problems() throws IOException {
        Files.writeString(dir.resolve("bad.yaml"), BAD);
        CliRunner.Result r = new CliRunner(dir).run("pipeline", "run", "-c", "bad.yaml", "--format", "json");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("3 errors in the pipeline; nothing was run.");
        JsonNode error = json(r).get("error");
        assertThat(error.get("kind").asText()).isEqualTo("invalid_pipeline");
        assertThat(error.get("exit_code").asInt()).isEqualTo(2);
        assertThat(error.get("message").asText()).isEqualTo("3 errors in the pipeline; nothing was run.");
        assertThat(error.get("problems")).hasSize(3);
    }

    @Test
    void missing_credentials_are_kind_credentials_with_exit_3() throws IOException {
        Files.writeString(dir.resolve("fal.yaml"), """
                pipeline_name: needs_fal
                steps:
                  - { step_type: text_to_image, provider: fal, config: { prompt: x } }
                """);
        CliRunner.Result r = new CliRunner(dir).run("pipeline", "run", "-c", "fal.yaml", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
        JsonNode error = json(r).get("error");
        assertThat(error.get("kind").asText()).isEqualTo("credentials");
        assertThat(error.get("exit_code").asInt()).isEqualTo(3);
        assertThat(error.get("problems").get(0).get("category").asText()).isEqualTo("credentials");
    }

    @Test
    void usage_errors_print_the_error_object_too_and_text_output_stays_text() throws IOException {
        CliRunner.Result badFlag = new CliRunner(dir).run("runs", "list", "--format", "json", "--bogus");
        assertThat(badFlag.exitCode()).isEqualTo(2);
        assertThat(badFlag.err()).contains("acp: error: Unknown option: '--bogus'");
        JsonNode error = json(badFlag).get("error");
        assertThat(error.get("kind").asText()).isEqualTo("usage");
        assertThat(error.get("message").asText()).isEqualTo("Unknown option: '--bogus'");
        assertThat(error.get("exit_code").asInt()).isEqualTo(2);

        CliRunner.Result noRun = new CliRunner(dir).run("runs", "show", "nosuchrun", "--format=JSON");
        assertThat(noRun.exitCode()).isEqualTo(2);
        assertThat(json(noRun).get("error").get("kind").asText()).isEqualTo("usage");

        CliRunner.Result text = new CliRunner(dir).run("runs", "show", "nosuchrun");
        assertThat(text.exitCode()).isEqualTo(2);
        assertThat(text.out()).isEmpty();
        // --log-format json is not --format json.
        CliRunner.Result log = new CliRunner(dir).run("pipeline", "run", "-c", "missing.yaml", "--log-format", "json");
        assertThat(log.out()).doesNotContain("\"error\"");
    }

    @Test
    void init_lists_the_files_it_wrote() throws IOException {
        CliRunner.Result r = new CliRunner(dir).run("init", "-t", "story", "-d", "proj", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode m = json(r);
        assertThat(m.get("template").asText()).isEqualTo("story");
        assertThat(m.get("pipeline").asText()).isEqualTo(dir.resolve("proj/story-to-video.yaml").toString());
        assertThat(m.get("files").toString()).contains("lighthouse-keeper.txt");
    }
}
