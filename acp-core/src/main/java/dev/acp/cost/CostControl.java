package dev.acp.cost;

import dev.acp.plan.PlannedTask;
import java.math.BigDecimal;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the engine asks about money, at the one place it dispatches a step and the one place it
 * settles one: may this step start (its pessimistic estimate reserved against every limit), and
 * what did it cost. Implementations are thread-safe.
 */
public interface CostControl {

    /** No estimates, no limits: every step may start and costs what its provider reports. */
    CostControl NONE = new CostControl() {
        @Override
        public Dispatch admit(PlannedTask task, Map<String, Object> params) {
            return new Go(null, null);
        }

        @Override
        public Charge charge(Go ticket, @Nullable BigDecimal reported, Map<String, Object> metadata) {
            return reported != null ? new Charge(reported, "provider") : new Charge(BigDecimal.ZERO, "unknown");
        }

        @Override
        public SpendLedger.@Nullable Outcome settle(Go ticket, BigDecimal amount) {
            return null;
        }

        @Override
        public void release(Go ticket) {}

        @Override
        public @Nullable Charge failureCharge(Go ticket, int attempts) {
            return null;
        }
    };

    /** Whether a step may be dispatched. */
    sealed interface Dispatch permits Go, Refused {}

    /**
     * The step may start.
     *
     * @param reservation what it holds against the limits, or null when no ledger applies
     * @param estimate its estimate with the parameters it is dispatched with, or null
     */
    record Go(SpendLedger.@Nullable Reservation reservation, @Nullable StepEstimate estimate) implements Dispatch {}

    /** The step must not start: its reservation does not fit a limit. */
    record Refused(String reason, @Nullable StepEstimate estimate) implements Dispatch {}

    /**
     * An amount to settle and where it came from: "provider" (reported), "provider_units" (units
     * the provider reported billing, at the catalog's price), "catalog" (the expected estimate),
     * "catalog_failure" (failed attempts of a provider that bills them), "unknown".
     */
    record Charge(BigDecimal amount, String source) {}

    /** Reserves the step's pessimistic estimate with these (rendered) parameters. */
    Dispatch admit(PlannedTask task, Map<String, Object> params);

    /** What a successful call cost: the provider's report, else the catalog's expected amount. */
    Charge charge(Go ticket, @Nullable BigDecimal reported, Map<String, Object> metadata);

    /** Settles the step's reservation once its cost is journaled; null when no ledger applies. */
    SpendLedger.@Nullable Outcome settle(Go ticket, BigDecimal amount);

    /** Returns the step's whole reservation: nothing was billed (a cache hit, an unbilled failure). */
    void release(Go ticket);

    /**
     * What failed attempts cost at a provider that bills failures, or null when it does not (the
     * reservation is then released).
     */
    @Nullable Charge failureCharge(Go ticket, int attempts);
}
