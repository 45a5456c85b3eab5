package dev.acp.health;

import dev.acp.env.Secrets;
import dev.acp.provider.AccessCheck;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The server's health probes. {@link #live()}: the process answers. {@link #ready()}: the state
 * folder ({@code ACP_HOME}) takes a file, and the offline engines work (the local provider's
 * check: ffmpeg found and runs, a speech engine), which both must pass; and each configured
 * provider's free call, the one {@code acp doctor} makes, reported but not required.
 *
 * <p>Engine and provider checks are kept for {@code ttl} (a probe every few seconds must not
 * start ffmpeg or call a provider every time) and run side by side within {@code timeout}; the
 * state folder is checked at every probe, since a full or read-only disk must show at once.
 * Every detail goes through {@link Secrets#redact}.
 */
public final class HealthChecks {
    /** How long engine and provider checks are reused. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);
    /** How long the engine and provider checks may take together. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final ProviderRegistry registry;
    private final Path acpHome;
    private final Secrets secrets;
    private final Clock clock;
    private final Duration ttl;
    private final Duration timeout;
    private final boolean contactProviders;
    private @Nullable List<HealthReport.Check> cached;
    private @Nullable Instant cachedAt;

    /**
     * @param contactProviders false: providers with credentials are reported as not contacted
     *     (a server started offline)
     */
    public HealthChecks(ProviderRegistry registry, Path acpHome, Secrets secrets, Clock clock, Duration ttl,
            Duration timeout, boolean contactProviders) {
        this.registry = registry;
        this.acpHome = acpHome;
        this.secrets = secrets;
        this.clock = clock;
        this.ttl = ttl;
        this.timeout = timeout;
        this.contactProviders = contactProviders;
    }

    /** The checks of {@code acp}'s providers and state folder, with the default cache time and time limit. */
    public static HealthChecks of(dev.acp.run.RunHost acp, boolean contactProviders) {
        return new HealthChecks(acp.registry(), acp.acpHome(), acp.secrets(), acp.registry().context().clock(),
                DEFAULT_TTL, DEFAULT_TIMEOUT, contactProviders);
    }

    /** The process is up and answering: no check can make this fail but the process itself. */
    public HealthReport live() {
        return HealthReport.of(clock.instant(), List.of(new HealthReport.Check("process", HealthReport.Status.OK,
                true, "up since " + startedAt(), null)));
    }

    private static String startedAt() {
        return Instant.ofEpochMilli(java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime())
                .toString();
    }

    /** Whether runs can start here; see the class comment. */
    public HealthReport ready() throws InterruptedException {
        List<HealthReport.Check> checks = new ArrayList<>();
        checks.add(check("state_folder", true, Probes.stateFolderWritable(acpHome)));
        checks.addAll(engineAndProviderChecks());
        return HealthReport.of(clock.instant(), checks);
    }

    /** The cached engine and provider checks, refreshed by one caller at a time when older than {@code ttl}. */
    private synchronized List<HealthReport.Check> engineAndProviderChecks() throws InterruptedException {
        Instant now = clock.instant();
        if (cached == null || cachedAt == null || !now.isBefore(cachedAt.plus(ttl))) {
            cached = runChecks();
            cachedAt = now;
        }
        return cached;
    }

    /** Every factory's check side by side; one without credentials is an offline engine, which must pass. */
    private List<HealthReport.Check> runChecks() throws InterruptedException {
        Map<ProviderFactory, Future<AccessCheck>> running = new LinkedHashMap<>();
        List<HealthReport.Check> checks = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (ProviderFactory f : registry.factories()) {
                running.put(f, pool.submit(() -> Probes.provider(f, registry, contactProviders)));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            for (var e : running.entrySet()) {
                ProviderFactory f = e.getKey();
                boolean engine = f.credentialVariables().isEmpty();
                AccessCheck result;
                try {
                    result = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException ex) {
                    e.getValue().cancel(true);
                    result = new AccessCheck(AccessCheck.Status.FAILED, "no answer within " + timeout.toSeconds()
                            + " s", engine ? "check that ffmpeg runs here" : "check the network, or the base URL");
                } catch (ExecutionException ex) {
                    result = new AccessCheck(AccessCheck.Status.FAILED, "the check failed: "
                            + String.valueOf(ex.getCause().getMessage()).replaceAll("\\s*\\R\\s*", " "), null);
                }
                checks.add(check((engine ? "engine:" : "provider:") + f.id(), engine, result));
            }
            pool.shutdownNow();
        }
        return List.copyOf(checks);
    }

    private HealthReport.Check check(String name, boolean required, AccessCheck r) {
        HealthReport.Status status = switch (r.status()) {
            case OK -> HealthReport.Status.OK;
            case WARNING -> HealthReport.Status.WARNING;
            case FAILED -> HealthReport.Status.FAILED;
            case REFUSED -> HealthReport.Status.REFUSED;
            case NOT_CHECKED -> HealthReport.Status.NOT_CHECKED;
        };
        return new HealthReport.Check(name, status, required, secrets.redact(r.detail()),
                r.fix() == null ? null : secrets.redact(r.fix()));
    }
}
