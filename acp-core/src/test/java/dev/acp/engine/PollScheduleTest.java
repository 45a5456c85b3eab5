package dev.acp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PollScheduleTest {
    private final PollSchedule s = PollSchedule.DEFAULT;

    @Test
    void a_job_of_a_kind_not_seen_yet_is_asked_about_soon_then_at_a_quarter_of_its_running_time() {
        assertThat(s.next(Duration.ZERO, null)).isEqualTo(Duration.ofMillis(100));
        assertThat(s.next(Duration.ofMillis(100), null)).isEqualTo(Duration.ofMillis(250));
        assertThat(s.next(Duration.ofSeconds(2), null)).isEqualTo(Duration.ofMillis(500));
        assertThat(s.next(Duration.ofMinutes(5), null)).isEqualTo(Duration.ofSeconds(5));
        // Polls of a job that takes one second: it is seen done by 1.25 s.
        Duration t = s.next(Duration.ZERO, null);
        while (t.compareTo(Duration.ofSeconds(1)) < 0) {
            t = t.plus(s.next(t, null));
        }
        assertThat(t).isLessThanOrEqualTo(Duration.ofMillis(1250));
    }

    @Test
    void once_jobs_of_its_kind_finished_the_first_poll_aims_at_their_end() {
        Duration expected = Duration.ofMillis(300);
        assertThat(s.next(Duration.ZERO, expected)).isEqualTo(expected);
        assertThat(s.next(Duration.ofMillis(290), expected)).as("close to the end").isEqualTo(Duration.ofMillis(20));
        assertThat(s.next(Duration.ofMillis(400), expected)).as("past it: a quarter again, at least 250 ms")
                .isEqualTo(Duration.ofMillis(250));
        assertThat(s.next(Duration.ZERO, Duration.ofMinutes(10))).as("bounded").isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void jitter_only_adds_up_to_a_tenth_and_never_passes_the_bound() {
        Random random = new Random(3);
        Duration expected = Duration.ofSeconds(1);
        for (int i = 0; i < 1000; i++) {
            Duration d = s.next(Duration.ZERO, expected, random);
            assertThat(d).isBetween(expected, Duration.ofMillis(1100));
            assertThat(s.next(Duration.ofMinutes(5), null, random)).isEqualTo(Duration.ofSeconds(5));
        }
        assertThat(java.util.stream.IntStream.range(0, 50).mapToObj(i -> s.next(Duration.ZERO, expected, random))
                .distinct().count()).as("spread").isGreaterThan(10);
    }
}
