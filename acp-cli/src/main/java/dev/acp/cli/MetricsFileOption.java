package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.metrics.PrometheusText;
import dev.acp.provider.ProviderFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code --metrics-file FILE} of {@code pipeline run} and {@code batch run}: the run's meters
 * (the same ones {@code acp serve} exports at {@code /metrics}) written in the Prometheus text
 * format when the run ends, for node-exporter's textfile collector or a push from a CI job.
 */
final class MetricsFileOption {
    @Option(names = "--metrics-file", paramLabel = "FILE", description = "When the run ends, write its metrics"
            + " (provider calls, errors, durations, steps, spend, cache) to FILE in the Prometheus text format,"
            + " e.g. for node-exporter's textfile collector (name it *.prom).")
    @Nullable Path file;

    private @Nullable PrometheusText prometheus;

    /** {@code acp} recording into a fresh registry when the option is given, else {@code acp} itself. */
    Acp observe(Acp acp) {
        if (file == null) {
            return acp;
        }
        prometheus = PrometheusText.create(acp.registry().factories().stream().map(ProviderFactory::id).toList());
        return acp.withMetrics(prometheus.metrics());
    }

    /**
     * Writes the file, if asked for. A failure is one line on {@code err}; the run's outputs and
     * exit code stand, since the run itself went as reported.
     */
    void write(Path workingDirectory, PrintWriter err) {
        if (file == null || prometheus == null) {
            return;
        }
        Path target = workingDirectory.resolve(file);
        try {
            prometheus.writeTo(target);
        } catch (IOException | RuntimeException e) {
            err.println("acp: error: cannot write the metrics file " + target + ": " + e.getMessage()
                    + " (check that its folder exists and is writable)");
        }
    }
}
