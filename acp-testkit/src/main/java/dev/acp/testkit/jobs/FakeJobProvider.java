package dev.acp.testkit.jobs;

import static dev.acp.testkit.jobs.FakeJobProviderFactory.API_KEY_VARIABLE;
import static dev.acp.testkit.jobs.FakeJobProviderFactory.BASE_URL_VARIABLE;
import static dev.acp.testkit.jobs.FakeJobProviderFactory.ID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.acp.env.Environment;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.ErrorMapper;
import dev.acp.pipeline.Capability;
import dev.acp.provider.JobHandle;
import dev.acp.provider.JobProvider;
import dev.acp.provider.JobStatus;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The client of a {@link FakeJobServer}, created by {@link FakeJobProviderFactory}. Speaks the
 * server's HTTP contract with {@link HttpClient}: every request times out after
 * {@link #REQUEST_TIMEOUT}, and HTTP failures are classified as 401/403 {@code AUTH}, 400/422
 * {@code VALIDATION}, 404 {@code NOT_FOUND}, 409 {@code TRANSIENT} (result not ready), 429
 * {@code RATE_LIMIT} with the server's {@code Retry-After}, 5xx and I/O failures
 * {@code TRANSIENT}. The API key is sent only to the origin of the base URL and never appears in
 * a message.
 */
public final class FakeJobProvider implements JobProvider {
    /** The time limit of each HTTP request. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    static final String STATUS_URL = "status_url";
    static final String RESULT_URL = "result_url";
    static final String CANCEL_URL = "cancel_url";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int COPY_BUFFER = 64 * 1024;
    private static final int ERROR_BODY_LIMIT = 4096;

    private final @Nullable URI baseUrl;
    private final @Nullable String baseUrlProblem;
    private final @Nullable String apiKey;
    private final Clock clock;
    private final HttpClient http;
    private final boolean billsByTime;

    FakeJobProvider(Environment environment, Clock clock) {
        Optional<String> base = environment.get(BASE_URL_VARIABLE).map(String::strip);
        URI parsed = null;
        String problem = null;
        if (base.isEmpty()) {
            problem = BASE_URL_VARIABLE + " is not set; provider fakejobs needs the address of a FakeJobServer";
        } else {
            try {
                parsed = new URI(base.get().replaceAll("/+$", ""));
                if (!("http".equals(parsed.getScheme()) || "https".equals(parsed.getScheme())) || parsed.getHost() == null) {
                    parsed = null;
                }
            } catch (URISyntaxException e) {
                parsed = null;
            }
            if (parsed == null) {
                problem = BASE_URL_VARIABLE + " is not an http(s) URL: " + base.get();
            }
        }
        this.baseUrl = parsed;
        this.baseUrlProblem = problem;
        this.apiKey = environment.get(API_KEY_VARIABLE).map(String::strip).orElse(null);
        this.clock = clock;
        this.billsByTime = environment.get(FakeJobProviderFactory.BILLS_BY_TIME_VARIABLE).map(String::strip)
                .filter("true"::equals).isPresent();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(REQUEST_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return FakeJobProviderFactory.CAPABILITIES;
    }

    @Override
    public boolean cancelOnInterrupt() {
        return billsByTime;
    }

    @Override
    public boolean costsMoney() {
        return true;
    }

    @Override
    public boolean idempotentSubmit() {
        return true;
    }

    /** The server's output depends only on the capability and the parameters. */
    @Override
    public boolean deterministic(Capability capability, Map<String, Object> parameters) {
        return true;
    }

    @Override
    public List<Issue> check(
            Capability capability, @Nullable String model, Map<String, Object> parameters, String outputExtension) {
        List<Issue> issues = new ArrayList<>();
        if (baseUrlProblem != null) {
            issues.add(new Issue(null, baseUrlProblem, "set " + BASE_URL_VARIABLE + " to FakeJobServer.baseUrl()"));
        }
        Object fail = parameters.get("fake_fail");
        if (fail != null && !fail.equals("job") && !fail.toString().contains("{{")) {
            issues.add(new Issue("fake_fail", "fake_fail must be \"job\", was " + fail, "write fake_fail: job"));
        }
        return issues;
    }

    // ---------------------------------------------------------------- SPI

    @Override
    public JobHandle submit(ProviderRequest request, String idempotencyKey)
            throws ProviderException, InterruptedException {
        if (!capabilities().contains(request.capability())) {
            throw new ProviderException(ErrorKind.VALIDATION, "fakejobs cannot do " + request.capability());
        }
        URI base = baseUrl();
        ObjectNode body = JSON.createObjectNode();
        body.put("step_id", request.stepId());
        body.put("capability", request.capability().wireName());
        byte[] bytes;
        try {
            body.set("parameters", JSON.valueToTree(request.parameters()));
            bytes = JSON.writeValueAsBytes(body);
        } catch (IllegalArgumentException | JsonProcessingException e) {
            throw new ProviderException(ErrorKind.VALIDATION,
                    "fakejobs: the parameters of step " + request.stepId() + " cannot be sent as JSON: " + e.getMessage(), e);
        }
        HttpRequest http = request(URI.create(base + "/v1/jobs"))
                .header("Idempotency-Key", idempotencyKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        String what = "submitting step " + request.stepId();
        HttpResponse<String> response = send(what, http, HttpResponse.BodyHandlers.ofString(), null);
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw failure(what, response.statusCode(), response.headers(), response.body(), null);
        }
        JsonNode job = parse(what, response.body(), null);
        String id = job.path("id").asText("");
        Map<String, String> data = new LinkedHashMap<>();
        for (String name : List.of(STATUS_URL, RESULT_URL, CANCEL_URL)) {
            String url = job.path(name).asText("");
            if (url.isEmpty()) {
                throw new ProviderException(ErrorKind.TRANSIENT, "fakejobs: the answer to " + what + " lacks " + name,
                        null, id.isEmpty() ? null : id, null);
            }
            data.put(name, url);
        }
        if (id.isEmpty()) {
            throw new ProviderException(ErrorKind.TRANSIENT, "fakejobs: the answer to " + what + " lacks the job id");
        }
        return new JobHandle(ID, id, data);
    }

    @Override
    public JobStatus poll(JobHandle handle) throws ProviderException, InterruptedException {
        String what = "polling job " + handle.id();
        HttpRequest http = request(url(handle, STATUS_URL)).GET().build();
        HttpResponse<String> response = send(what, http, HttpResponse.BodyHandlers.ofString(), handle.id());
        if (response.statusCode() != 200) {
            throw failure(what, response.statusCode(), response.headers(), response.body(), handle.id());
        }
        JsonNode status = parse(what, response.body(), handle.id());
        String state = status.path("status").asText("");
        return switch (state) {
            case "queued", "running" -> {
                JsonNode after = status.path("poll_after_ms");
                yield new JobStatus.Pending(
                        status.path("progress").asDouble(-1),
                        state,
                        after.isNumber() ? Duration.ofMillis(Math.max(0, after.asLong())) : null);
            }
            case "succeeded" -> new JobStatus.Succeeded();
            case "failed" -> {
                JsonNode error = status.path("error");
                yield new JobStatus.Failed(
                        kind(error.path("kind").asText("")),
                        "fakejobs: job " + handle.id() + " failed: " + error.path("message").asText("no reason given"));
            }
            case "cancelled" -> new JobStatus.Failed(ErrorKind.TRANSIENT, "fakejobs: job " + handle.id() + " was cancelled");
            default -> throw new ProviderException(ErrorKind.TRANSIENT,
                    "fakejobs: " + what + " gave the unknown status '" + oneLine(state) + "'", null, handle.id(), null);
        };
    }

    @Override
    public ProviderResult fetch(JobHandle handle, ProviderRequest request) throws ProviderException, InterruptedException {
        String what = "fetching the result of job " + handle.id();
        HttpRequest http = request(url(handle, RESULT_URL)).GET().build();
        HttpResponse<InputStream> response = send(what, http, HttpResponse.BodyHandlers.ofInputStream(), handle.id());
        boolean text = request.capability().producesText();
        Path file = request.outputFile();
        long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        CountingInputStream in = new CountingInputStream(response.body());
        try (in) {
            if (response.statusCode() != 200) {
                String body = new String(in.readNBytes(ERROR_BODY_LIMIT), StandardCharsets.UTF_8);
                throw failure(what, response.statusCode(), response.headers(), body, handle.id());
            }
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("job_id", handle.id());
            response.headers().firstValue("Content-Type").ifPresent(t -> metadata.put("content_type", t));
            ProviderResult result;
            if (text) {
                byte[] bytes = in.readAllBytes();
                checkLength(what, declared, bytes.length, handle.id());
                metadata.put("bytes", (long) bytes.length);
                result = ProviderResult.text(new String(bytes, StandardCharsets.UTF_8), metadata);
            } else {
                long written = copy(in, file, handle.id());
                checkLength(what, declared, written, handle.id());
                metadata.put("bytes", written);
                result = ProviderResult.file(metadata);
            }
            result = result.withRequestIds(List.of(handle.id()));
            BigDecimal cost = cost(response.headers());
            return cost == null ? result : result.withActualCost(cost);
        } catch (IOException e) {
            if (!text) {
                deleteQuietly(file);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw interrupted(e);
            }
            throw new ProviderException(ErrorKind.TRANSIENT,
                    "fakejobs: " + what + " broke off after " + in.count()
                            + (declared >= 0 ? " of " + declared : "") + " bytes: " + safe(String.valueOf(e.getMessage())),
                    null, handle.id(), e);
        } catch (InterruptedException | RuntimeException e) {
            if (!text) {
                deleteQuietly(file);
            }
            throw e;
        }
    }

    /** Best effort: a job that already finished is left alone without an error. */
    @Override
    public void cancel(JobHandle handle) throws ProviderException, InterruptedException {
        String what = "cancelling job " + handle.id();
        HttpRequest http = request(url(handle, CANCEL_URL)).POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = send(what, http, HttpResponse.BodyHandlers.ofString(), handle.id());
        int status = response.statusCode();
        if (status / 100 != 2 && status != 409) {
            throw failure(what, status, response.headers(), response.body(), handle.id());
        }
    }

    // ---------------------------------------------------------------- HTTP

    private URI baseUrl() throws ProviderException {
        if (baseUrl == null) {
            throw new ProviderException(ErrorKind.VALIDATION, "fakejobs: " + baseUrlProblem);
        }
        return baseUrl;
    }

    private HttpRequest.Builder request(URI uri) throws ProviderException {
        URI base = baseUrl();
        if (apiKey == null) {
            throw new ProviderException(ErrorKind.AUTH, "fakejobs: " + API_KEY_VARIABLE + " is not set");
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT);
        // URLs come from the server's answers; the key goes only where the base URL points.
        if (sameOrigin(base, uri)) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        return builder;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(String.valueOf(b.getScheme()))
                && a.getHost().equalsIgnoreCase(String.valueOf(b.getHost()))
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static URI url(JobHandle handle, String name) throws ProviderException {
        String url = handle.data().get(name);
        if (url == null || url.isBlank()) {
            throw new ProviderException(ErrorKind.INTERNAL,
                    "fakejobs: the handle of job " + handle.id() + " has no " + name, null, handle.id(), null);
        }
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new URISyntaxException(url, "not an absolute URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ProviderException(ErrorKind.INTERNAL,
                    "fakejobs: the " + name + " of job " + handle.id() + " is not a URL", null, handle.id(), e);
        }
    }

    private <T> HttpResponse<T> send(String what, HttpRequest request, HttpResponse.BodyHandler<T> body, @Nullable String jobId)
            throws ProviderException, InterruptedException {
        try {
            return http.send(request, body);
        } catch (HttpTimeoutException e) {
            throw new ProviderException(ErrorKind.TRANSIENT,
                    "fakejobs: " + what + " timed out after " + REQUEST_TIMEOUT.toSeconds() + " s", null, jobId, e);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw interrupted(e);
            }
            throw new ProviderException(ErrorKind.TRANSIENT,
                    "fakejobs: " + what + " failed: " + safe(String.valueOf(e.getMessage())), null, jobId, e);
        }
    }

    /** Maps an HTTP error answer to the one classification of failures, by status like every provider. */
    private ProviderException failure(String what, int status, HttpHeaders headers, String body, @Nullable String jobId) {
        ErrorKind kind = ErrorMapper.byStatus(status);
        Duration retryAfter = retryAfter(headers.firstValue("Retry-After").orElse(null));
        StringBuilder message = new StringBuilder("fakejobs: ").append(what).append(" answered HTTP ").append(status);
        String detail = detail(body);
        if (!detail.isEmpty()) {
            message.append(": ").append(detail);
        }
        if (retryAfter != null) {
            message.append(" (retry after ").append(retryAfter.toMillis()).append(" ms)");
        }
        return new ProviderException(kind, safe(message.toString()), retryAfter, jobId, null);
    }

    /** The server's {@code error.code} and {@code error.message}, or the start of a non-JSON body. */
    private static String detail(String body) {
        if (body.isBlank()) {
            return "";
        }
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.isObject()) {
                String code = error.path("code").asText("");
                String message = error.path("message").asText("");
                return oneLine(code.isEmpty() ? message : message.isEmpty() ? code : code + ": " + message);
            }
        } catch (JsonProcessingException e) {
            // not JSON: show its start
        }
        String line = oneLine(body);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** {@code Retry-After} as seconds or as an HTTP date; null when absent or unreadable. */
    @Nullable Duration retryAfter(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException e) {
            // maybe a date
        }
        try {
            Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static JsonNode parse(String what, String body, @Nullable String jobId) throws ProviderException {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw new ProviderException(ErrorKind.TRANSIENT,
                "fakejobs: the answer to " + what + " is not a JSON object", null, jobId, null);
    }

    private static ErrorKind kind(String wireName) {
        for (ErrorKind k : ErrorKind.values()) {
            if (k.wireName().equals(wireName)) {
                return k;
            }
        }
        return ErrorKind.TRANSIENT;
    }

    private static @Nullable BigDecimal cost(HttpHeaders headers) {
        Optional<String> value = headers.firstValue("X-Fake-Cost");
        if (value.isEmpty()) {
            return null;
        }
        try {
            return new BigDecimal(value.get().strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Streams the body into {@code file}; read failures are the server's, write failures ours. */
    private static long copy(InputStream in, Path file, String jobId) throws IOException, ProviderException, InterruptedException {
        byte[] buffer = new byte[COPY_BUFFER];
        long total = 0;
        OutputStream out;
        try {
            out = Files.newOutputStream(file);
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, "fakejobs: cannot write " + file + ": " + e.getMessage(), null, jobId, e);
        }
        try (out) {
            for (int n; (n = in.read(buffer)) != -1; ) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("download of job " + jobId + " cancelled");
                }
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    throw new ProviderException(ErrorKind.LOCAL,
                            "fakejobs: cannot write " + file + ": " + e.getMessage(), null, jobId, e);
                }
                total += n;
            }
        }
        return total;
    }

    /** Counts the bytes read, so that a broken download can say how far it got. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b != -1) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }

    private static void checkLength(String what, long declared, long received, String jobId) throws ProviderException {
        if (declared >= 0 && declared != received) {
            throw new ProviderException(ErrorKind.TRANSIENT,
                    "fakejobs: " + what + " got " + received + " of " + declared + " bytes", null, jobId, null);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the engine removes leftovers of failed attempts
        }
    }

    private static InterruptedException interrupted(Exception cause) {
        InterruptedException e = new InterruptedException("fakejobs: request interrupted");
        e.initCause(cause);
        return e;
    }

    /** {@code text} with the API key masked, in case anything ever echoes it. */
    private String safe(String text) {
        return apiKey == null || apiKey.isEmpty() ? text : text.replace(apiKey, "****");
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    @Override
    public String toString() {
        return "FakeJobProvider[" + (baseUrl != null ? baseUrl : baseUrlProblem) + "]";
    }
}
