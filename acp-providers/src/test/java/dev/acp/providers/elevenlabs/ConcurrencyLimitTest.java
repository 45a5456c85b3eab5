package dev.acp.providers.elevenlabs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.http.HttpResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitTest {

    @Test
    void should_lower_to_the_plan_and_rise_again_up_to_the_configured_limit() {
        ConcurrencyLimit limit = new ConcurrencyLimit(4);

        limit.observe(new HttpResult(200, Map.of("maximum-concurrent-requests", List.of("2")), new byte[0]));
        assertThat(limit.limit()).isEqualTo(2);
        limit.observe(new HttpResult(200, Map.of("maximum-concurrent-requests", List.of("15")), new byte[0]));
        assertThat(limit.limit()).isEqualTo(4);
        limit.observe(new HttpResult(200, Map.of("maximum-concurrent-requests", List.of("nonsense")), new byte[0]));
        limit.observe(new HttpResult(200, Map.of("maximum-concurrent-requests", List.of("0")), new byte[0]));
        limit.observe(new HttpResult(200, Map.of(), new byte[0]));
        assertThat(limit.limit()).isEqualTo(4);
    }

    @Test
    void should_hold_a_caller_until_a_slot_is_free_and_release_it_when_the_limit_rises() throws Exception {
        ConcurrencyLimit limit = new ConcurrencyLimit(3);
        limit.learn(1);
        ConcurrencyLimit.Slot first = limit.acquire();
        CountDownLatch second = new CountDownLatch(1);
        CountDownLatch third = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> acquireAndCount(limit, second));
        Thread.ofVirtual().start(() -> acquireAndCount(limit, third));

        assertThat(second.await(200, TimeUnit.MILLISECONDS) || third.await(1, TimeUnit.MILLISECONDS))
                .as("both wait while the only slot is taken").isFalse();
        first.close();
        assertThat(second.await(5, TimeUnit.SECONDS) || third.await(5, TimeUnit.SECONDS)).isTrue();
        limit.learn(3);
        assertThat(second.await(5, TimeUnit.SECONDS) && third.await(5, TimeUnit.SECONDS))
                .as("a higher plan limit lets the other waiter in").isTrue();
    }

    private static void acquireAndCount(ConcurrencyLimit limit, CountDownLatch done) {
        try {
            limit.acquire();
            done.countDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
