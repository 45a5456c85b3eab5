package dev.acp.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that sends its headers and part of a body, then nothing more, while keeping the
 * connection open: the JDK client's request timeout is over once the headers arrived, so only
 * the transport's stall guard ends the wait. Served from a plain socket, since no mock server
 * stops in the middle of a body on demand.
 */
@Timeout(30)
class HttpTransportStallTest {
    private static final Duration LIMIT = Duration.ofMillis(400);
    private static final String KEY = "stall-canary-key-0123456789";

    @TempDir
    Path dir;

    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private ServerSocket server;
    private final HttpTransport transport = HttpTransport.create(Clock.systemUTC(), d -> {});
    private final Governor governor = new Governor("test", Governor.Settings.defaults(), Clock.systemUTC(), d -> {});

    @AfterEach
    void tearDown() throws IOException {
        for (Socket s : open) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Serves connection n (from 1) with {@code answer.apply(n)}: the bytes sent, after which it goes silent. */
    private URI serve(IntFunction<byte[]> answer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    open.add(s);
                    int n = connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> {
                        try {
                            readRequest(s.getInputStream());
                            OutputStream out = s.getOutputStream();
                            out.write(answer.apply(n));
                            out.flush();
                        } catch (IOException e) {
                            // The client gave up.
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        // The provider's base URL: the key may go there, and so may requests to loopback.
        governor.withBaseUrls("http://127.0.0.1:" + server.getLocalPort());
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/result.png?key=" + KEY);
    }

    /** Reads the request line, headers and a Content-Length body. */
    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).trim()));
            }
        }
    }

    private static byte[] response(String type, byte[] body, int send) {
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[head.length + send];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, send);
        return out;
    }

    private HttpCall call(String method, URI uri, HttpCall.Retry retry) {
        return new HttpCall(method, uri, Map.of("Authorization", "Key " + KEY),
                method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : null, LIMIT, retry,
                ErrorMapper.STANDARD, governor, List.of(KEY));
    }

    @Test
    void a_download_that_stops_mid_body_fails_as_a_stall_and_a_safe_call_is_fetched_again() throws Exception {
        byte[] png = new byte[100_000];
        new java.util.Random(3).nextBytes(png);
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, 0, png, 0, 8);
        URI uri = serve(n -> response("image/png", png, n == 1 ? 30_000 : png.length));
        Path target = dir.resolve("result.png.part");

        Downloaded d = transport.downloadFile(call("GET", uri, HttpCall.Retry.SAFE), target, 1 << 20, List.of("image/"));

        assertThat(d.bytes()).isEqualTo(png.length);
        assertThat(Files.readAllBytes(target)).isEqualTo(png);
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void a_paid_call_whose_answer_stops_mid_body_is_an_unknown_outcome_and_never_sent_again() throws Exception {
        byte[] json = "{\"request_id\":\"r-1\",\"status\":\"IN_QUEUE\"}".getBytes(StandardCharsets.UTF_8);
        URI uri = serve(n -> response("application/json", json, 10));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> transport.execute(call("POST", uri, HttpCall.Retry.ONCE)));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(e.getMessage()).contains("no data arrived for").contains("not repeated").doesNotContain(KEY);
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void a_safe_read_that_keeps_stalling_ends_as_a_timeout_after_the_transports_attempts() throws Exception {
        byte[] json = "{\"status\":\"IN_PROGRESS\"}".getBytes(StandardCharsets.UTF_8);
        URI uri = serve(n -> response("application/json", json, 5));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> transport.execute(call("GET", uri, HttpCall.Retry.SAFE)));

        assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT);
        assertThat(e.getMessage()).contains("no data arrived for").doesNotContain(KEY);
        assertThat(connections.get()).isGreaterThan(1);
    }
}
