package dev.acp.testkit.jobs;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.acp.error.ErrorKind;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A fake asynchronous, paid media provider on {@code 127.0.0.1}, run inside a test. It keeps a
 * ledger of every submission and charge so that a test can prove that each job was submitted
 * exactly once and billed once, also when the client crashed and resumed in between.
 *
 * <h2>HTTP contract</h2>
 *
 * <ul>
 *   <li>{@code POST /v1/jobs} with {@code Authorization: Bearer <key>}, {@code Idempotency-Key}
 *       and the body {@code {"step_id", "capability", "parameters": {...}}}: 201 and the new job
 *       ({@code id}, {@code status}, {@code status_url}, {@code result_url}, {@code cancel_url});
 *       for a key seen before 200 and the same job, without a new charge. A seen key with a
 *       different body is refused with 422 {@code idempotency_key_reused}.
 *   <li>{@code GET /v1/jobs/<id>}: {@code {"id", "status", "progress", "logs", "poll_after_ms"}}
 *       and, for a failed job, {@code "error": {"code", "kind", "message"}}. Statuses are
 *       {@code queued}, {@code running}, {@code succeeded}, {@code failed}, {@code cancelled}.
 *   <li>{@code GET /v1/jobs/<id>/result}: the output bytes of a succeeded job (409 otherwise),
 *       with {@code Content-Type} by capability and {@code X-Fake-Cost}.
 *   <li>{@code POST /v1/jobs/<id>/cancel}: 200 when the job is (now) cancelled, 409 when it had
 *       already finished.
 *   <li>{@code GET /v1/_records}: the ledger as JSON, without authentication.
 * </ul>
 *
 * Errors are JSON {@code {"error": {"code", "message"}}}: 400 malformed request or missing
 * {@code Idempotency-Key}, 401 wrong or missing key, 404 unknown job or path, 405 wrong method,
 * 409 result not ready or job finished, 422 unsupported capability or bad scripting parameter,
 * 429 scripted throttling (with {@code Retry-After: 1}), 503 scripted poll failure.
 *
 * <h2>Scripting, through the request's parameters</h2>
 *
 * <ul>
 *   <li>{@code fake_duration_ms}: how long the job takes (default {@link Settings#jobDuration()})
 *   <li>{@code fake_cost}: the price of the job in dollars (default {@link Settings#defaultCost()})
 *   <li>{@code fake_fail: "job"}: the job ends {@code failed}; {@code fake_fail_kind} names the
 *       {@link ErrorKind} it reports (default {@code transient}). It is charged all the same.
 *   <li>{@code fake_poll_503: N}: the first N status polls of the job answer 503
 *   <li>{@code fake_submit_429: N}: the first N submissions with the idempotency key answer 429
 *       without creating a job or charging
 *   <li>{@code fake_truncate: true}: the result declares a {@code Content-Length} larger than the
 *       body it sends, then drops the connection
 *   <li>{@code fake_size_bytes}: the approximate size of audio, video and text results
 * </ul>
 *
 * Any other {@code fake_*} parameter is refused (422), so typos in a pipeline surface at once.
 * The output depends only on the capability and the parameters other than {@code fake_*}:
 * identical requests give identical bytes whatever their step id. Images honour numeric
 * {@code width} and {@code height} (default 64, at most 4096).
 *
 * <p>Thread-safe: every request is served on its own virtual thread, and each submission is
 * checked, recorded and charged atomically, so the ledger is consistent under concurrency.
 */
public final class FakeJobServer implements AutoCloseable {
    /** The API key a server accepts unless its {@link Settings} say otherwise. */
    public static final String DEFAULT_API_KEY = "fakejobs-test-key-0123456789";

    /** The capabilities the server (and {@code provider: fakejobs}) can serve. */
    public static final Set<String> CAPABILITIES =
            Set.of("text_to_image", "image_to_image", "text_to_speech", "text_to_video", "prompt_generation");

    static final String RETRY_AFTER_SECONDS = "1";
    private static final String JOBS = "/v1/jobs";
    private static final Set<String> SCRIPT_KEYS = Set.of(
            "fake_duration_ms",
            "fake_cost",
            "fake_fail",
            "fake_fail_kind",
            "fake_poll_503",
            "fake_submit_429",
            "fake_truncate",
            "fake_size_bytes");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    /**
     * Per-server settings.
     *
     * @param apiKey the only key accepted in {@code Authorization: Bearer}
     * @param jobDuration how long a job takes from submission to success, unless the request
     *     names {@code fake_duration_ms}; the first quarter of it is spent queued
     * @param defaultCost the price of a job unless the request names {@code fake_cost}
     */
    public record Settings(String apiKey, Duration jobDuration, BigDecimal defaultCost) {
        public Settings {
            Objects.requireNonNull(apiKey, "apiKey");
            if (apiKey.isBlank()) {
                throw new IllegalArgumentException("apiKey must not be blank");
            }
            if (jobDuration.isNegative()) {
                throw new IllegalArgumentException("jobDuration must not be negative: " + jobDuration);
            }
            if (defaultCost.signum() < 0) {
                throw new IllegalArgumentException("defaultCost must not be negative: " + defaultCost);
            }
        }

        /** Key {@link #DEFAULT_API_KEY}, jobs of 150 ms, $0.01 each. */
        public static Settings defaults() {
            return new Settings(DEFAULT_API_KEY, Duration.ofMillis(150), new BigDecimal("0.01"));
        }

        public Settings withApiKey(String key) {
            return new Settings(key, jobDuration, defaultCost);
        }

        public Settings withJobDuration(Duration duration) {
            return new Settings(apiKey, duration, defaultCost);
        }

        public Settings withDefaultCost(BigDecimal cost) {
            return new Settings(apiKey, jobDuration, cost);
        }
    }

    /**
     * One accepted submission: the first with its key (in {@link #submissions()}), or a repeat
     * that was answered with the existing job (in {@link #duplicateSubmissions()}).
     *
     * @param parameters the request's parameters as canonical JSON (keys sorted, numbers plain)
     */
    public record Submission(
            String idempotencyKey, String jobId, String stepId, String capability, Instant at, String parameters) {}

    /** What a job was billed, once, when it was created. */
    public record Charge(String jobId, String idempotencyKey, String stepId, BigDecimal amount, Instant at) {}

    /**
     * A job stopped by a cancel request.
     *
     * @param statusBefore {@code queued} or {@code running}
     */
    public record Cancellation(String jobId, String stepId, String statusBefore, Instant at) {}

    private final Settings settings;
    private final HttpServer http;
    private final ExecutorService executor;
    private final String baseUrl;
    private final Clock clock = Clock.systemUTC();

    private final ReentrantLock lock = new ReentrantLock();
    // Everything below is guarded by lock.
    private final Map<String, Job> jobsById = new HashMap<>();
    private final Map<String, Job> jobsByKey = new HashMap<>();
    private final Map<String, Integer> throttledByKey = new HashMap<>();
    private final List<Submission> submissions = new ArrayList<>();
    private final List<Submission> duplicates = new ArrayList<>();
    private final List<Charge> charges = new ArrayList<>();
    private final List<Cancellation> cancellations = new ArrayList<>();
    private int throttled;
    private long nextJob = 1;

    private FakeJobServer(Settings settings) throws IOException {
        this.settings = settings;
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
        this.baseUrl = "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** Starts a server with {@link Settings#defaults()} on an ephemeral port of 127.0.0.1. */
    public static FakeJobServer start() {
        return start(Settings.defaults());
    }

    /** Starts a server with {@code settings} on an ephemeral port of 127.0.0.1. */
    public static FakeJobServer start(Settings settings) {
        try {
            return new FakeJobServer(settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake job server", e);
        }
    }

    /** For example {@code http://127.0.0.1:40123}, without a trailing slash: the value of {@code ACP_FAKEJOBS_BASE_URL}. */
    public String baseUrl() {
        return baseUrl;
    }

    public Settings settings() {
        return settings;
    }

    /** The key the server accepts: the value of {@code FAKEJOBS_API_KEY}. */
    public String apiKey() {
        return settings.apiKey();
    }

    /** First submissions of each idempotency key, in the order they were accepted. */
    public List<Submission> submissions() {
        return locked(() -> List.copyOf(submissions));
    }

    /** Submissions that repeated a known key and were answered with the existing job. */
    public List<Submission> duplicateSubmissions() {
        return locked(() -> List.copyOf(duplicates));
    }

    /** How many submissions were answered 429 ({@code fake_submit_429}); they created nothing. */
    public int throttledSubmissions() {
        return locked(() -> throttled);
    }

    /** One charge per job created. */
    public List<Charge> charges() {
        return locked(() -> List.copyOf(charges));
    }

    /** The sum of {@link #charges()}. */
    public BigDecimal billedTotal() {
        return locked(() -> charges.stream().map(Charge::amount).reduce(BigDecimal.ZERO, BigDecimal::add));
    }

    /** Step id to the number of jobs created for it (first submissions only), sorted by step id. */
    public Map<String, Integer> submissionsByStep() {
        return locked(() -> {
            Map<String, Integer> byStep = new TreeMap<>();
            submissions.forEach(s -> byStep.merge(s.stepId(), 1, Integer::sum));
            return Collections.unmodifiableMap(byStep);
        });
    }

    public List<Cancellation> cancellations() {
        return locked(() -> List.copyOf(cancellations));
    }

    /**
     * Forgets every job, key and record. Job ids keep counting up, so a handle from before the
     * reset answers 404 instead of finding another job.
     */
    public void reset() {
        locked(() -> {
            jobsById.clear();
            jobsByKey.clear();
            throttledByKey.clear();
            submissions.clear();
            duplicates.clear();
            charges.clear();
            cancellations.clear();
            throttled = 0;
            return null;
        });
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
        return "FakeJobServer[" + baseUrl + "]";
    }

    // ---------------------------------------------------------------- HTTP

    /** An answer; {@code truncate} sends half of the body under a Content-Length for all of it. */
    private record Response(int status, String contentType, byte[] body, Map<String, String> headers, boolean truncate) {
        static Response json(int status, Object value) {
            try {
                return new Response(status, "application/json", JSON.writeValueAsBytes(value), Map.of(), false);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        static Response error(int status, String code, String message) {
            return json(status, Map.of("error", Map.of("code", code, "message", message)));
        }

        Response with(String header, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(header, value);
            return new Response(status, contentType, body, h, truncate);
        }
    }

    /** A request refused with a client error; thrown while reading it. */
    private static final class Refused extends Exception {
        private final transient Response response;

        Refused(int status, String code, String message) {
            super(message, null, false, false);
            this.response = Response.error(status, code, message);
        }
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            Response response;
            try {
                response = route(exchange);
            } catch (Refused r) {
                response = r.response;
            } catch (RuntimeException e) {
                response = Response.error(500, "internal", "fake job server failed: " + e);
            }
            send(exchange, response);
        } catch (IOException e) {
            // The client went away, or the body was truncated on purpose.
        }
    }

    private static void send(HttpExchange exchange, Response r) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", r.contentType());
        r.headers().forEach(exchange.getResponseHeaders()::set);
        byte[] body = r.body();
        if (r.truncate()) {
            exchange.getResponseHeaders().set("Connection", "close");
            exchange.sendResponseHeaders(r.status(), body.length);
            OutputStream out = exchange.getResponseBody();
            out.write(body, 0, body.length / 2);
            out.flush();
            // Closing a fixed-length stream early makes the JDK server drop the connection.
            return;
        }
        exchange.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private Response route(HttpExchange exchange) throws IOException, Refused {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals("/v1/_records")) {
            requireMethod(method, "GET");
            return Response.json(200, recordsJson());
        }
        if (!path.equals(JOBS) && !path.startsWith(JOBS + "/")) {
            throw new Refused(404, "not_found", "no such path: " + path);
        }
        authorize(exchange);
        if (path.equals(JOBS)) {
            requireMethod(method, "POST");
            return submit(exchange);
        }
        String[] parts = path.substring(JOBS.length() + 1).split("/", -1);
        if (parts.length == 1) {
            requireMethod(method, "GET");
            return status(parts[0]);
        }
        if (parts.length == 2 && parts[1].equals("result")) {
            requireMethod(method, "GET");
            return result(parts[0]);
        }
        if (parts.length == 2 && parts[1].equals("cancel")) {
            requireMethod(method, "POST");
            return cancel(parts[0]);
        }
        throw new Refused(404, "not_found", "no such path: " + path);
    }

    private static void requireMethod(String method, String allowed) throws Refused {
        if (!method.equals(allowed)) {
            throw new Refused(405, "method_not_allowed", method + " is not allowed here; use " + allowed);
        }
    }

    private void authorize(HttpExchange exchange) throws Refused {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] expected = ("Bearer " + settings.apiKey()).getBytes(StandardCharsets.UTF_8);
        if (header == null || !MessageDigest.isEqual(header.strip().getBytes(StandardCharsets.UTF_8), expected)) {
            // Never echo what was sent: it may be a real key.
            throw new Refused(401, "unauthorized", "missing or invalid API key (Authorization: Bearer <key>)");
        }
    }

    // ---------------------------------------------------------------- submit

    private Response submit(HttpExchange exchange) throws IOException, Refused {
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        if (key == null || key.isBlank()) {
            throw new Refused(400, "missing_idempotency_key", "the Idempotency-Key header is required");
        }
        JsonNode body;
        try {
            body = JSON.readTree(exchange.getRequestBody());
        } catch (JsonProcessingException e) {
            throw new Refused(400, "invalid_json", "the body is not JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) {
            throw new Refused(400, "invalid_json", "the body must be a JSON object");
        }
        String stepId = text(body, "step_id");
        String capability = text(body, "capability");
        if (!CAPABILITIES.contains(capability)) {
            throw new Refused(422, "unsupported_capability",
                    "capability " + capability + " is not supported; use one of " + new TreeSet<>(CAPABILITIES));
        }
        JsonNode parameters = body.path("parameters");
        if (parameters.isMissingNode() || parameters.isNull()) {
            parameters = JsonNodeFactory.instance.objectNode();
        } else if (!parameters.isObject()) {
            throw new Refused(400, "invalid_parameters", "parameters must be a JSON object");
        }
        Script script = Script.of((ObjectNode) parameters, settings);
        JsonNode canonical = canonical(parameters);
        String canonicalJson = write(canonical);
        String request = stepId + "\n" + capability + "\n" + canonicalJson;

        Instant now = clock.instant();
        lock.lock();
        try {
            Job existing = jobsByKey.get(key);
            if (existing != null) {
                if (!existing.request.equals(request)) {
                    throw new Refused(422, "idempotency_key_reused",
                            "Idempotency-Key was used before with a different request (job " + existing.id + ")");
                }
                duplicates.add(new Submission(key, existing.id, stepId, capability, now, canonicalJson));
                return Response.json(200, jobJson(existing));
            }
            int refused = throttledByKey.getOrDefault(key, 0);
            if (refused < script.submit429) {
                throttledByKey.put(key, refused + 1);
                throttled++;
                return Response.error(429, "rate_limited", "too many requests (scripted by fake_submit_429)")
                        .with("Retry-After", RETRY_AFTER_SECONDS);
            }
            Job job = new Job("job-" + nextJob++, key, stepId, capability, request, contentSeed(capability, canonical),
                    dimension(canonical, "width"), dimension(canonical, "height"), prompt(canonical), script, System.nanoTime());
            jobsById.put(job.id, job);
            jobsByKey.put(key, job);
            submissions.add(new Submission(key, job.id, stepId, capability, now, canonicalJson));
            charges.add(new Charge(job.id, key, stepId, script.cost, now));
            return Response.json(201, jobJson(job));
        } finally {
            lock.unlock();
        }
    }

    private static String text(JsonNode body, String field) throws Refused {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new Refused(400, "invalid_request", "the body needs a non-blank string \"" + field + "\"");
        }
        return v.asText();
    }

    /** The scripting parameters of one request, validated. */
    private record Script(
            long durationNanos,
            BigDecimal cost,
            boolean fail,
            ErrorKind failKind,
            int poll503,
            int submit429,
            boolean truncate,
            int sizeBytes) {

        static Script of(ObjectNode parameters, Settings settings) throws Refused {
            for (var names = parameters.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (name.startsWith("fake_") && !SCRIPT_KEYS.contains(name)) {
                    throw new Refused(422, "invalid_parameter",
                            "unknown scripting parameter " + name + "; known: " + new TreeSet<>(SCRIPT_KEYS));
                }
            }
            BigDecimal duration = decimal(parameters, "fake_duration_ms", BigDecimal.valueOf(settings.jobDuration().toMillis()));
            BigDecimal cost = decimal(parameters, "fake_cost", settings.defaultCost());
            JsonNode fail = parameters.path("fake_fail");
            if (!fail.isMissingNode() && !fail.isNull() && !fail.asText().equals("job")) {
                throw new Refused(422, "invalid_parameter", "fake_fail must be \"job\", was " + fail);
            }
            ErrorKind kind = ErrorKind.TRANSIENT;
            JsonNode kindNode = parameters.path("fake_fail_kind");
            if (!kindNode.isMissingNode() && !kindNode.isNull()) {
                try {
                    kind = ErrorKind.valueOf(kindNode.asText().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new Refused(422, "invalid_parameter", "fake_fail_kind must name an error kind, was " + kindNode);
                }
            }
            JsonNode truncate = parameters.path("fake_truncate");
            if (!truncate.isMissingNode() && !truncate.isNull()
                    && !truncate.asText().equals("true") && !truncate.asText().equals("false")) {
                throw new Refused(422, "invalid_parameter", "fake_truncate must be true or false, was " + truncate);
            }
            return new Script(
                    TimeUnit.MILLISECONDS.toNanos(duration.longValue()),
                    cost,
                    !fail.isMissingNode() && !fail.isNull(),
                    kind,
                    count(parameters, "fake_poll_503", Integer.MAX_VALUE),
                    count(parameters, "fake_submit_429", Integer.MAX_VALUE),
                    truncate.asText().equals("true"),
                    count(parameters, "fake_size_bytes", FakeMedia.MAX_SIZE));
        }

        private static BigDecimal decimal(ObjectNode parameters, String name, BigDecimal fallback) throws Refused {
            JsonNode v = parameters.get(name);
            if (v == null || v.isNull()) {
                return fallback;
            }
            try {
                BigDecimal d = v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText().strip());
                if (d.signum() >= 0 && v.isValueNode()) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw new Refused(422, "invalid_parameter", name + " must be a number >= 0, was " + v);
        }

        private static int count(ObjectNode parameters, String name, int max) throws Refused {
            BigDecimal d = decimal(parameters, name, BigDecimal.ZERO);
            if (d.compareTo(BigDecimal.valueOf(max)) > 0) {
                throw new Refused(422, "invalid_parameter", name + " must be at most " + max + ", was " + d);
            }
            return d.intValue();
        }
    }

    /** The parameters with keys sorted at every level and numbers in their plainest form. */
    static JsonNode canonical(JsonNode node) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (node.isObject()) {
            ObjectNode out = f.objectNode();
            new TreeSet<>(iterable(node)).forEach(name -> out.set(name, canonical(node.get(name))));
            return out;
        }
        if (node.isArray()) {
            var out = f.arrayNode();
            node.forEach(e -> out.add(canonical(e)));
            return out;
        }
        if (node.isNumber()) {
            BigDecimal d = node.decimalValue().stripTrailingZeros();
            return d.scale() <= 0 ? BigIntegerNode.valueOf(d.toBigIntegerExact()) : DecimalNode.valueOf(d);
        }
        return node;
    }

    private static List<String> iterable(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of the capability and the parameters without the {@code fake_*} switches. */
    private static byte[] contentSeed(String capability, JsonNode canonical) {
        ObjectNode content = ((ObjectNode) canonical).deepCopy();
        content.remove(iterable(canonical).stream().filter(n -> n.startsWith("fake_")).toList());
        return FakeMedia.sha256(capability + "\n" + write(content));
    }

    private static int dimension(JsonNode parameters, String name) {
        JsonNode v = parameters.path(name);
        return v.isNumber() ? (int) Math.max(1, Math.min(FakeMedia.MAX_IMAGE_SIZE, v.asLong())) : 0;
    }

    private static String prompt(JsonNode parameters) {
        JsonNode v = parameters.path("prompt");
        String p = v.isValueNode() ? v.asText() : "";
        return p.length() > 200 ? p.substring(0, 200) : p;
    }

    // ---------------------------------------------------------------- jobs

    private enum State {
        QUEUED,
        RUNNING,
        SUCCEEDED,
        FAILED,
        CANCELLED;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean terminal() {
            return this != QUEUED && this != RUNNING;
        }
    }

    /** A job; immutable but for the fields guarded by the server's lock. */
    private static final class Job {
        final String id;
        final String key;
        final String stepId;
        final String capability;
        /** Step id, capability and canonical parameters: what a repeated key must match. */
        final String request;
        final byte[] seed;
        final int width;
        final int height;
        final String prompt;
        final Script script;
        final long createdNanos;
        // Guarded by the server's lock.
        int poll503Left;
        long cancelledNanos;
        @Nullable State cancelledFrom;
        private volatile byte @Nullable [] result;

        Job(String id, String key, String stepId, String capability, String request, byte[] seed,
                int width, int height, String prompt, Script script, long createdNanos) {
            this.id = id;
            this.key = key;
            this.stepId = stepId;
            this.capability = capability;
            this.request = request;
            this.seed = seed;
            this.width = width;
            this.height = height;
            this.prompt = prompt;
            this.script = script;
            this.createdNanos = createdNanos;
            this.poll503Left = script.poll503;
        }

        State state(long now) {
            if (cancelledFrom != null) {
                return State.CANCELLED;
            }
            long elapsed = now - createdNanos;
            if (elapsed >= script.durationNanos) {
                return script.fail ? State.FAILED : State.SUCCEEDED;
            }
            return elapsed < script.durationNanos / 4 ? State.QUEUED : State.RUNNING;
        }

        double progress(long now) {
            long at = cancelledFrom != null ? cancelledNanos : now;
            long elapsed = at - createdNanos;
            if (script.durationNanos == 0 || elapsed >= script.durationNanos) {
                return cancelledFrom != null ? 0.99 : 1.0;
            }
            return elapsed < script.durationNanos / 4 ? 0.0 : (double) elapsed / script.durationNanos;
        }

        /** Computed outside the lock; racing computations give identical bytes. */
        byte[] result() {
            byte[] r = result;
            if (r == null) {
                r = FakeMedia.render(capability, seed, width, height, script.sizeBytes, prompt);
                result = r;
            }
            return r;
        }
    }

    private Map<String, Object> jobJson(Job job) {
        String url = baseUrl + JOBS + "/" + job.id;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", job.id);
        json.put("status", job.state(System.nanoTime()).wire());
        json.put("status_url", url);
        json.put("result_url", url + "/result");
        json.put("cancel_url", url + "/cancel");
        return json;
    }

    private Job job(String id) throws Refused {
        Job job = jobsById.get(id);
        if (job == null) {
            throw new Refused(404, "not_found", "no job " + id);
        }
        return job;
    }

    private Response status(String id) throws Refused {
        lock.lock();
        try {
            Job job = job(id);
            if (job.poll503Left > 0) {
                job.poll503Left--;
                return Response.error(503, "unavailable", "status temporarily unavailable (scripted by fake_poll_503)");
            }
            long now = System.nanoTime();
            State state = job.state(now);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", job.id);
            json.put("status", state.wire());
            json.put("progress", job.progress(now));
            json.put("logs", logs(job, state));
            if (!state.terminal()) {
                long left = TimeUnit.NANOSECONDS.toMillis(job.createdNanos + job.script.durationNanos - now);
                json.put("poll_after_ms", Math.max(10, Math.min(1000, left)));
            }
            if (state == State.FAILED) {
                json.put("error", Map.of(
                        "code", "job_failed",
                        "kind", job.script.failKind.wireName(),
                        "message", "job " + job.id + " failed (scripted by fake_fail)"));
            }
            return Response.json(200, json);
        } finally {
            lock.unlock();
        }
    }

    private static List<String> logs(Job job, State state) {
        List<String> logs = new ArrayList<>();
        logs.add("job " + job.id + " queued");
        State reached = state == State.CANCELLED ? Objects.requireNonNull(job.cancelledFrom) : state;
        if (reached != State.QUEUED) {
            logs.add("job " + job.id + " running");
        }
        switch (state) {
            case SUCCEEDED -> logs.add("job " + job.id + " succeeded");
            case FAILED -> logs.add("job " + job.id + " failed");
            case CANCELLED -> logs.add("job " + job.id + " cancelled");
            case QUEUED, RUNNING -> {}
        }
        return logs;
    }

    private Response result(String id) throws Refused {
        Job job;
        lock.lock();
        try {
            job = job(id);
            State state = job.state(System.nanoTime());
            if (state != State.SUCCEEDED) {
                throw new Refused(409, "not_ready", "job " + id + " is " + state.wire() + "; there is no result to fetch");
            }
        } finally {
            lock.unlock();
        }
        return new Response(200, FakeMedia.contentType(job.capability), job.result(),
                Map.of("X-Fake-Cost", job.script.cost.toPlainString()), job.script.truncate);
    }

    private Response cancel(String id) throws Refused {
        lock.lock();
        try {
            Job job = job(id);
            long now = System.nanoTime();
            State state = job.state(now);
            if (state == State.QUEUED || state == State.RUNNING) {
                job.cancelledFrom = state;
                job.cancelledNanos = now;
                cancellations.add(new Cancellation(job.id, job.stepId, state.wire(), clock.instant()));
            } else if (state != State.CANCELLED) {
                throw new Refused(409, "already_finished", "job " + id + " already " + state.wire());
            }
            return Response.json(200, Map.of("id", job.id, "status", State.CANCELLED.wire()));
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- records

    private Map<String, Object> recordsJson() {
        return locked(() -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("submissions", submissions.stream().map(FakeJobServer::submissionJson).toList());
            json.put("duplicate_submissions", duplicates.stream().map(FakeJobServer::submissionJson).toList());
            json.put("throttled_submissions", throttled);
            json.put("charges", charges.stream().map(c -> Map.of(
                    "job_id", c.jobId(),
                    "idempotency_key", c.idempotencyKey(),
                    "step_id", c.stepId(),
                    "amount", c.amount(),
                    "at", c.at().toString())).toList());
            json.put("billed_total", charges.stream().map(Charge::amount).reduce(BigDecimal.ZERO, BigDecimal::add));
            Map<String, Integer> byStep = new TreeMap<>();
            submissions.forEach(s -> byStep.merge(s.stepId(), 1, Integer::sum));
            json.put("submissions_by_step", byStep);
            json.put("cancellations", cancellations.stream().map(c -> Map.of(
                    "job_id", c.jobId(),
                    "step_id", c.stepId(),
                    "status_before", c.statusBefore(),
                    "at", c.at().toString())).toList());
            return json;
        });
    }

    private static Map<String, Object> submissionJson(Submission s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("idempotency_key", s.idempotencyKey());
        json.put("job_id", s.jobId());
        json.put("step_id", s.stepId());
        json.put("capability", s.capability());
        json.put("at", s.at().toString());
        try {
            json.put("parameters", JSON.readTree(s.parameters()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return json;
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
