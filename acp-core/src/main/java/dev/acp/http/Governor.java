package dev.acp.http;

import dev.acp.util.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;

/**
 * The rate and concurrency limits of one provider, shared by every step and group of the
 * process: at most {@code maxConcurrentRequests} HTTP requests at once, at most
 * {@code maxJobsInFlight} submitted jobs, and submissions spaced to the configured rate, if any.
 *
 * <p>A 429 halves the rate (from the configured one, or for a provider without a cap from the rate
 * requests were starting at) and pauses everyone for the provider's Retry-After; while the rate is
 * below the configured one every request is spaced, polls and downloads included, and it climbs
 * back by a twentieth per successful request. A provider that documents no rate limit has no cap
 * ({@link Settings#UNCAPPED}): its requests are only held by the concurrency limits until it
 * answers 429. Status polls, reads and downloads are not spaced like submissions: they do not
 * start paid work, and holding them back only makes finished jobs wait.
 */
public final class Governor {

    /**
     * Limits of one provider.
     *
     * @param requestsPerSecond the highest rate of submissions; the governor starts there.
     *     {@link #UNCAPPED} for a provider that documents no rate limit
     */
    public record Settings(int maxConcurrentRequests, int maxJobsInFlight, double requestsPerSecond) {
        /** No rate cap: only a 429 slows requests down. */
        public static final double UNCAPPED = Double.POSITIVE_INFINITY;

        public Settings {
            if (maxConcurrentRequests < 1 || maxJobsInFlight < 1 || !(requestsPerSecond > 0)) {
                throw new IllegalArgumentException("governor limits must be positive");
            }
        }

        /** Limits of a provider that documents no request rate. */
        public static Settings uncapped(int maxConcurrentRequests, int maxJobsInFlight) {
            return new Settings(maxConcurrentRequests, maxJobsInFlight, UNCAPPED);
        }

        /** Limits of a provider ACP knows nothing about. */
        public static Settings defaults() {
            return new Settings(16, 100, 20);
        }

        public boolean capped() {
            return Double.isFinite(requestsPerSecond);
        }
    }

    /** What a request does, which decides whether it waits for a rate slot. */
    public enum Traffic {
        /** Starts work at the provider (a submission, a sync generation): spaced to the rate cap. */
        SUBMISSION,
        /** A status poll, a read or a download: spaced only while the governor backs off from a 429. */
        FOLLOW_UP
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
    /** The current rate: the configured one, or lower after 429s; infinite when uncapped and not backing off. */
    private double rate;
    /** The rate climbed back to after a 429: the configured one, or the one requests started at then. */
    private double ceiling;
    /** Smoothed time between request starts (ns), to know what rate an uncapped provider turned down. */
    private double meanGapNanos = Double.NaN;
    private @Nullable Instant lastStart;
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
        this.ceiling = rate;
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

    /** Waits for a slot for a submission; close the permit when the response is read. */
    public Permit request() throws InterruptedException {
        return request(Traffic.SUBMISSION);
    }

    /**
     * Waits for a request slot (concurrency, then a Retry-After pause, then the rate if this
     * request is spaced); close the permit when the response is read.
     */
    public Permit request(Traffic traffic) throws InterruptedException {
        requests.acquire();
        try {
            Duration wait;
            synchronized (this) {
                Instant now = clock.instant();
                noteStart(now);
                Instant slot = max(now, pausedUntil);
                boolean backingOff = rate < settings.requestsPerSecond();
                if (Double.isFinite(rate) && (traffic == Traffic.SUBMISSION || backingOff)) {
                    slot = max(slot, nextSlot);
                    nextSlot = slot.plusNanos((long) (1e9 / rate));
                }
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
        if (Double.isInfinite(rate)) {
            // No cap to halve: start from the rate requests were starting at when turned down.
            ceiling = Math.max(2 * minRate, observedRate());
            rate = ceiling;
            nextSlot = clock.instant();
        }
        rate = Math.max(minRate, rate / 2);
        retryAfter.ifPresent(d -> {
            Instant until = clock.instant().plus(d);
            if (until.isAfter(pausedUntil)) {
                pausedUntil = until;
            }
        });
    }

    /**
     * A request that was not rate-limited: climb back towards the configured rate, or for an
     * uncapped provider towards the rate that was turned down, after which the cap is lifted again.
     */
    public synchronized void succeeded() {
        if (rate < ceiling) {
            rate = Math.min(ceiling, rate + ceiling / 20);
        } else if (rate < settings.requestsPerSecond()) {
            rate = settings.requestsPerSecond();
        }
    }

    /** Keeps a smoothed gap between request starts. */
    private void noteStart(Instant now) {
        if (lastStart != null) {
            double gap = Math.max(0, Duration.between(lastStart, now).toNanos());
            meanGapNanos = Double.isNaN(meanGapNanos) ? gap : 0.9 * meanGapNanos + 0.1 * gap;
        }
        lastStart = now;
    }

    /** The rate requests were starting at, or one per concurrent request a second before any gap is known. */
    private double observedRate() {
        if (Double.isNaN(meanGapNanos)) {
            return settings.maxConcurrentRequests();
        }
        // Requests starting together (gap 0) are taken as a millisecond apart.
        return 1e9 / Math.max(meanGapNanos, 1e6);
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
