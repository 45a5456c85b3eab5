package dev.acp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/runs/{id} reads a run folder once per change of its files, and answers as if it read it every time. */
class RunShowRouteTest {
    @TempDir
    Path dir;

    @Test
    void a_finished_run_answers_the_same_from_memory_as_from_its_folder_until_its_journal_changes() throws Exception {
        String id;
        JsonNode first;
        try (TestServer s = new TestServer(dir, o -> o)) {
            id = s.start(Map.of("pipeline", RunsRouteTest.PREVIEW));
            s.awaitRun(id, n -> n.path("report").isObject());
            first = TestServer.json(s.get("/api/runs/" + id));
            assertThat(TestServer.json(s.get("/api/runs/" + id))).isEqualTo(first);

            // A journal that grows is read again: here a torn last line, which the answer reports.
            Path journal = s.home.resolve("runs").resolve(id).resolve("journal.jsonl");
            Files.writeString(journal, "{\"type\":\"torn", StandardOpenOption.APPEND);
            JsonNode grown = TestServer.json(s.get("/api/runs/" + id));
            assertThat(grown.get("warnings")).as(grown.toString()).isNotEmpty();
            assertThat(grown).isNotEqualTo(first);
            Files.writeString(journal, Files.readString(journal).replace("{\"type\":\"torn", ""));
        }
        // A server that never read it answers what the first one did.
        try (TestServer fresh = new TestServer(dir, o -> o)) {
            assertThat(TestServer.json(fresh.get("/api/runs/" + id))).isEqualTo(first);
        }
    }
}
