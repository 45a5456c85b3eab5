package dev.acp.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The governor's limits, with a clock that only moves when the governor sleeps. */
@Timeout(30)
class GovernorTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** A clock that advances only when told to (here: by the recording sleeper). */
    static final class FakeClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(START);

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private final FakeClock clock = new FakeClock();
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    private Governor governor(Governor.Settings settings) {
        return new Governor("test", settings, clock, d -> {
            sleeps.add(d);
            clock.advance(d);
        });
    }

    @Test
    void should_never_hold_more_request_permits_than_max_concurrent_requests() throws Exception {
        Governor g = governor(new Governor.Settings(3, 100, 1_000_000));
        assertHighWaterMark(20, 3, () -> g.request());
    }

    @Test
    void should_never_hold_more_job_permits_than_max_jobs_in_flight() throws Exception {
        Governor g = governor(new Governor.Settings(16, 2, 20));
        assertHighWaterMark(20, 2, () -> g.job());
    }

    @FunctionalInterface
    interface PermitSource {
        Governor.Permit take() throws InterruptedException;
    }

    /**
     * Starts {@code threads} threads that each take a permit and hold it until released. Once
     * {@code limit} of them hold one, waits until every other thread is parked (blocked in
     * {@code take}), checks that still only {@code limit} hold one, then lets them all through.
     */
    private static void assertHighWaterMark(int threads, int limit, PermitSource source) throws Exception {
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger highWater = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        CountDownLatch firstHolders = new CountDownLatch(limit);
        CountDownLatch release = new CountDownLatch(1);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        List<Thread> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try (Governor.Permit p = source.take()) {
                    highWater.accumulateAndGet(holding.incrementAndGet(), Math::max);
                    firstHolders.countDown();
                    release.await();
                    holding.decrementAndGet();
                    done.incrementAndGet();
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "permit-taker-" + i);
            all.add(t);
            t.start();
        }
        assertThat(firstHolders.await(10, TimeUnit.SECONDS)).as("%s threads got a permit", limit).isTrue();
        // Every thread is now either holding a permit (waiting for the release) or blocked taking one.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (all.stream().anyMatch(t -> t.getState() != Thread.State.WAITING) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(all).allMatch(t -> t.getState() == Thread.State.WAITING, "parked");
        assertThat(holding.get()).as("permits held while %s threads wait", threads - limit).isEqualTo(limit);

        release.countDown();
        for (Thread t : all) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertThat(errors).isEmpty();
        assertThat(done.get()).isEqualTo(threads);
        assertThat(highWater.get()).isEqualTo(limit);
        assertThat(holding.get()).isZero();
    }

    @Test
    void should_give_a_permit_back_when_closed() throws Exception {
        Governor g = governor(new Governor.Settings(1, 1, 1_000_000));
        for (int i = 0; i < 3; i++) {
            g.request().close();
            g.job().close();
        }
        // A leaked permit would block here forever (the class's timeout fails the test then).
        try (Governor.Permit r = g.request(); Governor.Permit j = g.job()) {
            assertThat(r).isNotNull();
            assertThat(j).isNotNull();
        }
    }

    @Test
    void should_space_requests_to_the_configured_rate() throws Exception {
        Governor g = governor(new Governor.Settings(16, 100, 4));
        for (int i = 0; i < 3; i++) {
            g.request().close();
        }
        // The first goes at once; the next ones a quarter of a second apart.
        assertThat(sleeps).containsExactly(Duration.ofMillis(250), Duration.ofMillis(250));
    }

    @Test
    void should_halve_the_rate_on_each_429_and_climb_back_a_twentieth_per_success() {
        Governor g = governor(new Governor.Settings(16, 100, 20));
        assertThat(g.rate()).isEqualTo(20.0);
        g.rateLimited(Optional.empty());
        assertThat(g.rate()).isEqualTo(10.0);
        g.rateLimited(Optional.empty());
        assertThat(g.rate()).isEqualTo(5.0);
        assertThat(g.rateLimitedCount()).isEqualTo(2);

        g.succeeded();
        assertThat(g.rate()).isEqualTo(6.0);
        for (int i = 0; i < 30; i++) {
            g.succeeded();
        }
        assertThat(g.rate()).as("never above the configured rate").isEqualTo(20.0);
    }

    @Test
    void should_not_halve_the_rate_below_its_floor() {
        Governor g = governor(new Governor.Settings(16, 100, 20));
        for (int i = 0; i < 50; i++) {
            g.rateLimited(Optional.empty());
        }
        assertThat(g.rate()).isEqualTo(0.2);
    }

    @Test
    void should_pause_every_request_for_the_retry_after_of_a_429() throws Exception {
        Governor g = governor(new Governor.Settings(16, 100, 1_000_000));
        g.rateLimited(Optional.of(Duration.ofSeconds(3)));
        g.request().close();
        assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
        sleeps.clear();
        g.request().close();
        assertThat(sleeps).as("the pause is over").allMatch(d -> d.compareTo(Duration.ofMillis(1)) < 0);
    }

    @Test
    void should_keep_the_longer_of_two_pauses() throws Exception {
        Governor g = governor(new Governor.Settings(16, 100, 1_000_000));
        g.rateLimited(Optional.of(Duration.ofSeconds(5)));
        g.rateLimited(Optional.of(Duration.ofSeconds(2)));
        g.request().close();
        assertThat(sleeps).containsExactly(Duration.ofSeconds(5));
    }

    @Test
    void should_not_space_any_request_of_a_provider_without_a_rate_cap() throws Exception {
        Governor g = governor(Governor.Settings.uncapped(16, 100));
        for (int i = 0; i < 50; i++) {
            g.request(Governor.Traffic.SUBMISSION).close();
            g.request(Governor.Traffic.FOLLOW_UP).close();
        }
        assertThat(sleeps).isEmpty();
        assertThat(g.rate()).isInfinite();
    }

    @Test
    void should_not_space_polls_and_downloads_like_submissions() throws Exception {
        Governor g = governor(new Governor.Settings(16, 100, 4));
        for (int i = 0; i < 5; i++) {
            g.request(Governor.Traffic.FOLLOW_UP).close();
        }
        assertThat(sleeps).as("follow-ups at the configured rate").isEmpty();
        g.request(Governor.Traffic.SUBMISSION).close();
        g.request(Governor.Traffic.SUBMISSION).close();
        assertThat(sleeps).containsExactly(Duration.ofMillis(250));
    }

    @Test
    void should_space_every_request_while_backing_off_from_a_429() throws Exception {
        Governor g = governor(new Governor.Settings(16, 100, 4));
        g.rateLimited(Optional.empty());
        for (int i = 0; i < 3; i++) {
            g.request(Governor.Traffic.FOLLOW_UP).close();
        }
        // Half the rate: follow-ups too, half a second apart.
        assertThat(sleeps).containsExactly(Duration.ofMillis(500), Duration.ofMillis(500));
    }

    @Test
    void should_halve_the_rate_an_uncapped_provider_turned_down_then_lift_the_cap_again() throws Exception {
        Governor g = governor(Governor.Settings.uncapped(16, 100));
        for (int i = 0; i < 30; i++) {
            g.request(Governor.Traffic.SUBMISSION).close();
            clock.advance(Duration.ofMillis(100));
        }
        g.rateLimited(Optional.empty());
        assertThat(g.rate()).as("half of the 10 a second requests were starting at").isCloseTo(5.0,
                org.assertj.core.data.Offset.offset(0.01));
        sleeps.clear();
        g.request(Governor.Traffic.FOLLOW_UP).close();
        g.request(Governor.Traffic.FOLLOW_UP).close();
        assertThat(sleeps).hasSize(1);
        assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(199), Duration.ofMillis(201));
        for (int i = 0; i < 10; i++) {
            g.succeeded();
        }
        assertThat(g.rate()).as("back at the rate that was turned down").isCloseTo(10.0,
                org.assertj.core.data.Offset.offset(0.01));
        g.succeeded();
        assertThat(g.rate()).as("the cap is lifted").isInfinite();
    }

    @Test
    void should_pause_polls_too_for_the_retry_after_of_a_429() throws Exception {
        Governor g = governor(Governor.Settings.uncapped(16, 100));
        g.rateLimited(Optional.of(Duration.ofSeconds(2)));
        g.request(Governor.Traffic.FOLLOW_UP).close();
        assertThat(sleeps).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void should_refuse_limits_that_are_not_positive() {
        assertThatThrownBy(() -> new Governor.Settings(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Governor.Settings(1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Governor.Settings(1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Governor.Settings(1, 1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Governor.Settings.uncapped(1, 1).capped()).isFalse();
    }
}
