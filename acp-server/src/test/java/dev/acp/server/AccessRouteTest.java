package dev.acp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token: made once with mode 0600, kept; on a non-loopback address every route but health needs it. */
class AccessRouteTest {
    @TempDir
    Path dir;

    @Test
    void the_token_is_made_once_readable_by_its_owner_only_and_read_on_later_starts() throws Exception {
        ServerToken first = ServerToken.loadOrCreate(dir, new SecureRandom());
        assertThat(first.created()).isTrue();
        assertThat(first.value()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.file()))).isEqualTo("rw-------");
        assertThat(first.toString()).doesNotContain(first.value());
        ServerToken again = ServerToken.loadOrCreate(dir, new SecureRandom());
        assertThat(again.created()).isFalse();
        assertThat(again.value()).isEqualTo(first.value());
    }

    @Test
    void on_a_non_loopback_address_reads_need_the_token_too_and_health_does_not() throws Exception {
        try (TestServer s = new TestServer(dir, o -> o.withHost("0.0.0.0"))) {
            int port = s.server.uri().getPort();
            java.net.URI base = java.net.URI.create("http://127.0.0.1:" + port);
            for (String path : new String[] {"/api/runs", "/api/models", "/api/providers", "/api/openapi.json",
                "/metrics"}) {
                HttpResponse<String> r = s.client.send(HttpRequest.newBuilder(base.resolve(path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path).isEqualTo(401);
                HttpResponse<String> withToken = s.client.send(HttpRequest.newBuilder(base.resolve(path))
                        .header("Authorization", "Bearer " + s.token).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(withToken.statusCode()).as(path).isEqualTo(200);
            }
            HttpResponse<String> health = s.client.send(HttpRequest.newBuilder(base.resolve("/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_second_route_on_the_same_path_and_method_is_refused() throws Exception {
        try (TestServer s = new TestServer(dir, o -> o)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.server.router().add(Route.get("/api/runs",
                    Route.Access.OPEN, "shadow", c -> { }))).hasMessageContaining("exists already");
        }
    }
}
