package dev.acp.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a resume reads from the journal about requests that may still be at a provider. */
class RunHistoryTest {
    private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void a_submission_whose_answer_never_came_is_unknown() {
        RunHistory h = RunHistory.of(List.of(new JournalRecord.StepStarted("hero", 1, T),
                new JournalRecord.JobSubmitting("hero", 1, "run/s/hero/1", T)));
        assertThat(h.step("hero").unansweredSubmission()).isEqualTo("run/s/hero/1");
        assertThat(h.step("hero").inFlight()).isTrue();
    }

    @Test
    void a_submission_the_provider_refused_leaves_nothing_at_the_provider() {
        RunHistory h = RunHistory.of(List.of(new JournalRecord.StepStarted("hero", 1, T),
                new JournalRecord.JobSubmitting("hero", 1, "run/s/hero/1", T),
                new JournalRecord.CallAnswered("hero", 1, "run/s/hero/1", T)));
        assertThat(h.step("hero").unansweredSubmission()).isNull();
        assertThat(h.step("hero").inFlight()).isFalse();
    }

    @Test
    void an_answer_to_another_request_does_not_clear_a_submission() {
        RunHistory h = RunHistory.of(List.of(new JournalRecord.StepStarted("hero", 2, T),
                new JournalRecord.JobSubmitting("hero", 2, "run/s/hero/2", T),
                new JournalRecord.CallAnswered("hero", 1, "run/s/hero/1", T)));
        assertThat(h.step("hero").unansweredSubmission()).isEqualTo("run/s/hero/2");
    }
}
