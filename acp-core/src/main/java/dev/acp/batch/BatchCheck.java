package dev.acp.batch;

import dev.acp.cost.PipelineEstimate;
import dev.acp.plan.ExecutionPlan;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What checking a batch found before anything runs: the problems of its rows (each with its
 * line and fix), the rows the batch would run, and their estimate added up.
 *
 * @param problems the problems found, at most {@link BatchChecker#MAX_PROBLEMS}
 * @param moreProblems how many more were found and not kept
 * @param refusals rows that a single run of theirs would refuse for money (above the pipeline's
 *     own cost limit, or an unknown price under it), one sentence each
 * @param rows the rows in the file
 * @param selected the ids of the rows the batch runs, in file order, with their lines
 * @param samplePlan the plan of the first row that ran, for the rules about money, or null
 * @param free whether no step can cost money (offline engines only)
 * @param outputDirectory the folder of the rows' folders and of the batch's results
 * @param warnings the pipeline's validation warnings, once
 */
public record BatchCheck(List<BatchProblem> problems, long moreProblems, List<String> refusals, long rows,
        Map<String, Long> selected, EstimateTotals totals, @Nullable ExecutionPlan samplePlan, boolean free,
        String inputsSha256, Path outputDirectory, List<String> warnings) {

    public BatchCheck {
        problems = List.copyOf(problems);
        refusals = List.copyOf(refusals);
        warnings = List.copyOf(warnings);
        selected = java.util.Collections.unmodifiableMap(selected); // one entry per row: not copied
    }

    public boolean valid() {
        return problems.isEmpty();
    }

    /** The selected rows' estimate added up, checked against {@code limit}. */
    public PipelineEstimate estimate(@Nullable BigDecimal limit) {
        BigDecimal confirm = samplePlan != null && samplePlan.spec().global().confirmAbove() != null
                ? samplePlan.spec().global().confirmAbove() : PipelineEstimate.DEFAULT_CONFIRM_ABOVE;
        return totals.toEstimate(limit, confirm);
    }

    /** How many rows the batch runs. */
    public long selectedRows() {
        return selected.size();
    }
}
