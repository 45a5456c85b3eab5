package dev.acp.cost;

import dev.acp.plan.PlannedTask;
import dev.acp.provider.Usage;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The cost control of one run: estimates each step when it is dispatched (its parameters
 * rendered), reserves the pessimistic amount in the {@link SpendLedger} against the run's limit,
 * the step's {@code max_cost} and the provider's daily limit, and settles it afterwards.
 *
 * @param allowUnknownPrices whether steps whose price is unknown may run under a limit (they
 *     then reserve nothing and settle what the provider reports)
 */
public record RunBudget(Estimator estimator, SpendLedger ledger, boolean allowUnknownPrices) implements CostControl {

    public RunBudget {
        Objects.requireNonNull(estimator, "estimator");
        Objects.requireNonNull(ledger, "ledger");
    }

    @Override
    public Dispatch admit(PlannedTask task, Map<String, Object> params) {
        StepEstimate estimate = estimator.estimate(task, params);
        BigDecimal stepLimit = task.spec().maxCost();
        BigDecimal high = estimate.high();
        if (high == null) {
            boolean limited = ledger.limited() || stepLimit != null;
            if (limited && !allowUnknownPrices) {
                return new Refused("budget: the cost of this step is unknown (" + ((StepEstimate.Unknown) estimate.cost())
                        .reason() + ") and a cost limit applies; set its price in a pricing file, or pass"
                        + " --allow-unknown-prices", estimate);
            }
            high = BigDecimal.ZERO;
        }
        return switch (ledger.reserve(task.id(), task.providerId(), high, stepLimit)) {
            case SpendLedger.Reserved r -> new Go(r.reservation(), estimate);
            case SpendLedger.Refused r -> new Refused("budget: " + r.message(), estimate);
        };
    }

    @Override
    public Charge charge(Go ticket, @Nullable BigDecimal reported, @Nullable Usage usage, Map<String, Object> params) {
        if (reported != null) {
            return new Charge(reported, REPORTED);
        }
        StepEstimate e = ticket.estimate();
        PriceEntry entry = e == null ? null : e.entry();
        if (entry != null && usage != null) {
            var computed = Tariffs.charge(entry.tariff(), usage, params,
                    estimator.pricing().creditPrice(entry.provider()).orElse(null));
            if (computed.isPresent()) {
                return new Charge(computed.get().amount(), COMPUTED, computed.get().formula());
            }
        }
        if (e != null && e.expected() != null) {
            return new Charge(e.expected(), CATALOG, e.formula());
        }
        return new Charge(BigDecimal.ZERO, UNKNOWN);
    }

    @Override
    public SpendLedger.@Nullable Outcome settle(Go ticket, BigDecimal amount) {
        return ticket.reservation() == null ? null : ledger.settle(ticket.reservation(), amount);
    }

    @Override
    public void release(Go ticket) {
        if (ticket.reservation() != null) {
            ledger.release(ticket.reservation());
        }
    }

    @Override
    public @Nullable Charge failureCharge(Go ticket, int attempts) {
        StepEstimate e = ticket.estimate();
        if (e == null || attempts <= 0 || !estimator.pricing().billsFailures(e.provider()) || e.expected() == null) {
            return null;
        }
        return new Charge(e.expected().multiply(BigDecimal.valueOf(attempts)), "catalog_failure");
    }
}
