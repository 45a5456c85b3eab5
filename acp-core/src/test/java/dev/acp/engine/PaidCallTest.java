package dev.acp.engine;

import static dev.acp.engine.StepRunFixture.error;
import static dev.acp.engine.StepRunFixture.thrown;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.cost.SpendLedger;
import dev.acp.engine.StepRunFixture.Events;
import dev.acp.engine.StepRunFixture.ScriptedCalls;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.CallRecovery;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PaidCall} on its own: a paid synchronous call is journaled before it is sent and its
 * failure after, an unknown outcome keeps the request on its way, and a lost answer is looked up
 * at the provider before anything is sent again.
 */
@Timeout(30)
class PaidCallTest {
    private static final Instant SENT = Instant.parse("2026-11-30T09:00:00Z");

    @TempDir
    Path dir;

    private final Events events = new Events();
    private ScriptedCalls calls;
    private StepRunFixture fx;

    private void setUp(boolean paid) {
        calls = new ScriptedCalls(events, "speech", paid);
        fx = new StepRunFixture(dir, StepRunFixture.oneStep("speech", "model: v1", ""), events, calls);
    }

    private static StepRun firstAttempt(StepRun s) {
        s.attempt++;
        return s;
    }

    private static ProviderRequest request(StepRun s) {
        return StepRunFixture.request(s, new OutputPlacer(s));
    }

    private void lostAnswer(boolean resend) {
        ResumeState resume = new ResumeState(Map.of("hero", new ResumeState.CallUnanswered(1, "lost-key", "speech",
                SENT)));
        fx.resume = resend ? resume.resendingUnknown() : resume;
    }

    @Test
    void a_free_provider_is_called_without_any_journal_record() throws Exception {
        setUp(false);
        StepRun s = firstAttempt(fx.stepRun());
        new PaidCall(s, new BudgetTicket(s)).call(request(s));
        assertThat(events.list()).containsExactly("execute hero");
        assertThat(s.submitting).isNull();
    }

    @Test
    void a_paid_call_is_journaled_as_sending_before_it_is_sent_and_nothing_is_on_its_way_once_answered()
            throws Exception {
        setUp(true);
        StepRun s = firstAttempt(fx.stepRun());
        List<String> onItsWay = new ArrayList<>();
        events.observers.add(e -> {
            if (e.startsWith("execute")) {
                onItsWay.add(s.submitting);
            }
        });
        String key = s.requestKey();

        ProviderResult r = new PaidCall(s, new BudgetTicket(s)).call(request(s));

        assertThat(events.list()).containsExactly("callSending " + key + " speech", "execute hero");
        assertThat(onItsWay).as("the key is set while the request is on its way").containsExactly(key);
        assertThat(s.submitting).isNull();
        assertThat(r.metadata()).doesNotContainKey(StepMetadata.RECOVERED);
    }

    @Test
    void a_failure_the_provider_answered_is_journaled_as_answered_after_the_call() throws Exception {
        setUp(true);
        calls.execute = request -> {
            throw error(ErrorKind.VALIDATION, "unknown voice");
        };
        StepRun s = firstAttempt(fx.stepRun());
        String key = s.requestKey();

        ProviderException e = thrown(ProviderException.class,
                () -> new PaidCall(s, new BudgetTicket(s)).call(request(s)));

        assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
        assertThat(events.list()).containsExactly("callSending " + key + " speech", "execute hero",
                "callAnswered " + key);
        assertThat(s.submitting).isNull();
    }

    @Test
    void an_unknown_outcome_is_not_journaled_as_answered_and_keeps_the_request_on_its_way() throws Exception {
        setUp(true);
        calls.execute = request -> {
            throw error(ErrorKind.UNKNOWN_OUTCOME, "connection reset after the request was sent");
        };
        StepRun s = firstAttempt(fx.stepRun());
        String key = s.requestKey();

        ProviderException e = thrown(ProviderException.class,
                () -> new PaidCall(s, new BudgetTicket(s)).call(request(s)));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(events.list()).containsExactly("callSending " + key + " speech", "execute hero");
        assertThat(s.submitting).isEqualTo(key);
    }

    @Test
    void a_lost_answer_the_provider_kept_is_the_result_marked_recovered_and_nothing_is_sent() throws Exception {
        setUp(true);
        lostAnswer(false);
        calls.recover = sentAt -> new CallRecovery.Found(ProviderResult.text("hello", Map.of("voice", "v1")));
        StepRun s = fx.stepRun();
        assertThat(s.attempt).isZero();
        s.attempt++;

        ProviderResult r = new PaidCall(s, new BudgetTicket(s)).call(request(s));

        assertThat(events.list()).containsExactly("recoverCall " + SENT);
        assertThat(r.text()).isEqualTo("hello");
        assertThat(r.metadata()).containsEntry(StepMetadata.RECOVERED, true).containsEntry("voice", "v1");
        assertThat(s.prior).isNull();
        assertThat(s.submitting).isNull();
        assertThat(fx.progress).anySatisfy(m -> assertThat(m).contains("asking speech about the request"));
    }

