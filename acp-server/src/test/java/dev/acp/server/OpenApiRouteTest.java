package dev.acp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document describes every route the router has, and only those. */
class OpenApiRouteTest {
    @TempDir
    Path dir;

    @Test
    void every_route_of_the_router_is_in_the_document_and_every_documented_one_is_a_route() throws Exception {
        try (TestServer s = new TestServer(dir, o -> o)) {
            HttpResponse<String> r = s.get("/api/openapi.json");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
            JsonNode doc = TestServer.json(r);
            assertThat(doc.get("openapi").asText()).startsWith("3.1");
            JsonNode paths = doc.get("paths");
            int documented = 0;
            for (var it = paths.fields(); it.hasNext(); ) {
                var e = it.next();
                for (var m = e.getValue().fieldNames(); m.hasNext(); ) {
                    String method = m.next();
                    if (!method.equals("parameters")) {
                        documented++;
                        assertThat(s.server.router().routes()).as(method + " " + e.getKey())
                                .anyMatch(route -> route.documentedPath().equals(e.getKey())
                                        && route.method().equalsIgnoreCase(method));
                    }
                }
            }
            for (Route route : s.server.router().routes()) {
                JsonNode op = paths.path(route.documentedPath()).path(route.method().toLowerCase(Locale.ROOT));
                assertThat(op.isObject()).as(route.method() + " " + route.path() + " is documented").isTrue();
                // A route that needs the token says so.
                assertThat(op.has("security")).as(route.method() + " " + route.path() + " security")
                        .isEqualTo(route.access() == Route.Access.CHANGE);
            }
            assertThat(documented).isEqualTo(s.server.router().routes().size());
        }
    }
}
