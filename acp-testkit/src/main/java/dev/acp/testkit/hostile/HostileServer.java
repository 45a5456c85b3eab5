package dev.acp.testkit.hostile;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A scriptable HTTP server on {@code 127.0.0.1} that plays a hostile provider. Answers are set per
 * path ({@link #on}), whatever host the request names: used as a forward proxy ({@link #proxy()})
 * it receives requests for any made-up host name ({@code http://fal.hostile.test/...}) in absolute
 * form, so a test can play several origins with one server. Every request is recorded with its
 * absolute URL and headers ({@link #received()}); unknown paths answer 404.
 *
 * <p>Plain HTTP only: a test's https URLs are refused before they connect, or never answered.
 */
public final class HostileServer implements AutoCloseable {

    /** A request as it arrived. Header names are case-insensitive. */
    public record Received(String method, URI uri, Map<String, List<String>> headers) {
        public Received {
            Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
            headers = java.util.Collections.unmodifiableMap(h);
        }

        public Optional<String> header(String name) {
            List<String> v = headers.get(name);
            return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
        }

        /** Whether {@code secret} is in any header or in the URL. */
        public boolean carries(String secret) {
            return uri.toString().contains(secret)
                    || headers.values().stream().flatMap(List::stream).anyMatch(v -> v.contains(secret));
        }

        /** {@code http://host:port}, as the request named it. */
        public String origin() {
            return uri.getScheme() + "://" + uri.getRawAuthority();
        }
    }

    /** Answers one request. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private HostileServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
    }

    /** A started server on an ephemeral port of 127.0.0.1. */
    public static HostileServer start() {
        try {
            return new HostileServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** A proxy selector that sends every request to this server, for any host name. */
    public ProxySelector proxy() {
        return ProxySelector.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
    }

    /** Answers requests for {@code path} (the query is ignored), on any host, with {@code handler}. */
    public HostileServer on(String path, Handler handler) {
        routes.put(path, handler);
        return this;
    }

    /** Every request so far, in order of arrival. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The requests for {@code path}. */
    public List<Received> received(String path) {
        return received.stream().filter(r -> path.equals(r.uri().getPath())).toList();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            if (uri.getScheme() == null) {
                String host = exchange.getRequestHeaders().getFirst("Host");
                uri = URI.create("http://" + (host == null ? "127.0.0.1:" + port() : host) + uri.getRawPath()
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            }
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            received.add(new Received(exchange.getRequestMethod(), uri, exchange.getRequestHeaders()));
            Handler h = routes.get(uri.getPath());
            if (h == null) {
                reply(exchange, 404, "application/json", "{\"detail\":\"no route for " + uri.getPath() + "\"}");
                return;
            }
            h.handle(exchange);
        } catch (IOException e) {
            // The client hung up (an endless body it stopped reading): nothing to answer.
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- answers -------------------------------------------------------------------------------

    /** 200 with a JSON body. */
    public static Handler json(String body) {
        return e -> reply(e, 200, "application/json", body);
    }

    /** A status with a JSON body and extra headers ({@code Retry-After}, ...). */
    public static Handler status(int status, Map<String, String> headers, String body) {
        return e -> {
            headers.forEach((k, v) -> e.getResponseHeaders().add(k, v));
            reply(e, status, "application/json", body);
        };
    }

    /** 200 with {@code body}, sent as {@code contentType}; an empty body is sent with Content-Length 0. */
    public static Handler bytes(String contentType, byte[] body) {
        return e -> {
            e.getResponseHeaders().add("Content-Type", contentType);
            e.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = e.getResponseBody()) {
                out.write(body);
            }
        };
    }

    /** A redirect ({@code 301}, {@code 302}, {@code 307}, ...) to {@code location}, taken as given. */
    public static Handler redirect(int status, String location) {
        return e -> {
            e.getResponseHeaders().add("Location", location);
            e.sendResponseHeaders(status, -1);
        };
    }

    /** 200, chunked, {@code start} and then zeros for ever, until the client hangs up. */
    public static Handler endless(String contentType, byte[] start) {
        return e -> {
            e.getResponseHeaders().add("Content-Type", contentType);
            e.sendResponseHeaders(200, 0);
            try (OutputStream out = e.getResponseBody()) {
                out.write(start);
                byte[] block = new byte[64 * 1024];
                while (!Thread.currentThread().isInterrupted()) {
                    out.write(block);
                }
            }
        };
    }

    /** 200 announcing {@code contentLength} bytes, of which it sends {@code start} before hanging up. */
    public static Handler announcing(String contentType, long contentLength, byte[] start) {
        return e -> {
            e.getResponseHeaders().add("Content-Type", contentType);
            e.sendResponseHeaders(200, contentLength);
            OutputStream out = e.getResponseBody();
            out.write(start);
            out.flush();
            // Closing the exchange now leaves the body short of what was announced.
        };
    }

    /** Answers {@code first} to the first request and {@code then} to every later one. */
    public static Handler once(Handler first, Handler then) {
        java.util.concurrent.atomic.AtomicBoolean used = new java.util.concurrent.atomic.AtomicBoolean();
        return e -> (used.compareAndSet(false, true) ? first : then).handle(e);
    }

    private static void reply(HttpExchange e, int status, String contentType, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().add("Content-Type", contentType);
        e.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(b);
        }
    }

    /** The first bytes of a PNG file: enough for a content check, nothing for a viewer. */
    public static byte[] png() {
        return new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    }

    /** The first bytes of an MP3 file (an ID3 tag). */
    public static byte[] mp3() {
        return new byte[] {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0};
    }

    /** An HTML error page. */
    public static byte[] html() {
        return "<!DOCTYPE html><html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8);
    }
}
