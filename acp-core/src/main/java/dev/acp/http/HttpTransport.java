package dev.acp.http;

import dev.acp.util.Version;
import dev.acp.util.RetryPolicy;
import dev.acp.util.Sleeper;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The one HTTP transport of every provider ({@code java.net.http}): sends {@link HttpCall}s
 * through their provider's {@link Governor}, retries what is safe to retry (rate limits with
 * their Retry-After, 408 and 5xx, connection failures, timeouts) with exponential backoff and
 * jitter, never re-sends a paid submission, classifies every failure once with the provider's
 * {@link ErrorMapper}, masks secrets in every message, and streams downloads to disk.
 */
public final class HttpTransport {
    /** Sent with every request, so providers can tell ACP's traffic apart. */
    public static final String USER_AGENT = "acp/" + Version.current() + " (ACP - AI Content Platform; Java "
            + Runtime.version().feature() + ")";
    /** API responses larger than this are refused: they are JSON, not media. */
    static final int MAX_BODY_BYTES = 32 * 1024 * 1024;
    /** Attempts of a SAFE call before its failure is returned. */
    static final int MAX_ATTEMPTS = 5;

    private final HttpClient client;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final RetryPolicy backoff;

    public HttpTransport(HttpClient client, Clock clock, Sleeper sleeper, RandomGenerator random, RetryPolicy backoff) {
        this.client = client;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.backoff = backoff;
    }

