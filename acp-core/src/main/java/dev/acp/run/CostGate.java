package dev.acp.run;

import dev.acp.cost.Money;
import dev.acp.cost.PipelineEstimate;
import dev.acp.error.BudgetRefusedException;
import dev.acp.plan.ExecutionPlan;
import java.util.Optional;

/**
 * The money rules a run meets before anything is called, the same for every front end: a step of
 * unknown price under a limit is refused (unless allowed), an expected cost above the limit is
 * refused, and a run that may cost more than {@code confirm_above} — or whose paid steps include
 * one of unknown price with no limit to cap it — asks first and is refused when nobody agrees.
 * A batch meets the same rules on its total ({@link #check(Subject, ExecutionPlan, PipelineEstimate,
 * boolean, boolean, Confirmation, Optional)} with a batch {@link Subject}).
 */
public final class CostGate {
    private CostGate() {}

    /**
     * @param ask whether to ask at all (a new run), or only to check the limits (a resume, agreed to
     *     when it started)
     * @param refreshHint how to price the unknown steps by fetching published prices, or empty
     * @throws BudgetRefusedException when the run must not start
     */
    static void check(ExecutionPlan plan, PipelineEstimate estimate, boolean allowUnknownPrices, boolean ask,
            Confirmation confirmation, Optional<String> refreshHint) {
        check(Subject.RUN, plan, estimate, allowUnknownPrices, ask, confirmation, refreshHint);
    }

    /**
     * What the rules are applied to, as the messages name it.
     *
     * @param name "this run", "this batch of 1,000 rows"
     * @param limitFix how to raise the limit that applies ("raise --cost-limit")
     * @param estimateCommand the command that shows the estimate ("acp pipeline estimate")
     */
    public record Subject(String name, String limitFix, String estimateCommand) {
        public static final Subject RUN = new Subject("this run", "raise --cost-limit or global_config.cost_limit",
                "acp pipeline estimate");
    }

    /**
     * The same rules for a subject whose estimate may add up many runs of {@code plan} (a batch's
     * rows): its steps are {@code plan}'s, its totals and limit the subject's.
     */
    public static void check(Subject subject, ExecutionPlan plan, PipelineEstimate estimate,
            boolean allowUnknownPrices, boolean ask, Confirmation confirmation, Optional<String> refreshHint) {
        String unknown = String.join(", ", estimate.unknownSteps());
        if (estimate.unknownUnderLimit(plan) && !allowUnknownPrices) {
            throw new BudgetRefusedException("the cost of " + String.join(", ", estimate.unpricedSteps()) + " is"
                    + " unknown and a cost limit applies; set the"
                    + " price in ACP_HOME/pricing.yaml or --pricing FILE, or pass --allow-unknown-prices ('"
                    + subject.estimateCommand() + "' shows why)" + refreshHint.map(h -> "; or " + h).orElse(""));
        }
        if (estimate.limit() != null && estimate.expected().compareTo(estimate.limit()) > 0) {
            throw new BudgetRefusedException("the expected cost " + Money.format(estimate.expected()) + " is above the"
                    + " cost limit of " + Money.format(estimate.limit()) + "; " + subject.limitFix() + ", or make the pipeline"
                    + " cheaper");
        }
        if (!ask || !estimate.needsConfirmation()) {
            return;
        }
        boolean over = estimate.high().compareTo(estimate.confirmAbove()) > 0;
        String what = over ? subject.name() + " may cost up to " + Money.format(estimate.high())
                + (unknown.isEmpty() ? "" : " plus the unknown cost of " + unknown)
                + " (above confirm_above " + Money.format(estimate.confirmAbove()) + ")"
                : "the cost of " + unknown + " is unknown and no cost limit caps " + subject.name().replaceFirst("^this ",
                        "the ") + " (" + Money.format(estimate.high()) + " for the rest)";
        Optional<Boolean> answer = confirmation.ask(what + ". Run it?");
        if (answer.isEmpty()) {
            throw new BudgetRefusedException(what + ", and there is no terminal to confirm on: pass --yes to run it"
                    + (over ? "" : ", or set a cost limit") + refreshHint.map(h -> "; or " + h).orElse(""));
        }
        if (!answer.get()) {
            throw new BudgetRefusedException("not confirmed; nothing was run");
        }
    }
}
