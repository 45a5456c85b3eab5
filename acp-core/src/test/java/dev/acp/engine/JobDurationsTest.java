package dev.acp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobDurationsTest {
    private final JobDurations durations = new JobDurations();

    @Test
    void nothing_is_expected_of_a_kind_before_a_job_of_it_finished() {
        assertThat(durations.expected("fal text_to_image flux-dev")).isEmpty();
        durations.finished("fal text_to_image flux-dev", Duration.ofMillis(250), true, Duration.ofMillis(350));
        assertThat(durations.expected("fal text_to_image flux-dev")).contains(Duration.ofMillis(300));
        assertThat(durations.expected("fal text_to_image flux-schnell")).isEmpty();
    }

    @Test
    void an_estimate_that_is_too_long_comes_down_as_first_polls_keep_finding_jobs_done() {
        durations.finished("k", Duration.ofSeconds(2), true, Duration.ofSeconds(2));
        // Jobs now take 1 s; each first poll, aimed at the estimate, finds the job done.
        for (int i = 0; i < 30; i++) {
            Duration aimed = durations.expected("k").orElseThrow();
            durations.finished("k", Duration.ZERO, false, aimed.compareTo(Duration.ofSeconds(1)) >= 0 ? aimed
                    : Duration.ofSeconds(1).plusMillis(250));
        }
        assertThat(durations.expected("k").orElseThrow()).isBetween(Duration.ofMillis(900), Duration.ofMillis(1300));
    }

    @Test
    void one_slow_job_moves_the_estimate_only_part_of_the_way() {
        durations.finished("k", Duration.ofSeconds(1), true, Duration.ofSeconds(1));
        durations.finished("k", Duration.ofSeconds(10), true, Duration.ofSeconds(10));
        assertThat(durations.expected("k")).contains(Duration.ofMillis(3700));
    }
}
