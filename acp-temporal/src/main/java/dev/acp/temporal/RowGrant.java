package dev.acp.temporal;

import dev.acp.cost.Estimator;
import dev.acp.cost.SpendLedger;
import dev.acp.cost.StepEstimate;
import dev.acp.engine.StepResult;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedForEach;
import dev.acp.plan.PlannedGroup;
import dev.acp.plan.PlannedStep;
import dev.acp.plan.PlannedTask;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A batch row's money on Temporal (and a pipeline run's, when a provider's daily limit applies),
 * taken at the submitter before the workflow starts: the
 * pessimistic estimate of every billed task is reserved in the row's ledger and, through it, in
 * the batch's (the batch's limit and the providers' daily limits), all or nothing. The workflow
 * then gets the sum as its limit, so the row can spend no more than was taken out of the batch
 * for it, whichever workers run it; when the workflow ends, each reservation is settled with what
 * its step cost. Rows whose workflows run at once on different workers thus hold disjoint parts
 * of the batch's limit, and can never overspend it together.
 *
 * <p>A row whose cost cannot be known before it runs (a billed step with an unknown price, a
 * for_each block over billed steps, whose item count is known only when it runs) is refused under
 * a limit; without one it runs unlimited, as a local row would, and its spend is settled after.
 */
final class RowGrant {
    /** Whether the row may start. */
    sealed interface Taken permits Granted, Refused {}

    /**
     * @param limit the workflow's limit: what was reserved, or null when no limit applies
     */
    record Granted(RowGrant grant, @Nullable BigDecimal limit) implements Taken {}

    /** @param reason one line: which step did not fit, and which limit */
    record Refused(String reason) implements Taken {}

    private final SpendLedger ledger;
    private final List<SpendLedger.Reservation> held;

    private RowGrant(SpendLedger ledger, List<SpendLedger.Reservation> held) {
        this.ledger = ledger;
        this.held = held;
    }

    /**
     * Reserves the row's billed tasks in its ledger, or nothing when one does not fit.
     *
     * @param billed whether a provider's calls cost money
     */
    static Taken take(ExecutionPlan plan, Estimator estimator, SpendLedger ledger, Predicate<String> billed) {
        // Under any limit (the run's, the batch's, a daily one) the workflow holds what is taken
        // here as its whole budget, so everything it may pay must be priced before it starts.
        boolean capped = ledger.limited() || dailyLimited(plan, ledger, billed);
        List<PlannedTask> priced = new ArrayList<>();
        for (PlannedStep s : plan.steps()) {
            switch (s) {
                case PlannedTask t -> {
                    if (t.enabled() && billed.test(t.providerId())) {
                        priced.add(t);
                    }
                }
                case PlannedGroup g -> { } // its members are tasks of the plan
                case PlannedForEach f -> {
                    if (f.enabled() && f.templates().stream().anyMatch(t -> billed.test(t.providerId()))
                            && capped) {
                        return new Refused("budget: for_each block '" + f.id() + "' runs billed steps once per item,"
                                + " and how many items there are is known only when it runs; on --engine temporal a"
                                + " run's cost must be known before it starts when a cost or daily limit applies: run"
                                + " it without that limit, or on the local engine");
                    }
                }
            }
        }
        List<SpendLedger.Reservation> held = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO;
        for (PlannedTask t : priced) {
            StepEstimate estimate = estimator.estimate(t);
            BigDecimal high = estimate.high();
            if (high == null) {
                if (capped || t.spec().maxCost() != null) {
                    releaseAll(ledger, held);
                    return new Refused("budget: the cost of step '" + t.id() + "' is unknown ("
                            + ((StepEstimate.Unknown) estimate.cost()).reason() + ") and a cost or daily limit applies; on"
                            + " --engine temporal a run's cost must be known before it starts: set its price in a"
                            + " pricing file");
                }
                continue; // no limit to hold it to: settled after the row, as the provider reports it
            }
            switch (ledger.reserve(t.id(), t.providerId(), high, t.spec().maxCost())) {
                case SpendLedger.Reserved r -> {
                    held.add(r.reservation());
                    total = total.add(high);
                }
                case SpendLedger.Refused no -> {
                    releaseAll(ledger, held);
                    return new Refused("budget: step '" + t.id() + "' " + no.message());
                }
            }
        }
        return new Granted(new RowGrant(ledger, held), capped ? total : null);
    }

    /**
     * Whether a provider's daily limit applies to a billed step of the plan (its primary provider
     * or a fallback): such a limit is held in the submitter's ACP_HOME, which workers cannot see.
     */
    static boolean dailyLimited(ExecutionPlan plan, SpendLedger ledger, Predicate<String> billed) {
        Predicate<String> limited = p -> billed.test(p) && ledger.dailyLimited(p);
        for (PlannedStep s : plan.steps()) {
            boolean applies = switch (s) {
                case PlannedTask t -> t.enabled() && paysOn(t, limited);
                case PlannedGroup g -> false; // its members are tasks of the plan
                case PlannedForEach f -> f.enabled() && f.templates().stream().anyMatch(t -> paysOn(t, limited));
            };
            if (applies) {
                return true;
            }
        }
        return false;
    }

    private static boolean paysOn(PlannedTask t, Predicate<String> provider) {
        return provider.test(t.providerId()) || t.fallbacks().stream().anyMatch(f -> provider.test(f.providerId()));
    }

    /**
     * Ends every reservation with what its step cost; spend of steps that reserved nothing (an
     * unknown price without a limit, a for_each block's items) is settled on top, since it was
     * paid either way.
     */
    void settle(List<StepResult> results) {
        Map<String, BigDecimal> costs = new LinkedHashMap<>();
        Map<String, String> providers = new LinkedHashMap<>();
        for (StepResult r : results) {
            if (r.actualCost() != null && r.actualCost().signum() > 0) {
                costs.merge(r.stepId(), r.actualCost(), BigDecimal::add);
                providers.putIfAbsent(r.stepId(), r.provider() == null ? "unknown" : r.provider());
            }
        }
        for (SpendLedger.Reservation r : held) {
            BigDecimal cost = costs.remove(r.stepId());
            if (cost == null) {
                ledger.release(r);
            } else {
                ledger.settle(r, cost);
            }
        }
        held.clear();
        costs.forEach((step, cost) -> {
            // Nothing held it: a zero hold records it (a spent dollar counts even past a limit).
            if (ledger.reserve(step, providers.get(step), BigDecimal.ZERO, null) instanceof SpendLedger.Reserved r) {
                ledger.settle(r.reservation(), cost);
            }
        });
    }

    /** Gives everything back: the row did not start. */
    private static void releaseAll(SpendLedger ledger, List<SpendLedger.Reservation> held) {
        held.forEach(ledger::release);
        held.clear();
    }
}
