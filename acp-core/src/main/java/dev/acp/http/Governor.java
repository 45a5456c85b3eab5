package dev.acp.http;

import dev.acp.util.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;

/**
 * The rate and concurrency limits of one provider, shared by every step and group of the
 * process: at most {@code maxConcurrentRequests} HTTP requests at once, at most
 * {@code maxJobsInFlight} submitted jobs, and requests spaced to a rate that halves on every 429
 * (and pauses for the provider's Retry-After) and climbs back by a twentieth of the configured
 * rate per successful request.
 */
public final class Governor {

    /**
     * Limits of one provider.
     *
     * @param requestsPerSecond the highest request rate; the governor starts there
     */
    public record Settings(int maxConcurrentRequests, int maxJobsInFlight, double requestsPerSecond) {
        public Settings {
            if (maxConcurrentRequests < 1 || maxJobsInFlight < 1 || !(requestsPerSecond > 0)) {
                throw new IllegalArgumentException("governor limits must be positive");
            }
        }

        public static Settings defaults() {
            return new Settings(16, 100, 20);
        }
    }

    /** A held permit; closing it gives it back. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private final String provider;
    private final Settings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Semaphore requests;
    private final Semaphore jobs;
    private final double minRate;
    private double rate;
    private Instant nextSlot;
    private Instant pausedUntil;
    private long rateLimited;
    private final Destinations destinations;

    public Governor(String provider, Settings settings, Clock clock, Sleeper sleeper) {
        this(provider, settings, clock, sleeper, false);
    }

    /**
     * @param privateAllowedByUser {@code ACP_ALLOW_PRIVATE_URLS=1}: requests may go to private
     *     addresses whatever the provider's base URLs are
     */
    public Governor(String provider, Settings settings, Clock clock, Sleeper sleeper, boolean privateAllowedByUser) {
        this.provider = provider;
        this.destinations = new Destinations(provider, privateAllowedByUser);
        this.settings = settings;
        this.clock = clock;
        this.sleeper = sleeper;
        this.requests = new Semaphore(settings.maxConcurrentRequests(), true);
        this.jobs = new Semaphore(settings.maxJobsInFlight(), true);
        this.rate = settings.requestsPerSecond();
        this.minRate = Math.min(settings.requestsPerSecond(), 0.2);
        this.nextSlot = clock.instant();
        this.pausedUntil = nextSlot;
    }

    public String provider() {
        return provider;
    }

    public Settings settings() {
        return settings;
    }

    /** Where this provider's requests and credentials may go. */
    public Destinations destinations() {
        return destinations;
    }

    /**
     * Registers the provider's configured base URLs: only their origins receive its credentials
     * (see {@link HttpTransport}), and a base URL on a private address lets the provider's
     * requests go to private addresses. Returns this governor.
     */
    public Governor withBaseUrls(String... baseUrls) {
        for (String u : baseUrls) {
            destinations.addBaseUrl(u);
        }
        return this;
    }

    /** Waits for a request slot (concurrency, then rate); close the permit when the response is read. */
    public Permit request() throws InterruptedException {
        requests.acquire();
        try {
            Duration wait;
            synchronized (this) {
                Instant now = clock.instant();
                Instant slot = max(max(now, nextSlot), pausedUntil);
                nextSlot = slot.plusNanos((long) (1e9 / rate));
                wait = Duration.between(now, slot);
            }
            if (!wait.isZero() && !wait.isNegative()) {
                sleeper.sleep(wait);
            }
        } catch (InterruptedException | RuntimeException e) {
            requests.release();
            throw e;
        }
        return requests::release;
    }

    /** Waits for a slot for one more job in flight; close the permit when the job is done. */
    public Permit job() throws InterruptedException {
        jobs.acquire();
        return jobs::release;
    }

    /** A 429: halve the rate and pause everyone for the provider's Retry-After, if given. */
    public synchronized void rateLimited(java.util.Optional<Duration> retryAfter) {
        rateLimited++;
        rate = Math.max(minRate, rate / 2);
        retryAfter.ifPresent(d -> {
            Instant until = clock.instant().plus(d);
            if (until.isAfter(pausedUntil)) {
                pausedUntil = until;
            }
        });
    }

    /** A request that was not rate-limited: climb back towards the configured rate. */
    public synchronized void succeeded() {
        if (rate < settings.requestsPerSecond()) {
            rate = Math.min(settings.requestsPerSecond(), rate + settings.requestsPerSecond() / 20);
        }
    }

    /** The current request rate (requests per second), for reports and tests. */
    public synchronized double rate() {
        return rate;
    }

    public synchronized long rateLimitedCount() {
        return rateLimited;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
