package dev.acp.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.acp.env.Secrets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Finds the route of a request, checks its access and answers errors as JSON: unknown paths 404,
 * known paths with another method 405, missing or wrong tokens 401 (before the handler runs, so
 * nothing starts), {@link ApiException}s as they say, anything else 500 without its details.
 * Features mount their routes with {@link #add}; the API, metrics and health checks all do.
 */
public final class Router implements HttpHandler {
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final List<Admission> admissions = new CopyOnWriteArrayList<>();
    private final ObjectMapper json;
    private final AccessGuard guard;
    private final long bodyLimit;
    private final Secrets secrets;
    private final Consumer<String> log;

    Router(ObjectMapper json, AccessGuard guard, long bodyLimit, Secrets secrets, Consumer<String> log) {
        this.json = json;
        this.guard = guard;
        this.bodyLimit = bodyLimit;
        this.secrets = secrets;
        this.log = log;
    }

    /** Adds a route; a route of the same method and path is refused, so two features cannot shadow each other. */
    public Router add(Route route) {
        for (Route r : routes) {
            if (r.method().equals(route.method()) && r.path().equals(route.path())) {
                throw new IllegalArgumentException("a route " + route.method() + " " + route.path() + " exists already");
            }
        }
        routes.add(route);
        return this;
    }

    /** A credential other than the bearer token that lets a request in (the web page's event-stream tickets). */
    @FunctionalInterface
    public interface Admission {
        boolean admits(Route route, HttpCall call);
    }

    /** Adds a way in besides the token; each decides for itself which routes it opens. */
    public Router admit(Admission admission) {
        admissions.add(admission);
        return this;
    }

    /** Every route, in the order added. */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            HttpCall call = null;
            try {
                List<String> path = Route.segments(exchange.getRequestURI().getRawPath());
                String method = exchange.getRequestMethod();
                Route found = null;
                Map<String, String> parameters = Map.of();
                boolean otherMethod = false;
                for (Route r : routes) {
                    Map<String, String> p = match(r.segments(), path);
                    if (p == null) {
                        continue;
                    }
                    if (r.method().equals(method) || method.equals("HEAD") && r.method().equals("GET")) {
                        found = r;
                        parameters = p;
                        break;
                    }
                    otherMethod = true;
                }
                call = new HttpCall(exchange, parameters, json, bodyLimit);
                if (found == null) {
                    throw otherMethod ? new ApiException(405, "method_not_allowed", method + " is not allowed on "
                            + exchange.getRequestURI().getRawPath(), List.of(), Map.of())
                            : ApiException.notFound("no such address: " + exchange.getRequestURI().getRawPath()
                                    + "; the API is described at /api/openapi.json");
                }
                Route route = found;
                HttpCall admitted = call;
                if (admissions.stream().noneMatch(a -> a.admits(route, admitted))) {
                    guard.check(found.access(), exchange.getRequestHeaders().getFirst("Authorization"));
                }
                found.handler().handle(call);
            } catch (ApiException e) {
                answerError(exchange, call, e);
            } catch (IOException e) {
                // Nobody is left to answer. A client that leaves while it is being answered (an
                // event stream closed with its tab, a player that seeks and drops the rest of a
                // file) is how streams end, not something an operator should read a line about
                // per client; one whose body broke off before the answer, or a file that could
                // not be read, is still logged.
                if (call == null || !call.answered()) {
                    log.accept("request " + exchange.getRequestURI().getRawPath() + " ended: " + secrets.redact(
                            String.valueOf(e.getMessage())));
                }
            } catch (RuntimeException e) {
                // A bug: the log says what, the client only that it happened (no trace, no secret).
                log.accept("internal error on " + exchange.getRequestMethod() + " " + exchange.getRequestURI()
                        .getRawPath() + ": " + secrets.redact(e.toString()));
                answerError(exchange, call, new ApiException(500, "internal", "internal error; the server's log"
                        + " has the details", List.of(), Map.of()));
            }
        }
    }

    private void answerError(HttpExchange exchange, HttpCall call, ApiException e) {
        HttpCall c = call != null ? call : new HttpCall(exchange, Map.of(), json, bodyLimit);
        if (c.answered()) {
            return; // headers are out (a stream broke off): nothing more can be said
        }
        try {
            if (e.status() == 401) {
                c.setHeader("WWW-Authenticate", "Bearer realm=\"acp\"");
            }
            ApiException safe = new ApiException(e.status(), e.kind(), secrets.redact(String.valueOf(e.getMessage())),
                    e.problems(), e.details());
            c.json(e.status(), c.errorBody(safe));
        } catch (IOException ignored) {
            // The client is gone.
        }
    }

    /** The parameters of {@code path} under {@code template}, or null when it does not match. */
    static Map<String, String> match(List<String> template, List<String> path) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            boolean tail = t.startsWith("{") && t.endsWith("+}");
            if (i >= path.size()) {
                return null;
            }
            if (tail) {
                List<String> rest = new ArrayList<>(path.subList(i, path.size()));
                if (rest.stream().allMatch(String::isEmpty)) {
                    return null;
                }
                out.put(t.substring(1, t.length() - 2), String.join("/", rest));
                return out;
            }
            String p = path.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                if (p.isEmpty()) {
                    return null;
                }
                out.put(t.substring(1, t.length() - 1), p);
            } else if (!t.equals(p)) {
                return null;
            }
        }
        return path.size() == template.size() ? out : null;
    }
}
