package dev.acp.cost;

import java.math.BigDecimal;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one step is expected to cost.
 *
 * @param model the model priced (the step's own, or the provider's default for the capability)
 * @param entry the pricing entry used, or null when the catalog has none
 * @param formula how the amount was reached, for people: {@code 6 s × $0.013/s}
 */
public record StepEstimate(String stepId, String provider, @Nullable String model, @Nullable PriceEntry entry,
        Cost cost, String formula) {

    public StepEstimate {
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(cost, "cost");
        Objects.requireNonNull(formula, "formula");
    }

    /** An amount: a range, or unknown with the reason. */
    public sealed interface Cost permits Range, Unknown {}

    /**
     * A known range: {@code low} if everything goes as well as it can, {@code expected} as priced,
     * {@code high} the pessimistic amount reserved against limits (retries that are billed, the
     * longest text a template can produce, the most tokens an answer may have).
     */
    public record Range(BigDecimal low, BigDecimal expected, BigDecimal high) implements Cost {
        public Range {
            if (low.signum() < 0 || low.compareTo(expected) > 0 || expected.compareTo(high) > 0) {
                throw new IllegalArgumentException("need 0 <= low <= expected <= high: " + low + ", " + expected + ", "
                        + high);
            }
        }

        public static Range exactly(BigDecimal v) {
            return new Range(v, v, v);
        }

        public static final Range FREE = exactly(BigDecimal.ZERO);
    }

    /**
     * No price, or a quantity that cannot be bounded before the run.
     *
     * @param atDispatch whether the price is known and only a quantity waits for the run (a text
     *     that an earlier step writes): the step is then priced exactly, and reserved against the
     *     limits, when it starts; false when nothing can price it (no published price)
     */
    public record Unknown(String reason, boolean atDispatch) implements Cost {
        public Unknown(String reason) {
            this(reason, false);
        }
    }

    /** Whether the price is unknown (not only a quantity that the run will tell). */
    public boolean unpriced() {
        return cost instanceof Unknown u && !u.atDispatch();
    }

    public boolean known() {
        return cost instanceof Range;
    }

    public @Nullable BigDecimal expected() {
        return cost instanceof Range r ? r.expected() : null;
    }

    public @Nullable BigDecimal high() {
        return cost instanceof Range r ? r.high() : null;
    }

    public @Nullable BigDecimal low() {
        return cost instanceof Range r ? r.low() : null;
    }
}
