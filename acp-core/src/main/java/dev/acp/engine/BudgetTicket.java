package dev.acp.engine;

import dev.acp.cost.CostControl;
import dev.acp.cost.Money;
import dev.acp.cost.SpendLedger;
import dev.acp.cost.StepEstimate;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.plan.PlannedTask;
import dev.acp.provider.Usage;
import dev.acp.template.TemplateSyntaxException;
import java.math.BigDecimal;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The money of one task's run: its reservation against every limit before it is dispatched, the
 * settlement of what it cost (journaled first), what failed calls cost at providers that bill
 * them, the possible first charge of a lost request sent again, and the release of whatever was
 * not spent. Each reservation ends exactly once.
 */
final class BudgetTicket {
    private final StepRun s;
    /** The reservation in force, until it is settled or released. */
    private CostControl.@Nullable Go ticket;
    /** Attempts the provider answered with a failure: billed only by providers that bill failures. */
    private int failedCalls;
    /** Set when the provider billed more than the step reserved. */
    private SpendLedger.@Nullable Overrun overrun;
    /** The estimate the step was dispatched with, kept after the ticket is settled. */
    private @Nullable BigDecimal estimatedAtDispatch;
    /** Set when a request whose answer was lost was sent again (--resend-unknown). */
    private boolean possibleDuplicate;
    /** What the lost requests sent again may have cost, counted against the limits. */
    private BigDecimal possibleCharge = BigDecimal.ZERO;

    BudgetTicket(StepRun s) {
        this.s = s;
    }

    private CostControl costs() {
        return s.x.request.costs();
    }

    /**
     * Reserves the step's estimate (with its parameters rendered) against the limits; the
     * budget-skipped result when it does not fit, else null. Free engines reserve nothing.
     */
    @Nullable StepResult admit() {
        if (!s.costsMoney) {
            return null;
        }
        switch (costs().admit(s.t, renderedOrAsWritten(s.t))) {
            case CostControl.Go go -> {
                ticket = go;
                estimatedAtDispatch = estimated();
                return null;
            }
            case CostControl.Refused refused -> {
                StepResult skipped = s.x.notRun(s.n, StepStatus.SKIPPED, refused.reason()).withMetadata("skipped_for",
                        "budget");
                StepEstimate e = refused.estimate();
                return e == null || e.expected() == null ? skipped : skipped.withEstimatedCost(e.expected());
            }
        }
    }

    /** The parameters the step will be called with, or as written when they cannot be rendered yet. */
    private Map<String, Object> renderedOrAsWritten(PlannedTask task) {
        try {
            return s.x.renderer.render(task);
        } catch (TemplateSyntaxException | RuntimeException e) {
            // The attempt reports the rendering problem; the estimate uses the step as written.
            return task.spec().config();
        }
    }

    /** The estimate the step was dispatched with, or null (free, or not dispatched). */
    @Nullable BigDecimal estimatedAtDispatch() {
        return estimatedAtDispatch;
    }

    private @Nullable BigDecimal estimated() {
        return ticket == null || ticket.estimate() == null ? null : ticket.estimate().expected();
    }

    /** A call the provider answered with a failure (billed where failures are billed). */
    void failedCall() {
        failedCalls++;
    }

    /** What a successful call cost: the provider's report, else its usage at the catalog's prices, else the estimate. */
    CostControl.Charge charge(@Nullable BigDecimal reported, @Nullable Usage usage, Map<String, Object> params) {
        return costs().charge(ticket != null ? ticket : new CostControl.Go(null, null), reported, usage, params);
    }

    /**
     * Settles a successful call's cost together with what its failed attempts cost at a provider
     * that bills failures (journaled as its own record); returns the latter, or null.
     */
    @Nullable BigDecimal settleWithFailedCalls(@Nullable Settlement cost) {
        if (cost == null || ticket == null) {
            return null;
        }
        CostControl.Charge failures = costs().failureCharge(ticket, failedCalls);
        if (failures == null || failures.amount().signum() == 0) {
            settle(cost.amount());
            return null;
        }
        s.x.request.recorder().costSettled(s.t, new Settlement(failures.amount(), failures.source(), null), true);
        settle(cost.amount().add(failures.amount()));
        return failures.amount();
    }

    /** Records a settled cost in the ledger, after the journal has it. */
    private void settle(BigDecimal amount) {
        if (ticket != null) {
            CostControl.Go go = ticket;
            ticket = null;
            if (costs().settle(go, amount) instanceof SpendLedger.Overrun o) {
                overrun = o;
            }
        }
    }

