package dev.acp.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.acp.util.RetryPolicy;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the transport classifies failures no mock server can produce on demand (a connect
 * timeout, a body that ends early without an error), with an {@link HttpClient} that plays back
 * scripted answers.
 */
class HttpTransportFailureTest {
    private static final String SECRET = "canary-key-123456789";
    private static final URI URL = URI.create("https://api.example.test/v1/tts/voice?key=" + SECRET);

    @TempDir
    Path dir;

    private final ScriptedClient client = new ScriptedClient();
    private final List<Duration> sleeps = new ArrayList<>();
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    /** api.example.test resolves to a public address (TEST-NET-3), without DNS. */
    private final HttpTransport transport = new HttpTransport(client, clock, sleeps::add, new Random(1),
            new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(5)),
            host -> new java.net.InetAddress[] {java.net.InetAddress.getByAddress(host, new byte[] {(byte) 203, 0, 113, 7})});
    private final Governor governor = new Governor("test", Governor.Settings.defaults(), clock, d -> {})
            .withBaseUrls("https://api.example.test");

    /** {@code n} bytes of "MP3" (an ID3 tag's first bytes, then zeros). */
    private static byte[] mp3(int n) {
        byte[] b = new byte[n];
        b[0] = 'I';
        b[1] = 'D';
        b[2] = '3';
        return b;
    }

    private HttpCall call(HttpCall.Retry retry) {
        return new HttpCall("POST", URL, Map.of("xi-api-key", SECRET), HttpRequest.BodyPublishers.ofString("{}"),
                Duration.ofSeconds(2), retry, ErrorMapper.STANDARD, governor, List.of(SECRET));
    }

    private ProviderException executeFails(HttpCall call) {
        return catchThrowableOfType(ProviderException.class, () -> transport.execute(call));
    }

    private ProviderException downloadFails(HttpCall call, Path target) {
        return catchThrowableOfType(ProviderException.class,
                () -> transport.download(call, target, 1 << 20, List.of("audio/")));
    }

    @Test
    void should_classify_a_connect_timeout_of_a_once_call_as_transient_since_nothing_was_sent() {
        client.fail(new HttpConnectTimeoutException("HTTP connect timed out"));
        ProviderException e = executeFails(call(HttpCall.Retry.ONCE));
        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.getMessage()).contains("cannot connect to api.example.test").doesNotContain(SECRET);
        assertThat(client.sent).isEqualTo(1);
    }

    @Test
    void should_retry_a_connect_timeout_of_a_safe_call() throws Exception {
        client.fail(new HttpConnectTimeoutException("HTTP connect timed out"));
        client.answer(200, Map.of(), "{}".getBytes());
        assertThat(transport.execute(call(HttpCall.Retry.SAFE)).status()).isEqualTo(200);
        assertThat(client.sent).isEqualTo(2);
    }

    @Test
    void should_classify_a_timeout_of_a_once_call_as_unknown_outcome_and_not_send_it_again() {
        client.fail(new HttpTimeoutException("request timed out"));
        client.answer(200, Map.of(), "{}".getBytes());
        ProviderException e = executeFails(call(HttpCall.Retry.ONCE));
        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("no answer within 2 s").contains("may have reached test and been billed")
                .contains("not repeated").doesNotContain(SECRET);
        assertThat(client.sent).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void a_once_call_that_failed_before_its_body_was_taken_was_not_accepted_and_may_be_sent_again() {
        client.failBeforeSending(new IOException("Connection reset"));
        ProviderException e = executeFails(call(HttpCall.Retry.ONCE));
        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.notAccepted()).isTrue();
        assertThat(e.getMessage()).contains("before the request was sent").doesNotContain(SECRET);
        // The transport itself never repeats a paid call: the engine decides.
        assertThat(client.sent).isEqualTo(1);
        // Once the body was taken, the same failure is an unknown outcome.
        client.fail(new IOException("Connection reset"));
        ProviderException after = executeFails(call(HttpCall.Retry.ONCE));
        assertThat(after.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(after.notAccepted()).isFalse();
        // In words, never a Java class name: "the connection failed (Connection reset)".
        assertThat(after.getMessage()).contains("the connection failed (Connection reset)")
                .doesNotContain("IOException");
    }

    @Test
    void should_classify_a_timeout_of_a_safe_call_as_timeout_and_retry_it() throws Exception {
        client.fail(new HttpTimeoutException("request timed out"));
        client.answer(200, Map.of(), "{}".getBytes());
        assertThat(transport.execute(call(HttpCall.Retry.SAFE)).status()).isEqualTo(200);
        assertThat(client.sent).isEqualTo(2);

        for (int i = 0; i < HttpTransport.MAX_ATTEMPTS; i++) {
            client.fail(new HttpTimeoutException("request timed out"));
        }
        assertThat(executeFails(call(HttpCall.Retry.SAFE)).kind()).isEqualTo(ErrorKind.TIMEOUT);
    }

    @Test
    void should_classify_an_unresolved_host_of_a_once_call_as_transient() {
        ConnectException unresolved = new ConnectException();
        unresolved.initCause(new UnresolvedAddressException());
        client.fail(unresolved);
        assertThat(executeFails(call(HttpCall.Retry.ONCE)).kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(client.sent).isEqualTo(1);
    }

    @Test
    void should_classify_a_download_cut_short_of_a_once_call_as_unknown_outcome_without_sending_it_again() {
        Path target = dir.resolve("speech.mp3.tmp");
        client.answer(200, Map.of("Content-Type", List.of("audio/mpeg"), "Content-Length", List.of("1000")),
                mp3(400));
        client.answer(200, Map.of("Content-Type", List.of("audio/mpeg")), mp3(1000));
        ProviderException e = downloadFails(call(HttpCall.Retry.ONCE), target);
        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(e.getMessage()).contains("cut short (400 of 1000 bytes)").contains("billed")
                .contains("not repeated");
        assertThat(client.sent).isEqualTo(1);
        assertThat(target).doesNotExist();
    }

    @Test
    void should_retry_a_download_cut_short_of_a_safe_call() throws Exception {
        Path target = dir.resolve("speech.mp3.tmp");
        client.answer(200, Map.of("Content-Type", List.of("audio/mpeg"), "Content-Length", List.of("1000")),
                mp3(400));
        client.answer(200, Map.of("Content-Type", List.of("audio/mpeg"), "Content-Length", List.of("1000")),
                mp3(1000));
        assertThat(transport.download(call(HttpCall.Retry.SAFE), target, 1 << 20, List.of("audio/"))).isEqualTo(1000);
        assertThat(client.sent).isEqualTo(2);
        assertThat(target).hasSize(1000);
    }

    @Test
    void the_hash_of_a_download_is_that_of_the_file_written_by_the_attempt_that_succeeded() throws Exception {
        Path target = dir.resolve("image.png.tmp");
        byte[] whole = new byte[200_000];
        new Random(7).nextBytes(whole);
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, 0, whole, 0, 8);
        client.answer(200, Map.of("Content-Type", List.of("image/png"), "Content-Length", List.of("200000")),
                java.util.Arrays.copyOf(whole, 70_000));
        client.answer(200, Map.of("Content-Type", List.of("image/png"), "Content-Length", List.of("200000")), whole);
        Downloaded d = transport.downloadFile(call(HttpCall.Retry.SAFE), target, 1 << 20, List.of("image/"));
        assertThat(d.bytes()).isEqualTo(200_000);
        assertThat(d.sha256()).isEqualTo(dev.acp.util.Hashing.sha256(target))
                .isEqualTo(java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(whole)));
    }

    @Test
    void should_classify_a_download_broken_off_mid_body_of_a_once_call_as_unknown_outcome() {
        Path target = dir.resolve("speech.mp3.tmp");
        client.answer(200, Map.of("Content-Type", List.of("audio/mpeg")),
                new BreakingStream(mp3(300), new IOException("Connection reset")));
        ProviderException e = downloadFails(call(HttpCall.Retry.ONCE), target);
        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(e.getMessage()).contains("broke off after 300 bytes").contains("not repeated");
        assertThat(client.sent).isEqualTo(1);
        assertThat(target).doesNotExist();
    }

    @Test
    void should_classify_a_download_timeout_of_a_once_call_as_unknown_outcome() {
        client.fail(new HttpTimeoutException("request timed out"));
        ProviderException e = downloadFails(call(HttpCall.Retry.ONCE), dir.resolve("a.tmp"));
        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(client.sent).isEqualTo(1);
    }

    @Test
    void should_classify_a_download_connect_timeout_of_a_once_call_as_transient() {
        client.fail(new HttpConnectTimeoutException("HTTP connect timed out"));
        ProviderException e = downloadFails(call(HttpCall.Retry.ONCE), dir.resolve("a.tmp"));
        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(client.sent).isEqualTo(1);
    }

    private HttpCall get(String url) {
        return HttpCall.get(URI.create(url), Map.of("xi-api-key", SECRET), governor, ErrorMapper.STANDARD,
                List.of(SECRET));
    }

    @Test
    void a_redirect_from_https_to_http_is_refused_and_not_followed() {
        client.answer(302, Map.of("Location", List.of("http://api.example.test/v1/plain")), new byte[0]);

        ProviderException e = executeFails(get("https://api.example.test/v1/models"));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).isEqualTo("test: refusing the redirect from https://api.example.test/v1/models to"
                + " http://api.example.test/v1/plain: it leaves HTTPS");
        assertThat(client.sent).isEqualTo(1);
    }

    @Test
    void a_redirect_to_a_file_or_jar_url_is_refused() {
        client.answer(302, Map.of("Location", List.of("file:///etc/passwd")), new byte[0]);
        client.answer(301, Map.of("Location", List.of("jar:file:/tmp/x.jar!/a.png")), new byte[0]);

        ProviderException file = executeFails(get("https://api.example.test/a"));
        ProviderException jar = executeFails(get("https://api.example.test/b"));

        assertThat(file.getMessage()).contains("to file:///etc/passwd: only http and https URLs are fetched");
        assertThat(jar.getMessage()).contains("to jar:file:/tmp/x.jar!/a.png: only http and https URLs are fetched");
        assertThat(client.sent).isEqualTo(2);
    }

    @Test
    void a_url_that_is_not_http_is_never_sent() {
        ProviderException e = executeFails(get("file:///etc/passwd"));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).isEqualTo("test: refusing to fetch file:///etc/passwd: only http and https URLs"
                + " are fetched");
        assertThat(client.sent).isZero();
    }

    @Test
    void a_303_is_followed_as_a_get_without_the_body_and_a_307_with_it() throws Exception {
        client.answer(303, Map.of("Location", List.of("/v1/result")), new byte[0]);
        client.answer(200, Map.of(), "{}".getBytes());
        client.answer(307, Map.of("Location", List.of("https://api.example.test/v1/again")), new byte[0]);
        client.answer(200, Map.of(), "{}".getBytes());

        transport.execute(call(HttpCall.Retry.SAFE));
        transport.execute(call(HttpCall.Retry.SAFE));

        assertThat(client.requests).extracting(HttpRequest::method).containsExactly("POST", "GET", "POST", "POST");
        assertThat(client.requests.get(1).uri()).hasToString("https://api.example.test/v1/result");
        assertThat(client.requests.get(1).headers().firstValue("xi-api-key")).as("same origin").contains(SECRET);
    }

    @Test
    void every_address_a_name_resolves_to_is_checked() {
        HttpTransport mixed = new HttpTransport(client, clock, sleeps::add, new Random(1),
                new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(5)), host -> host.startsWith("mixed.")
                        ? new java.net.InetAddress[] {
                            java.net.InetAddress.getByAddress(host, new byte[] {(byte) 203, 0, 113, 7}),
                            java.net.InetAddress.getByAddress(host, new byte[] {10, 0, 0, 7})}
                        : new java.net.InetAddress[] {
                            java.net.InetAddress.getByAddress(host, new byte[] {(byte) 203, 0, 113, 8})});

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> mixed.execute(
                get("https://mixed.example.test/v1/models")));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(e.getMessage()).isEqualTo("test: refusing to fetch https://mixed.example.test/v1/models:"
                + " mixed.example.test resolves to 10.0.0.7, a private address (test's base URL is not; set"
                + " ACP_ALLOW_PRIVATE_URLS=1 to allow private addresses)");
        assertThat(client.sent).isZero();
    }

    @Test
    void a_client_that_follows_redirects_itself_is_refused() {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new HttpTransport(following, clock,
                sleeps::add, new Random(1), new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(1)))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The body's bytes, then a failure instead of the end of the stream. */
    private static final class BreakingStream extends InputStream {
        private final ByteArrayInputStream bytes;
        private final IOException failure;

        BreakingStream(byte[] bytes, IOException failure) {
            this.bytes = new ByteArrayInputStream(bytes);
            this.failure = failure;
        }

        @Override
        public int read() throws IOException {
            int b = bytes.read();
            if (b < 0) {
                throw failure;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = bytes.read(b, off, len);
            if (n < 0) {
                throw failure;
            }
            return n;
        }
    }

    /** Plays back one scripted answer (a response or a failure) per request sent. */
    private static final class ScriptedClient extends HttpClient {
        private final Deque<Object> script = new ArrayDeque<>();
        final List<HttpRequest> requests = new ArrayList<>();
        int sent;

        void fail(IOException e) {
            script.add(e);
        }

        /** A failure before the client took the request's body: nothing of it left. */
        void failBeforeSending(IOException e) {
            script.add(new Unsent(e));
        }

        private record Unsent(IOException e) {}

        void answer(int status, Map<String, List<String>> headers, byte[] body) {
            answer(status, headers, new ByteArrayInputStream(body));
        }

        void answer(int status, Map<String, List<String>> headers, InputStream body) {
            script.add(new Answer(status, HttpHeaders.of(headers, (k, v) -> true), body));
        }

        private record Answer(int status, HttpHeaders headers, InputStream body) {}

        private static void drain(HttpRequest.BodyPublisher body) {
            body.subscribe(new java.util.concurrent.Flow.Subscriber<java.nio.ByteBuffer>() {
                @Override
                public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(java.nio.ByteBuffer item) {}

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onComplete() {}
            });
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
            sent++;
            requests.add(request);
            Object next = script.poll();
            if (next == null) {
                throw new AssertionError("request " + sent + " was not scripted: " + request);
            }
            if (next instanceof Unsent u) {
                throw u.e();
            }
            // As the JDK client does: the body is taken and written before an answer can come.
            request.bodyPublisher().ifPresent(ScriptedClient::drain);
            if (next instanceof IOException e) {
                throw e;
            }
            Answer a = (Answer) next;
            return (HttpResponse<T>) new HttpResponse<InputStream>() {
                @Override
                public int statusCode() {
                    return a.status();
                }

                @Override
                public HttpRequest request() {
                    return request;
                }

                @Override
                public Optional<HttpResponse<InputStream>> previousResponse() {
                    return Optional.empty();
                }

                @Override
                public HttpHeaders headers() {
                    return a.headers();
                }

                @Override
                public InputStream body() {
                    return a.body();
                }

                @Override
                public Optional<SSLSession> sslSession() {
                    return Optional.empty();
                }

                @Override
                public URI uri() {
                    return request.uri();
                }

                @Override
                public Version version() {
                    return Version.HTTP_1_1;
                }
            };
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest r, HttpResponse.BodyHandler<T> h) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest r, HttpResponse.BodyHandler<T> h,
                HttpResponse.PushPromiseHandler<T> p) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<CookieHandler> cookieHandler() {
            return Optional.empty();
        }

        @Override
        public Optional<Duration> connectTimeout() {
            return Optional.empty();
        }

        @Override
        public Redirect followRedirects() {
            return Redirect.NEVER;
        }

        @Override
        public Optional<ProxySelector> proxy() {
            return Optional.empty();
        }

        @Override
        public SSLContext sslContext() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SSLParameters sslParameters() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Authenticator> authenticator() {
            return Optional.empty();
        }

        @Override
        public Version version() {
            return Version.HTTP_1_1;
        }

        @Override
        public Optional<Executor> executor() {
            return Optional.empty();
        }
    }
}
