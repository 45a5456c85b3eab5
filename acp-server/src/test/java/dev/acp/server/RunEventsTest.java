package dev.acp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bounded per-run event log behind the event stream. */
class RunEventsTest {
    private final RunEvents events = new RunEvents(3, Clock.fixed(Instant.parse("2026-12-07T20:00:00Z"),
            ZoneOffset.UTC));

    @Test
    void only_the_last_events_are_kept_and_a_client_behind_them_is_told_of_the_gap() throws Exception {
        for (int i = 1; i <= 5; i++) {
            events.add("step_progress", Map.of("n", i));
        }
        RunEvents.Batch fromStart = events.after(0, Duration.ZERO);
        assertThat(fromStart.events()).extracting(RunEvents.Event::id).containsExactly(3L, 4L, 5L);
        assertThat(fromStart.gap()).isTrue();
        RunEvents.Batch caughtUp = events.after(2, Duration.ZERO);
        assertThat(caughtUp.gap()).isFalse();
        assertThat(caughtUp.events()).hasSize(3);
        assertThat(events.after(5, Duration.ZERO).events()).isEmpty();
        assertThat(events.after(5, Duration.ZERO).ended()).isFalse();
        events.end();
        assertThat(events.after(5, Duration.ZERO).ended()).isTrue();
        // A stream behind the end still gets the rest before it is told the end came.
        assertThat(events.after(4, Duration.ZERO).ended()).isTrue();
        assertThat(events.after(4, Duration.ZERO).events()).extracting(RunEvents.Event::id).containsExactly(5L);
    }

    @Test
    void a_resume_numbers_on_from_the_last_event() throws Exception {
        events.add("run_finished", Map.of());
        events.end();
        events.reopen();
        events.add("run_queued", Map.of());
        assertThat(events.after(1, Duration.ZERO).events()).extracting(RunEvents.Event::id).containsExactly(2L);
        assertThat(events.after(1, Duration.ZERO).ended()).isFalse();
        assertThat(events.after(1, Duration.ZERO).events().get(0).data()).containsEntry("time",
                "2026-12-07T20:00:00Z");
    }
}
