package dev.acp.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.Acp;
import dev.acp.provider.ProviderResult;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A library user's registry, passed to {@link Acp#withMetrics}, sees the runs of that ACP and of no other. */
class AcpWithMetricsTest {
    @TempDir
    Path dir;

    @Test
    void runs_started_from_an_acp_with_metrics_are_counted_in_the_given_registry() {
        LambdaProvider paid = LambdaProvider.free("paid",
                r -> ProviderResult.text("an idea", Map.of()).withActualCost(new BigDecimal("0.25")));
        // Its own state folder: runs and the cache stay in the test's folder.
        TestAcp t = new TestAcp(dir, Map.of("ACP_HOME", dir.resolve("acp-home").toString()), paid);
        Path file = t.write("p.yaml", """
                pipeline_name: library
                output_directory: out
                steps:
                  - { step_type: prompt_generation, id: idea, provider: paid, config: { prompt: "x" } }
                """);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Acp measured = t.acp().withMetrics(registry);

        // Output folders under the test's own: a library run resolves output_directory from the current folder.
        measured.runner(file).outputDirectory(dir.resolve("one")).yes(true).run();
        t.acp().runner(file).outputDirectory(dir.resolve("two")).yes(true).cacheMode(dev.acp.cache.CacheMode.OFF).run(); // not counted

        assertThat(registry.get("acp.runs").tag("status", "succeeded").counter().count()).isEqualTo(1);
        assertThat(registry.get("acp.steps").tags("provider", "paid", "status", "succeeded").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("acp.spend.usd").tag("provider", "paid").counter().count()).isEqualTo(0.25);
        assertThat(registry.get("content.processed").tag("type", "text").counter().count()).isEqualTo(1);
        assertThat(registry.get("acp.runs.running").gauge().value()).isZero();
    }
}
