package dev.acp.testkit.sync;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.acp.testkit.sync.FakeSyncServer.Provider;
import dev.acp.testkit.sync.FakeSyncServer.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Serves one request: finds the provider by path prefix, checks its key, lets its routes answer,
 * and for a paid request applies the first matching {@link Rule}, bills, and answers, in that
 * order: a bill is recorded before a byte of its answer is sent.
 */
final class SyncHandler implements HttpHandler {
    private final Settings settings;
    private final Ledger ledger;
    private final List<Rule> rules;
    private final ChatRoutes openRouter;
    private final ChatRoutes openAi;
    private final ElevenLabsRoutes elevenLabs;
    private final HistoryRoutes history;
    private final GeminiRoutes gemini;

    SyncHandler(Settings settings, Ledger ledger, List<Rule> rules, Ids ids) {
        this.settings = settings;
        this.ledger = ledger;
        this.rules = rules;
        this.openRouter = new ChatRoutes(Provider.OPENROUTER, settings, ids);
        this.openAi = new ChatRoutes(Provider.OPENAI, settings, ids);
        this.elevenLabs = new ElevenLabsRoutes(settings, ids);
        this.history = new HistoryRoutes(ledger);
        this.gemini = new GeminiRoutes(settings, ids);
    }

    @Override
    public void handle(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Provider provider = Provider.of(path).orElse(null);
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (provider == null) {
                send(exchange, Reply.json(404, Map.of("error", "no fake provider serves " + path + "; the prefixes are "
                        + List.of(Provider.values()).stream().map(Provider::prefix).toList())));
                return;
            }
            if (!authorized(provider, exchange)) {
                send(exchange, ErrorShapes.unauthorized(provider));
                return;
            }
            String rawQuery = exchange.getRequestURI().getRawQuery();
            Call call = new Call(exchange.getRequestMethod(), path.substring(provider.prefix().length()),
                    Call.parseQuery(rawQuery), body);
            Outcome outcome;
            try {
                outcome = route(provider, call);
            } catch (RuntimeException e) {
                outcome = new Outcome.Free(ErrorShapes.error(provider, 500, "internal", "fake sync server failed: " + e));
            }
            switch (outcome) {
                case Outcome.Free free -> send(exchange, free.reply());
                case Outcome.Paid paid -> paid(exchange, provider,
                        exchange.getRequestURI().getRawPath() + (rawQuery == null ? "" : "?" + rawQuery), body, paid);
            }
        } catch (IOException e) {
            // The client went away (a killed acp process), or a stalled answer was dropped on purpose.
        } catch (InterruptedException e) {
            // The server is closing: held and stalled answers are never sent.
            Thread.currentThread().interrupt();
        }
    }

    private Outcome route(Provider provider, Call call) {
        return switch (provider) {
            case OPENROUTER -> openRouter.handle(call);
            case OPENAI -> openAi.handle(call);
            case ELEVENLABS -> HistoryRoutes.serves(call.path()) ? history.handle(call) : elevenLabs.handle(call);
            case GOOGLE -> gemini.handle(call);
        };
    }

    /** The key in the header each provider reads (Gemini also takes {@code ?key=}); any key when none is set. */
    private boolean authorized(Provider provider, HttpExchange exchange) {
        String expected = settings.apiKeys().get(provider);
        var h = exchange.getRequestHeaders();
        return switch (provider) {
            case OPENROUTER, OPENAI -> {
                String auth = h.getFirst("Authorization");
                yield expected == null
                        || auth != null && auth.startsWith("Bearer ") && Bodies.keyMatches(expected, auth.substring(7));
            }
            case ELEVENLABS -> Bodies.keyMatches(expected, h.getFirst("xi-api-key"));
            case GOOGLE -> h.getFirst("x-goog-api-key") != null
                    ? Bodies.keyMatches(expected, h.getFirst("x-goog-api-key"))
                    : Bodies.keyMatches(expected, Call.parseQuery(exchange.getRequestURI().getRawQuery()).get("key"));
        };
    }

    /** A paid request: refused unbilled by a rule, or worked on, billed, and answered (held or stalled by a rule). */
    private void paid(HttpExchange exchange, Provider provider, String path, byte[] body, Outcome.Paid paid)
            throws IOException, InterruptedException {
        switch (matchingRule(provider, body)) {
            case null -> answer(exchange, provider, path, body, paid, Duration.ZERO, null);
            case Rule.Hold hold -> answer(exchange, provider, path, body, paid, hold.duration(), null);
            case Rule.Stall stall -> answer(exchange, provider, path, body, paid, Duration.ZERO, stall);
            case Rule.RateLimit limit -> send(exchange, ErrorShapes.rateLimited(provider, limit.retryAfterSeconds(),
                    settings.clock().instant()));
            case Rule.Unavailable unavailable -> send(exchange, ErrorShapes.unavailable(provider));
            // Closing the exchange before any response closes the connection: the client reads nothing.
            case Rule.Reset reset -> {}
        }
    }

    /** The action of the first rule that matches and has a use left (taking that use), or null. */
    private Rule.@Nullable Action matchingRule(Provider provider, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        for (Rule rule : rules) {
            if (rule.take(provider, text)) {
                return rule.action();
            }
        }
        return null;
    }

    private void answer(HttpExchange exchange, Provider provider, String path, byte[] body, Outcome.Paid paid,
            Duration hold, Rule.@Nullable Stall stall) throws IOException, InterruptedException {
        // The work takes its time; a client that goes away meanwhile is billed all the same, as by a real provider.
        Thread.sleep(settings.answerDelay());
        ledger.bill(provider, path, Bodies.bodySha256(body), paid);
        Thread.sleep(hold);
        if (stall == null) {
            send(exchange, paid.reply());
        } else {
            stall(exchange, paid.reply(), stall);
        }
    }

    private static void headers(HttpExchange exchange, Reply r) {
        exchange.getResponseHeaders().set("Content-Type", r.contentType());
        r.headers().forEach(exchange.getResponseHeaders()::set);
    }

    private static void send(HttpExchange exchange, Reply r) throws IOException {
        headers(exchange, r);
        exchange.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(r.body());
        }
    }

    /**
     * Status, headers (announcing the whole body) and the first bytes, then nothing until the
     * stall ends; the exchange is then closed short of its length, which drops the connection.
     */
    private static void stall(HttpExchange exchange, Reply r, Rule.Stall stall) throws IOException, InterruptedException {
        headers(exchange, r);
        exchange.getResponseHeaders().set("Connection", "close");
        exchange.sendResponseHeaders(r.status(), r.body().length);
        OutputStream out = exchange.getResponseBody();
        out.write(r.body(), 0, Math.min(stall.bytes(), Math.max(0, r.body().length - 1)));
        out.flush();
        Thread.sleep(stall.duration());
    }
}
