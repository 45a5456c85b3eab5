package dev.acp.batch;

import dev.acp.cost.PipelineEstimate;
import dev.acp.cost.PriceEntry;
import dev.acp.cost.StepEstimate;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The estimates of many rows of one pipeline added up step by step, so that the batch's total is
 * checked by the same rules as one run's ({@code CostGate}): each step of the pipeline appears
 * once, with the sum over the rows, or unknown when any row's is. Holds one entry per step of the
 * pipeline, whatever the number of rows. Not thread-safe: the check adds rows one at a time.
 */
public final class EstimateTotals {
    private final Map<String, Step> steps = new LinkedHashMap<>();
    private long rows;

    /** One step's sums over the rows. */
    private static final class Step {
        final String provider;
        final @Nullable String model;
        final @Nullable PriceEntry entry;
        final String formula;
        BigDecimal low = BigDecimal.ZERO;
        BigDecimal expected = BigDecimal.ZERO;
        BigDecimal high = BigDecimal.ZERO;
        StepEstimate.@Nullable Unknown unknown;
        long rows;

        Step(StepEstimate first) {
            this.provider = first.provider();
            this.model = first.model();
            this.entry = first.entry();
            this.formula = first.formula();
        }
    }

    void add(PipelineEstimate row) {
        rows++;
        for (StepEstimate e : row.steps()) {
            Step s = steps.computeIfAbsent(e.stepId(), k -> new Step(e));
            s.rows++;
            switch (e.cost()) {
                case StepEstimate.Range r -> {
                    s.low = s.low.add(r.low());
                    s.expected = s.expected.add(r.expected());
                    s.high = s.high.add(r.high());
                }
                case StepEstimate.Unknown u -> {
                    // A price nobody knows outranks a quantity only the run tells: it is what refuses.
                    if (s.unknown == null || s.unknown.atDispatch() && !u.atDispatch()) {
                        s.unknown = u;
                    }
                }
            }
        }
    }

    public long rows() {
        return rows;
    }

    /** The batch as one estimate: a line per step of the pipeline, summed over the rows. */
    public PipelineEstimate toEstimate(@Nullable BigDecimal limit, BigDecimal confirmAbove) {
        List<StepEstimate> out = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        BigDecimal low = BigDecimal.ZERO;
        BigDecimal expected = BigDecimal.ZERO;
        BigDecimal high = BigDecimal.ZERO;
        for (var e : steps.entrySet()) {
            Step s = e.getValue();
            String per = s.rows == 1 ? "1 row" : s.rows + " rows";
            if (s.unknown != null) {
                out.add(new StepEstimate(e.getKey(), s.provider, s.model, s.entry, s.unknown, per + ": " + s.formula));
                unknown.add(e.getKey());
            } else {
                out.add(new StepEstimate(e.getKey(), s.provider, s.model, s.entry,
                        new StepEstimate.Range(s.low, s.expected, s.high), per + ", each " + s.formula));
                low = low.add(s.low);
                expected = expected.add(s.expected);
                high = high.add(s.high);
            }
        }
        return new PipelineEstimate(out, low, expected, high, unknown, limit, confirmAbove);
    }
}
