package dev.acp.http;

import dev.acp.config.AcpConfig;
import dev.acp.util.Sleeper;
import dev.acp.env.Environment;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link Governor} per provider for the whole process. Limits come from the provider's
 * defaults, then {@code ACP_HOME/config.yaml} ({@code max_concurrency}, {@code max_jobs},
 * {@code requests_per_second}), then {@code ACP_<PROVIDER>_MAX_CONCURRENCY},
 * {@code ACP_<PROVIDER>_MAX_JOBS} and {@code ACP_<PROVIDER>_RPS} ({@code none}: no rate cap). Each governor also knows where
 * its provider's requests may go ({@link Destinations}; {@code ACP_ALLOW_PRIVATE_URLS}).
 */
public final class Governors {
    private final Environment environment;
    private final AcpConfig config;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Map<String, Governor> governors = new ConcurrentHashMap<>();

    public Governors(Environment environment, AcpConfig config, Clock clock, Sleeper sleeper) {
        this.environment = environment;
        this.config = config;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** The governor of {@code provider}, created with {@code defaults} on first use. */
    public Governor of(String provider, Governor.Settings defaults) {
        return governors.computeIfAbsent(provider, p -> new Governor(p, settings(p, defaults), clock, sleeper,
                privateAllowed()));
    }

    public Governor of(String provider) {
        return of(provider, Governor.Settings.defaults());
    }

    /**
     * The limits of {@code provider}'s governor, if it has one yet; never creates one. Providers
     * that call over HTTP create theirs, with their own defaults, when they are created; asking
     * here must not fix the generic defaults on a provider before it does.
     */
    public java.util.Optional<Governor.Settings> settings(String provider) {
        return java.util.Optional.ofNullable(governors.get(provider)).map(Governor::settings);
    }

    /** {@code ACP_ALLOW_PRIVATE_URLS=1} (or {@code true}): every provider may reach private addresses. */
    private boolean privateAllowed() {
        return environment.get(Destinations.ALLOW_PRIVATE_VARIABLE).map(String::strip)
                .map(v -> v.equals("1") || v.equalsIgnoreCase("true")).orElse(false);
    }

    /** Environment variables win over config.yaml, which wins over the provider's defaults. */
    private Governor.Settings settings(String provider, Governor.Settings defaults) {
        String prefix = "ACP_" + provider.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_";
        AcpConfig.ProviderConfig c = config.provider(provider);
        int concurrency = integer(prefix + "MAX_CONCURRENCY",
                c.maxConcurrency() != null ? c.maxConcurrency() : defaults.maxConcurrentRequests());
        int jobs = integer(prefix + "MAX_JOBS", c.maxJobs() != null ? c.maxJobs() : defaults.maxJobsInFlight());
        double rps = environment.get(prefix + "RPS").map(v -> number(prefix + "RPS", v))
                .orElse(c.requestsPerSecond() != null ? c.requestsPerSecond() : defaults.requestsPerSecond());
        return new Governor.Settings(concurrency, jobs, rps);
    }

    private int integer(String name, int fallback) {
        return environment.get(name).map(v -> wholeNumber(name, v)).orElse(fallback);
    }

    /** A count of requests or jobs: a whole number above 0, like {@code max_concurrency} in config.yaml. */
    private static int wholeNumber(String name, String v) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new dev.acp.error.UsageException(name + " must be a whole number above 0, not '" + v + "'");
    }

    /** A rate: a positive number, or {@code none} for no cap. */
    private static double number(String name, String v) {
        if (v.strip().equalsIgnoreCase("none")) {
            return Governor.Settings.UNCAPPED;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (d > 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new dev.acp.error.UsageException(name + " must be a positive number or 'none', not '" + v + "'");
    }
}