    @Test
    void a_lost_request_the_provider_never_got_is_sent_with_a_new_key() throws Exception {
        setUp(true);
        lostAnswer(false);
        calls.recover = sentAt -> new CallRecovery.NotReceived("not in the history");
        StepRun s = firstAttempt(fx.stepRun());
        String key = s.requestKey();

        new PaidCall(s, new BudgetTicket(s)).call(request(s));

        assertThat(key).isNotEqualTo("lost-key");
        assertThat(events.list()).containsExactly("recoverCall " + SENT, "callSending " + key + " speech",
                "execute hero");
    }

    @Test
    void an_answer_that_cannot_be_found_is_an_unknown_outcome_and_the_request_is_not_sent() throws Exception {
        setUp(true);
        lostAnswer(false);
        StepRun s = firstAttempt(fx.stepRun());

        ProviderException e = thrown(ProviderException.class,
                () -> new PaidCall(s, new BudgetTicket(s)).call(request(s)));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(e.getMessage()).contains("no history").contains("--resend-unknown");
        assertThat(events.list()).containsExactly("recoverCall " + SENT);
        assertThat(s.submitting).as("the old request stays unknown").isEqualTo("lost-key");
    }

    @Test
    void a_failed_lookup_is_an_unknown_outcome_too_so_that_a_later_resume_asks_again() throws Exception {
        setUp(true);
        lostAnswer(true);
        calls.recover = sentAt -> {
            throw error(ErrorKind.TRANSIENT, "history endpoint down");
        };
        StepRun s = firstAttempt(fx.stepRun());

        ProviderException e = thrown(ProviderException.class,
                () -> new PaidCall(s, new BudgetTicket(s)).call(request(s)));

        assertThat(e.kind()).isEqualTo(ErrorKind.UNKNOWN_OUTCOME);
        assertThat(e.getMessage()).contains("history endpoint down");
        assertThat(events.list()).as("not sent, even with --resend-unknown").containsExactly("recoverCall " + SENT);
        assertThat(s.submitting).isEqualTo("lost-key");
    }

    @Test
    void with_resend_unknown_the_possible_first_charge_is_journaled_and_counted_before_the_request_is_sent()
            throws Exception {
        setUp(true);
        lostAnswer(true);
        SpendLedger[] ledger = new SpendLedger[1];
        fx.costs = StepRunFixture.budget("5.00", """
                version: 1
                providers:
                  speech:
                    models:
                      v1: { unit: request, price: 0.30, source: test, as_of: '2026-11-22' }
                """, ledger);
        StepRun s = firstAttempt(fx.stepRun());
        BudgetTicket money = new BudgetTicket(s);
        assertThat(money.admit()).isNull();
        String key = s.requestKey();

        new PaidCall(s, money).call(request(s));

        assertThat(events.list()).containsExactly("recoverCall " + SENT, "costSettled speech 0.30 possible",
                "callSending " + key + " speech", "execute hero");
        assertThat(ledger[0].settled()).isEqualByComparingTo("0.30");
    }

    @Test
    void with_resend_unknown_a_possible_charge_that_does_not_fit_the_limit_fails_the_step_unsent() throws Exception {
        setUp(true);
        lostAnswer(true);
        SpendLedger[] ledger = new SpendLedger[1];
        fx.costs = StepRunFixture.budget("0.50", """
                version: 1
                providers:
                  speech:
                    models:
                      v1: { unit: request, price: 0.30, source: test, as_of: '2026-11-22' }
                """, ledger);
        StepRun s = firstAttempt(fx.stepRun());
        BudgetTicket money = new BudgetTicket(s);
        assertThat(money.admit()).as("0.30 of 0.50 reserved").isNull();

        ProviderException e = thrown(ProviderException.class,
                () -> new PaidCall(s, money).call(request(s)));

        assertThat(e.kind()).isEqualTo(ErrorKind.QUOTA);
        assertThat(e.getMessage()).contains("would exceed the limit with its possible first charge");
        assertThat(events.of("execute")).isEmpty();
        assertThat(events.of("callSending")).isEmpty();
        money.close(s.failed(ErrorInfo.of(e.kind(), e.getMessage())));
        assertThat(ledger[0].reserved()).isEqualByComparingTo("0");
        assertThat(ledger[0].settled()).isEqualByComparingTo("0");
    }

    @Test
    void a_lost_answer_of_another_attempt_is_not_looked_up() throws Exception {
        setUp(true);
        lostAnswer(false);
        StepRun s = fx.stepRun();
        s.attempt = 2;

        new PaidCall(s, new BudgetTicket(s)).call(request(s));

        assertThat(events.of("recoverCall")).isEmpty();
        assertThat(events.of("execute")).hasSize(1);
    }
}
