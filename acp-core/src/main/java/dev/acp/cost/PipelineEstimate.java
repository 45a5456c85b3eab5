package dev.acp.cost;

import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedTask;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The estimate of a whole pipeline before it runs: each enabled step's estimate, the totals of
 * the known ones, the steps whose cost is unknown, and how that compares with the run's limit.
 *
 * @param limit the run's limit ({@code --cost-limit} over {@code global_config.cost_limit}), or null
 * @param confirmAbove the amount above which a run asks first ({@code global_config.confirm_above},
 *     default {@link #DEFAULT_CONFIRM_ABOVE})
 */
public record PipelineEstimate(List<StepEstimate> steps, BigDecimal low, BigDecimal expected, BigDecimal high,
        List<String> unknownSteps, @Nullable BigDecimal limit, BigDecimal confirmAbove) {

    public static final BigDecimal DEFAULT_CONFIRM_ABOVE = BigDecimal.ONE;

    public PipelineEstimate {
        steps = List.copyOf(steps);
        unknownSteps = List.copyOf(unknownSteps);
    }

    /**
     * Estimates every enabled task of the plan.
     *
     * @param limitOverride {@code --cost-limit}, which wins over the file's limit, or null
     */
    public static PipelineEstimate of(ExecutionPlan plan, Estimator estimator, @Nullable BigDecimal limitOverride) {
        return of(plan, estimator, limitOverride, provider -> true);
    }

    /**
     * @param billed whether a provider's calls can cost money; steps of the others (offline
     *     engines, test stand-ins) are free whatever the catalog says
     */
    public static PipelineEstimate of(ExecutionPlan plan, Estimator estimator, @Nullable BigDecimal limitOverride,
            java.util.function.Predicate<String> billed) {
        List<StepEstimate> steps = new ArrayList<>();
        BigDecimal low = BigDecimal.ZERO;
        BigDecimal expected = BigDecimal.ZERO;
        BigDecimal high = BigDecimal.ZERO;
        List<String> unknown = new ArrayList<>();
        for (var step : plan.steps()) {
            if (step instanceof dev.acp.plan.PlannedForEach block) {
                if (!block.enabled()) {
                    continue;
                }
                Integer items = itemCount(plan, block);
                for (PlannedTask t : block.templates()) {
                    if (!t.enabled()) {
                        continue;
                    }
                    StepEstimate one = billed.test(t.providerId()) ? estimator.estimate(t)
                            : new StepEstimate(t.id(), t.providerId(), t.model(), null, StepEstimate.Range.FREE,
                                    "free (" + t.providerId() + " does not bill)");
                    StepEstimate e = perItem(withFallbacks(one, t, estimator, billed), block, t, items);
                    steps.add(e);
                    if (e.cost() instanceof StepEstimate.Range r) {
                        low = low.add(r.low());
                        expected = expected.add(r.expected());
                        high = high.add(r.high());
                    } else {
                        unknown.add(e.stepId());
                    }
                }
                continue;
            }
            if (!(step instanceof PlannedTask t) || !t.enabled()) {
                continue;
            }
            StepEstimate e = billed.test(t.providerId()) ? estimator.estimate(t)
                    : new StepEstimate(t.id(), t.providerId(), t.model(), null, StepEstimate.Range.FREE,
                            "free (" + t.providerId() + " does not bill)");
            e = withFallbacks(e, t, estimator, billed);
            steps.add(e);
            if (e.cost() instanceof StepEstimate.Range r) {
                low = low.add(r.low());
                expected = expected.add(r.expected());
                high = high.add(r.high());
            } else {
                unknown.add(t.id());
            }
        }
        var global = plan.spec().global();
        BigDecimal limit = limitOverride != null ? limitOverride : global.costLimit();
        BigDecimal confirm = global.confirmAbove() != null ? global.confirmAbove() : DEFAULT_CONFIRM_ABOVE;
        return new PipelineEstimate(steps, low, expected, high, unknown, limit, confirm);
    }

    /**
     * How many items a for_each block will run over, when that is known before the run: the
     * length of a list input, or the {@code num_scenes} a story_to_scenes source asks for. Null
     * when only the run will tell (a language model may also answer with another count; the
     * estimate then is what was asked for, and each expanded step still reserves its own cost).
     */
    static @Nullable Integer itemCount(ExecutionPlan plan, dev.acp.plan.PlannedForEach block) {
        return switch (block.source()) {
            case dev.acp.template.Reference.InputRef in ->
                    plan.inputs().get(in.name()) instanceof List<?> list ? list.size() : null;
            case dev.acp.template.Reference.StepRef ref -> {
                if (plan.byId().get(ref.stepId()) instanceof PlannedTask src
                        && src.capability() == dev.acp.pipeline.Capability.STORY_TO_SCENES
                        && src.spec().config().get("num_scenes") instanceof Number n && n.intValue() > 0) {
                    yield n.intValue();
                }
                yield null;
            }
            default -> null;
        };
    }

    /** An inner step's estimate for every item of its block: {@code 4 items × (...)}, or unknown. */
    static StepEstimate perItem(StepEstimate one, dev.acp.plan.PlannedForEach block, PlannedTask t,
            @Nullable Integer items) {
        String id = t.id() + "[1.." + (items == null ? "n" : items) + "]";
        if (!(one.cost() instanceof StepEstimate.Range r)) {
            return new StepEstimate(id, one.provider(), one.model(), one.entry(), one.cost(), one.formula());
        }
        if (r.high().signum() == 0) {
            return new StepEstimate(id, one.provider(), one.model(), one.entry(), r, one.formula() + ", per item");
        }
        if (items == null) {
            return new StepEstimate(id, one.provider(), one.model(), one.entry(), new StepEstimate.Unknown(
                    "for_each " + block.id() + ": the number of items is known only at run time", true),
                    Money.format(r.expected()) + " per item × items known only at run time (" + one.formula() + ")");
        }
        BigDecimal n = BigDecimal.valueOf(items);
        return new StepEstimate(id, one.provider(), one.model(), one.entry(),
                new StepEstimate.Range(r.low().multiply(n), r.expected().multiply(n), r.high().multiply(n)),
                items + " items × (" + one.formula() + ")");
    }

    /**
     * Widens a step's high end by its {@code fallback:} alternatives: at worst every provider of
     * the chain fails (billed only where failures are billed, with their retries) and the
     * dearest one then succeeds. Low and expected stay the primary's: an alternative is only
     * called when the primary fails. Alternatives of unknown price are named in the formula.
     */
    static StepEstimate withFallbacks(StepEstimate e, PlannedTask t, Estimator estimator,
            java.util.function.Predicate<String> billed) {
        if (t.fallbacks().isEmpty() || !(e.cost() instanceof StepEstimate.Range r)) {
            return e;
        }
        BigDecimal failures = billed.test(t.providerId()) && estimator.pricing().billsFailures(t.providerId())
                ? r.high() : BigDecimal.ZERO;
        BigDecimal dearest = r.high();
        List<String> unknown = new ArrayList<>();
        List<String> priced = new ArrayList<>();
        for (PlannedTask.Fallback f : t.fallbacks()) {
            if (!billed.test(f.providerId())) {
                priced.add(f.label() + " free");
                continue;
            }
            StepEstimate alt = estimator.estimate(t.on(f));
            if (!(alt.cost() instanceof StepEstimate.Range ar)) {
                unknown.add(f.label());
                continue;
            }
            priced.add(f.label() + " " + Money.format(ar.high()));
            dearest = dearest.max(ar.high());
            if (estimator.pricing().billsFailures(f.providerId())) {
                failures = failures.add(ar.high());
            }
        }
        BigDecimal high = r.high().max(failures.add(dearest));
        String formula = e.formula() + "; fallbacks " + String.join(", ", priced)
                + (unknown.isEmpty() ? "" : (priced.isEmpty() ? "" : ", ") + String.join(", ", unknown) + " price unknown")
                + " (high end if they are used)";
        return new StepEstimate(e.stepId(), e.provider(), e.model(), e.entry(),
                new StepEstimate.Range(r.low(), r.expected(), high), formula);
    }

    /**
     * The steps whose price is unknown (no published price): at dispatch they reserve nothing.
     * Steps whose price is known but whose quantity only the run tells (a text written by an
     * earlier step) are not among them: they are priced exactly, and reserved, when they start.
     */
    public List<String> unpricedSteps() {
        return steps.stream().filter(StepEstimate::unpriced).map(StepEstimate::stepId).toList();
    }

    /** Whether a step with an unknown price would run under a limit (refused unless allowed). */
    public boolean unknownUnderLimit(ExecutionPlan plan) {
        List<String> unpriced = unpricedSteps();
        if (unpriced.isEmpty()) {
            return false;
        }
        if (limit != null) {
            return true;
        }
        return plan.tasks().stream().anyMatch(t -> unpriced.contains(t.id()) && t.spec().maxCost() != null);
    }

    /**
     * Whether the run must ask first: the pessimistic total is above {@code confirmAbove}, or a
     * paid step's cost is unknown and no limit caps the run (an unknown price never spends unasked).
     * The pessimistic end is compared, not the expected one, so that what the run may spend — not
     * only what it probably spends — is what the user agrees to.
     */
    public boolean needsConfirmation() {
        return high.compareTo(confirmAbove) > 0 || (limit == null && !unknownSteps.isEmpty());
    }

    /** One sentence comparing the totals with the limit. */
    public String limitSummary() {
        if (limit == null) {
            return "no cost limit (set global_config.cost_limit or --cost-limit)";
        }
        String unknownNote = unknownSteps.isEmpty() ? "" : "; " + unknownSteps.size() + " step(s) of unknown cost not"
                + " counted" + (unpricedSteps().isEmpty() ? " (each priced and reserved when it starts)" : "");
        if (high.compareTo(limit) <= 0) {
            return "limit " + Money.cents(limit) + ": the pessimistic total " + Money.format(high) + " fits" + unknownNote;
        }
        if (expected.compareTo(limit) <= 0) {
            return "limit " + Money.cents(limit) + ": the expected total fits, the pessimistic total " + Money.format(high)
                    + " does not; steps that do not fit when they start are skipped" + unknownNote;
        }
        return "limit " + Money.cents(limit) + ": the expected total " + Money.format(expected) + " exceeds it"
                + unknownNote;
    }

    /** Plain values for {@code --format json}. */
    public Map<String, Object> toMap(boolean detailed) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (StepEstimate e : steps) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("step_id", e.stepId());
            r.put("provider", e.provider());
            r.put("model", e.model());
            r.put("known", e.known());
            r.put("formula", e.formula());
            r.put("low", e.low());
            r.put("expected", e.expected());
            r.put("high", e.high());
            if (e.cost() instanceof StepEstimate.Unknown u) {
                r.put("unknown_reason", u.reason());
                r.put("priced_at_dispatch", u.atDispatch());
            }
            if (detailed && e.entry() != null) {
                r.put("unit", e.entry().unit().wireName());
                r.put("unit_price", e.entry().describePrice());
                r.put("price_source", e.entry().source());
                r.put("price_as_of", e.entry().asOf());
            }
            rows.add(r);
        }
        m.put("steps", rows);
        m.put("total_low", low);
        m.put("total_expected", expected);
        m.put("total_high", high);
        m.put("unknown_steps", unknownSteps);
        m.put("unpriced_steps", unpricedSteps());
        m.put("cost_limit", limit);
        m.put("within_limit", limit == null ? null : high.compareTo(limit) <= 0);
        m.put("confirm_above", confirmAbove);
        m.put("summary", limitSummary());
        return m;
    }
}
