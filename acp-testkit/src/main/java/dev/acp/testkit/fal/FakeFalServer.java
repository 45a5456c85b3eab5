package dev.acp.testkit.fal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.jspecify.annotations.Nullable;

/**
 * A look-alike of fal.ai's queue API (providers.md 1.3-1.6) on {@code 127.0.0.1}, run inside a
 * test or a benchmark. Point {@code ACP_FAL_BASE_URL} (queue) and {@code ACP_FAL_STORAGE_BASE_URL}
 * (storage, for {@code acp doctor}) at {@link #baseUrl()}.
 *
 * <h2>HTTP contract</h2>
 *
 * <ul>
 *   <li>{@code POST /{owner}/{app}[/{path}]} with {@code Authorization: Key <key>} and a JSON
 *       object: 200, header {@code x-fal-request-id}, body {@code request_id, status_url,
 *       response_url, cancel_url, status: "IN_QUEUE", queue_position}. The three URLs use only
 *       {@code owner/app} (providers.md 1.2; {@code workflows/} and {@code comfy/} ids keep one
 *       more segment).
 *   <li>{@code GET /{owner}/{app}/requests/{id}/status[?logs=1|true]}: 202 with {@code IN_QUEUE}
 *       (the first quarter of the latency) or {@code IN_PROGRESS}, 200 with {@code COMPLETED}
 *       ({@code metrics}, {@code error: null}, {@code error_type: null}). {@code logs} is a list
 *       when asked for, {@code null} otherwise, always present.
 *   <li>{@code GET /{owner}/{app}/requests/{id}}: 200 and {@code {"images": [{"url", "width",
 *       "height", "content_type": "image/png"}], "timings", "seed", "has_nsfw_concepts": [false],
 *       "prompt"}} once completed; 400 {@code "Request is still in progress"} before (the real
 *       answer is UNCONFIRMED; ACP never asks before COMPLETED).
 *   <li>{@code PUT /{owner}/{app}/requests/{id}/cancel}: 202 {@code CANCELLATION_REQUESTED}; 400
 *       {@code ALREADY_COMPLETED}; 404 {@code NOT_FOUND}. A cancelled request then reports
 *       {@code COMPLETED} with {@code error_type: "client_cancelled"}.
 *   <li>{@code GET /files/<request id>.png}, without authentication: a PNG of
 *       {@link Settings#imageBytes()} bytes (its pixels a plain colour, the rest a private
 *       ancillary chunk), streamed, never held whole in memory. Its bytes depend only on the
 *       endpoint and the request body, so identical requests give identical files in every run.
 *   <li>{@code POST /storage/auth/token}: a CDN token (providers.md 1.7), for access checks.
 * </ul>
 *
 * Errors are fal's {@code {"detail": ...}}: 401 wrong or missing key, 404 unknown request or
 * path, 405 wrong method, 400 malformed JSON.
 *
 * <h2>Switches</h2>
 *
 * <ul>
 *   <li>{@link Settings#latency()}: a request is COMPLETED that long after its submission;
 *   <li>{@link #hold()} / {@link #release()}: while held no request completes (one already seen
 *       completed stays so); after the release each completes as soon as its latency has passed;
 *   <li>{@link Mode#ECHO_AUTH}: every authenticated path answers 422 with the request's
 *       credential headers ({@code Authorization}, {@code xi-api-key}, {@code x-api-key},
 *       {@code x-goog-api-key}) copied into a fal validation error, so that a test can prove the
 *       client masks what a provider echoes. Files are still served.
 * </ul>
 *
 * <p>More than 200 clients at once: set the system property
 * {@code sun.net.httpserver.maxIdleConnections} above their number before the first server
 * starts, or the JDK's server closes connections that go idle while a client may be reusing them.
 *
 * <p>Thread-safe: requests are served on virtual threads; job state and counters are guarded by
 * one lock, and file bodies are generated outside it.
 */