    /** A transport over a new HTTP/1.1 client (mock servers and proxies speak it everywhere). */
    public static HttpTransport create(Clock clock, Sleeper sleeper) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(15)).followRedirects(HttpClient.Redirect.NORMAL).build();
        return new HttpTransport(client, clock, sleeper, RandomGenerator.getDefault(),
                new RetryPolicy(Duration.ofMillis(500), Duration.ofSeconds(30)));
    }

    public Clock clock() {
        return clock;
    }

    /** Sends a call and returns its successful response, or throws its classified failure. */
    public HttpResult execute(HttpCall call) throws ProviderException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            ProviderException failure;
            TrackedBody body = tracked(call);
            try {
                HttpResult r = send(call, body);
                if (r.ok()) {
                    call.governor().succeeded();
                    return r;
                }
                failure = failure(call, r);
            } catch (IOException e) {
                failure = networkFailure(call, e, body != null && !body.taken());
            }
            if (call.retry() == HttpCall.Retry.ONCE || !failure.retryable() || attempt >= MAX_ATTEMPTS) {
                throw failure;
            }
            int done = attempt;
            sleeper.sleep(failure.retryAfter().orElseGet(() -> backoff.delay(done, Optional.empty(), random)));
        }
    }

    /** The call's body, watched for whether the client took all of it; null for a call without one. */
    private static @Nullable TrackedBody tracked(HttpCall call) {
        return call.body() == null ? null : new TrackedBody(call.body());
    }

    private HttpResult send(HttpCall call, @Nullable TrackedBody requestBody) throws IOException, InterruptedException {
        try (Governor.Permit p = call.governor().request()) {
            HttpResponse<InputStream> response = client.send(request(call, requestBody),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = StallGuard.of(response.body(), call.timeout())) {
                byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
                if (body.length > MAX_BODY_BYTES) {
                    throw new IOException("the response is larger than " + MAX_BODY_BYTES / (1024 * 1024) + " MB");
                }
                return new HttpResult(response.statusCode(), response.headers().map(), body);
            }
        }
    }

    private static HttpRequest request(HttpCall call, @Nullable TrackedBody body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(call.uri()).timeout(call.timeout())
                .method(call.method(), body == null ? HttpRequest.BodyPublishers.noBody() : body);
        call.headers().forEach(b::header);
        b.setHeader("User-Agent", USER_AGENT);
        return b.build();
    }

    /** The classified failure of an error response. */
    private ProviderException failure(HttpCall call, HttpResult r) {
        ErrorMapper.Classified c = call.errors().classify(r);
        Optional<Duration> retryAfter = RetryAfter.of(r, clock).or(() -> Optional.ofNullable(c.retryAfter()));
        if (r.status() == 429 || c.kind() == ErrorKind.RATE_LIMIT) {
            call.governor().rateLimited(retryAfter);
        }
        String requestId = requestId(r);
        String message = call.governor().provider() + ": " + c.message()
                + (c.message().contains("HTTP " + r.status()) ? "" : " (HTTP " + r.status() + ")")
                + (requestId == null ? "" : " [request " + requestId + "]");
        // A rate limit turns the request away before any work: never billed, safe to send again.
        boolean notAccepted = c.notAccepted() || r.status() == 429;
        return new ProviderException(c.kind(), mask(message, call), retryAfter.orElse(null), requestId, null,
                notAccepted);
    }

    private ProviderException networkFailure(HttpCall call, IOException e) {
        return networkFailure(call, e, false);
    }

    /**
     * @param bodyUnsent the request's body was not all handed to the connection when it failed:
     *     the provider cannot have received the whole request, so nothing was done or billed
     */
    private ProviderException networkFailure(HttpCall call, IOException e, boolean bodyUnsent) {
        String host = call.uri().getHost();
        // HttpConnectTimeoutException is an HttpTimeoutException, but nothing was sent.
        boolean notSent = e instanceof ConnectException || e instanceof HttpConnectTimeoutException
                || e.getCause() instanceof UnresolvedAddressException || e instanceof UnknownHostException
                || e.getCause() instanceof ConnectException;
        boolean timedOut = e instanceof HttpTimeoutException && !notSent;
        String what = e instanceof StallGuard.Stalled ? e.getMessage()
                : timedOut ? "no answer within " + call.timeout().toSeconds() + " s"
                : notSent ? "cannot connect to " + host + " (" + describe(e) + ")" : describe(e);
        String message = call.governor().provider() + ": " + what + " (" + call.method() + " " + redactedUri(call) + ")";
        if (call.retry() == HttpCall.Retry.ONCE && !notSent && !bodyUnsent) {
            // A paid submission that may have reached the provider must not be sent again blindly.
            return new ProviderException(ErrorKind.UNKNOWN_OUTCOME, mask(message + notRepeated(call), call), null, null,
                    null);
        }
        ErrorKind kind = timedOut && !bodyUnsent ? ErrorKind.TIMEOUT : ErrorKind.TRANSIENT;
        return new ProviderException(kind, mask(message + (bodyUnsent && !notSent ? " before the request was sent"
                : ""), call), null, null, null, notSent || bodyUnsent);
    }

    /**
     * A failure after the server answered with a success status but before its result was read
     * whole (a wrong content type, a body cut short or broken off): retryable for a SAFE call, and
     * for a ONCE call {@code UNKNOWN_OUTCOME}, since the provider may have billed it.
     */
    private static ProviderException badAnswer(HttpCall call, String message) {
        return call.retry() == HttpCall.Retry.ONCE
                ? new ProviderException(ErrorKind.UNKNOWN_OUTCOME, mask(message + notRepeated(call), call))
                : new ProviderException(ErrorKind.TRANSIENT, mask(message, call));
    }

    private static String notRepeated(HttpCall call) {
        return "; the " + call.method() + " may have reached " + call.governor().provider()
                + " and been billed, so it was not repeated";
    }

    /**
     * Downloads a result to {@code target} (a temporary name the engine moves into place),
     * streaming: never more than a buffer in memory. Checks the size limit, the content type and
     * that the body is as long as announced. A SAFE call's short body or connection failure is
     * retried; a ONCE call (a paid request answered with the media itself) is sent once, like in
     * {@link #execute}: its error status is returned classified, and any failure after the request
     * may have reached the provider is {@code UNKNOWN_OUTCOME}.
     *
     * @param acceptedTypes content-type prefixes that fit ("image/", "video/mp4"); empty accepts any
     * @return the number of bytes written
     */
    public long download(HttpCall call, Path target, long maxBytes, List<String> acceptedTypes)
            throws ProviderException, InterruptedException {
        return downloadFile(call, target, maxBytes, acceptedTypes).bytes();
    }

    /**
     * Like {@link #download}, also returning the SHA-256 of what was written, computed as the
     * bytes stream in: a provider whose output file is the download hands it on with
     * {@link dev.acp.provider.ProviderResult#withOutputSha256}, and the engine does not read the
     * file again to hash it.
     */
    public Downloaded downloadFile(HttpCall call, Path target, long maxBytes, List<String> acceptedTypes)
            throws ProviderException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            ProviderException failure;
            TrackedBody body = tracked(call);
            try {
                return downloadOnce(call, body, target, maxBytes, acceptedTypes);
            } catch (ProviderException e) {
                failure = e;
            } catch (IOException e) {
                failure = networkFailure(call, e, body != null && !body.taken());
            }
            try {
                Files.deleteIfExists(target);
            } catch (IOException e) {
                // The engine deletes its temporary names anyway.
            }
            if (call.retry() == HttpCall.Retry.ONCE || !failure.retryable() || attempt >= MAX_ATTEMPTS) {
                throw failure;
            }
            int done = attempt;
            sleeper.sleep(failure.retryAfter().orElseGet(() -> backoff.delay(done, Optional.empty(), random)));
        }
    }

    private Downloaded downloadOnce(HttpCall call, @Nullable TrackedBody requestBody, Path target, long maxBytes,
            List<String> acceptedTypes) throws IOException, InterruptedException, ProviderException {
        try (Governor.Permit p = call.governor().request()) {
            HttpResponse<InputStream> response = client.send(request(call, requestBody),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = StallGuard.of(response.body(), call.timeout())) {
                if (response.statusCode() < 200 || response.statusCode() >= 300) {
                    byte[] body = in.readNBytes(64 * 1024);
                    throw failure(call, new HttpResult(response.statusCode(), response.headers().map(), body));
                }
                String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
                if (!acceptedTypes.isEmpty() && !type.isEmpty() && acceptedTypes.stream().noneMatch(type::startsWith)
                        && !type.startsWith("application/octet-stream") && !type.startsWith("binary/")) {
                    throw badAnswer(call, call.governor().provider() + ": the result at " + redactedUri(call) + " is "
                            + type + ", not " + String.join(" or ", acceptedTypes));
                }
                long announced = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (announced > maxBytes) {
                    throw new ProviderException(ErrorKind.VALIDATION, call.governor().provider() + ": the result is "
                            + announced / (1024 * 1024) + " MB, over the limit of " + maxBytes / (1024 * 1024) + " MB");
                }
                Downloaded written = copy(in, target, maxBytes, call);
                if (announced >= 0 && written.bytes() != announced) {
                    throw badAnswer(call, call.governor().provider() + ": the download was cut short ("
                            + written.bytes() + " of " + announced + " bytes)");
                }
                call.governor().succeeded();
                return written;
            }
        }
    }

    private static Downloaded copy(InputStream in, Path target, long maxBytes, HttpCall call)
            throws IOException, ProviderException {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        java.security.MessageDigest sha256 = dev.acp.util.Hashing.newSha256();
        try (OutputStream out = Files.newOutputStream(target)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxBytes) {
                    throw new ProviderException(ErrorKind.VALIDATION, call.governor().provider()
                            + ": the result is over the limit of " + maxBytes / (1024 * 1024) + " MB");
                }
                sha256.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            if (total > 0 && (e.getMessage() == null || !e.getMessage().contains("No space"))) {
                // The connection broke mid-body.
                throw badAnswer(call, call.governor().provider() + ": the download broke off after " + total + " bytes ("
                        + describe(e) + ")");
            }
            throw e;
        }
        return new Downloaded(total, java.util.HexFormat.of().formatHex(sha256.digest()));
    }

    /** Common request id headers, for tracing a failure with the provider. */
    static @Nullable String requestId(HttpResult r) {
        for (String h : List.of("x-fal-request-id", "request-id", "x-request-id", "x-generation-id")) {
            Optional<String> v = r.header(h);
            if (v.isPresent()) {
                return v.get();
            }
        }
        return null;
    }

    private static String redactedUri(HttpCall call) {
        URI u = call.uri();
        // Query strings can carry keys (?key=...); the path is enough to say what was called.
        return u.getScheme() + "://" + u.getAuthority() + (u.getPath() == null ? "" : u.getPath());
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** The message with every secret of the call replaced. */
    static String mask(String message, HttpCall call) {
        String out = message;
        for (String s : call.secrets()) {
            if (s != null && s.length() >= 4) {
                out = out.replace(s, "****");
            }
        }
        return out;
    }
}
