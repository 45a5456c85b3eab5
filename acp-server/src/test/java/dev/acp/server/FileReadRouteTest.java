package dev.acp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a submitted pipeline may read: only files of the pipelines folder and the output root. A
 * file a step reads may be sent to a provider, so reading elsewhere would be exfiltration.
 */
class FileReadRouteTest {
    @TempDir
    Path dir;
    TestServer s;

    @BeforeEach
    void start() throws Exception {
        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        png(pipelines.resolve("beside.png"));
        Files.writeString(pipelines.resolve("look.yaml"), look("beside.png"));
        png(dir.resolve("secret.png")); // outside both folders
        Files.writeString(dir.resolve("secret.txt"), "the secret");
        s = new TestServer(dir, o -> o.withPipelines(pipelines));
        png(Files.createDirectories(s.outputRoot.resolve("uploads")).resolve("mine.png"));
        Files.createSymbolicLink(s.outputRoot.resolve("linked"), dir);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private static void png(Path file) throws Exception {
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
    }

    private static String look(String image) {
        return """
                pipeline_name: look
                output_directory: out
                steps:
                  - id: look
                    step_type: image_understanding
                    provider: local
                    config: { image: "%s", prompt: "what is it" }
                """.formatted(image);
    }

    private static List<JsonNode> problems(HttpResponse<String> r) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        TestServer.json(r).path("error").path("problems").forEach(out::add);
        return out;
    }

    @Test
    void a_step_reading_outside_the_folders_is_400_with_the_problem_and_nothing_runs() throws Exception {
        for (String image : new String[] {"/etc/passwd", "../secret.png", "uploads/../../secret.png",
                "linked/secret.png", dir.resolve("secret.png").toString(), "file://" + dir.resolve("secret.png")}) {
            for (String route : new String[] {"/api/validate", "/api/estimate", "/api/runs"}) {
                HttpResponse<String> r = s.post(route, Map.of("pipeline", look(image), "offline", true));
                assertThat(r.statusCode()).as(route + " " + image + ": " + r.body()).isEqualTo(400);
                JsonNode p = problems(r).get(0);
                assertThat(p.get("line").asInt()).as(image).isEqualTo(7);
                assertThat(p.get("column").asInt()).isPositive();
                assertThat(p.get("step").asText()).isEqualTo("look");
                assertThat(p.get("message").asText()).startsWith("config.image: '" + image + "'")
                        .containsAnyOf("outside the server's pipelines folder and output root", "uses '..'");
                assertThat(p.get("fix").asText()).contains("by a relative path without '..'");
                // Refused before it is looked at: whether the file exists is not told.
                assertThat(r.body()).doesNotContain("not found");
            }
        }
        assertThat(s.runFolderExists()).isFalse();
    }

    @Test
    void file_inputs_and_templates_of_inputs_are_confined_too() throws Exception {
        String fileInput = """
                pipeline_name: look
                output_directory: out
                inputs:
                  photo: { type: file, default: uploads/mine.png }
                steps:
                  - { id: look, step_type: image_understanding, provider: local, config: { image: "{{inputs.photo}}" } }
                """;
        HttpResponse<String> set = s.post("/api/runs", Map.of("pipeline", fileInput, "offline", true, "inputs",
                Map.of("photo", dir.resolve("secret.png").toString())));
        assertThat(set.statusCode()).as(set.body()).isEqualTo(400);
        assertThat(problems(set).get(0).get("message").asText()).startsWith("input 'photo': '")
                .contains("outside the server's");

        String stringInput = fileInput.replace("type: file, default: uploads/mine.png", "type: string, default: x");
        HttpResponse<String> viaTemplate = s.post("/api/validate", Map.of("pipeline", stringInput, "inputs",
                Map.of("photo", "/etc/passwd")));
        assertThat(viaTemplate.statusCode()).as(viaTemplate.body()).isEqualTo(400);
        assertThat(problems(viaTemplate).get(0).get("message").asText()).isEqualTo("config.image: '/etc/passwd' is"
                + " outside the server's pipelines folder and output root");

        String textFile = """
                pipeline_name: tell
                output_directory: out
                inputs:
                  story: { type: text_file, default: ../secret.txt }
                steps:
                  - { id: say, step_type: text_to_speech, provider: local, config: { text: "{{inputs.story}}" } }
                """;
        HttpResponse<String> read = s.post("/api/validate", Map.of("pipeline", textFile));
        assertThat(read.statusCode()).as(read.body()).isEqualTo(400);
        JsonNode p = problems(read).get(0);
        assertThat(p.get("message").asText()).isEqualTo("input 'story': '../secret.txt' uses '..'");
        assertThat(p.get("line").asInt()).isEqualTo(4);
        assertThat(read.body()).doesNotContain("the secret");
    }

    @Test
    void files_of_the_output_root_and_the_pipelines_folder_are_read() throws Exception {
        HttpResponse<String> mine = s.post("/api/validate", Map.of("pipeline", look("uploads/mine.png")));
        assertThat(mine.statusCode()).as(mine.body()).isEqualTo(200);
        HttpResponse<String> absolute = s.post("/api/validate", Map.of("pipeline",
                look(s.outputRoot.resolve("uploads/mine.png").toString())));
        assertThat(absolute.statusCode()).as(absolute.body()).isEqualTo(200);
        HttpResponse<String> beside = s.post("/api/validate", Map.of("pipeline_file", "look.yaml"));
        assertThat(beside.statusCode()).as(beside.body()).isEqualTo(200);

        String id = s.start(Map.of("pipeline", look("uploads/mine.png"), "offline", true));
        JsonNode run = s.awaitRun(id, n -> n.path("report").isObject());
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("succeeded");
    }

    @Test
    void a_path_known_only_while_running_is_refused_by_the_engine_and_nothing_is_read() throws Exception {
        String perItem = """
                pipeline_name: each
                output_directory: out
                inputs:
                  images: { type: list, default: [] }
                steps:
                  - id: block
                    for_each: "{{inputs.images}}"
                    steps:
                      - { id: look, step_type: image_understanding, provider: local, config: { image: "{{item}}" },
                          output_filename: "look_{{index}}.txt" }
                """;
        String id = s.start(Map.of("pipeline", perItem, "offline", true, "inputs",
                Map.of("images", "[\"" + dir.resolve("secret.png") + "\"]")));
        JsonNode run = s.awaitRun(id, n -> n.path("report").isObject());
        assertThat(run.get("status").asText()).as(run.toString()).isNotEqualTo("succeeded");
        JsonNode failed = run.get("steps").findParents("error").stream().filter(n -> !n.get("error").isNull())
                .findFirst().orElseThrow(() -> new AssertionError(run.toString()));
        assertThat(failed.get("error").toString()).contains("is outside the server's pipelines folder and output root");
    }
}
