package dev.acp.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.error.ErrorKind;
import dev.acp.http.CallObserver;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What one attempt records, timed by the registry's clock, and which label values can appear. */
class AcpMetricsTest {
    private final MockClock clock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    private final AcpMetrics metrics = AcpMetrics.register(registry, List.of("fal", "openrouter", "local"));

    @Test
    void an_attempt_records_its_wait_its_duration_and_its_error_kind() {
        CallObserver.Attempt a = metrics.started("fal", CallObserver.Endpoint.SUBMIT);
        clock.add(Duration.ofMillis(300)); // waiting for the governor
        a.permitted();
        clock.add(Duration.ofSeconds(2)); // the exchange
        a.failed(ErrorKind.TRANSIENT);

        assertThat(registry.get("api.calls").tags("service", "fal", "endpoint", "submit").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("api.duration").tags("service", "fal", "endpoint", "submit").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2000);
        assertThat(registry.get("acp.provider.governor.wait").tags("provider", "fal").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(300);
        assertThat(registry.get("api.errors").tags("service", "fal", "error_type", "transient").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("api.errors").tags("service", "fal", "error_type", "rate_limit").counter().count())
                .isZero();
    }

    @Test
    void a_success_counts_no_error() {
        CallObserver.Attempt a = metrics.started("openrouter", CallObserver.Endpoint.READ);
        a.permitted();
        a.succeeded();

        assertThat(registry.get("api.calls").tags("service", "openrouter", "endpoint", "read").counter().count())
                .isEqualTo(1);
        assertThat(registry.find("api.errors").tag("service", "openrouter").counters())
                .allSatisfy(c -> assertThat(c.count()).isZero());
    }

    @Test
    void an_unknown_provider_id_is_counted_as_other_and_never_becomes_a_label() {
        String hostile = "sk-live-0123456789abcdef the prompt";
        metrics.started(hostile, CallObserver.Endpoint.REQUEST).succeeded();

        assertThat(registry.get("api.calls").tags("service", "other", "endpoint", "request").counter().count())
                .isEqualTo(1);
        for (Meter m : registry.getMeters()) {
            for (Tag t : m.getId().getTags()) {
                assertThat(t.getValue()).doesNotContain("sk-live").doesNotContain("prompt");
            }
        }
    }

    @Test
    void every_series_exists_at_zero_from_the_start() {
        for (String p : List.of("fal", "openrouter", "local", "other")) {
            for (CallObserver.Endpoint e : CallObserver.Endpoint.values()) {
                assertThat(registry.get("api.calls").tags("service", p, "endpoint", e.wireName()).counter().count())
                        .isZero();
            }
            for (ErrorKind k : ErrorKind.values()) {
                assertThat(registry.get("api.errors").tags("service", p, "error_type", k.wireName()).counter()
                        .count()).isZero();
            }
        }
        assertThat(registry.get("content.processed").tags("type", "video").counter().count()).isZero();
        assertThat(registry.get("acp.runs.queued").gauge().value()).isZero();
    }

    @Test
    void queued_runs_go_up_and_down_and_never_below_zero() {
        metrics.runQueued();
        metrics.runQueued();
        metrics.runDequeued();
        assertThat(registry.get("acp.runs.queued").gauge().value()).isEqualTo(1);
        metrics.runDequeued();
        metrics.runDequeued();
        assertThat(registry.get("acp.runs.queued").gauge().value()).isZero();
    }
}
