package dev.acp.server;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * One route: a method, a path template and what answers it. Path segments in braces are
 * parameters ({@code /api/runs/{id}}); a last segment {@code {name+}} takes the rest of the path,
 * slashes included (a file below a run's folder).
 *
 * @param access who may call it
 * @param summary one line for the API's description
 */
public record Route(String method, String path, Access access, Handler handler, String summary) {

    /** Who may call a route. */
    public enum Access {
        /** Anyone, on any address: health checks for probes and orchestrators. */
        OPEN,
        /** Anyone on loopback; with the token when the server listens on another address. */
        READ,
        /** Only with the token: the route starts, stops or changes something. */
        CHANGE
    }

    /** Answers one call; an {@link ApiException} becomes the JSON error answer. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpCall call) throws IOException;
    }

    public Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(handler, "handler");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a route's path starts with '/': " + path);
        }
    }

    public static Route get(String path, Access access, String summary, Handler handler) {
        return new Route("GET", path, access, handler, summary);
    }

    public static Route post(String path, Access access, String summary, Handler handler) {
        return new Route("POST", path, access, handler, summary);
    }

    List<String> segments() {
        return segments(path);
    }

    static List<String> segments(String path) {
        return List.of(path.substring(1).split("/", -1));
    }

    /** The path as OpenAPI writes it: {@code {name+}} is {@code {name}}. */
    public String documentedPath() {
        return path.replace("+}", "}");
    }
}
