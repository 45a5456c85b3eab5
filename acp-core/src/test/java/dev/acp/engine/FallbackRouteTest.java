package dev.acp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.cost.SpendLedger;
import dev.acp.engine.StepRunFixture.Events;
import dev.acp.engine.StepRunFixture.ScriptedCalls;
import dev.acp.error.ErrorKind;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FallbackRoute} on its own: which failures move a step to its next alternative, that the
 * switch is journaled (after the abandoned provider's money is settled) before the alternative
 * serves the step, that a reservation the limits refuse names the alternative, and that a resume
 * continues on the alternative an earlier session switched to.
 */
@Timeout(30)
class FallbackRouteTest {
    private static final String PRICES = """
            version: 1
            providers:
              prim:
                bills_failures: true
                models:
                  m1: { unit: request, price: 1.00, source: test, as_of: '2026-11-22' }
              second:
                models:
                  m2: { unit: request, price: 5.00, source: test, as_of: '2026-11-22' }
              third:
                models:
                  m3: { unit: request, price: 0.20, source: test, as_of: '2026-11-22' }
            """;

    @TempDir
    Path dir;

    private final Events events = new Events();
    private StepRunFixture fx;

    private StepRun stepRun() {
        plan();
        return fx.stepRun();
    }

    /** The fixture of the plan: a step on prim, with second and third as its alternatives. */
    private void plan() {
        fx = new StepRunFixture(dir, StepRunFixture.oneStep("prim", "model: m1", """
                    fallback:
                      - { provider: second, model: m2 }
                      - { provider: third, model: m3 }
                """), events, new ScriptedCalls(events, "prim", true), new ScriptedCalls(events, "second", true),
                new ScriptedCalls(events, "third", true));
    }

    private static ErrorInfo outage() {
        return ErrorInfo.of(ErrorKind.TRANSIENT, "HTTP 503 Service Unavailable");
    }

    @Test
    void an_outage_switches_to_the_next_alternative_journaled_before_it_serves_the_step() {
        StepRun s = stepRun();
        s.attempt = 2; // the primary's own retry is spent
        FallbackRoute route = new FallbackRoute(s, new BudgetTicket(s));
        assertThat(route.attemptsHere()).isEqualTo(2);
        List<String> servingWhenJournaled = new ArrayList<>();
        events.observers.add(e -> servingWhenJournaled.add(s.provider.id() + "/" + s.t.model()));

        assertThat(route.fallBack(outage(), outage())).isNull();

        assertThat(events.list()).containsExactly("fallbackSwitched attempt 3 to second");
        assertThat(servingWhenJournaled).as("on record before the alternative serves the step")
                .containsExactly("prim/m1");
        assertThat(s.provider.id()).isEqualTo("second");
        assertThat(s.t.providerId()).isEqualTo("second");
        assertThat(s.t.model()).isEqualTo("m2");
        assertThat(s.base.providerId()).as("the plan is not changed").isEqualTo("prim");
        assertThat(route.attemptsHere()).as("the alternative's retries count from zero").isZero();
        s.attempt++;
        assertThat(route.attemptsHere()).isEqualTo(1);
        assertThat(fx.progress).contains("falling back to second/m2 after transient from prim");

        StepResult r = route.report(s.failed(null));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> switches = (List<Map<String, Object>>) r.metadata().get(FallbackSwitch.METADATA_KEY);
        assertThat(switches).singleElement().satisfies(m -> assertThat(m).containsEntry("from_provider", "prim")
                .containsEntry("from_model", "m1").containsEntry("provider", "second").containsEntry("model", "m2")
                .containsEntry("error_kind", "transient").containsEntry("at", StepRunFixture.T0.toString()));
    }

    @Test
    void the_last_alternative_is_followed_by_the_failure_itself() {
        StepRun s = stepRun();
        s.attempt = 1;
        FallbackRoute route = new FallbackRoute(s, new BudgetTicket(s));
        assertThat(route.fallBack(outage(), outage())).isNull();
        s.attempt++;
        assertThat(route.fallBack(ErrorInfo.of(ErrorKind.RATE_LIMIT, "429"), ErrorInfo.of(ErrorKind.RATE_LIMIT,
                "429"))).isNull();
        assertThat(s.provider.id()).isEqualTo("third");
        s.attempt++;

        StepResult end = route.fallBack(outage(), outage());

        assertThat(end).isNotNull();
        assertThat(end.status()).isEqualTo(StepStatus.FAILED);
        assertThat(end.error().message()).isEqualTo("HTTP 503 Service Unavailable");
        assertThat(events.list()).containsExactly("fallbackSwitched attempt 2 to second",
                "fallbackSwitched attempt 3 to third");
        assertThat((List<?>) route.report(end).metadata().get(FallbackSwitch.METADATA_KEY)).hasSize(2);
    }

    @Test
    void failures_another_provider_would_repeat_or_could_pay_twice_do_not_switch() {
        for (ErrorKind kind : List.of(ErrorKind.VALIDATION, ErrorKind.CONTENT_POLICY, ErrorKind.AUTH,
                ErrorKind.UNKNOWN_OUTCOME, ErrorKind.LOCAL, ErrorKind.INTERNAL)) {
            StepRun s = stepRun();
            s.attempt = 1;
            FallbackRoute route = new FallbackRoute(s, new BudgetTicket(s));
            ErrorInfo error = ErrorInfo.of(kind, "refused: " + kind.wireName());

            StepResult end = route.fallBack(error, error);

            assertThat(end).as(kind.name()).isNotNull();
            assertThat(end.error()).isEqualTo(error);
            assertThat(s.provider.id()).isEqualTo("prim");
            assertThat(route.report(end).metadata()).doesNotContainKey(FallbackSwitch.METADATA_KEY);
        }
        assertThat(events.list()).isEmpty();
    }

    @Test
    void no_switch_once_the_step_s_time_is_up() {
        StepRun s = stepRun();
        s.attempt = 1;
        FallbackRoute route = new FallbackRoute(s, new BudgetTicket(s));
        fx.clock.advance(fx.timeout);

        StepResult end = route.fallBack(outage(), outage());

        assertThat(end).isNotNull();
        assertThat(s.provider.id()).isEqualTo("prim");
        assertThat(events.list()).isEmpty();
    }

    @Test
    void the_abandoned_provider_s_billed_failures_are_settled_before_the_switch_and_added_to_the_result() {
        SpendLedger[] ledger = new SpendLedger[1];
        plan();
        fx.costs = StepRunFixture.budget("10.00", PRICES, ledger);
        StepRun s = fx.stepRun();
        s.attempt = 2;
        BudgetTicket money = new BudgetTicket(s);
        assertThat(money.admit()).isNull();
        money.failedCall();
        money.failedCall();
        FallbackRoute route = new FallbackRoute(s, money);

        assertThat(route.fallBack(outage(), outage())).isNull();

        assertThat(events.list()).containsExactly("costSettled prim 2.00 catalog_failure",
                "fallbackSwitched attempt 3 to second");
        assertThat(ledger[0].settled()).isEqualByComparingTo("2.00");
        assertThat(ledger[0].reserved()).as("the alternative's estimate").isEqualByComparingTo("5.00");
        StepResult r = route.report(money.close(s.failed(null).withActualCost(new BigDecimal("0.00"))));
        assertThat((BigDecimal) r.metadata().get(FallbackSwitch.COST_KEY)).isEqualByComparingTo("2.00");
        assertThat(r.actualCost()).isEqualByComparingTo("2.00");
        assertThat(ledger[0].reserved()).isEqualByComparingTo("0");
    }

    @Test
    void an_alternative_whose_reservation_does_not_fit_is_named_in_the_failure_and_holds_nothing() {
        SpendLedger[] ledger = new SpendLedger[1];
        plan();
        fx.costs = StepRunFixture.budget("3.00", PRICES, ledger);
        StepRun s = fx.stepRun();
        s.attempt = 1;
        BudgetTicket money = new BudgetTicket(s);
        assertThat(money.admit()).isNull();
        FallbackRoute route = new FallbackRoute(s, money);

        StepResult end = route.fallBack(outage(), outage());

        assertThat(end).isNotNull();
        assertThat(end.error().kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(end.error().message()).startsWith("HTTP 503 Service Unavailable; fallback to second/m2 refused:"
                + " would exceed the limit (budget:");
        assertThat(end.metadata()).containsKey("fallback_refused");
        @SuppressWarnings("unchecked")
        Map<String, Object> refused = (Map<String, Object>) end.metadata().get("fallback_refused");
        assertThat(refused).containsEntry("provider", "second").containsEntry("model", "m2");
        assertThat(s.provider.id()).isEqualTo("prim");
        assertThat(events.list()).as("no switch on record").isEmpty();
        money.close(end);
        assertThat(ledger[0].reserved()).isEqualByComparingTo("0");
        assertThat(ledger[0].settled()).isEqualByComparingTo("0");
    }

    @Test
    void a_resumed_route_continues_on_the_alternative_with_its_switches_and_cost() {
        plan();
        FallbackSwitch earlier = new FallbackSwitch(2, "second", "m2", "third", "m3", ErrorKind.RATE_LIMIT, "429",
                new BigDecimal("0.75"), StepRunFixture.T0.minus(Duration.ofHours(1)));
        fx.resume = new ResumeState(Map.of("hero", new ResumeState.Attached(4, "key-4",
                dev.acp.provider.JobHandle.of("third", "job-9"))), Map.of(), Map.of("hero",
                new ResumeState.Route(2, "third", "m3", 4, List.of(earlier), new BigDecimal("0.75"))));
        StepRun s = fx.stepRun();

        FallbackRoute route = new FallbackRoute(s, new BudgetTicket(s));

        assertThat(s.provider.id()).isEqualTo("third");
        assertThat(s.t.model()).isEqualTo("m3");
        assertThat(s.attempt).isEqualTo(3);
        s.attempt++;
        assertThat(route.attemptsHere()).as("the journaled attempt is the alternative's first").isEqualTo(1);
        assertThat(events.list()).as("resuming a route journals nothing new").isEmpty();
        StepResult r = route.report(s.failed(null));
        assertThat((List<?>) r.metadata().get(FallbackSwitch.METADATA_KEY)).hasSize(1);
        assertThat(r.actualCost()).isEqualByComparingTo("0.75");
        // There is no alternative after the last one.
        assertThat(route.fallBack(outage(), outage())).isNotNull();
    }

    @Test
    void a_resumed_route_that_no_longer_matches_the_plan_starts_on_the_primary() {
        plan();
        fx.resume = new ResumeState(Map.of(), Map.of(), Map.of("hero",
                new ResumeState.Route(1, "third", null, 2, List.of(), BigDecimal.ZERO)));
        StepRun s = fx.stepRun();

        new FallbackRoute(s, new BudgetTicket(s));

        assertThat(s.provider.id()).isEqualTo("prim");
        assertThat(s.attempt).isZero();
    }
}
