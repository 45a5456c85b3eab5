package dev.acp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} and the health probes of a running server. */
class ObservabilityRouteTest {
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
    void metrics_hold_the_seed_series_from_start_up_and_count_a_run_started_over_http() throws Exception {
        HttpResponse<String> before = s.get("/metrics");
        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(before.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(before.body()).contains("api_calls_total{", "api_duration_seconds", "api_errors_total{",
                "content_processed_total{", "acp_runs_queued");

        String id = s.start(Map.of("pipeline", RunsRouteTest.PREVIEW));
        s.awaitRun(id, run -> run.path("status").asText().equals("succeeded"));
        String after = s.get("/metrics").body();
        assertThat(after).containsPattern("acp_runs_total\\{[^}]*status=\"succeeded\"[^}]*} 1\\.0");
        assertThat(after).containsPattern("acp_steps_total\\{[^}]*provider=\"scripted\"[^}]*} 1\\.0");
        assertThat(after).doesNotContain(s.token).doesNotContain("lighthouse");
    }

    @Test
    void health_probes_answer_without_a_token_and_name_each_check() throws Exception {
        HttpResponse<String> live = s.get("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        HttpResponse<String> ready = s.get("/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isIn(200, 503);
        JsonNode report = TestServer.json(ready);
        assertThat(report.toString()).contains("state").doesNotContain(s.token);
    }
}
