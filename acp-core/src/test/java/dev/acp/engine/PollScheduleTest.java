package dev.acp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PollScheduleTest {
    @Test
    void a_job_is_noticed_at_most_a_quarter_of_its_running_time_late_within_the_bounds() {
        PollSchedule s = PollSchedule.DEFAULT;
        assertThat(s.next(Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(s.next(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(500));
        assertThat(s.next(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(5));
        // Polls of a job that takes one second: it is seen done by 1.25 s.
        Duration t = s.next(Duration.ZERO);
        while (t.compareTo(Duration.ofSeconds(1)) < 0) {
            t = t.plus(s.next(t));
        }
        assertThat(t).isLessThanOrEqualTo(Duration.ofMillis(1250));
    }
}
