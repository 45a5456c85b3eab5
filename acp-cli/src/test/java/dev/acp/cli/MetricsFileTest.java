package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.testkit.sync.FakeSyncServer;
import dev.acp.testkit.sync.FakeSyncServer.Provider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --metrics-file}: a run against a fake OpenRouter (real HTTP, the real provider and
 * transport), then the Prometheus text it wrote, read series by series.
 */
@Timeout(60)
class MetricsFileTest {
    /** Looks like a key; it rides in the prompt and must appear in no label. */
    private static final String KEY_IN_PROMPT = "sk-metricscanary0123456789abcdef";

    @TempDir
    Path dir;

    private FakeSyncServer server;

    @BeforeEach
    void start() {
        server = FakeSyncServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private CliRunner cli() {
        CliRunner cli = new CliRunner(dir);
        server.environment().forEach(cli::env);
        return cli;
    }

    private static final String PIPELINE = """
            pipeline_name: metered
            output_directory: out
            steps:
              - { step_type: prompt_generation, id: idea, provider: openrouter, output_filename: idea.txt,
                  config: { prompt: "metered-one a lighthouse %s" } }
              - { step_type: prompt_generation, id: local, provider: local, output_filename: local.txt,
                  config: { prompt: "a local idea" } }
            """.formatted(KEY_IN_PROMPT);

    @Test
    void a_run_writes_the_seed_metrics_with_their_labels_and_counts() throws IOException {
        Files.writeString(dir.resolve("p.yaml"), PIPELINE);
        // The first answer is a 429 with Retry-After 0: one error, then the retried call succeeds.
        server.when(Provider.OPENROUTER, "metered-one").answer429(1, 0);

        CliRunner.Result r = cli().run("pipeline", "run", "-c", "p.yaml", "--yes", "--metrics-file",
                "metrics/acp.prom");

        assertThat(r.exitCode()).as(r.err()).isZero();
        String text = Files.readString(dir.resolve("metrics/acp.prom"));
        // A chat completion is a paid submission, sent once per attempt; the engine retried the step.
        assertThat(value(text, "api_calls_total", Map.of("service", "openrouter", "endpoint", "submit")))
                .as(text).isEqualTo(2.0);
        assertThat(value(text, "api_calls_total", Map.of("service", "openrouter", "endpoint", "read"))).isZero();
        assertThat(value(text, "api_errors_total", Map.of("service", "openrouter", "error_type", "rate_limit")))
                .isEqualTo(1.0);
        assertThat(value(text, "api_errors_total", Map.of("service", "openrouter", "error_type", "auth")))
                .isZero();
        assertThat(value(text, "api_duration_seconds_count", Map.of("service", "openrouter", "endpoint", "submit")))
                .isEqualTo(2.0);
        assertThat(text).contains("api_duration_seconds_bucket{endpoint=\"submit\",service=\"openrouter\",le=\"+Inf\"}");
        assertThat(value(text, "content_processed_total", Map.of("type", "text"))).isEqualTo(2.0);
        assertThat(value(text, "content_processed_total", Map.of("type", "video"))).isZero();
        assertThat(value(text, "acp_runs_total", Map.of("status", "succeeded"))).isEqualTo(1.0);
        assertThat(value(text, "acp_steps_total", Map.of("provider", "openrouter", "status", "succeeded")))
                .isEqualTo(1.0);
        assertThat(value(text, "acp_steps_total", Map.of("provider", "local", "status", "succeeded"))).isEqualTo(1.0);
        assertThat(value(text, "acp_spend_usd_total", Map.of("provider", "openrouter")))
                .isEqualTo(server.totalBilled(Provider.OPENROUTER).doubleValue()).isPositive();
        assertThat(value(text, "acp_provider_governor_wait_seconds_count", Map.of("provider", "openrouter")))
                .isEqualTo(2.0);
        assertThat(value(text, "acp_runs_running", Map.of())).isZero();
        assertThat(value(text, "api_calls_total", Map.of("service", "local", "endpoint", "submit"))).isZero();

        // No label carries the prompt, the key in it, or the provider's key.
        for (String line : text.lines().filter(l -> !l.startsWith("#")).toList()) {
            assertThat(line).doesNotContain(KEY_IN_PROMPT).doesNotContain("lighthouse")
                    .doesNotContain(server.apiKey(Provider.OPENROUTER)).doesNotContain("127.0.0.1");
        }
    }

    @Test
    void every_seed_series_is_there_at_zero_before_any_call() throws IOException {
        Files.writeString(dir.resolve("p.yaml"), """
                pipeline_name: nothing
                output_directory: out
                steps:
                  - { step_type: prompt_generation, id: skipped, enabled: false, provider: local, config: { prompt: "x" } }
                """);

        CliRunner.Result r = cli().run("pipeline", "run", "-c", "p.yaml", "--metrics-file", "zero.prom");

        assertThat(r.exitCode()).as(r.err()).isZero();
        String text = Files.readString(dir.resolve("zero.prom"));
        for (String provider : new String[] {"openrouter", "fal", "elevenlabs", "replicate", "runware", "google"}) {
            for (String endpoint : new String[] {"submit", "request", "read", "download"}) {
                assertThat(value(text, "api_calls_total", Map.of("service", provider, "endpoint", endpoint)))
                        .as(provider + " " + endpoint).isZero();
                assertThat(value(text, "api_duration_seconds_count", Map.of("service", provider, "endpoint",
                        endpoint))).isZero();
            }
            for (String kind : new String[] {"auth", "quota", "validation", "rate_limit", "transient", "timeout",
                    "unknown_outcome"}) {
                assertThat(value(text, "api_errors_total", Map.of("service", provider, "error_type", kind))).isZero();
            }
        }
        for (String type : new String[] {"image", "audio", "video", "text"}) {
            assertThat(value(text, "content_processed_total", Map.of("type", type))).isZero();
        }
        assertThat(value(text, "acp_runs_queued", Map.of())).isZero();
        assertThat(value(text, "acp_cache_hits_total", Map.of("provider", "fal"))).isZero();
    }

    @Test
    void a_folder_that_cannot_be_written_is_one_line_and_the_run_stands() throws IOException {
        Files.writeString(dir.resolve("p.yaml"), """
                pipeline_name: nothing
                output_directory: out
                steps:
                  - { step_type: prompt_generation, id: idea, provider: local, config: { prompt: "x" } }
                """);
        Files.writeString(dir.resolve("blocker"), "a file, not a folder");

        CliRunner.Result r = cli().run("pipeline", "run", "-c", "p.yaml", "--metrics-file", "blocker/m.prom");

        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).contains("acp: error: cannot write the metrics file").contains("blocker")
                .doesNotContain("Exception");
    }

    /**
     * The value of the one series of {@code name} with exactly {@code labels}; fails when there is
     * none, so a missing series never passes as zero.
     */
    static double value(String text, String name, Map<String, String> labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{([^}]*)})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(text);
        while (m.find()) {
            Map<String, String> found = new java.util.HashMap<>();
            if (m.group(2) != null && !m.group(2).isEmpty()) {
                Matcher l = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(m.group(2));
                while (l.find()) {
                    found.put(l.group(1), l.group(2));
                }
            }
            if (found.equals(labels)) {
                return Double.parseDouble(m.group(3));
            }
        }
        throw new AssertionError("no series " + name + labels + " in:\n" + text);
    }
}
