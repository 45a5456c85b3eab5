package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code acp serve}: starts, prints its address and the token once, runs what the CLI lists, stops on Ctrl-C. */
class ServeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PIPELINE = """
            pipeline_name: served
            output_directory: served
            steps:
              - { id: one, step_type: text_to_image, provider: scripted, config: { prompt: x } }
            """;

    @TempDir
    Path dir;

    /** Runs {@code acp serve} until the returned stop is called. */
    private record Serving(CompletableFuture<CliRunner.Result> result, Runnable stop, int port) {}

    private Serving serve(String... extra) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        AtomicReference<Runnable> ctrlC = new AtomicReference<>();
        CountDownLatch listening = new CountDownLatch(1);
        CliRunner runner = new CliRunner(dir).interrupts(action -> {
            ctrlC.set(action);
            listening.countDown();
            return () -> { };
        });
        String[] args = new String[4 + extra.length];
        args[0] = "serve";
        args[1] = "--port";
        args[2] = Integer.toString(port);
        args[3] = "--max-runs=1";
        System.arraycopy(extra, 0, args, 4, extra.length);
        CompletableFuture<CliRunner.Result> result = CompletableFuture.supplyAsync(() -> runner.run(args));
        if (!listening.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("acp serve did not start: " + (result.isDone() ? result.join() : "still starting"));
        }
        return new Serving(result, () -> ctrlC.get().run(), port);
    }

    @Test
    void serve_prints_the_token_once_and_runs_land_where_acp_runs_list_finds_them() throws Exception {
        Serving s = serve();
        HttpClient client = HttpClient.newHttpClient();
        URI base = URI.create("http://127.0.0.1:" + s.port());
        String token = Files.readString(dir.resolve(".acp-home/server-token")).strip();
        HttpResponse<String> started = client.send(HttpRequest.newBuilder(base.resolve("/api/runs"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("pipeline", PIPELINE))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
        String id = JSON.readTree(started.body()).get("run_id").asText();
        Instant end = Instant.now().plusSeconds(30);
        String status = "";
        while (!status.equals("succeeded") && Instant.now().isBefore(end)) {
            Thread.sleep(50);
            status = JSON.readTree(client.send(HttpRequest.newBuilder(base.resolve("/api/runs/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("status").asText();
        }
        assertThat(status).isEqualTo("succeeded");
        s.stop().run();
        CliRunner.Result first = s.result().get(30, TimeUnit.SECONDS);
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err()).contains("serving http://127.0.0.1:" + s.port()).contains(token);
        // The default output root is below the working folder.
        assertThat(dir.resolve("acp-output/served/one.png")).exists();

        // The command line lists it, from the same ACP_HOME/runs.
        CliRunner.Result list = new CliRunner(dir).run("runs", "list", "--format", "json");
        JsonNode rows = JSON.readTree(list.out());
        assertThat(rows.findValuesAsText("run_id")).contains(id);

        // A second start reads the token and does not print it again.
        Serving again = serve();
        again.stop().run();
        CliRunner.Result second = again.result().get(30, TimeUnit.SECONDS);
        assertThat(second.err()).doesNotContain(token).contains("server-token");
    }

    @Test
    void bad_options_are_usage_errors() {
        CliRunner.Result zero = new CliRunner(dir).run("serve", "--max-runs", "0");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--max-runs");
        CliRunner.Result folder = new CliRunner(dir).run("serve", "--pipelines", "nope");
        assertThat(folder.exitCode()).isEqualTo(2);
        assertThat(folder.err()).contains("--pipelines nope is not a folder");
    }
}
