package dev.acp.server;

import dev.acp.health.HealthChecks;
import dev.acp.health.HealthReport;
import dev.acp.metrics.PrometheusText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code /metrics} (Prometheus text: the seed's metrics and ACP's own, every series present from
 * start-up) and the probes {@code /health/live} and {@code /health/ready} (200 or 503 with each
 * check in JSON; open to anyone, so orchestrators need no token; they hold no secret).
 */
final class ObservabilityRoutes {
    private static final String JSON = "application/json; charset=utf-8";

    private final PrometheusText metrics;
    private final HealthChecks health;

    ObservabilityRoutes(PrometheusText metrics, HealthChecks health) {
        this.metrics = metrics;
        this.health = health;
    }

    void mount(Router router) {
        router.add(Route.get("/metrics", Route.Access.READ, "Prometheus metrics", call ->
                call.send(200, PrometheusText.CONTENT_TYPE, metrics.text().getBytes(StandardCharsets.UTF_8))));
        router.add(Route.get("/health/live", Route.Access.OPEN, "Liveness: the process answers", call ->
                send(call, health.live())));
        router.add(Route.get("/health/ready", Route.Access.OPEN, "Readiness: state folder writable, ffmpeg and the"
                + " offline engines usable (providers reported, never a paid call)", call -> {
                    try {
                        send(call, health.ready());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while checking readiness", e);
                    }
                }));
    }

    private static void send(HttpCall call, HealthReport report) throws IOException {
        call.send(report.httpStatus(), JSON, report.toJson().getBytes(StandardCharsets.UTF_8));
    }
}
