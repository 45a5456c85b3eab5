package dev.acp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event stream: every event once, in order, across a dropped connection and a reconnect with Last-Event-ID. */
class EventsRouteTest {
    static final String THREE_STEPS = """
            pipeline_name: slow
            output_directory: slow
            steps:
              - { id: a, step_type: text_to_image, provider: scripted, config: { prompt: x, script_sleep_ms: 150 } }
              - { id: b, step_type: text_to_image, provider: scripted, config: { prompt: y, script_sleep_ms: 150 } }
              - { id: c, step_type: text_to_image, provider: scripted, config: { prompt: z, script_sleep_ms: 150 } }
            """;

    @TempDir
    Path dir;
    TestServer s;

    @BeforeEach
    void start() throws Exception {
        s = new TestServer(dir, o -> o.withKeepAlive(java.time.Duration.ofMillis(100)));
    }

    @AfterEach
    void stop() {
        s.close();
    }

    @Test
    void a_client_that_drops_the_stream_and_reconnects_with_last_event_id_misses_nothing_and_gets_nothing_twice()
            throws Exception {
        String id = s.start(Map.of("pipeline", THREE_STEPS));
        List<SseClient.Event> seen = new ArrayList<>();
        try (SseClient first = new SseClient(s, id, null)) {
            assertThat(first.response.statusCode()).isEqualTo(200);
            assertThat(first.response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/event-stream"));
            // Up to the first step's start, then the tab is closed mid-run.
            for (SseClient.Event e = first.next(); e != null; e = first.next()) {
                seen.add(e);
                if (e.name().equals("step_started")) {
                    break;
                }
            }
        }
        assertThat(s.get("/api/runs/" + id).statusCode()).isEqualTo(200); // the server is fine
        try (SseClient again = new SseClient(s, id, seen.get(seen.size() - 1).id())) {
            seen.addAll(again.rest());
        }
        List<String> names = seen.stream().map(SseClient.Event::name).toList();
        assertThat(names).startsWith("run_queued").contains("run_started").endsWith("run_finished");
        assertThat(names.stream().filter(n -> n.equals("step_finished"))).hasSize(3);
        assertThat(names.stream().filter(n -> n.equals("step_started"))).hasSize(3);
        // Ids run 1, 2, 3, ... without a gap or a repeat across both connections.
        List<Long> ids = seen.stream().map(e -> Long.parseLong(e.id())).toList();
        for (int i = 0; i < ids.size(); i++) {
            assertThat(ids.get(i)).isEqualTo(i + 1L);
        }
        assertThat(TestServer.JSON.readTree(seen.get(seen.size() - 1).data()).get("status").asText())
                .isEqualTo("succeeded");
    }

    @Test
    void a_reconnect_after_the_end_gets_exactly_the_events_after_its_id_and_an_idle_stream_gets_keep_alives()
            throws Exception {
        String id = s.start(Map.of("pipeline", THREE_STEPS));
        List<SseClient.Event> all;
        try (SseClient c = new SseClient(s, id, null)) {
            all = c.rest();
            assertThat(c.comments).contains(": keep-alive"); // 150 ms steps, 100 ms keep-alive
        }
        try (SseClient c = new SseClient(s, id, all.get(4).id())) {
            assertThat(c.rest()).containsExactlyElementsOf(all.subList(5, all.size()));
        }
    }

    @Test
    void a_run_the_server_no_longer_holds_is_replayed_from_its_journal() throws Exception {
        String id = s.start(Map.of("pipeline", THREE_STEPS));
        s.awaitStatus(id, "succeeded");
        s.close();
        s = new TestServer(dir, o -> o); // a restart: nothing in memory
        List<SseClient.Event> replay;
        try (SseClient c = new SseClient(s, id, null)) {
            replay = c.rest();
        }
        assertThat(replay).extracting(SseClient.Event::name).containsExactly("run_started", "step_finished",
                "step_finished", "step_finished", "run_finished");
        assertThat(replay.get(0).id()).isEqualTo("j1");
        try (SseClient c = new SseClient(s, id, "j3")) {
            assertThat(c.rest()).containsExactlyElementsOf(replay.subList(3, 5));
        }
    }

    @Test
    void a_client_that_leaves_a_stream_is_not_worth_a_line_in_the_log() throws Exception {
        String id = s.start(Map.of("pipeline", QueueRouteTest.HANGS));
        try (SseClient watcher = new SseClient(s, id, null)) {
            assertThat(watcher.next()).isNotNull();
        }
        // Keep-alive comments every 100 ms meet the closed connection; before, each broken pipe was logged.
        java.time.Instant end = java.time.Instant.now().plusSeconds(1);
        while (java.time.Instant.now().isBefore(end) && s.log.stream().noneMatch(l -> l.contains("/events"))) {
            Thread.sleep(50);
        }
        assertThat(s.log).noneMatch(l -> l.contains("/events"));
        s.post("/api/runs/" + id + "/cancel", Map.of());
    }
}