public final class FakeFalServer implements AutoCloseable {
    /** A size that holds the PNG signature, header, pixels and end chunk of small images. */
    public static final int MIN_IMAGE_BYTES = 1024;
    /** 1 MiB: the default size of a result image. */
    public static final int DEFAULT_IMAGE_BYTES = 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "xi-api-key", "x-api-key",
            "x-goog-api-key");
    private static final Set<String> PRESETS = Set.of("square_hd", "square", "portrait_4_3", "portrait_16_9",
            "landscape_4_3", "landscape_16_9");
    private static final int MAX_DIMENSION = 4096;
    /** A private, safe-to-copy ancillary chunk (PNG 5.4): decoders skip it. */
    private static final byte[] FILLER_TYPE = "fkPd".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /**
     * 256 KiB of fixed pseudo-random bytes, the filler of every image: each request reads it from
     * its own starting point (see {@link #writePng}). Computed once; never written to.
     */
    private static final byte[] NOISE = noise(256 * 1024);

    /** How the server answers. */
    public enum Mode {
        /** As fal does. */
        NORMAL,
        /** 422 with the credential headers echoed in the body (see the class comment). */
        ECHO_AUTH
    }

    /**
     * Per-server settings.
     *
     * @param apiKey the only key accepted in {@code Authorization: Key}, or null for any non-blank key
     * @param latency how long after its submission a request completes
     * @param imageBytes the size of every result PNG, at least {@link #MIN_IMAGE_BYTES}
     * @param mode how the server answers at start ({@link #mode(Mode)} changes it)
     */
    public record Settings(@Nullable String apiKey, Duration latency, int imageBytes, Mode mode) {
        public Settings {
            if (apiKey != null && apiKey.isBlank()) {
                throw new IllegalArgumentException("apiKey must not be blank");
            }
            if (latency.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative: " + latency);
            }
            if (imageBytes < MIN_IMAGE_BYTES) {
                throw new IllegalArgumentException("imageBytes must be at least " + MIN_IMAGE_BYTES + ": " + imageBytes);
            }
            Objects.requireNonNull(mode, "mode");
        }

        /** Any key, 200 ms latency, 1 MiB images, normal answers. */
        public static Settings defaults() {
            return new Settings(null, Duration.ofMillis(200), DEFAULT_IMAGE_BYTES, Mode.NORMAL);
        }

        public Settings withApiKey(@Nullable String key) {
            return new Settings(key, latency, imageBytes, mode);
        }

        public Settings withLatency(Duration l) {
            return new Settings(apiKey, l, imageBytes, mode);
        }

        public Settings withImageBytes(int bytes) {
            return new Settings(apiKey, latency, bytes, mode);
        }

        public Settings withMode(Mode m) {
            return new Settings(apiKey, latency, imageBytes, m);
        }
    }

    /**
     * One accepted submission.
     *
     * @param content the endpoint and the body as canonical JSON: what makes two submissions the
     *     same paid request
     * @param fileUrl where the result image is served
     */
    public record Submission(String requestId, String endpoint, String content, String prompt, String fileUrl) {}

    private final Settings settings;
    private final HttpServer http;
    private final ExecutorService executor;
    private final String baseUrl;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private final Map<String, Job> jobs = new HashMap<>();
    private final List<Submission> submissions = new ArrayList<>();
    private final Map<String, Integer> submissionsByContent = new TreeMap<>();
    private final Map<String, Integer> pollsByRequest = new HashMap<>();
    private final Map<String, Integer> downloadsByRequest = new HashMap<>();
    private boolean held;
    private Mode mode;
    private long polls;
    private long resultFetches;
    private long downloads;
    private long cancellations;
    private long echoed;
    // Outside the lock.
    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicLong bytesServed = new AtomicLong();
    private final Map<Pixels, byte[]> idatCache = new ConcurrentHashMap<>();

    private FakeFalServer(Settings settings) throws IOException {
        this.settings = settings;
        this.mode = settings.mode();
        // fal clients hold thousands of requests open at once in a benchmark: a deep accept queue.
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
        this.baseUrl = "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** Starts a server with {@link Settings#defaults()} on an ephemeral port of 127.0.0.1. */
    public static FakeFalServer start() {
        return start(Settings.defaults());
    }

    /** Starts a server with {@code settings} on an ephemeral port of 127.0.0.1. */
    public static FakeFalServer start(Settings settings) {
        try {
            return new FakeFalServer(settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake fal server", e);
        }
    }

    /** For example {@code http://127.0.0.1:40123}: the value of {@code ACP_FAL_BASE_URL} and {@code ACP_FAL_STORAGE_BASE_URL}. */
    public String baseUrl() {
        return baseUrl;
    }

    public Settings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- switches

    /** From now on no request completes until {@link #release()}. */
    public void hold() {
        locked(() -> held = true);
    }

    public void release() {
        locked(() -> held = false);
    }

    public void mode(Mode m) {
        locked(() -> mode = Objects.requireNonNull(m));
    }

    /** Forgets every request and counter (ids keep counting, so old handles answer 404); releases a hold. */
    public void reset() {
        locked(() -> {
            jobs.clear();
            submissions.clear();
            submissionsByContent.clear();
            pollsByRequest.clear();
            downloadsByRequest.clear();
            held = false;
            mode = settings.mode();
            polls = 0;
            resultFetches = 0;
            downloads = 0;
            cancellations = 0;
            echoed = 0;
            return null;
        });
        bytesServed.set(0);
    }

    // ---------------------------------------------------------------- counters

    /** Every accepted submission, in order. */
    public List<Submission> submissions() {
        return locked(() -> List.copyOf(submissions));
    }

    public int submissionCount() {
        return locked(submissions::size);
    }

    /** {@link Submission#content()} to how many times it was submitted; above 1 means paid twice. */
    public Map<String, Integer> submissionsByContent() {
        return locked(() -> Map.copyOf(submissionsByContent));
    }

    /** Status requests answered, over all requests. */
    public long polls() {
        return locked(() -> polls);
    }

    /** Status requests answered for one request id. */
    public int polls(String requestId) {
        return locked(() -> pollsByRequest.getOrDefault(requestId, 0));
    }

    /** Result JSON requests answered with a result. */
    public long resultFetches() {
        return locked(() -> resultFetches);
    }

    /** File downloads started. */
    public long downloads() {
        return locked(() -> downloads);
    }

    /** File downloads started for one request id. */
    public int downloads(String requestId) {
        return locked(() -> downloadsByRequest.getOrDefault(requestId, 0));
    }

    public long cancellations() {
        return locked(() -> cancellations);
    }

    /** Requests answered with 422 by {@link Mode#ECHO_AUTH}. */
    public long echoedRequests() {
        return locked(() -> echoed);
    }

    /** Bytes of file bodies written to clients. */
    public long bytesServed() {
        return bytesServed.get();
    }

    /** Waits until at least {@code n} submissions were accepted; false if {@code timeout} passed first. */
    public boolean awaitSubmissions(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (submissions.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every known request was polled at least {@code n} times; false on timeout. */
    public boolean awaitPollsOfEach(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (jobs.isEmpty() || jobs.keySet().stream().anyMatch(id -> pollsByRequest.getOrDefault(id, 0) < n)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The SHA-256 (hex) of the file of request {@code requestId}, as served. */
    public String fileSha256(String requestId) {
        Job job = locked(() -> jobs.get(requestId));
        if (job == null) {
            throw new IllegalArgumentException("no request " + requestId);
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            writePng(job, new OutputStream() {
                @Override
                public void write(int b) {
                    digest.update((byte) b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    digest.update(b, off, len);
                }
            });
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops serving at once; requests in flight may be cut off. */
    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FakeFalServer[" + baseUrl + "]";
    }

    // ---------------------------------------------------------------- HTTP

    private record Response(int status, byte[] body, Map<String, String> headers) {
        static Response json(int status, Object value) {
            try {
                return new Response(status, JSON.writeValueAsBytes(value), Map.of());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        static Response detail(int status, String detail) {
            return json(status, Map.of("detail", detail));
        }
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            Response response;
            try {
                response = route(exchange);
            } catch (RuntimeException e) {
                response = Response.detail(500, "fake fal server failed: " + e);
            }
            if (response != null) {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                response.headers().forEach(exchange.getResponseHeaders()::set);
                exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (IOException e) {
            // The client went away (a killed acp process, a benchmark's timeout).
        }
    }

    /** The answer, or null when the file handler already sent one. */
    private @Nullable Response route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = exchange.getRequestURI().getPath();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        if (path.startsWith("/files/")) {
            if (!method.equals("GET")) {
                return Response.detail(405, "files are read with GET");
            }
            return file(exchange, path.substring("/files/".length()));
        }
        Mode current = locked(() -> mode);
        if (current == Mode.ECHO_AUTH) {
            return echo(exchange);
        }
        String key = exchange.getRequestHeaders().getFirst("Authorization");
        if (key == null || !key.startsWith("Key ") || key.length() <= 4
                || settings.apiKey() != null && !key.substring(4).equals(settings.apiKey())) {
            return Response.detail(401, "No user found for Key ID and Secret");
        }
        if (path.equals("/storage/auth/token")) {
            return method.equals("POST") ? Response.json(200, Map.of("token", "fake-cdn-token", "token_type", "Bearer",
                    "base_url", baseUrl, "expires_at", "2099-01-01T00:00:00Z")) : Response.detail(405, "use POST");
        }
        List<String> segments = List.of(path.replaceAll("^/+|/+$", "").split("/"));
        int requests = segments.indexOf("requests");
        if (requests >= 2 && requests + 1 < segments.size()) {
            String app = String.join("/", segments.subList(0, requests));
            String id = segments.get(requests + 1);
            String rest = String.join("/", segments.subList(requests + 2, segments.size()));
            return switch (rest) {
                case "status" -> method.equals("GET") ? status(app, id, exchange.getRequestURI().getQuery())
                        : Response.detail(405, "status is read with GET");
                case "" -> method.equals("GET") ? result(app, id) : Response.detail(405, "results are read with GET");
                case "cancel" -> method.equals("PUT") ? cancel(app, id) : Response.detail(405, "cancel with PUT");
                default -> Response.detail(404, "Not Found");
            };
        }
        if (method.equals("POST") && segments.size() >= 2 && segments.stream().noneMatch(String::isEmpty)) {
            return submit(String.join("/", segments), body);
        }
        return Response.detail(404, "Not Found");
    }

    private Response echo(HttpExchange exchange) {
        List<Map<String, Object>> details = new ArrayList<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (CREDENTIAL_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                for (String v : values) {
                    details.add(Map.of("loc", List.of("header", name.toLowerCase(Locale.ROOT)),
                            "msg", "invalid credentials: " + v, "type", "value_error", "input", v));
                }
            }
        });
        if (details.isEmpty()) {
            details.add(Map.of("loc", List.of("header", "authorization"), "msg", "no credentials sent",
                    "type", "missing"));
        }
        locked(() -> ++echoed);
        return new Response(422, Response.json(422, Map.of("detail", details)).body(), Map.of("X-Fal-Error-Type",
                "bad_request"));
    }

    // ---------------------------------------------------------------- jobs

    /** A plain-coloured image of one size: its compressed pixels are shared by all requests alike. */
    private record Pixels(int width, int height, int rgb) {}

    private static final class Job {
        final String id;
        final String app;
        final String endpoint;
        final String prompt;
        final long seed;
        final Pixels pixels;
        final long submittedNanos;
        // Guarded by the server's lock.
        long completedNanos = -1;
        boolean cancelled;

        Job(String id, String app, String endpoint, String prompt, long seed, Pixels pixels, long submittedNanos) {
            this.id = id;
            this.app = app;
            this.endpoint = endpoint;
            this.prompt = prompt;
            this.seed = seed;
            this.pixels = pixels;
            this.submittedNanos = submittedNanos;
        }
    }

    private Response submit(String endpoint, byte[] body) {
        JsonNode input;
        try {
            input = JSON.readTree(body);
        } catch (IOException e) {
            return Response.detail(400, "the body is not JSON: " + e.getMessage());
        }
        if (input == null || !input.isObject()) {
            return Response.detail(422, "the body must be a JSON object");
        }
        JsonNode promptNode = input.path("prompt");
        if (!promptNode.isTextual() || promptNode.asText().isBlank()) {
            return Response.json(422, Map.of("detail", List.of(Map.of("loc", List.of("body", "prompt"),
                    "msg", "field required", "type", "missing"))));
        }
        String content = endpoint + "\n" + canonical(input);
        byte[] hash = sha256(content);
        long seed = 0;
        for (int i = 0; i < 8; i++) {
            seed = seed << 8 | (hash[i] & 0xff);
        }
        int[] size = imageSize(input.path("image_size"));
        Pixels pixels = new Pixels(size[0], size[1], (hash[8] & 0xff) << 16 | (hash[9] & 0xff) << 8 | (hash[10] & 0xff));
        List<String> parts = List.of(endpoint.split("/"));
        int appParts = Set.of("workflows", "comfy").contains(parts.get(0)) && parts.size() > 2 ? 3 : 2;
        String app = String.join("/", parts.subList(0, Math.min(appParts, parts.size())));
        String id = String.format(Locale.ROOT, "%08x-fa1e-4000-8000-%012x", nextId.getAndIncrement(), seed >>> 16);
        Job job = new Job(id, app, endpoint, promptNode.asText(), seed, pixels, System.nanoTime());
        String fileUrl = baseUrl + "/files/" + id + ".png";
        lock.lock();
        try {
            jobs.put(id, job);
            submissions.add(new Submission(id, endpoint, content, job.prompt, fileUrl));
            submissionsByContent.merge(content, 1, Integer::sum);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        Map<String, Object> json = urls(job);
        json.put("status", "IN_QUEUE");
        json.put("queue_position", 0);
        return new Response(200, Response.json(200, json).body(), Map.of("x-fal-request-id", id));
    }

    private Map<String, Object> urls(Job job) {
        String base = baseUrl + "/" + job.app + "/requests/" + job.id;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("request_id", job.id);
        json.put("response_url", base);
        json.put("status_url", base + "/status");
        json.put("cancel_url", base + "/cancel");
        return json;
    }

    /** The job if it exists under {@code app}; guarded by the lock. */
    private @Nullable Job job(String app, String id) {
        Job job = jobs.get(id);
        return job != null && job.app.equals(app) ? job : null;
    }

    /** Whether the job has completed by {@code now}; settles it the first time. Guarded by the lock. */
    private boolean completed(Job job, long now) {
        if (job.completedNanos < 0 && !held && now - job.submittedNanos >= settings.latency().toNanos()) {
            job.completedNanos = now;
        }
        return job.completedNanos >= 0;
    }

    private Response status(String app, String id, @Nullable String query) {
        boolean logs = query != null && (query.contains("logs=1") || query.contains("logs=true"));
        lock.lock();
        try {
            Job job = job(app, id);
            if (job == null) {
                return Response.detail(404, "Request not found");
            }
            polls++;
            pollsByRequest.merge(id, 1, Integer::sum);
            changed.signalAll();
            long now = System.nanoTime();
            Map<String, Object> json = new LinkedHashMap<>();
            if (completed(job, now)) {
                json.put("status", "COMPLETED");
                json.put("logs", logs ? List.of(log("done")) : null);
                json.put("metrics", Map.of("inference_time", settings.latency().toMillis() / 1000.0));
                json.put("error", job.cancelled ? "Request was cancelled" : null);
                json.put("error_type", job.cancelled ? "client_cancelled" : null);
                json.putAll(urls(job));
                return Response.json(200, json);
            }
            boolean queued = now - job.submittedNanos < settings.latency().toNanos() / 4;
            json.put("status", queued ? "IN_QUEUE" : "IN_PROGRESS");
            if (queued) {
                json.put("queue_position", 0);
            }
            json.put("logs", logs && !queued ? List.of(log("step 1/2")) : logs ? List.of() : null);
            json.putAll(urls(job));
            return Response.json(202, json);
        } finally {
            lock.unlock();
        }
    }

    private static Map<String, Object> log(String message) {
        return Map.of("message", message, "level", "INFO", "source", "USER", "timestamp", "2026-01-01T00:00:00.000Z");
    }

    private Response result(String app, String id) {
        Job job;
        lock.lock();
        try {
            job = job(app, id);
            if (job == null) {
                return Response.detail(404, "Request not found");
            }
            if (!completed(job, System.nanoTime())) {
                return Response.detail(400, "Request is still in progress");
            }
            if (job.cancelled) {
                return Response.detail(400, "Request was cancelled");
            }
            resultFetches++;
        } finally {
            lock.unlock();
        }
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("url", baseUrl + "/files/" + job.id + ".png");
        image.put("width", job.pixels.width());
        image.put("height", job.pixels.height());
        image.put("content_type", "image/png");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("images", List.of(image));
        json.put("timings", Map.of("inference", settings.latency().toMillis() / 1000.0));
        json.put("seed", job.seed >>> 33);
        json.put("has_nsfw_concepts", List.of(false));
        json.put("prompt", job.prompt);
        return new Response(200, Response.json(200, json).body(), Map.of("x-fal-request-id", job.id));
    }

    private Response cancel(String app, String id) {
        lock.lock();
        try {
            Job job = job(app, id);
            if (job == null) {
                return Response.json(404, Map.of("status", "NOT_FOUND"));
            }
            if (completed(job, System.nanoTime())) {
                return Response.json(400, Map.of("status", "ALREADY_COMPLETED"));
            }
            job.cancelled = true;
            job.completedNanos = System.nanoTime();
            cancellations++;
            return Response.json(202, Map.of("status", "CANCELLATION_REQUESTED"));
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- files

    private @Nullable Response file(HttpExchange exchange, String name) throws IOException {
        String id = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        Job job;
        lock.lock();
        try {
            job = jobs.get(id);
            if (job == null || !completed(job, System.nanoTime()) || job.cancelled) {
                return Response.detail(404, "Not Found");
            }
            downloads++;
            downloadsByRequest.merge(id, 1, Integer::sum);
        } finally {
            lock.unlock();
        }
        exchange.getResponseHeaders().set("Content-Type", "image/png");
        exchange.sendResponseHeaders(200, pngLength(job));
        try (OutputStream out = exchange.getResponseBody()) {
            writePng(job, new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    bytesServed.incrementAndGet();
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    bytesServed.addAndGet(len);
                }
            });
        }
        return null;
    }

    /** {@link Settings#imageBytes()}, or more when the pixels alone do not fit in it. */
    private long pngLength(Job job) {
        long fixed = fixedLength(job);
        return fixed <= settings.imageBytes() ? settings.imageBytes() : fixed - 12;
    }

    /** Signature, IHDR, the filler chunk's frame, IDAT and IEND: all but the filler's data. */
    private long fixedLength(Job job) {
        return PNG_SIGNATURE.length + (12L + 13) + 12L + (12L + idat(job).length) + 12L;
    }

    private byte[] idat(Job job) {
        return idatCache.computeIfAbsent(job.pixels, FakeFalServer::deflatePixels);
    }

    /**
     * Signature, IHDR, a filler chunk of pseudo-random bytes, IDAT, IEND: exactly
     * {@link Settings#imageBytes()} bytes when the pixels fit, streamed in 64 KiB pieces of the
     * shared noise: no buffer per download, for benchmarks that run thousands at once.
     */
    private void writePng(Job job, OutputStream out) throws IOException {
        byte[] idat = idat(job);
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(PNG_SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, job.pixels.width());
        putInt(ihdr, 4, job.pixels.height());
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        chunk(header, "IHDR", ihdr);
        out.write(header.toByteArray());
        long fixed = fixedLength(job);
        long filler = settings.imageBytes() - fixed;
        if (filler >= 0) {
            byte[] frame = new byte[8];
            putInt(frame, 0, (int) filler);
            System.arraycopy(FILLER_TYPE, 0, frame, 4, 4);
            out.write(frame);
            CRC32 crc = new CRC32();
            crc.update(FILLER_TYPE);
            // The shared noise read from a point the seed picks: a different file per request,
            // the same for the same request, at the cost of a copy (a benchmark serves gigabytes).
            int from = (int) Math.floorMod(job.seed, (long) NOISE.length);
            for (long left = filler; left > 0; ) {
                int n = (int) Math.min(Math.min(64 * 1024, NOISE.length - from), left);
                crc.update(NOISE, from, n);
                out.write(NOISE, from, n);
                left -= n;
                from = (from + n) % NOISE.length;
            }
            byte[] crcBytes = new byte[4];
            putInt(crcBytes, 0, (int) crc.getValue());
            out.write(crcBytes);
        }
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        chunk(tail, "IDAT", idat);
        chunk(tail, "IEND", new byte[0]);
        out.write(tail.toByteArray());
    }

    private static byte[] noise(int size) {
        byte[] b = new byte[size];
        SplittableRandom random = new SplittableRandom(0x5eed_fa1eL);
        for (int i = 0; i < size; i += 8) {
            long r = random.nextLong();
            for (int k = 0; k < 8; k++) {
                b[i + k] = (byte) (r >>> (8 * k));
            }
        }
        return b;
    }

    private static byte[] deflatePixels(Pixels p) {
        byte[] row = new byte[1 + 3 * p.width()];
        for (int x = 0; x < p.width(); x++) {
            row[1 + 3 * x] = (byte) (p.rgb() >>> 16);
            row[2 + 3 * x] = (byte) (p.rgb() >>> 8);
            row[3 + 3 * x] = (byte) p.rgb();
        }
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        try {
            for (int y = 0; y < p.height(); y++) {
                deflater.setInput(row);
                while (!deflater.needsInput()) {
                    out.write(buf, 0, deflater.deflate(buf));
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        byte[] len = new byte[4];
        putInt(len, 0, data.length);
        out.writeBytes(len);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.writeBytes(c);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** fal's presets (providers.md 1.6, default landscape_4_3) or {@code {width, height}}. */
    static int[] imageSize(JsonNode n) {
        if (n.isObject() && n.path("width").canConvertToInt() && n.path("height").canConvertToInt()) {
            return new int[] {clamp(n.path("width").asInt()), clamp(n.path("height").asInt())};
        }
        String preset = n.isTextual() && PRESETS.contains(n.asText()) ? n.asText() : "landscape_4_3";
        return switch (preset) {
            case "square_hd" -> new int[] {1024, 1024};
            case "square" -> new int[] {512, 512};
            case "portrait_4_3" -> new int[] {768, 1024};
            case "portrait_16_9" -> new int[] {576, 1024};
            case "landscape_16_9" -> new int[] {1024, 576};
            default -> new int[] {1024, 768};
        };
    }

    private static int clamp(int v) {
        return Math.max(1, Math.min(MAX_DIMENSION, v));
    }

    /** Keys sorted at every level, so that field order does not make two requests differ. */
    static String canonical(JsonNode node) {
        return write(sorted(node));
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            new TreeSet<>(names).forEach(name -> out.set(name, sorted(node.get(name))));
            return out;
        }
        if (node.isArray()) {
            var out = JsonNodeFactory.instance.arrayNode();
            node.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return node;
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T locked(java.util.function.Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
