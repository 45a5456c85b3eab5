package dev.acp.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * ACP's meters in the Prometheus text exposition format: what {@code /metrics} answers and
 * what {@code acp pipeline run --metrics-file} writes. Needs
 * {@code io.micrometer:micrometer-registry-prometheus} on the class path (an optional
 * dependency of acp-core: only the modules that export metrics bring it).
 *
 * <pre>{@code
 * PrometheusText prometheus = PrometheusText.create();
 * Acp acp = Acp.create(env).withMetrics(prometheus.metrics());
 * ... // GET /metrics:
 * response.header("Content-Type", PrometheusText.CONTENT_TYPE).body(prometheus.text());
 * }</pre>
 */
public final class PrometheusText {
    /** The content type of the text format, version 0.0.4, which every Prometheus reads. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final AcpMetrics metrics;

    private PrometheusText(PrometheusMeterRegistry registry, AcpMetrics metrics) {
        this.registry = registry;
        this.metrics = metrics;
    }

    /**
     * A new Prometheus registry with ACP's meters at zero for {@code providers}; pass
     * {@link #metrics()} to {@link dev.acp.Acp#withMetrics(AcpMetrics)}.
     */
    public static PrometheusText create(java.util.Collection<String> providers) {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return new PrometheusText(r, AcpMetrics.register(r, providers));
    }

    /** The meters to record into. */
    public AcpMetrics metrics() {
        return metrics;
    }

    /** Every meter now, in the text format. */
    public String text() {
        return registry.scrape(CONTENT_TYPE);
    }

    /**
     * Writes {@link #text()} to {@code file} through a temporary file in the same folder, so a
     * reader (node-exporter's textfile collector) never sees half a file.
     */
    public void writeTo(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text(), StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
