package dev.acp.metrics;

import dev.acp.engine.RunListener;
import dev.acp.engine.RunStatus;
import dev.acp.engine.StepStatus;
import dev.acp.error.ErrorKind;
import dev.acp.http.CallObserver;
import dev.acp.pipeline.Capability;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * ACP's meters in one {@link MeterRegistry}: the seed's four ({@code api_calls_total},
 * {@code api_duration_seconds}, {@code api_errors_total}, {@code content_processed_total}) and
 * ACP's own ({@code acp_*}: runs, steps, spend, cache, queue, governor waits).
 *
 * <p>Every series a dashboard may ask for is registered at zero when this is created, for each
 * known provider, endpoint, error kind, status and content type, so that panels and alerts work
 * before the first call. Label values come only from fixed sets (provider ids known here, the
 * {@link CallObserver.Endpoint}s, {@link ErrorKind}s, statuses and output kinds): a provider id
 * outside the known set is counted as {@code other}, and no URL, prompt or key ever becomes a
 * label.
 */
public final class AcpMetrics implements CallObserver {
    /** Buckets of {@code api_duration_seconds}: from a quick poll to a long synchronous generation. */
    static final List<Duration> DURATION_BUCKETS = List.of(Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120),
            Duration.ofSeconds(300));
    /** The provider label of an id that is not known here (never the id itself: labels stay bounded). */
    static final String OTHER = "other";
    /** The provider label of a step that has none (a skipped step of a provider never chosen). */
    static final String NONE = "none";

    private final MeterRegistry registry;
    private final Set<String> providers;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final RunMeters runMeters = new RunMeters();

    private AcpMetrics(MeterRegistry registry, Set<String> providers) {
        this.registry = registry;
        this.providers = providers;
    }

    /**
     * Registers every meter at zero for {@code providers} (the installed provider ids) in
     * {@code registry}. Create one per registry: meters are shared by name, so a second instance
     * on the same registry counts into the same series.
     */
    public static AcpMetrics register(MeterRegistry registry, Collection<String> providers) {
        Objects.requireNonNull(registry, "registry");
        Set<String> known = providers.stream().map(p -> p.toLowerCase(Locale.ROOT))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        AcpMetrics m = new AcpMetrics(registry, java.util.Collections.unmodifiableSet(known));
        m.registerAll();
        return m;
    }

    public MeterRegistry registry() {
        return registry;
    }

    private void registerAll() {
        for (String p : providerLabels()) {
            for (Endpoint e : Endpoint.values()) {
                calls(p, e);
                duration(p, e);
            }
            for (ErrorKind k : ErrorKind.values()) {
                errors(p, k.wireName());
            }
            for (StepStatus s : StepStatus.values()) {
                steps(p, s);
            }
            spend(p);
            cacheHits(p);
            cacheSavings(p);
            governorWait(p);
        }
        for (Capability.OutputKind k : Capability.OutputKind.values()) {
            content(k);
        }
        for (RunStatus s : RunStatus.values()) {
            runs(s);
        }
        Gauge.builder("acp.runs.queued", queued, AtomicInteger::get)
                .description("Runs accepted and waiting for a free run slot").register(registry);
        Gauge.builder("acp.runs.running", running, AtomicInteger::get)
                .description("Runs executing now").register(registry);
    }

    /** Every provider label: the known ids, {@code other} and {@code none}. */
    private List<String> providerLabels() {
        List<String> all = new java.util.ArrayList<>(providers);
        all.add(OTHER);
        all.add(NONE);
        return all;
    }

    /** The label of a provider id: itself when known, else {@code other}. */
    String provider(@org.jspecify.annotations.Nullable String id) {
        if (id == null) {
            return NONE;
        }
        String p = id.toLowerCase(Locale.ROOT);
        return providers.contains(p) ? p : OTHER;
    }

    // The meters. Micrometer's Prometheus naming adds the unit and _total ("api.calls" ->
    // api_calls_total, a timer "api.duration" -> api_duration_seconds).

    private Counter calls(String provider, Endpoint endpoint) {
        return Counter.builder("api.calls").description("HTTP requests sent to providers (each attempt)")
                .tag("service", provider).tag("endpoint", endpoint.wireName()).register(registry);
    }

    private Timer duration(String provider, Endpoint endpoint) {
        return Timer.builder("api.duration").description("Time of HTTP requests to providers, from send to answer read")
                .tag("service", provider).tag("endpoint", endpoint.wireName())
                .serviceLevelObjectives(DURATION_BUCKETS.toArray(Duration[]::new)).register(registry);
    }

    private Counter errors(String provider, String errorType) {
        return Counter.builder("api.errors").description("Failed HTTP requests to providers, by error kind")
                .tag("service", provider).tag("error_type", errorType).register(registry);
    }

    private Counter content(Capability.OutputKind kind) {
        return Counter.builder("content.processed").description("Outputs produced by successful steps, by kind")
                .tag("type", kind.name().toLowerCase(Locale.ROOT)).register(registry);
    }

    /**
     * What a step processed: the kind it produced, or for an analysis step (whose answer is JSON)
     * the kind it analysed, as its {@code content_type} says (a video cut into shots counts as video).
     */
    private static Capability.OutputKind processed(Capability c, dev.acp.engine.StepResult r) {
        if (c.isAnalysis() && r.metadata().get("content_type") instanceof String type) {
            for (Capability.OutputKind k : Capability.OutputKind.values()) {
                if (k.name().equalsIgnoreCase(type)) {
                    return k;
                }
            }
        }
        return c.outputKind();
    }

    private Counter runs(RunStatus status) {
        return Counter.builder("acp.runs").description("Runs finished, by status")
                .tag("status", status.wireName()).register(registry);
    }

    private Counter steps(String provider, StepStatus status) {
        return Counter.builder("acp.steps").description("Steps finished, by provider and status")
                .tag("provider", provider).tag("status", status.wireName()).register(registry);
    }

    private Counter spend(String provider) {
        return Counter.builder("acp.spend.usd").description("Settled provider cost in US dollars, as billed")
                .tag("provider", provider).register(registry);
    }

    private Counter cacheHits(String provider) {
        return Counter.builder("acp.cache.hits").description("Steps served from the artifact cache")
                .tag("provider", provider).register(registry);
    }

    private Counter cacheSavings(String provider) {
        return Counter.builder("acp.cache.savings.usd")
                .description("What cache hits saved: the cost of the calls that made the cached outputs, US dollars")
                .tag("provider", provider).register(registry);
    }

    private Timer governorWait(String provider) {
        return Timer.builder("acp.provider.governor.wait")
                .description("Time HTTP requests waited for their provider's concurrency and rate limits")
                .tag("provider", provider).register(registry);
    }

    // What is recorded.

    @Override
    public Attempt started(String provider, Endpoint endpoint) {
        String p = provider(provider);
        long start = registry.config().clock().monotonicTime();
        return new Attempt() {
            private long sent = start;

            @Override
            public void permitted() {
                sent = registry.config().clock().monotonicTime();
                governorWait(p).record(Duration.ofNanos(sent - start));
            }

            @Override
            public void succeeded() {
                finish();
            }

            @Override
            public void failed(ErrorKind kind) {
                finish();
                errors(p, kind.wireName()).increment();
            }

            @Override
            public void abandoned() {
                finish();
            }

            private void finish() {
                calls(p, endpoint).increment();
                duration(p, endpoint).record(Duration.ofNanos(registry.config().clock().monotonicTime() - sent));
            }
        };
    }

    /** Records runs, steps, spend, cache hits and content; attach it to every run. */
    public RunListener runListener() {
        return runMeters;
    }

    /** A run was accepted but waits for a free slot (the server's {@code --max-runs}). */
    public void runQueued() {
        queued.incrementAndGet();
    }

    /** A queued run left the queue: started, cancelled or refused. */
    public void runDequeued() {
        queued.updateAndGet(n -> Math.max(0, n - 1));
    }

    /** The listener of every run: one object, since it keeps nothing per run. */
    private final class RunMeters implements RunListener {
        @Override
        public void runStarted(dev.acp.plan.ExecutionPlan plan, String runId) {
            running.incrementAndGet();
        }

        @Override
        public void stepFinished(dev.acp.engine.StepResult r) {
            if (r.stepType().equals("parallel_group")) {
                return; // a group is counted by its members
            }
            String p = provider(r.provider());
            steps(p, r.status()).increment();
            if (r.actualCost() != null && r.actualCost().signum() > 0 && !r.cacheHit()) {
                spend(p).increment(r.actualCost().doubleValue());
            }
            if (r.cacheHit()) {
                cacheHits(p).increment();
                if (r.cache().saving() != null) {
                    cacheSavings(p).increment(r.cache().saving().doubleValue());
                }
            }
            if (r.succeeded()) {
                Capability.fromWireName(r.stepType()).ifPresent(c -> content(processed(c, r)).increment());
            }
        }

        @Override
        public void runFinished(dev.acp.engine.RunResult result) {
            running.updateAndGet(n -> Math.max(0, n - 1));
            runs(result.status()).increment();
        }
    }
}
