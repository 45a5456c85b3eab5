package dev.acp.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.Acp;
import dev.acp.env.Environment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

/** A server on a free loopback port over a temporary ACP_HOME, and a client that speaks to it over real HTTP. */
final class TestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final Path home;
    final Path outputRoot;
    final AcpServer server;
    final String token;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<String> log = new CopyOnWriteArrayList<>();

    TestServer(Path dir, Function<ServerOptions, ServerOptions> options) throws IOException {
        this(dir, options, Map.of());
    }

    TestServer(Path dir, Function<ServerOptions, ServerOptions> options, Map<String, String> env) throws IOException {
        this(dir, options, env, Acp::create);
    }

    TestServer(Path dir, Function<ServerOptions, ServerOptions> options, Map<String, String> env,
            Function<Environment, Acp> acpFactory) throws IOException {
        home = dir.resolve("home");
        outputRoot = dir.resolve("served");
        Map<String, String> vars = new java.util.HashMap<>(env);
        vars.put("ACP_HOME", home.toString());
        vars.put("HOME", dir.resolve("user").toString());
        Acp acp = acpFactory.apply(Environment.of(vars));
        ServerToken t = ServerToken.loadOrCreate(home, new SecureRandom());
        token = t.value();
        server = AcpServer.start(acp, options.apply(ServerOptions.defaults(outputRoot).withPort(0)), t, log::add);
    }

    URI uri(String path) {
        return server.uri().resolve(path);
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET().timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, Object body) throws IOException, InterruptedException {
        return post(path, body, "Authorization", "Bearer " + token);
    }

    HttpResponse<String> post(String path, Object body, String... headers) throws IOException, InterruptedException {
        String text = body instanceof String s ? s : JSON.writeValueAsString(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(text))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** Starts a run and returns its id (asserting 201). */
    String start(Map<String, Object> body) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/api/runs", body);
        if (r.statusCode() != 201) {
            throw new AssertionError("expected 201, got " + r.statusCode() + ": " + r.body());
        }
        return json(r).get("run_id").asText();
    }

    /** Polls GET /api/runs/{id} until {@code done} holds (bounded, so a bug fails instead of hanging). */
    JsonNode awaitRun(String id, Predicate<JsonNode> done) throws IOException, InterruptedException {
        Instant end = Instant.now().plusSeconds(30);
        JsonNode last = null;
        while (Instant.now().isBefore(end)) {
            HttpResponse<String> r = get("/api/runs/" + id);
            last = json(r);
            if (r.statusCode() == 200 && done.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("run " + id + " did not get there: " + last);
    }

    JsonNode awaitStatus(String id, String status) throws IOException, InterruptedException {
        return awaitRun(id, n -> n.path("status").asText().equals(status));
    }

    boolean runFolderExists() throws IOException {
        Path runs = home.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return false;
        }
        try (var s = Files.list(runs)) {
            return s.findAny().isPresent();
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
