package dev.acp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that stops loses nothing: running runs stop resumable, queued ones wait for the next start. */
class StopRouteTest {
    @TempDir
    Path dir;

    @Test
    void a_stop_leaves_the_running_run_resumable_and_the_queued_ones_queued_for_the_next_start() throws Exception {
        String hanging;
        String waiting;
        String discarded;
        Path queued = dir.resolve("home/server/queued");
        try (TestServer s = new TestServer(dir, o -> o.withMaxRuns(1))) {
            hanging = s.start(Map.of("pipeline", QueueRouteTest.HANGS));
            s.awaitStatus(hanging, "running");
            waiting = s.start(Map.of("pipeline", QueueRouteTest.QUICK));
            discarded = s.start(Map.of("pipeline", QueueRouteTest.QUICK));
            assertThat(queued.resolve(waiting + ".json")).exists();
            // The running one has a journal: it is recorded there, not here.
            assertThat(queued.resolve(hanging + ".json")).doesNotExist();
        }
        assertThat(queued.resolve(waiting + ".json")).exists();
        assertThat(queued.resolve(discarded + ".json")).exists();
        assertThat(dir.resolve("home/runs").resolve(waiting)).doesNotExist();

        try (TestServer s = new TestServer(dir, o -> o.withMaxRuns(1).withPort(0))) {
            // Queued again, in order, under the same ids; one can still be discarded before it starts.
            assertThat(s.post("/api/runs/" + discarded + "/cancel", Map.of()).statusCode()).isEqualTo(202);
            JsonNode done = s.awaitStatus(waiting, "succeeded");
            assertThat(done.get("report").get("success").asBoolean()).isTrue();
            assertThat(TestServer.json(s.get("/api/runs/" + discarded)).get("status").asText()).isEqualTo("cancelled");
            assertThat(queued.resolve(waiting + ".json")).doesNotExist();
            assertThat(queued.resolve(discarded + ".json")).doesNotExist();
            assertThat(dir.resolve("home/runs").resolve(discarded)).doesNotExist();

            // The run that was running stopped as with Ctrl-C, and resumes.
            assertThat(TestServer.json(s.get("/api/runs/" + hanging)).get("status").asText()).isEqualTo("interrupted");
            assertThat(s.post("/api/runs/" + hanging + "/resume", Map.of()).statusCode()).isEqualTo(202);
            s.awaitStatus(hanging, "running");
            s.post("/api/runs/" + hanging + "/cancel", Map.of());
            s.awaitStatus(hanging, "interrupted");
        }
        // A third start has nothing left to queue again.
        try (TestServer s = new TestServer(dir, o -> o)) {
            assertThat(TestServer.json(s.get("/api/runs?status=queued")).get("total").asInt()).isZero();
        }
    }
}
