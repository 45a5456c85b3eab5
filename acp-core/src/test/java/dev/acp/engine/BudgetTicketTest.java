package dev.acp.engine;

import static dev.acp.engine.StepRunFixture.thrown;
import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.cost.CostControl;
import dev.acp.cost.SpendLedger;
import dev.acp.engine.StepRunFixture.Events;
import dev.acp.engine.StepRunFixture.ScriptedCalls;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.plan.PlannedTask;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BudgetTicket} on its own, against a real {@link SpendLedger}: each reservation ends
 * exactly once (settled, released, or kept for a job left at the provider), failed calls cost
 * something only where the provider bills them, and every settlement is journaled.
 */
@Timeout(30)
class BudgetTicketTest {
    /** prim bills failed calls at its price; second does not. */
    private static final String PRICES = """
            version: 1
            providers:
              prim:
                bills_failures: %s
                models:
                  m1: { unit: request, price: 1.00, source: test, as_of: '2026-11-22' }
              second:
                models:
                  m2: { unit: request, price: 0.50, source: test, as_of: '2026-11-22' }
            """;

    @TempDir
    Path dir;

    private final Events events = new Events();
    private final SpendLedger[] ledger = new SpendLedger[1];
    private StepRunFixture fx;

    private StepRun stepRun(@Nullable String limit, boolean billsFailures, boolean primPaid) {
        fx = new StepRunFixture(dir, StepRunFixture.oneStep("prim", "model: m1",
                "    fallback: [ { provider: second, model: m2 } ]\n"), events,
                new ScriptedCalls(events, "prim", primPaid), new ScriptedCalls(events, "second", true));
        fx.costs = StepRunFixture.budget(limit, PRICES.formatted(billsFailures), ledger);
        StepRun s = fx.stepRun();
        s.attempt++;
        return s;
    }

    private SpendLedger ledger() {
        return ledger[0];
    }

    private static StepResult succeeded(StepRun s, @Nullable BigDecimal actual) {
        return new StepResult(s.t.id(), s.t.typeName(), null, s.provider.id(), s.t.model(), StepStatus.SUCCEEDED, null,
                null, Map.of(), null, null, s.startedAt, java.time.Duration.ZERO, s.attempt, null, actual, null, false,
                null, java.util.List.of());
    }

    private static StepResult failed(StepRun s) {
        return s.failed(ErrorInfo.of(ErrorKind.TRANSIENT, "HTTP 503"));
    }

    @Test
    void a_free_provider_reserves_nothing() {
        StepRun s = stepRun("0.10", false, false);
        BudgetTicket money = new BudgetTicket(s);
        assertThat(money.admit()).isNull();
        assertThat(ledger().openReservations()).isZero();
        assertThat(money.estimatedAtDispatch()).isNull();
        StepResult closed = money.close(succeeded(s, null));
        assertThat(closed.estimatedCost()).isNull();
        assertThat(events.list()).isEmpty();
    }

