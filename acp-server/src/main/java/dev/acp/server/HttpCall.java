package dev.acp.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request and its answer: path parameters, query, a size-limited body, JSON out. Wraps the
 * JDK's exchange so that handlers never deal with its byte counts and header rules.
 */
public final class HttpCall {
    private final HttpExchange exchange;
    private final Map<String, String> pathParameters;
    private final ObjectMapper json;
    private final long bodyLimit;
    private boolean answered;

    HttpCall(HttpExchange exchange, Map<String, String> pathParameters, ObjectMapper json, long bodyLimit) {
        this.exchange = exchange;
        this.pathParameters = Map.copyOf(pathParameters);
        this.json = json;
        this.bodyLimit = bodyLimit;
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    /**
     * A path parameter as sent, still percent-encoded: the file route decodes segment by segment
     * so that an encoded slash or dot cannot pass for a separator.
     */
    public String rawPathParameter(String name) {
        String v = pathParameters.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no path parameter " + name);
        }
        return v;
    }

    /** A path parameter decoded; a run id or a name that holds no slash. */
    public String pathParameter(String name) {
        return PercentDecoding.decode(rawPathParameter(name));
    }

    /** The first value of a query parameter. */
    public Optional<String> query(String name) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return Optional.empty();
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = PercentDecoding.decodeForm(eq < 0 ? pair : pair.substring(0, eq));
            if (key.equals(name)) {
                return Optional.of(eq < 0 ? "" : PercentDecoding.decodeForm(pair.substring(eq + 1)));
            }
        }
        return Optional.empty();
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
    }

    public URI uri() {
        return exchange.getRequestURI();
    }

    /** The body, refused with 413 beyond the server's limit (by its announced length, or as it is read). */
    public byte[] body() throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > bodyLimit) {
                    throw tooLarge();
                }
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("the Content-Length header is not a number");
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (out.size() + n > bodyLimit) {
                    throw tooLarge();
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** At most this much of a refused body is read and dropped, so that the client gets to read its 413. */
    private static final long DRAIN_LIMIT = 64L * 1024 * 1024;

    private ApiException tooLarge() {
        // A client still sending when the server closes gets a reset, which loses the answer; so
        // the rest is read and dropped (up to a bound: a larger body only has its connection closed).
        try (InputStream in = exchange.getRequestBody()) {
            long dropped = 0;
            byte[] sink = new byte[64 * 1024];
            int n;
            while (dropped < DRAIN_LIMIT && (n = in.read(sink)) > 0) {
                dropped += n;
            }
        } catch (IOException e) {
            // The client gave up: nobody reads the answer anyway.
        }
        exchange.getResponseHeaders().set("Connection", "close");
        return new ApiException(413, "too_large", "the request body is larger than the server's limit of " + bodyLimit
                + " bytes; send a smaller pipeline, or start the server with a higher --max-body", List.of(), Map.of());
    }

    /** The body as a JSON object; 400 when it is not one. */
    public JsonNode jsonBody() throws IOException {
        byte[] bytes = body();
        if (bytes.length == 0) {
            throw ApiException.badRequest("the request needs a JSON object body");
        }
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the request body is not JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + "); send a JSON object");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        return node;
    }

    public boolean answered() {
        return answered;
    }

    /** Answers with {@code body} as JSON. */
    public void json(int status, Object body) throws IOException {
        send(status, "application/json", json.writerWithDefaultPrettyPrinter().writeValueAsBytes(body));
    }

    public void send(int status, String contentType, byte[] body) throws IOException {
        answered = true;
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Headers are set, then the answer is streamed: server-sent events, files. */
    public OutputStream stream(int status, long length) throws IOException {
        answered = true;
        exchange.sendResponseHeaders(status, length);
        return exchange.getResponseBody();
    }

    public void setHeader(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    /** The error object of {@code e}. */
    Map<String, Object> errorBody(ApiException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", e.getMessage());
        error.put("status", e.status());
        error.put("kind", e.kind());
        if (!e.problems().isEmpty() || e.kind().equals("invalid_pipeline")) {
            error.put("problems", e.problems().stream().map(dev.acp.pipeline.Problem::toJson).toList());
        }
        error.putAll(e.details());
        return Map.of("error", error);
    }

    ObjectMapper mapper() {
        return json;
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

}
