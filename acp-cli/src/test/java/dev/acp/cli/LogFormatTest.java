package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pipeline run --log-format json}: the run's events as JSON lines on stderr, for scripts and CI. */
class LogFormatTest {
    @TempDir
    Path dir;

    private static List<JsonNode> events(String stderr) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : stderr.lines().toList()) {
            // Every line is one JSON object: nothing else is mixed in.
            out.add(new ObjectMapper().readTree(line));
        }
        return out;
    }

    private static List<String> names(List<JsonNode> events) {
        return events.stream().map(e -> e.get("event").asText()).toList();
    }

    @Test
    void every_event_of_a_run_is_one_json_line_on_stderr() throws IOException {
        Files.writeString(dir.resolve("p.yaml"), """
                pipeline_name: logged
                output_directory: out
                steps:
                  - { step_type: text_to_image, id: flaky, provider: scripted, retry_count: 1,
                      config: { prompt: x, script_fail: transient, script_fail_times: 1 } }
                  - { step_type: text_to_image, id: broken, depends_on: [], provider: scripted,
                      config: { prompt: y, script_fail: validation } }
                  - { step_type: prompt_generation, id: words, depends_on: [], provider: local, config: { prompt: hi } }
                """);
        CliRunner.Result r = new CliRunner(dir).run("pipeline", "run", "-c", "p.yaml", "--log-format", "json");
        assertThat(r.exitCode()).isEqualTo(1);
        List<JsonNode> events = events(r.err());
        assertThat(names(events).getFirst()).isEqualTo("run_started");
        assertThat(names(events).getLast()).isEqualTo("run_finished");
        assertThat(names(events)).contains("step_started", "step_retrying", "step_finished", "cost_settled");
        assertThat(events).allSatisfy(e -> assertThat(e.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z"));

        JsonNode retry = events.stream().filter(e -> e.get("event").asText().equals("step_retrying")).findFirst()
                .orElseThrow();
        assertThat(retry.get("step_id").asText()).isEqualTo("flaky");
        assertThat(retry.get("attempt").asInt()).isEqualTo(2);
        assertThat(retry.get("error").get("kind").asText()).isEqualTo("transient");

        JsonNode flaky = finished(events, "flaky");
        assertThat(flaky.get("status").asText()).isEqualTo("succeeded");
        assertThat(flaky.get("attempts").asInt()).isEqualTo(2);
        assertThat(flaky.get("output_path").asText()).isEqualTo(dir.resolve("out/flaky.png").toString());
        JsonNode broken = finished(events, "broken");
        assertThat(broken.get("status").asText()).isEqualTo("failed");
        assertThat(broken.get("error").get("kind").asText()).isEqualTo("validation");

        // The local engine settles its cost ($0); the scripted test provider reports none, so it has no such event.
        assertThat(events.stream().filter(e -> e.get("event").asText().equals("cost_settled"))
                .map(e -> e.get("step_id").asText())).containsExactly("words");

        JsonNode started = events.getFirst();
        assertThat(started.get("pipeline_name").asText()).isEqualTo("logged");
        assertThat(started.get("steps").asInt()).isEqualTo(3);
        JsonNode end = events.getLast();
        assertThat(end.get("status").asText()).isEqualTo("partial");
        assertThat(end.get("failed_steps").toString()).contains("broken");
        // The summary for people stays on stdout.
        assertThat(r.out()).contains("finished with failures");
    }

    private static JsonNode finished(List<JsonNode> events, String step) {
        return events.stream().filter(e -> e.get("event").asText().equals("step_finished")
                && e.get("step_id").asText().equals(step)).findFirst().orElseThrow();
    }

    @Test
    void the_text_log_is_unchanged_without_the_option() throws IOException {
        Files.writeString(dir.resolve("p.yaml"), """
                pipeline_name: plain
                output_directory: out
                steps:
                  - { step_type: text_to_image, id: a, provider: scripted, config: { prompt: x } }
                """);
        CliRunner.Result r = new CliRunner(dir).run("pipeline", "run", "-c", "p.yaml");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).contains("started a (text_to_image via scripted)").doesNotContain("{\"event\"");
    }
}