    @Test
    void a_step_whose_estimate_does_not_fit_is_skipped_for_budget_with_its_estimate_and_holds_nothing() {
        StepRun s = stepRun("0.50", false, true);
        StepResult skipped = new BudgetTicket(s).admit();
        assertThat(skipped).isNotNull();
        assertThat(skipped.status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(skipped.reason()).startsWith("budget:");
        assertThat(skipped.metadata()).containsEntry("skipped_for", "budget");
        assertThat(skipped.estimatedCost()).isEqualByComparingTo("1.00");
        assertThat(ledger().reserved()).isEqualByComparingTo("0");
        assertThat(ledger().openReservations()).isZero();
    }

    @Test
    void a_success_after_failed_calls_at_a_provider_that_bills_them_settles_both_and_journals_the_failures()
            throws Exception {
        StepRun s = stepRun("10.00", true, true);
        BudgetTicket money = new BudgetTicket(s);
        assertThat(money.admit()).isNull();
        assertThat(ledger().reserved()).isEqualByComparingTo("1.00");
        assertThat(money.estimatedAtDispatch()).isEqualByComparingTo("1.00");
        money.failedCall();
        money.failedCall();

        BigDecimal failures = money.settleWithFailedCalls(new Settlement(new BigDecimal("1.20"), CostControl.REPORTED,
                null));

        assertThat(failures).isEqualByComparingTo("2.00");
        assertThat(events.list()).containsExactly("costSettled prim 2.00 catalog_failure");
        assertThat(ledger().settled()).isEqualByComparingTo("3.20");
        assertThat(ledger().reserved()).isEqualByComparingTo("0");
        assertThat(ledger().openReservations()).isZero();
        // Billed more than reserved: the result says so, and keeps the estimate it ran with.
        StepResult closed = money.close(succeeded(s, new BigDecimal("3.20")));
        assertThat((String) closed.metadata().get(StepMetadata.COST_OVERRUN)).contains("2.20 more than the");
        assertThat(closed.estimatedCost()).isEqualByComparingTo("1.00");
        assertThat(ledger().reserved()).isEqualByComparingTo("0");
    }

    @Test
    void failed_calls_cost_nothing_at_a_provider_that_does_not_bill_them() {
        StepRun s = stepRun("10.00", false, true);
        BudgetTicket money = new BudgetTicket(s);
        money.admit();
        money.failedCall();

        assertThat(money.settleWithFailedCalls(new Settlement(new BigDecimal("0.90"), CostControl.CATALOG, null)))
                .isNull();

        assertThat(events.list()).as("the call's own cost is journaled with its output, not here").isEmpty();
        assertThat(ledger().settled()).isEqualByComparingTo("0.90");
        assertThat(ledger().openReservations()).isZero();
    }

    @Test
    void closing_a_step_whose_job_is_left_at_the_provider_keeps_its_reservation_for_the_resume() {
        for (String key : new String[] {StepMetadata.JOB_IN_FLIGHT, StepMetadata.SUBMISSION_UNANSWERED}) {
            StepRun s = stepRun("10.00", true, true);
            BudgetTicket money = new BudgetTicket(s);
            money.admit();
            money.failedCall();

            StepResult closed = money.close(failed(s).withMetadata(key, "job-1"));

            assertThat(ledger().reserved()).as(key).isEqualByComparingTo("1.00");
            assertThat(ledger().openReservations()).as(key).isEqualTo(1);
            assertThat(ledger().settled()).as(key + ": nothing settled yet").isEqualByComparingTo("0");
            assertThat(closed.estimatedCost()).isEqualByComparingTo("1.00");
            assertThat(closed.actualCost()).isNull();
            assertThat(events.list()).isEmpty();
        }
    }

    @Test
    void closing_a_failed_step_releases_its_reservation_or_settles_its_billed_failures() {
        StepRun free = stepRun("10.00", false, true);
        BudgetTicket unbilled = new BudgetTicket(free);
        unbilled.admit();
        unbilled.failedCall();
        StepResult r = unbilled.close(failed(free));
        assertThat(r.actualCost()).isNull();
        assertThat(r.estimatedCost()).isEqualByComparingTo("1.00");
        assertThat(ledger().reserved()).isEqualByComparingTo("0");
        assertThat(ledger().settled()).isEqualByComparingTo("0");
        assertThat(events.list()).isEmpty();

        StepRun billed = stepRun("10.00", true, true);
        BudgetTicket money = new BudgetTicket(billed);
        money.admit();
        money.failedCall();
        money.failedCall();
        StepResult closed = money.close(failed(billed));
        assertThat(closed.actualCost()).isEqualByComparingTo("2.00");
        assertThat(closed.metadata()).containsEntry(StepMetadata.COST_SOURCE, "catalog_failure");
        assertThat(events.list()).containsExactly("costSettled prim 2.00 catalog_failure");
        assertThat(ledger().settled()).isEqualByComparingTo("2.00");
        assertThat(ledger().openReservations()).isZero();
    }

    @Test
    void a_cache_hit_returns_the_whole_reservation() {
        StepRun s = stepRun("10.00", true, true);
        BudgetTicket money = new BudgetTicket(s);
        money.admit();
        money.release();
        assertThat(ledger().reserved()).isEqualByComparingTo("0");
        StepResult closed = money.close(succeeded(s, BigDecimal.ZERO));
        assertThat(closed.estimatedCost()).as("the estimate it was dispatched with").isEqualByComparingTo("1.00");
        assertThat(ledger().settled()).isEqualByComparingTo("0");
        assertThat(ledger().openReservations()).isZero();
    }

    @Test
    void leaving_a_provider_settles_its_billed_failures_first_then_the_alternative_is_reserved() {
        StepRun s = stepRun("10.00", true, true);
        BudgetTicket money = new BudgetTicket(s);
        money.admit();
        money.failedCall();
        money.failedCall();

        assertThat(money.leaveProvider()).isEqualByComparingTo("2.00");
        assertThat(events.list()).containsExactly("costSettled prim 2.00 catalog_failure");
        assertThat(ledger().settled()).isEqualByComparingTo("2.00");
        assertThat(ledger().openReservations()).isZero();

        PlannedTask next = s.base.on(s.base.fallbacks().get(0));
        assertThat(money.reserveFor(next, true)).isNull();
        assertThat(ledger().reserved()).isEqualByComparingTo("0.50");
        s.serveWith(next, fx.provider("second"));
        // The failures of the provider left behind are not counted again at the alternative.
        money.failedCall();
        StepResult closed = money.close(failed(s));
        assertThat(closed.actualCost()).as("second does not bill failures").isNull();
        assertThat(ledger().reserved()).isEqualByComparingTo("0");
        assertThat(ledger().settled()).isEqualByComparingTo("2.00");
    }

    @Test
    void leaving_a_provider_that_does_not_bill_failures_releases_it_and_a_refused_alternative_holds_nothing() {
        StepRun s = stepRun("1.20", false, true);
        BudgetTicket money = new BudgetTicket(s);
        assertThat(money.admit()).isNull();
        money.failedCall();

        assertThat(money.leaveProvider()).isNull();
        assertThat(ledger().reserved()).isEqualByComparingTo("0");
        assertThat(events.list()).isEmpty();

        // A free alternative reserves nothing; a paid one that does not fit is refused.
        PlannedTask next = s.base.on(s.base.fallbacks().get(0));
        assertThat(money.reserveFor(next, false)).isNull();
        assertThat(ledger().openReservations()).isZero();
        assertThat(ledger().reserve("other", "second", new BigDecimal("1.00"), null))
                .isInstanceOf(SpendLedger.Reserved.class);
        CostControl.Refused refused = money.reserveFor(next, true);
        assertThat(refused).isNotNull();
        assertThat(refused.reason()).startsWith("budget:");
        assertThat(ledger().reserved()).as("only the other step's").isEqualByComparingTo("1.00");
    }

    @Test
    void a_possible_duplicate_is_charged_at_its_estimate_journaled_and_added_to_the_result() throws Exception {
        StepRun s = stepRun("10.00", false, true);
        BudgetTicket money = new BudgetTicket(s);
        money.admit();

        money.chargePossibleDuplicate(Map.of("prompt", "a castle"), "a request whose answer was lost");

        assertThat(events.list()).containsExactly("costSettled prim 1.00 possible");
        assertThat(ledger().settled()).isEqualByComparingTo("1.00");
        assertThat(ledger().reserved()).as("the step's own reservation is still there").isEqualByComparingTo("1.00");
        money.settleWithFailedCalls(new Settlement(new BigDecimal("1.00"), CostControl.REPORTED, null));
        StepResult r = money.withPossibleDuplicate(money.close(succeeded(s, new BigDecimal("1.00"))));
        assertThat(r.metadata()).containsEntry(StepMetadata.POSSIBLE_DUPLICATE, true);
        assertThat((BigDecimal) r.metadata().get(StepMetadata.POSSIBLE_DUPLICATE_COST)).isEqualByComparingTo("1.00");
        assertThat(r.actualCost()).isEqualByComparingTo("2.00");
        assertThat(ledger().settled()).isEqualByComparingTo("2.00");
        assertThat(ledger().openReservations()).isZero();
    }

    @Test
    void a_possible_duplicate_that_does_not_fit_the_limit_is_refused_and_nothing_is_charged() {
        StepRun s = stepRun("1.50", false, true);
        BudgetTicket money = new BudgetTicket(s);
        money.admit();

        ProviderException e = thrown(ProviderException.class,
                () -> money.chargePossibleDuplicate(Map.of(), "a submission whose answer was lost"));

        assertThat(e.kind()).isEqualTo(ErrorKind.QUOTA);
        assertThat(e.getMessage()).startsWith("sending again a submission whose answer was lost would exceed the limit");
        assertThat(events.list()).isEmpty();
        money.close(failed(s));
        assertThat(ledger().settled()).isEqualByComparingTo("0");
        assertThat(ledger().openReservations()).isZero();
    }
}
