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
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The one HTTP transport of every provider ({@code java.net.http}): sends {@link HttpCall}s
 * through their provider's {@link Governor}, retries what is safe to retry (rate limits with
 * their Retry-After, 408 and 5xx, connection failures, timeouts) with exponential backoff and
 * jitter, never re-sends a paid submission, classifies every failure once with the provider's
 * {@link ErrorMapper}, masks secrets in every message, and streams downloads to disk.
 *
 * <p>It is also where ACP decides where requests may go, for every provider alike, at every
 * request and every redirect hop (the client must not follow redirects itself):
 *
 * <ul>
 *   <li>Credentials (the headers and query parameters that hold one of the call's
 *       {@link HttpCall#secrets()}) go only to the origins of the provider's configured base URLs
 *       ({@link Destinations}): same scheme, host and port. A call to another origin is refused
 *       with a one-line message; a download is sent without them; a redirect to another origin
 *       drops them for the rest of the way.
 *   <li>Only {@code http} and {@code https} URLs are fetched, a redirect from https to http is
 *       refused, and so are loops and more than {@value #MAX_REDIRECTS} redirects.
 *   <li>The host is resolved and every address checked: loopback, link-local and private
 *       addresses are refused unless the provider's own base URL is on one, or
 *       {@code ACP_ALLOW_PRIVATE_URLS=1}. (The JDK's address cache then answers the client's own
 *       look-up, so the checked addresses are the ones connected to.)
 *   <li>A downloaded result must be what the step produces by its first bytes
 *       ({@link MediaSniffer}); an empty body, a body of another kind and a body over the size
 *       limit fail at once, not retryable, and leave no file.
 * </ul>
 */
public final class HttpTransport {
    /** Sent with every request, so providers can tell ACP's traffic apart. */
    public static final String USER_AGENT = "acp/" + Version.current() + " (ACP - AI Content Platform; Java "
            + Runtime.version().feature() + ")";
    /** API responses larger than this are refused: they are JSON, not media. */
    static final int MAX_BODY_BYTES = 32 * 1024 * 1024;
    /** Attempts of a SAFE call before its failure is returned. */
    static final int MAX_ATTEMPTS = 5;
    /** Redirects followed for one request. */
    public static final int MAX_REDIRECTS = 5;
    /**
     * The longest wait a call sleeps through itself before asking again; a provider asking for
     * longer gets its failure returned, and the engine, which knows the step's remaining time,
     * decides whether to wait.
     */
    static final Duration MAX_WAIT_IN_CALL = Duration.ofSeconds(60);

    /**
     * Made on first use: building a client initialises TLS (hundreds of classes, a good part of
     * the start of a short command), and commands that send nothing (validate, estimate) never
     * need one.
     */
    private final Supplier<HttpClient> client;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final RetryPolicy backoff;
    private final Destinations.Resolver resolver;
    private final CallObserver observer;

    public HttpTransport(HttpClient client, Clock clock, Sleeper sleeper, RandomGenerator random, RetryPolicy backoff) {
        this(client, clock, sleeper, random, backoff, Destinations.Resolver.SYSTEM);
    }

    /**
     * @param client a client that does not follow redirects ({@link HttpClient.Redirect#NEVER}):
     *     the transport follows them itself, checking every hop
     * @param resolver how host names are resolved for the address checks
     */
    public HttpTransport(HttpClient client, Clock clock, Sleeper sleeper, RandomGenerator random, RetryPolicy backoff,
            Destinations.Resolver resolver) {
        if (client.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("the HTTP client must not follow redirects: the transport follows"
                    + " them itself and checks every hop");
        }
        this.client = () -> client;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.backoff = backoff;
        this.resolver = resolver;
        this.observer = CallObserver.NONE;
    }

    private HttpTransport(Supplier<HttpClient> client, Clock clock, Sleeper sleeper, RandomGenerator random,
            RetryPolicy backoff, Destinations.Resolver resolver, CallObserver observer) {
        this.client = client;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.backoff = backoff;
        this.resolver = resolver;
        this.observer = observer;
    }

    /**
     * This transport, its client shared, with every attempt also reported to {@code value}
     * (metrics). The observer sees provider ids and {@link CallObserver.Endpoint}s only.
     */
    public HttpTransport observedBy(CallObserver value) {
        return new HttpTransport(client, clock, sleeper, random, backoff, resolver,
                java.util.Objects.requireNonNull(value, "value"));
    }

    /**
     * A transport over an HTTP/1.1 client (mock servers and proxies speak it everywhere), made
     * when the first request is sent.
     */
    public static HttpTransport create(Clock clock, Sleeper sleeper) {
        return new HttpTransport(new LazyClient(), clock, sleeper, RandomGenerator.getDefault(),
                new RetryPolicy(Duration.ofMillis(500), Duration.ofSeconds(30)), Destinations.Resolver.SYSTEM,
                CallObserver.NONE);
    }

    /** The shared client, made once by whichever request comes first. */
    private static final class LazyClient implements Supplier<HttpClient> {
        private volatile @Nullable HttpClient client;

        @Override
        public HttpClient get() {
            HttpClient c = client;
            if (c == null) {
                synchronized (this) {
                    c = client;
                    if (c == null) {
                        // The client hands responses over on its executor: by default a cached pool
                        // that grew a platform thread per concurrent request (68 of them, 10 MB of
                        // stacks and their malloc arenas, for 100 requests at once); virtual threads
                        // do the same work on the carriers that are there anyway.
                        c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                                .connectTimeout(Duration.ofSeconds(15)).followRedirects(HttpClient.Redirect.NEVER)
                                .executor(Executors.newVirtualThreadPerTaskExecutor())
                                .build();
                        client = c;
                    }
                }
            }
            return c;
        }
    }

    public Clock clock() {
        return clock;
    }

    /** Sends a call and returns its successful response, or throws its classified failure. */
    public HttpResult execute(HttpCall call) throws ProviderException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            ProviderException failure;
            TrackedBody body = tracked(call);
            CallObserver.Attempt observed = observer.started(call.governor().provider(),
                    CallObserver.Endpoint.of(call, false));
            try {
                HttpResult r = send(call, body, observed);
                if (r.ok()) {
                    call.governor().succeeded();
                    observed.succeeded();
                    return r;
                }
                failure = failure(call, r);
            } catch (IOException e) {
                failure = networkFailure(call, e, body != null && !body.taken());
            } catch (ProviderException e) {
                observed.failed(e.kind());
                throw e;
            } catch (InterruptedException | RuntimeException | Error e) {
                observed.abandoned();
                throw e;
            }
            observed.failed(failure.kind());
            waitBeforeRetry(call, failure, attempt);
        }
    }

    /** Throws {@code failure} when the call is not to be sent again, else waits before the next attempt. */
    private void waitBeforeRetry(HttpCall call, ProviderException failure, int attempt)
            throws ProviderException, InterruptedException {
        if (call.retry() == HttpCall.Retry.ONCE || !failure.retryable() || attempt >= MAX_ATTEMPTS
                || failure.retryAfter().filter(d -> d.compareTo(MAX_WAIT_IN_CALL) > 0).isPresent()) {
            throw failure;
        }
        sleeper.sleep(failure.retryAfter().orElseGet(() -> backoff.delay(attempt, Optional.empty(), random)));
    }

    /** The call's body, watched for whether the client took all of it; null for a call without one. */
    private static @Nullable TrackedBody tracked(HttpCall call) {
        return call.body() == null ? null : new TrackedBody(call.body());
    }

    private HttpResult send(HttpCall call, @Nullable TrackedBody requestBody, CallObserver.Attempt observed)
            throws IOException, InterruptedException, ProviderException {
        try (Governor.Permit p = call.governor().request(call.traffic())) {
            observed.permitted();
            Answer answer = exchange(call, requestBody, false);
            HttpResponse<InputStream> response = answer.response();
            try (InputStream in = StallGuard.of(response.body(), call.timeout())) {
                if (response.headers().firstValueAsLong("Content-Length").orElse(-1) > MAX_BODY_BYTES) {
                    throw tooLarge(call, MAX_BODY_BYTES);
                }
                byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
                if (body.length > MAX_BODY_BYTES) {
                    throw tooLarge(call, MAX_BODY_BYTES);
                }
                return new HttpResult(response.statusCode(), response.headers().map(), body);
            }
        }
    }

    /** A response and the URL that gave it, after any redirects. */
    private record Answer(HttpResponse<InputStream> response, URI uri) {}

    /**
     * Sends the call and follows its redirects, checking every hop: the scheme, the addresses, and
     * whether the call's credentials may go there.
     *
     * @param download a plain download: sent without its credentials to an origin that may not
     *     receive them, where any other call is refused
     */
    private Answer exchange(HttpCall call, @Nullable TrackedBody body, boolean download)
            throws IOException, InterruptedException, ProviderException {
        URI uri = call.uri();
        String method = call.method();
        HttpRequest.BodyPublisher publisher = body;
        boolean credentials = true;
        List<URI> visited = new ArrayList<>();
        for (int hop = 0; ; hop++) {
            checkDestination(call, uri, hop > 0);
            Map<String, String> headers = call.headers();
            URI target = uri;
            if (carriesCredentials(call, headers, uri)) {
                if (credentials && !call.governor().destinations().mayReceiveCredentials(uri)) {
                    if (hop == 0 && !download) {
                        throw refused(call, "refusing to send " + call.governor().provider() + "'s credentials to "
                                + origin(uri) + ", which is not a configured " + call.governor().provider()
                                + " base URL (" + call.governor().destinations().configured() + ")", false);
                    }
                    credentials = false;
                }
                if (!credentials) {
                    headers = withoutCredentials(call, headers);
                    target = withoutCredentials(call, uri);
                }
            }
            HttpResponse<InputStream> response = client.get().send(request(call, target, method, headers, publisher),
                    HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("Location");
            if (!isRedirect(status) || location.isEmpty()) {
                return new Answer(response, uri);
            }
            response.body().close();
            visited.add(uri);
            URI next = redirectTarget(call, uri, location.get());
            if (visited.contains(next)) {
                throw refused(call, redact(visited.get(0)) + " redirects in a loop (back to " + redact(next) + ")",
                        true);
            }
            if (hop + 1 > MAX_REDIRECTS) {
                throw refused(call, redact(visited.get(0)) + " redirects more than " + MAX_REDIRECTS + " times", true);
            }
            if (!Objects.equals(Destinations.Origin.of(uri), Destinations.Origin.of(next))) {
                // Never across a redirect to another origin, even one that could receive them directly.
                credentials = false;
            }
            if (status == 303 && !method.equals("HEAD") || (status == 301 || status == 302) && method.equals("POST")) {
                method = "GET";
                publisher = null;
            }
            uri = next;
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Where a redirect goes: an absolute http(s) URL, never from https down to http. */
    private URI redirectTarget(HttpCall call, URI from, String location) throws ProviderException {
        URI next;
        try {
            next = from.resolve(new URI(location.strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw refused(call, "refusing the redirect from " + redact(from) + ": its Location is not a URL", true);
        }
        if (Destinations.Origin.of(next) == null) {
            throw refused(call, "refusing the redirect from " + redact(from) + " to " + redact(next)
                    + ": only http and https URLs are fetched", true);
        }
        if ("https".equalsIgnoreCase(from.getScheme()) && "http".equalsIgnoreCase(next.getScheme())) {
            throw refused(call, "refusing the redirect from " + redact(from) + " to " + redact(next)
                    + ": it leaves HTTPS", true);
        }
        return next;
    }

    /**
     * Refuses a URL that is not http(s), and one whose host resolves to a loopback, link-local or
     * private address when the provider may not go there. Resolves the host (the JDK caches the
     * answer, which its client then connects to); a host that does not resolve is a connection
     * failure, as it would be when connecting.
     */
    private void checkDestination(HttpCall call, URI uri, boolean redirected)
            throws ProviderException, UnknownHostException {
        String provider = call.governor().provider();
        if (Destinations.Origin.of(uri) == null) {
            throw refused(call, "refusing to fetch " + redact(uri) + ": only http and https URLs are fetched",
                    redirected);
        }
        Destinations destinations = call.governor().destinations();
        if (destinations.privateAllowedByUser()) {
            return;
        }
        String host = Destinations.canonicalHost(uri.getHost());
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            if (throughProxy(uri)) {
                return; // the proxy resolves it, and the user chose to trust the proxy
            }
            throw e;
        }
        for (InetAddress a : addresses) {
            String kind = Destinations.privateKind(a);
            if (kind != null && !destinations.privateAllowed(resolver)) {
                boolean literal = host.contains(":") || host.matches("[0-9.]+");
                String what = literal ? host + " is a " + kind + " address"
                        : host + " resolves to " + a.getHostAddress() + ", a " + kind + " address";
                throw refused(call, "refusing to fetch " + redact(uri) + ": " + what + " (" + provider
                        + "'s base URL is not; set " + Destinations.ALLOW_PRIVATE_VARIABLE
                        + "=1 to allow private addresses)", redirected);
            }
        }
    }

    private boolean throughProxy(URI uri) {
        return client.get().proxy().map(p -> {
            try {
                return p.select(uri).stream().anyMatch(x -> x.type() != java.net.Proxy.Type.DIRECT);
            } catch (RuntimeException e) {
                return false;
            }
        }).orElse(false);
    }

    /**
     * A request refused by the transport's rules: never retryable. Before anything was sent it is
     * VALIDATION; after a paid call's first hop was answered, UNKNOWN_OUTCOME, like any other
     * broken answer of a paid call.
     */
    private static ProviderException refused(HttpCall call, String what, boolean sentAlready) {
        String message = call.governor().provider() + ": " + what;
        if (sentAlready && call.retry() == HttpCall.Retry.ONCE) {
            return new ProviderException(ErrorKind.UNKNOWN_OUTCOME, mask(message + notRepeated(call), call));
        }
        return new ProviderException(ErrorKind.VALIDATION, mask(message, call));
    }

    /** Whether the headers or the query of the call hold one of its secrets. */
    private static boolean carriesCredentials(HttpCall call, Map<String, String> headers, URI uri) {
        return headers.values().stream().anyMatch(v -> holdsSecret(call, v))
                || uri.getRawQuery() != null && (holdsSecret(call, uri.getRawQuery()) || holdsSecret(call, uri.getQuery()));
    }

    private static boolean holdsSecret(HttpCall call, @Nullable String value) {
        if (value == null) {
            return false;
        }
        for (String s : call.secrets()) {
            if (s != null && s.length() >= 4 && (value.contains(s)
                    || value.contains(java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)))) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> withoutCredentials(HttpCall call, Map<String, String> headers) {
        Map<String, String> kept = new LinkedHashMap<>();
        headers.forEach((k, v) -> {
            if (!holdsSecret(call, v)) {
                kept.put(k, v);
            }
        });
        return kept;
    }

    /** The URL without the query parameters that hold a secret. */
    private static URI withoutCredentials(HttpCall call, URI uri) {
        String query = uri.getRawQuery();
        if (query == null) {
            return uri;
        }
        List<String> kept = new ArrayList<>();
        for (String part : query.split("&")) {
            if (!holdsSecret(call, part)
                    && !holdsSecret(call, java.net.URLDecoder.decode(part, java.nio.charset.StandardCharsets.UTF_8))) {
                kept.add(part);
            }
        }
        String s = uri.toString();
        int q = s.indexOf('?');
        int hash = s.indexOf('#', q);
        String rebuilt = s.substring(0, q) + (kept.isEmpty() ? "" : "?" + String.join("&", kept))
                + (hash < 0 ? "" : s.substring(hash));
        return URI.create(rebuilt);
    }

    private static HttpRequest request(HttpCall call, URI uri, String method, Map<String, String> headers,
            HttpRequest.@Nullable BodyPublisher body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(call.timeout())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
        headers.forEach(b::header);
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
                + (requestId == null ? "" : " [request " + requestId + "]")
                + RetryAfter.capNote(r, clock).map(n -> "; " + n).orElse("");
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
                : e instanceof UnknownHostException ? "cannot connect to " + host + " (the name does not resolve)"
                : notSent ? "cannot connect to " + host + " (" + describe(e) + ")"
                : "the connection failed (" + describe(e) + ")";
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
     * whole (a body cut short or broken off): retryable for a SAFE call, and for a ONCE call
     * {@code UNKNOWN_OUTCOME}, since the provider may have billed it.
     */
    private static ProviderException badAnswer(HttpCall call, String message) {
        return call.retry() == HttpCall.Retry.ONCE
                ? new ProviderException(ErrorKind.UNKNOWN_OUTCOME, mask(message + notRepeated(call), call))
                : new ProviderException(ErrorKind.TRANSIENT, mask(message, call));
    }

    /**
     * A successful answer that can never be used, however often it is asked for (over the size
     * limit, empty, not the media asked for): not retryable. VALIDATION for a SAFE call; for a
     * ONCE call UNKNOWN_OUTCOME, since the provider may have billed it.
     */
    private static ProviderException unusable(HttpCall call, String message) {
        return call.retry() == HttpCall.Retry.ONCE
                ? new ProviderException(ErrorKind.UNKNOWN_OUTCOME, mask(message + notRepeated(call), call))
                : new ProviderException(ErrorKind.VALIDATION, mask(message, call));
    }

    private static ProviderException tooLarge(HttpCall call, long maxBytes) {
        return unusable(call, call.governor().provider() + ": the answer of " + redactedUri(call)
                + " is over the limit of " + maxBytes / (1024 * 1024) + " MB");
    }

    private static String notRepeated(HttpCall call) {
        return "; the " + call.method() + " may have reached " + call.governor().provider()
                + " and been billed, so it was not repeated";
    }

    /**
     * Downloads a result to {@code target} (a temporary name the engine moves into place),
     * streaming: never more than a buffer in memory. Checks the size limit, that the first bytes
     * are the media asked for ({@link MediaSniffer}), and that the body is as long as announced;
     * whatever fails leaves no file. A SAFE call's short body or connection failure is retried; a
     * ONCE call (a paid request answered with the media itself) is sent once, like in
     * {@link #execute}: its error status is returned classified, and any failure after the request
     * may have reached the provider is {@code UNKNOWN_OUTCOME}. Credentials go only where
     * {@link Destinations} allows; elsewhere the download is sent without them.
     *
     * @param acceptedTypes content-type prefixes of what the step produces ("image/", "video/mp4"):
     *     the first bytes must be an image, video or audio of those kinds; empty (or text) checks
     *     only that the body is not empty
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
            CallObserver.Attempt observed = observer.started(call.governor().provider(),
                    CallObserver.Endpoint.of(call, true));
            try {
                Downloaded d = downloadOnce(call, body, target, maxBytes, acceptedTypes, observed);
                observed.succeeded();
                return d;
            } catch (ProviderException e) {
                failure = e;
            } catch (IOException e) {
                failure = networkFailure(call, e, body != null && !body.taken());
            } catch (InterruptedException | RuntimeException | Error e) {
                observed.abandoned();
                deleteQuietly(target);
                throw e;
            }
            observed.failed(failure.kind());
            deleteQuietly(target);
            waitBeforeRetry(call, failure, attempt);
        }
    }

    private static void deleteQuietly(Path target) {
        try {
            Files.deleteIfExists(target);
        } catch (IOException e) {
            // The engine deletes its temporary names anyway.
        }
    }

    private Downloaded downloadOnce(HttpCall call, @Nullable TrackedBody requestBody, Path target, long maxBytes,
            List<String> acceptedTypes, CallObserver.Attempt observed)
            throws IOException, InterruptedException, ProviderException {
        try (Governor.Permit p = call.governor().request(call.traffic())) {
            observed.permitted();
            Answer answer = exchange(call, requestBody, true);
            HttpResponse<InputStream> response = answer.response();
            try (InputStream in = StallGuard.of(response.body(), call.timeout())) {
                if (response.statusCode() < 200 || response.statusCode() >= 300) {
                    byte[] body = in.readNBytes(64 * 1024);
                    throw failure(call, new HttpResult(response.statusCode(), response.headers().map(), body));
                }
                long announced = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (announced > maxBytes) {
                    throw unusable(call, call.governor().provider() + ": the result at " + redact(answer.uri())
                            + " is " + announced / (1024 * 1024) + " MB, over the limit of " + maxBytes / (1024 * 1024)
                            + " MB");
                }
                String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT).strip();
                Downloaded written = copy(in, target, maxBytes, call, answer.uri(), MediaSniffer.kinds(acceptedTypes),
                        type);
                if (announced >= 0 && written.bytes() != announced) {
                    throw badAnswer(call, call.governor().provider() + ": the download was cut short ("
                            + written.bytes() + " of " + announced + " bytes)");
                }
                call.governor().succeeded();
                return written;
            }
        }
    }

    /**
     * Copies the body to {@code target}: its first bytes are checked before the file is created,
     * so an empty or wrong body leaves nothing behind.
     */
    private static Downloaded copy(InputStream in, Path target, long maxBytes, HttpCall call, URI from,
            List<MediaSniffer.Kind> kinds, String contentType) throws IOException, ProviderException {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        java.security.MessageDigest sha256 = dev.acp.util.Hashing.newSha256();
        try {
            int head = in.readNBytes(buf, 0, MediaSniffer.HEAD_BYTES);
            total = head;
            String misfit = MediaSniffer.misfit(buf, head, kinds);
            if (misfit != null) {
                throw unusable(call, call.governor().provider() + ": the result at " + redact(from) + " is " + misfit
                        + (misfit.equals("empty") ? "" : (contentType.isEmpty() ? "" : " (sent as " + contentType + ")")
                                + ", not " + MediaSniffer.expected(kinds)));
            }
            try (OutputStream out = Files.newOutputStream(target)) {
                int n = head;
                do {
                    if (total > maxBytes) {
                        throw unusable(call, call.governor().provider() + ": the result at " + redact(from)
                                + " is over the limit of " + maxBytes / (1024 * 1024) + " MB");
                    }
                    sha256.update(buf, 0, n);
                    out.write(buf, 0, n);
                    n = in.read(buf);
                    total += Math.max(n, 0);
                } while (n > 0);
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
        return redact(call.uri());
    }

    /** A URL for a message: query strings can carry keys (?key=...); the path is enough to say what was called. */
    static String redact(URI u) {
        String scheme = u.getScheme() == null ? "" : u.getScheme() + ":";
        String out;
        if (u.getRawAuthority() != null) {
            out = scheme + "//" + u.getRawAuthority() + (u.getRawPath() == null ? "" : u.getRawPath());
        } else {
            String part = u.getRawSchemeSpecificPart() == null ? "" : u.getRawSchemeSpecificPart();
            int q = part.indexOf('?');
            out = scheme + (q < 0 ? part : part.substring(0, q));
        }
        return out.length() > 200 ? out.substring(0, 197) + "..." : out;
    }

    /** {@code http://127.0.0.1:8080}: the origin of a URL, for a message. */
    private static String origin(URI u) {
        Destinations.Origin o = Destinations.Origin.of(u);
        return o == null ? redact(u) : o.scheme() + "://" + u.getRawAuthority();
    }

    /**
     * What an I/O failure says, in words: its message, never its Java class name, which means
     * nothing to a user (found by the provider contract suite: "IOException: HTTP/1.1 header
     * parser received no bytes").
     */
    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? "no reason given" : m.strip();
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
