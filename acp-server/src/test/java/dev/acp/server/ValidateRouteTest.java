package dev.acp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation, estimates and the rules for submitted pipelines: where they write, what they read, how big. */
class ValidateRouteTest {
    @TempDir
    Path dir;
    TestServer s;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(dir.resolve("pipelines/sub"));
        Files.writeString(dir.resolve("pipelines/sub/cards.yaml"), RunsRouteTest.PREVIEW);
        Files.writeString(dir.resolve("outside.yaml"), RunsRouteTest.PREVIEW);
        s = new TestServer(dir, o -> o.withPipelines(dir.resolve("pipelines")).withMaxBody(64 * 1024),
                Map.of("ACP_PLAIN_WORD", "harmless", "MY_TOPIC", "boats"));
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private static String pipeline(String outputDirectory, String prompt) {
        return """
                pipeline_name: p
                output_directory: %s
                steps:
                  - { id: img, step_type: text_to_image, provider: local, config: { prompt: "%s" } }
                """.formatted(outputDirectory, prompt);
    }

    @Test
    void a_valid_pipeline_is_200_and_an_invalid_one_400_with_line_column_step_and_fix() throws Exception {
        HttpResponse<String> ok = s.post("/api/validate", Map.of("pipeline", pipeline("out", "a boat")));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(TestServer.json(ok).get("valid").asBoolean()).isTrue();

        HttpResponse<String> bad = s.post("/api/validate", Map.of("pipeline", """
                pipeline_name: p
                steps:
                  - { id: img, step_type: text_to_imag, provider: local, config: { prompt: x } }
                """));
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode problem = TestServer.json(bad).get("error").get("problems").get(0);
        assertThat(problem.get("line").asInt()).isEqualTo(3);
        assertThat(problem.get("column").asInt()).isPositive();
        assertThat(problem.get("message").asText()).contains("text_to_imag");
        assertThat(problem.get("fix").asText()).contains("text_to_image");
    }

    @Test
    void outputs_outside_the_output_root_are_refused() throws Exception {
        for (String out : new String[] {"/tmp/elsewhere", "../escape", "ok/../../escape"}) {
            HttpResponse<String> r = s.post("/api/runs", Map.of("pipeline", pipeline(out, "x"), "offline", true));
            assertThat(r.statusCode()).as(out).isEqualTo(400);
            assertThat(TestServer.json(r).get("error").get("problems").findValuesAsText("message"))
                    .anyMatch(m -> m.contains("outside the server's output root"));
        }
        assertThat(s.runFolderExists()).isFalse();
        assertThat(dir.resolve("escape")).doesNotExist();
    }

    @Test
    void environment_variables_are_read_only_when_config_lists_them() throws Exception {
        HttpResponse<String> r = s.post("/api/validate", Map.of("pipeline", pipeline("out", "{{env.ACP_PLAIN_WORD}}")));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("not listed under template_variables").doesNotContain("harmless");
        HttpResponse<String> dollar = s.post("/api/validate", Map.of("pipeline", pipeline("out", "${ACP_PLAIN_WORD}")));
        assertThat(dollar.statusCode()).isEqualTo(400);
        assertThat(dollar.body()).doesNotContain("harmless");

        Files.writeString(s.home.resolve("config.yaml"), "template_variables: [MY_TOPIC]\n");
        s.close();
        s = new TestServer(dir, o -> o, Map.of("MY_TOPIC", "boats"));
        HttpResponse<String> listed = s.post("/api/validate", Map.of("pipeline", pipeline("out", "{{env.MY_TOPIC}}")));
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    }

    @Test
    void pipeline_files_are_found_under_the_pipelines_folder_only() throws Exception {
        assertThat(TestServer.json(s.get("/api/pipelines")).get("pipelines").get(0).asText()).isEqualTo("sub/cards.yaml");
        HttpResponse<String> ok = s.post("/api/validate", Map.of("pipeline_file", "sub/cards.yaml"));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        for (String name : new String[] {"../outside.yaml", "sub/../../outside.yaml", dir.resolve("outside.yaml")
                .toString(), "missing.yaml"}) {
            assertThat(s.post("/api/validate", Map.of("pipeline_file", name)).statusCode()).as(name).isEqualTo(404);
        }
    }

    @Test
    void bodies_over_the_limit_are_413_and_broken_bodies_400() throws Exception {
        String big = "pipeline_name: p\n# " + "x".repeat(70 * 1024) + "\n";
        HttpResponse<String> tooBig = s.post("/api/validate", Map.of("pipeline", big));
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(TestServer.json(tooBig).get("error").get("kind").asText()).isEqualTo("too_large");
        assertThat(s.post("/api/validate", "{not json").statusCode()).isEqualTo(400);
        assertThat(s.post("/api/validate", "[]").statusCode()).isEqualTo(400);
        assertThat(s.post("/api/validate", Map.of("pipeline", "x", "colour", "red")).statusCode()).isEqualTo(400);
        assertThat(s.post("/api/validate", Map.of("offline", true)).statusCode()).isEqualTo(400);
        HttpResponse<String> wrongMethod = s.get("/api/validate");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(s.get("/api/nothing-here").statusCode()).isEqualTo(404);
    }

    @Test
    void an_offline_estimate_is_zero_and_lists_each_step() throws Exception {
        HttpResponse<String> r = s.post("/api/estimate", Map.of("pipeline", pipeline("out", "x"), "offline", true));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode e = TestServer.json(r);
        assertThat(e.get("total_expected").asDouble()).isZero();
        assertThat(e.get("steps").findValuesAsText("step_id")).containsExactly("img");
    }

    @Test
    void models_and_providers_are_listed_without_credential_values() throws Exception {
        JsonNode models = TestServer.json(s.get("/api/models"));
        assertThat(models.get("models").findValuesAsText("model")).contains("flux-dev");
        HttpResponse<String> r = s.get("/api/providers");
        JsonNode local = null;
        for (JsonNode p : TestServer.json(r).get("providers")) {
            if (p.get("id").asText().equals("local")) {
                local = p;
            }
        }
        assertThat(local).isNotNull();
        assertThat(local.get("credentials_set").asBoolean()).isTrue();
        assertThat(local.get("costs_money").asBoolean()).isFalse();
        assertThat(local.get("capabilities").isArray()).isTrue();
    }
}
