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

/** {@code acp batch run|estimate} in-process: the offline example end to end, problems, Ctrl-C and resume, runs list. */
class BatchCommandTest {
    @TempDir
    Path dir;

    private static final Path EXAMPLE = JarRunner.REPO.resolve("examples/batch/product-cards.yaml");

    /** The offline engines write MP3 speech with ffmpeg: the one extracted once for all tests. */
    private CliRunner cli() {
        return new CliRunner(dir).env("ACP_FFMPEG", JarRunner.ffmpeg().toString());
    }

    private void write(String name, String text) throws IOException {
        Files.createDirectories(dir.resolve(name).getParent());
        Files.writeString(dir.resolve(name), text);
    }

    @Test
    void ten_rows_of_the_offline_example_each_make_their_three_outputs_and_the_results_list_them() throws Exception {
        Files.copy(EXAMPLE, dir.resolve("cards.yaml"));
        StringBuilder csv = new StringBuilder("id,product,style\n");
        String[] styles = {"realistic", "cartoon", "watercolor", "anime", "cinematic"};
        for (int i = 1; i <= 10; i++) {
            csv.append("p").append(i).append(",\"product ").append(i).append(", boxed\",").append(styles[i % 5])
                    .append('\n');
        }
        write("rows.csv", csv.toString());
        CliRunner.Result r = cli().run("batch", "run", "-c", "cards.yaml", "-i", "rows.csv", "--offline",
                "--concurrency", "4", "-o", "cards");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("10 rows: 10 succeeded").contains("Results: cards/batch.json, cards/batch.csv");
        for (int i = 1; i <= 10; i++) {
            Path row = dir.resolve("cards/p" + i);
            assertThat(row.resolve("card.png")).isNotEmptyFile();
            assertThat(row.resolve("caption.txt")).isNotEmptyFile();
            assertThat(row.resolve("line.mp3")).isNotEmptyFile();
        }
        JsonNode json = new ObjectMapper().readTree(dir.resolve("cards/batch.json").toFile());
        assertThat(json.get("status").asText()).isEqualTo("completed");
        assertThat(json.get("rows")).hasSize(10);
        assertThat(json.get("rows").get(3).get("outputs")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("card.png", "caption.txt", "line.mp3");
        List<String> lines = Files.readAllLines(dir.resolve("cards/batch.csv"));
        assertThat(lines).hasSize(11);
        assertThat(lines.get(10)).startsWith("p10,11,succeeded,");

        // acp runs list shows the batch and its rows; runs show BATCH shows all of them.
        String id = json.get("batch_id").asText();
        CliRunner.Result list = cli().run("runs", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains("Batch " + id).contains("product_cards").contains("10 rows (10 succeeded)")
                .contains(id + ".p1").contains(id + ".p10");
        CliRunner.Result show = cli().run("runs", "show", id);
        assertThat(show.out()).contains("Batch " + id).contains(id + ".p7");
        JsonNode listed = new ObjectMapper().readTree(cli().run("runs", "list", "--format", "json").out());
        assertThat(listed).anySatisfy(b -> {
            assertThat(b.get("kind").asText()).isEqualTo("batch");
            assertThat(b.get("row_runs")).hasSize(10);
        });
    }

    @Test
    void every_bad_row_is_reported_with_its_line_and_nothing_runs() throws Exception {
        Files.copy(EXAMPLE, dir.resolve("cards.yaml"));
        write("rows.csv", "id,product,style,colour\na,mug,glossy,red\na,lamp,,\n");
        CliRunner.Result r = cli().run("batch", "run", "-c", "cards.yaml", "-i", "rows.csv", "--offline");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("rows.csv:1: error: column 'colour' is not an input of the pipeline")
                .contains("rows.csv:2: error: row 'a': input 'style' is 'glossy', not one of its allowed values")
                .contains("rows.csv:3: error: row 'a': row id 'a' is used again (first on line 2)")
                .contains("3 errors in rows.csv; nothing was run.")
                .doesNotContain("Exception");
        assertThat(dir.resolve("batch_output")).doesNotExist();
        assertThat(dir.resolve(".acp-home/batches")).doesNotExist();
    }

    @Test
    void ctrl_c_stops_the_batch_says_how_to_resume_and_the_resume_finishes_it() throws Exception {
        write("slow.yaml", """
                pipeline_name: slow
                output_directory: out
                inputs:
                  topic: { type: string }
                  hang: { type: boolean, default: false }
                steps:
                  - { id: idea, step_type: prompt_generation, provider: scripted,
                      config: { prompt: "{{inputs.topic}}", script_hang: "{{inputs.hang}}" } }
                  - { id: line, step_type: prompt_generation, provider: scripted, config: { prompt: "{{steps.idea.text}}" } }
                """);
        write("rows.jsonl", """
                {"id": "a", "topic": "tea"}
                {"id": "b", "topic": "coffee", "hang": true}
                {"id": "c", "topic": "cocoa"}
                """);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            // Ctrl-C once row a is done and row b hangs (its run's folder exists).
            CliContext.Interrupts ctrlC = action -> {
                var f = timer.scheduleWithFixedDelay(() -> {
                    if (Files.exists(dir.resolve("out/a/run.json")) && rowRunStarted("b")) {
                        action.run();
                        throw new IllegalStateException("done"); // ends the repetition
                    }
                }, 50, 50, TimeUnit.MILLISECONDS);
                return () -> f.cancel(false);
            };
            CliRunner.Result stopped = cli().interrupts(ctrlC).run("batch", "run", "-c", "slow.yaml", "-i",
                    "rows.jsonl", "--concurrency", "1");
            assertThat(stopped.exitCode()).as(stopped.err()).isEqualTo(5);
            JsonNode json = new ObjectMapper().readTree(dir.resolve("out/batch.json").toFile());
            String id = json.get("batch_id").asText();
            assertThat(stopped.err()).contains("continue it with: acp batch run --resume " + id);
            assertThat(json.get("succeeded").asInt()).isEqualTo(1);
            assertThat(json.get("interrupted").asInt()).isEqualTo(1);
            assertThat(json.get("pending").asInt()).isEqualTo(1);

            write("slow.yaml", Files.readString(dir.resolve("slow.yaml")).replace(", script_hang: \"{{inputs.hang}}\"",
                    ""));
            CliRunner.Result changed = cli().run("batch", "run", "--resume", id);
            assertThat(changed.exitCode()).isEqualTo(2);
            assertThat(changed.err()).contains("slow.yaml changed since batch " + id + " started");
        } finally {
            timer.shutdownNow();
        }
    }

    private boolean rowRunStarted(String row) {
        try (var batches = Files.list(dir.resolve(".acp-home/batches"))) {
            for (Path b : batches.toList()) {
                try (var runs = Files.list(b.resolve("runs"))) {
                    if (runs.anyMatch(p -> p.getFileName().toString().endsWith("." + row))) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void a_resume_after_ctrl_c_runs_the_rows_left_and_json_summarises() throws Exception {
        write("p.yaml", """
                pipeline_name: quick
                output_directory: out
                inputs:
                  topic: { type: string }
                steps:
                  - { id: idea, step_type: prompt_generation, provider: scripted,
                      config: { prompt: "{{inputs.topic}}", script_sleep_ms: 300 } }
                """);
        write("rows.csv", "topic\na\nb\nc\nd\ne\nf\n");
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            CliContext.Interrupts ctrlC = action -> {
                var f = timer.schedule(action, 700, TimeUnit.MILLISECONDS);
                return () -> f.cancel(false);
            };
            CliRunner.Result stopped = cli().interrupts(ctrlC).run("batch", "run", "-c", "p.yaml", "-i", "rows.csv",
                    "--concurrency", "1");
            assertThat(stopped.exitCode()).as(stopped.err()).isEqualTo(5);
        } finally {
            timer.shutdownNow();
        }
        CliRunner.Result resumed = cli().run("batch", "run", "--resume", "latest", "--format", "json");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(resumed.out());
        assertThat(json.get("succeeded").asInt()).isEqualTo(6);
        assertThat(json.get("sessions").asInt()).isEqualTo(2);
        assertThat(json.get("results_json").asText()).endsWith("out/batch.json");
        assertThat(resumed.err()).contains("acp: resume: batch ");
    }

    @Test
    void estimate_lists_each_row_and_the_total() throws Exception {
        Files.copy(EXAMPLE, dir.resolve("cards.yaml"));
        write("rows.csv", "product\nmug\nlamp\n");
        CliRunner.Result r = cli().run("batch", "estimate", "-c", "cards.yaml", "-i", "rows.csv", "--offline");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("ROW").contains("Total (2 rows): $0.00 – $0.00").contains("no batch limit");
        assertThat(r.out().lines().filter(l -> l.startsWith("1 ") || l.startsWith("2 "))).hasSize(2);
        JsonNode json = new ObjectMapper().readTree(cli().run("batch", "estimate", "-c", "cards.yaml", "-i",
                "rows.csv", "--offline", "--format", "json").out());
        assertThat(json.get("rows")).hasSize(2);
        assertThat(json.get("row_count").asInt()).isEqualTo(2);
        assertThat(dir.resolve(".acp-home/batches")).doesNotExist();
    }

    @Test
    void usage_errors_are_one_line() throws Exception {
        CliRunner.Result none = cli().run("batch", "run", "-c", "x.yaml");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("--inputs FILE").doesNotContain("Exception");
        CliRunner.Result retry = cli().run("batch", "run", "-c", "x.yaml", "-i", "r.csv", "--retry-failed");
        assertThat(retry.err()).contains("--retry-failed applies to a resumed batch");
        CliRunner.Result latest = cli().run("batch", "run", "--resume", "latest");
        assertThat(latest.exitCode()).isEqualTo(2);
        assertThat(latest.err()).contains("there are no batches");
    }
}
