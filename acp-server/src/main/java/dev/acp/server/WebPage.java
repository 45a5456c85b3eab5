package dev.acp.server;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web page at {@code /}: {@code index.html}, {@code app.js} and {@code style.css} from the jar
 * (no front-end build, nothing from the internet), each with its content type, a strong ETag
 * (a matching {@code If-None-Match} gets 304) and a Content-Security-Policy that lets the page
 * load scripts, styles, media and connections from this server only. The files hold no data,
 * so they are {@link Route.Access#OPEN}: the data they fetch is guarded like any API call.
 * Also mounts the tickets for what the browser fetches without the token ({@link StreamTickets}).
 */
final class WebPage {
    /** Self only; no inline script or style, no frames, no form posts elsewhere, no plugins. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none';"
            + " frame-ancestors 'none'";

    /** One file of the page, read once: the jar does not change while the server runs. */
    record Asset(String name, String contentType, byte[] bytes, String etag) {}

    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");

    private final Map<String, Asset> assets;
    private final StreamTickets tickets;

    private WebPage(Map<String, Asset> assets, StreamTickets tickets) {
        this.assets = assets;
        this.tickets = tickets;
    }

    static WebPage load(StreamTickets tickets) {
        Map<String, Asset> assets = new LinkedHashMap<>();
        for (var e : TYPES.entrySet()) {
            try (InputStream in = WebPage.class.getResourceAsStream("web/" + e.getKey())) {
                if (in == null) {
                    throw new IllegalStateException("web/" + e.getKey() + " is missing from the jar");
                }
                byte[] bytes = in.readAllBytes();
                assets.put(e.getKey(), new Asset(e.getKey(), e.getValue(), bytes, etag(bytes)));
            } catch (IOException x) {
                throw new IllegalStateException("cannot read web/" + e.getKey() + " from the jar", x);
            }
        }
        return new WebPage(Map.copyOf(assets), tickets);
    }

    void mount(Router router) {
        router.add(Route.get("/", Route.Access.OPEN, "The web page", call -> send(call, assets.get("index.html"))));
        router.add(Route.get("/web/{file}", Route.Access.OPEN, "The web page's script and style sheet",
                call -> send(call, asset(call.pathParameter("file")))));
        router.add(Route.post("/api/runs/{id}/ticket", Route.Access.READ, "A short-lived ticket to open the run's"
                + " event stream and output files where headers cannot be sent (EventSource, media players)", this::ticket));
        router.admit(tickets);
    }

    /** The script or the style sheet; the page itself only at {@code /}. */
    private Asset asset(String name) {
        Asset a = assets.get(name);
        if (a == null || a.name().equals("index.html")) {
            throw ApiException.notFound("no such file of the web page: " + name + "; the page is at /");
        }
        return a;
    }

    private void ticket(HttpCall call) throws IOException {
        String id = call.pathParameter("id");
        StreamTickets.Ticket t = tickets.issue(id);
        call.setHeader("Cache-Control", "no-store");
        call.json(200, Map.of("ticket", t.value(), "expires_at", t.expiresAt().toString(), "events",
                "/api/runs/" + id + "/events"));
    }

    static void send(HttpCall call, Asset asset) throws IOException {
        call.setHeader("ETag", asset.etag());
        // Revalidated on every load (a new jar shows at once), answered by 304 while unchanged.
        call.setHeader("Cache-Control", "no-cache");
        call.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        call.setHeader("X-Frame-Options", "DENY");
        call.setHeader("Referrer-Policy", "no-referrer");
        boolean unchanged = call.header("If-None-Match").map(v -> matches(v, asset.etag())).orElse(false);
        if (unchanged) {
            call.stream(304, -1).close();
            return;
        }
        if (call.method().equals("HEAD")) {
            call.setHeader("Content-Type", asset.contentType());
            call.setHeader("X-Content-Type-Options", "nosniff");
            call.setHeader("Content-Length", Integer.toString(asset.bytes().length));
            call.stream(200, -1).close();
            return;
        }
        call.send(200, asset.contentType(), asset.bytes());
    }

    /** Whether an If-None-Match list names {@code etag} (or is {@code *}); weak forms compare equal too. */
    static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.strip();
            if (c.equals("*") || c.equals(etag) || c.startsWith("W/") && c.substring(2).equals(etag)) {
                return true;
            }
        }
        return false;
    }

    static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
