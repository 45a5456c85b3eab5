package dev.acp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page's files (content types, ETag and 304, a self-only Content-Security-Policy, nothing
 * from elsewhere) and the tickets that stand in for the token where the browser cannot send it
 * (EventSource and the media players).
 */
class WebPageRouteTest {
    static final String THREE_STEPS = EventsRouteTest.THREE_STEPS;

    @TempDir
    Path dir;

    @Test
    void the_page_and_its_files_have_their_types_a_strict_policy_and_an_etag_that_answers_304() throws Exception {
        try (TestServer s = new TestServer(dir, o -> o)) {
            Map<String, String> types = Map.of("/", "text/html; charset=utf-8", "/web/app.js",
                    "text/javascript; charset=utf-8", "/web/style.css", "text/css; charset=utf-8");
            for (var e : types.entrySet()) {
                HttpResponse<String> r = s.get(e.getKey());
                assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Type")).as(e.getKey()).contains(e.getValue());
                assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
                assertThat(r.headers().firstValue("Cache-Control")).contains("no-cache");
                String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
                assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'",
                        "connect-src 'self'", "media-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe");
                // Nothing fetched from the internet: no CDN, no font or script from elsewhere.
                assertThat(r.body()).doesNotContain("http://", "https://", "//cdn");
                String etag = r.headers().firstValue("ETag").orElseThrow();
                assertThat(etag).matches("\"[0-9a-f]{32}\"");
                HttpResponse<String> again = s.get(e.getKey(), "If-None-Match", etag);
                assertThat(again.statusCode()).as(e.getKey() + " revalidated").isEqualTo(304);
                assertThat(again.body()).isEmpty();
                assertThat(s.get(e.getKey(), "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
            }
            String html = s.get("/").body();
            // The policy forbids inline script and style, so the page must have none.
            assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContain(" style=")
                    .doesNotContain("onclick=");
            HttpResponse<String> head = s.client.send(HttpRequest.newBuilder(s.uri("/web/app.js"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(s.get("/web/index.html").statusCode()).isEqualTo(404);
            assertThat(s.get("/web/openapi.json").statusCode()).isEqualTo(404);
            assertThat(s.get("/web/%2e%2e%2fopenapi.json").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void off_loopback_the_page_needs_no_token_and_a_ticket_opens_one_runs_events_and_files_only() throws Exception {
        try (TestServer s = new TestServer(dir, o -> o.withHost("0.0.0.0"))) {
            assertThat(s.get("/").statusCode()).isEqualTo(200); // holds no data
            String id = s.start(Map.of("pipeline", THREE_STEPS));
            String events = "/api/runs/" + id + "/events";
            assertThat(s.get(events).statusCode()).isEqualTo(401);
            // Asking for a ticket needs the token there, like any read.
            assertThat(s.post("/api/runs/" + id + "/ticket", "", "X-None", "x").statusCode()).isEqualTo(401);
            HttpResponse<String> issued = s.post("/api/runs/" + id + "/ticket", "");
            assertThat(issued.statusCode()).isEqualTo(200);
            assertThat(issued.headers().firstValue("Cache-Control")).contains("no-store");
            String ticket = TestServer.json(issued).get("ticket").asText();
            assertThat(ticket).doesNotContain(s.token);

            HttpResponse<String> stream = s.get(events + "?ticket=" + ticket);
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.body()).contains("event: run_finished");
            // The players' files too (the run's outputs, all written: the stream above ran to the end).
            String file = "/api/runs/" + id + "/files/" + TestServer.json(s.get("/api/runs/" + id, "Authorization",
                    "Bearer " + s.token)).get("steps").get(0).get("output_path").asText();
            assertThat(s.get(file).statusCode()).isEqualTo(401);
            assertThat(s.get(file + "?ticket=" + ticket).statusCode()).isEqualTo(200);
            // Only that run's stream and files: not its state, not another run, not a forged or altered ticket.
            assertThat(s.get("/api/runs/" + id + "?ticket=" + ticket).statusCode()).isEqualTo(401);
            assertThat(s.get("/api/runs?ticket=" + ticket).statusCode()).isEqualTo(401);
            String other = s.start(Map.of("pipeline", THREE_STEPS));
            assertThat(s.get("/api/runs/" + other + "/events?ticket=" + ticket).statusCode()).isEqualTo(401);
            assertThat(s.get(file.replace(id, other) + "?ticket=" + ticket).statusCode()).isEqualTo(401);
            String forged = ticket.substring(0, ticket.indexOf('.')) + ".AAAA" + ticket.substring(ticket.indexOf('.') + 5);
            assertThat(s.get(events + "?ticket=" + forged).statusCode()).isEqualTo(401);
            long expiry = Long.parseLong(ticket.substring(0, ticket.indexOf('.')));
            String longer = (expiry + 3600) + ticket.substring(ticket.indexOf('.'));
            assertThat(s.get(events + "?ticket=" + longer).statusCode()).isEqualTo(401);
            // Both runs end before the server (and the test's folder) goes away.
            for (String run : new String[] {id, other}) {
                java.time.Instant end = java.time.Instant.now().plusSeconds(30);
                while (TestServer.json(s.get("/api/runs/" + run, "Authorization", "Bearer " + s.token)).path("status")
                        .asText().matches("queued|running") && java.time.Instant.now().isBefore(end)) {
                    Thread.sleep(50);
                }
            }
        }
    }

    @Test
    void a_ticket_expires_after_its_lifetime() {
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        MutableClock clock = new MutableClock(now);
        StreamTickets tickets = new StreamTickets(new java.security.SecureRandom(), clock);
        String ticket = tickets.issue("run-1").value();
        assertThat(tickets.valid("run-1", ticket)).isTrue();
        assertThat(tickets.valid("run-2", ticket)).isFalse();
        assertThat(tickets.valid("run-1", "garbage")).isFalse();
        clock.now = now.plus(StreamTickets.LIFETIME).minusSeconds(1);
        assertThat(tickets.valid("run-1", ticket)).isTrue();
        clock.now = now.plus(StreamTickets.LIFETIME);
        assertThat(tickets.valid("run-1", ticket)).isFalse();
        // Another server (a restart) has another key: its tickets do not open this one's streams.
        assertThat(new StreamTickets(new java.security.SecureRandom(), clock).valid("run-1",
                tickets.issue("run-1").value())).isFalse();
    }

    @Test
    void if_none_match_lists_and_weak_forms_match() {
        assertThat(WebPage.matches("\"a\", \"b\"", "\"b\"")).isTrue();
        assertThat(WebPage.matches("W/\"b\"", "\"b\"")).isTrue();
        assertThat(WebPage.matches("*", "\"b\"")).isTrue();
        assertThat(WebPage.matches("\"c\"", "\"b\"")).isFalse();
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
