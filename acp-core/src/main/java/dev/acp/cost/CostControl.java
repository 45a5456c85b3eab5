package dev.acp.cost;

import dev.acp.plan.PlannedTask;
import dev.acp.provider.Usage;
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
        public Charge charge(Go ticket, @Nullable BigDecimal reported, @Nullable Usage usage, Map<String, Object> params) {
            return reported != null ? new Charge(reported, REPORTED) : new Charge(BigDecimal.ZERO, UNKNOWN);
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

    /** The provider reported the amount it billed (OpenRouter's usage.cost, Runware's cost). */
    String REPORTED = "reported";
    /** The units the provider reported (megapixels, seconds, credits, tokens) at the catalog's prices. */
    String COMPUTED = "computed";
    /** Nothing reported: the estimate's expected amount. */
    String CATALOG = "catalog";
    /** Failed attempts of a provider that bills them, at the estimate. */
    String CATALOG_FAILURE = "catalog_failure";
    /** Nothing reported and no price known: counted as zero, which the report shows as unknown. */
    String UNKNOWN = "unknown";

    /**
     * An amount to settle, where it came from ({@link #REPORTED}, {@link #COMPUTED},
     * {@link #CATALOG}, {@link #CATALOG_FAILURE}, {@link #UNKNOWN}) and how it was reached, for
     * the report ({@code 2 images (1024×768) = 2 MP × $0.025/MP}), or null.
     */
    record Charge(BigDecimal amount, String source, @Nullable String detail) {
        public Charge(BigDecimal amount, String source) {
            this(amount, source, null);
        }
    }

    /** Reserves the step's pessimistic estimate with these (rendered) parameters. */
    Dispatch admit(PlannedTask task, Map<String, Object> params);

    /**
     * What a successful call cost: the provider's report, else the usage it reported at the
     * model's prices, else the estimate's expected amount.
     *
     * @param params the step's rendered parameters, for what the usage leaves out (an image size)
     */
    Charge charge(Go ticket, @Nullable BigDecimal reported, @Nullable Usage usage, Map<String, Object> params);

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
