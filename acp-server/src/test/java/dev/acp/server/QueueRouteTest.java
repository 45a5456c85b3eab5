package dev.acp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --max-runs: the rest wait, visibly; cancel and resume; a failing run leaves the server working. */
class QueueRouteTest {
    static final String HANGS = """
            pipeline_name: hangs
            output_directory: hangs
            steps:
              - { id: wait, step_type: text_to_image, provider: scripted, config: { prompt: x, script_hang: true } }
              - { id: after, step_type: text_to_image, provider: scripted, config: { prompt: y } }
            """;
    static final String QUICK = """
            pipeline_name: quick
            output_directory: quick
            steps:
              - { id: one, step_type: text_to_image, provider: scripted, config: { prompt: x } }
            """;
    static final String FAILS = """
            pipeline_name: fails
            output_directory: fails
            steps:
              - { id: bad, step_type: text_to_image, provider: scripted, config: { prompt: x, script_fail: validation } }
            """;

    @TempDir
    Path dir;
    TestServer s;

    @BeforeEach
    void start() throws Exception {
        s = new TestServer(dir, o -> o.withMaxRuns(1));
    }

    @AfterEach
    void stop() {
        s.close();
    }

    @Test
    void beyond_max_runs_a_run_waits_as_queued_and_starts_when_the_running_one_ends() throws Exception {
        String hanging = s.start(Map.of("pipeline", HANGS));
        s.awaitStatus(hanging, "running");
        String waiting = s.start(Map.of("pipeline", QUICK));
        String cancelled = s.start(Map.of("pipeline", QUICK));
        assertThat(TestServer.json(s.get("/api/runs/" + waiting)).get("status").asText()).isEqualTo("queued");
        var queued = TestServer.json(s.get("/api/runs?status=queued"));
        assertThat(queued.get("runs").findValuesAsText("run_id")).containsExactlyInAnyOrder(waiting, cancelled);
        assertThat(queued.get("max_runs").asInt()).isEqualTo(1);

        // A queued run cancelled never starts: no folder, no journal.
        assertThat(s.post("/api/runs/" + cancelled + "/cancel", Map.of()).statusCode()).isEqualTo(202);
        assertThat(TestServer.json(s.get("/api/runs/" + cancelled)).get("status").asText()).isEqualTo("cancelled");

        assertThat(s.post("/api/runs/" + hanging + "/cancel", Map.of()).statusCode()).isEqualTo(202);
        s.awaitStatus(hanging, "interrupted");
        s.awaitStatus(waiting, "succeeded");
        assertThat(s.home.resolve("runs").resolve(cancelled)).doesNotExist();

        // The interrupted run resumes through the same queue, where it left off (it hangs again, so cancel).
        var resumed = s.post("/api/runs/" + hanging + "/resume", Map.of());
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(202);
        s.awaitStatus(hanging, "running");
        assertThat(s.post("/api/runs/" + hanging + "/resume", Map.of()).statusCode()).isEqualTo(409);
        s.post("/api/runs/" + hanging + "/cancel", Map.of());
        s.awaitStatus(hanging, "interrupted");
    }

    @Test
    void a_failing_run_ends_as_partial_and_the_next_one_runs() throws Exception {
        String failing = s.start(Map.of("pipeline", FAILS));
        var run = s.awaitStatus(failing, "partial"); // the status of a run with failed steps
        assertThat(run.get("resumable").asBoolean()).isTrue();
        assertThat(run.get("steps").get(0).get("error").get("kind").asText()).isEqualTo("validation");
        String next = s.start(Map.of("pipeline", QUICK));
        s.awaitStatus(next, "succeeded");
        assertThat(Files.exists(s.outputRoot.resolve("quick"))).isTrue();
    }
}