    /** Served for nothing (a cache hit): the reservation returns in full. */
    void release() {
        if (ticket != null) {
            CostControl.Go go = ticket;
            ticket = null;
            costs().release(go);
        }
    }

    /**
     * Leaves the provider in use for an alternative: its failed calls are settled where they are
     * billed (journaled) or its reservation released, and only then is the alternative's reserved.
     *
     * @return what the abandoned provider's failed calls were settled at, or null when nothing
     */
    @Nullable BigDecimal leaveProvider() {
        BigDecimal spent = null;
        if (ticket != null) {
            CostControl.Charge charge = costs().failureCharge(ticket, failedCalls);
            if (charge != null && charge.amount().signum() > 0) {
                s.x.request.recorder().costSettled(s.t, new Settlement(charge.amount(), charge.source(), null), true);
                settle(charge.amount());
                spent = charge.amount();
            } else {
                release();
            }
        }
        failedCalls = 0;
        return spent;
    }

    /**
     * Reserves an alternative's estimate before it is called; the refusal when it does not fit,
     * else null. A free alternative reserves nothing.
     */
    CostControl.@Nullable Refused reserveFor(PlannedTask next, boolean billed) {
        if (!billed) {
            return null;
        }
        return switch (costs().admit(next, renderedOrAsWritten(next))) {
            case CostControl.Refused refused -> refused;
            case CostControl.Go go -> {
                ticket = go;
                yield null;
            }
        };
    }

    /**
     * Counts what a lost request may have cost (its estimate) against the limits before it is
     * sent again, journaled as a possible charge; the step is then reported as a possible
     * duplicate. Refused (the step fails) when the limits cannot hold both.
     */
    void chargePossibleDuplicate(Map<String, Object> params, String what) throws ProviderException {
        possibleDuplicate = true;
        switch (costs().admit(s.t, params)) {
            case CostControl.Refused r -> throw new ProviderException(ErrorKind.QUOTA, "sending again " + what
                    + " would exceed the limit with its possible first charge (" + StepRun.oneLine(r.reason()) + ")");
            case CostControl.Go go -> {
                BigDecimal possible = go.estimate() == null || go.estimate().expected() == null ? BigDecimal.ZERO
                        : go.estimate().expected();
                s.x.request.recorder().costSettled(s.t, new Settlement(possible, Settlement.POSSIBLE, null), true);
                costs().settle(go, possible);
                possibleCharge = possibleCharge.add(possible);
            }
        }
    }

    /**
     * Ends the step's reservation if the step did not settle it: a job left at the provider keeps
     * it (it may be billed; a resume settles it), failed calls of a provider that bills failures
     * are settled at the catalog's price, anything else is released in full. Adds the overrun, the
     * estimate to the result.
     */
    StepResult close(StepResult r) {
        StepResult out = overrun == null ? r : r.withMetadata(StepMetadata.COST_OVERRUN, "billed "
                + Money.format(overrun.amount()) + ", " + Money.format(overrun.excess())
                + " more than the " + Money.format(overrun.reserved()) + " reserved");
        if (ticket == null) {
            return out.estimatedCost() == null && estimatedAtDispatch != null
                    ? out.withEstimatedCost(estimatedAtDispatch) : out;
        }
        BigDecimal estimate = estimated();
        if (r.metadata().containsKey(StepMetadata.JOB_IN_FLIGHT) || r.metadata().containsKey(
                StepMetadata.SUBMISSION_UNANSWERED)) {
            ticket = null;
            return estimate == null ? out : out.withEstimatedCost(estimate);
        }
        CostControl.Charge charge = costs().failureCharge(ticket, failedCalls);
        if (charge != null && charge.amount().signum() > 0) {
            s.x.request.recorder().costSettled(s.t, new Settlement(charge.amount(), charge.source(), null), true);
            settle(charge.amount());
            out = out.withActualCost(charge.amount()).withMetadata(StepMetadata.COST_SOURCE, charge.source());
        } else {
            release();
        }
        return estimate == null ? out : out.withEstimatedCost(estimate);
    }

    /**
     * Marks a step that sent again a request whose earlier answer was lost: both may have been
     * billed, and the possible first charge is in its cost.
     */
    StepResult withPossibleDuplicate(StepResult r) {
        if (!possibleDuplicate) {
            return r;
        }
        return r.withMetadata(StepMetadata.POSSIBLE_DUPLICATE, true).withMetadata(StepMetadata.POSSIBLE_DUPLICATE_COST, possibleCharge)
                .withActualCost(r.actualCost() == null ? possibleCharge : r.actualCost().add(possibleCharge));
    }
}
