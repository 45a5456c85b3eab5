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

/**
 * Starting, listing, showing runs and their files over real HTTP. The runs use the testkit's
 * scripted provider (no network, no rendering), which writes a small file per step.
 */
class RunsRouteTest {
    static final String PREVIEW = """
            pipeline_name: cards
            output_directory: cards
            steps:
              - id: cover
                step_type: text_to_image
                provider: scripted
                config: { prompt: "a lighthouse at dusk" }
                output_filename: cover.png
            """;

    @TempDir
    Path dir;
    TestServer s;

    @BeforeEach
    void start() throws Exception {
        s = new TestServer(dir, o -> o);
    }

    @AfterEach
    void stop() {
        s.close();
    }

    @Test
    void a_run_starts_with_201_and_shows_its_report_and_files() throws Exception {
        HttpResponse<String> r = s.post("/api/runs", Map.of("pipeline", PREVIEW));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = TestServer.json(r).get("run_id").asText();
        assertThat(r.headers().firstValue("Location")).contains("/api/runs/" + id);

        JsonNode run = s.awaitStatus(id, "succeeded");
        assertThat(run.get("report").get("success").asBoolean()).isTrue();
        assertThat(run.get("steps").get(0).get("output_path").asText()).isEqualTo("cover.png");
        // The same run folder the command line lists.
        assertThat(s.home.resolve("runs").resolve(id).resolve("journal.jsonl")).exists();
        assertThat(s.outputRoot.resolve("cards/cover.png")).exists();

        HttpResponse<byte[]> file = s.client.send(java.net.http.HttpRequest.newBuilder(
                s.uri("/api/runs/" + id + "/files/cover.png")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Type")).contains("image/png");
        assertThat(file.body()).isEqualTo(Files.readAllBytes(s.outputRoot.resolve("cards/cover.png")));

        HttpResponse<String> list = s.get("/api/runs?status=succeeded");
        assertThat(TestServer.json(list).get("runs").findValuesAsText("run_id")).containsExactly(id);
        assertThat(TestServer.json(s.get("/api/runs?status=failed")).get("total").asInt()).isZero();
    }

    @Test
    void the_run_list_reads_a_journal_again_only_when_it_changed() throws Exception {
        String id = TestServer.json(s.post("/api/runs", Map.of("pipeline", PREVIEW))).get("run_id").asText();
        s.awaitStatus(id, "succeeded");
        JsonNode first = TestServer.json(s.get("/api/runs")).get("runs").get(0);
        assertThat(first.get("succeeded").asInt()).isEqualTo(1);

        // The same bytes count with the same time: the list answers from what it read before,
        // which shows it did not parse the journal again.
        Path journal = s.home.resolve("runs").resolve(id).resolve("journal.jsonl");
        var modified = Files.getLastModifiedTime(journal);
        byte[] blank = new byte[(int) Files.size(journal)];
        java.util.Arrays.fill(blank, (byte) ' ');
        Files.write(journal, blank);
        Files.setLastModifiedTime(journal, modified);
        assertThat(TestServer.json(s.get("/api/runs")).get("runs").get(0)).isEqualTo(first);

        // One byte more is a changed journal: read again (and now it has no steps).
        Files.write(journal, new byte[] {'\n'}, java.nio.file.StandardOpenOption.APPEND);
        JsonNode again = TestServer.json(s.get("/api/runs")).get("runs").get(0);
        assertThat(again.get("run_id").asText()).isEqualTo(id);
        assertThat(again.get("succeeded").asInt()).isZero();
    }

    @Test
    void an_unknown_run_is_404_on_every_run_route() throws Exception {
        for (String path : new String[] {"/api/runs/nosuchrun", "/api/runs/nosuchrun/events",
            "/api/runs/nosuchrun/files/x.png"}) {
            HttpResponse<String> r = s.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(TestServer.json(r).get("error").get("kind").asText()).isEqualTo("not_found");
        }
        assertThat(s.post("/api/runs/nosuchrun/cancel", Map.of()).statusCode()).isEqualTo(404);
        assertThat(s.post("/api/runs/nosuchrun/resume", Map.of()).statusCode()).isEqualTo(404);
    }

    @Test
    void without_the_token_or_with_a_wrong_one_nothing_starts() throws Exception {
        HttpResponse<String> none = s.post("/api/runs", Map.of("pipeline", PREVIEW), "X-Nothing", "1");
        HttpResponse<String> wrong = s.post("/api/runs", Map.of("pipeline", PREVIEW),
                "Authorization", "Bearer " + s.token + "x");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(TestServer.json(wrong).get("error").get("message").asText()).doesNotContain(s.token);
        Thread.sleep(200); // a run that had been queued would have made its folder by now
        assertThat(s.runFolderExists()).isFalse();
        assertThat(TestServer.json(s.get("/api/runs")).get("total").asInt()).isZero();
        // Reading needs no token on loopback.
        assertThat(s.get("/api/runs").statusCode()).isEqualTo(200);
    }

    @Test
    void malformed_yaml_is_400_with_the_problem_where_it_is() throws Exception {
        HttpResponse<String> r = s.post("/api/runs", Map.of("pipeline", "pipeline_name: x\nsteps: [\n  - {"));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = TestServer.json(r).get("error");
        assertThat(error.get("kind").asText()).isEqualTo("invalid_pipeline");
        JsonNode problem = error.get("problems").get(0);
        assertThat(problem.get("line").asInt()).isPositive();
        assertThat(problem.get("message").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(s.runFolderExists()).isFalse();
    }

    @Test
    void file_traversal_is_refused_and_nothing_outside_is_read() throws Exception {
        String id = s.start(Map.of("pipeline", PREVIEW));
        s.awaitStatus(id, "succeeded");
        Files.writeString(s.outputRoot.resolve("secret.txt"), "outside the run's folder");
        Files.createSymbolicLink(s.outputRoot.resolve("cards/link.txt"), s.outputRoot.resolve("secret.txt"));
        Files.createSymbolicLink(s.outputRoot.resolve("cards/up"), s.outputRoot);
        for (String path : new String[] {"../secret.txt", "%2e%2e/secret.txt", "%2E%2E%2Fsecret.txt",
            "..%2fsecret.txt", "link.txt", "up/secret.txt", "%2fetc%2fpasswd", "..%5csecret.txt", "./cover.png",
            "cover.png%00.txt"}) {
            HttpResponse<String> r = s.client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(s.server.uri() + "/api/runs/" + id + "/files/" + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isIn(400, 404);
            assertThat(r.body()).as(path).doesNotContain("outside the run's folder");
        }
    }

    @Test
    void ranges_answer_206_with_the_bytes_asked_for_and_416_past_the_end() throws Exception {
        String id = s.start(Map.of("pipeline", PREVIEW));
        s.awaitStatus(id, "succeeded");
        byte[] all = Files.readAllBytes(s.outputRoot.resolve("cards/cover.png"));
        String url = "/api/runs/" + id + "/files/cover.png";
        HttpResponse<byte[]> part = s.client.send(java.net.http.HttpRequest.newBuilder(s.uri(url))
                .header("Range", "bytes=10-19").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(all, 10, 20));
        assertThat(part.headers().firstValue("Content-Range")).contains("bytes 10-19/" + all.length);
        HttpResponse<byte[]> tail = s.client.send(java.net.http.HttpRequest.newBuilder(s.uri(url))
                .header("Range", "bytes=-5").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(all, all.length - 5, all.length));
        HttpResponse<String> past = s.client.send(java.net.http.HttpRequest.newBuilder(s.uri(url))
                .header("Range", "bytes=" + all.length + "-").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(past.statusCode()).isEqualTo(416);
        assertThat(past.headers().firstValue("Content-Range")).contains("bytes */" + all.length);
        HttpResponse<Void> head = s.client.send(java.net.http.HttpRequest.newBuilder(s.uri(url))
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).contains(Integer.toString(all.length));
        assertThat(head.headers().firstValue("Accept-Ranges")).contains("bytes");
    }
}
