package dev.acp.batch;

import dev.acp.cost.Estimator;
import dev.acp.cost.PipelineEstimate;
import dev.acp.error.BudgetRefusedException;
import dev.acp.error.PipelineInvalidException;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.Problem;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PipelinePlanner;
import dev.acp.plan.PlanResult;
import dev.acp.plan.RunSettings;
import dev.acp.run.Confirmation;
import dev.acp.run.CostGate;
import dev.acp.run.RunHost;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The first pass over a batch's inputs, before anything runs or is written: every row is read,
 * checked against the pipeline's inputs, planned as its run would be (so that whatever a single
 * run would refuse is found now), and estimated. Rows stream through one at a time; what is kept
 * per row is its id and line, to find duplicates and to run the rows in file order.
 */
final class BatchChecker {
    /** Problems kept for the report; more are counted. */
    static final int MAX_PROBLEMS = 1000;

    private final BatchSource source;
    private final RunHost acp;
    private final PipelineSpec spec;
    private final RunSettings base;
    private final Estimator estimator;
    private final Predicate<String> billed;
    private final boolean allowUnknownPrices;
    private final Predicate<String> toRun;

    /**
     * @param toRun whether a row still has to run: rows an earlier session finished are checked
     *     but neither planned nor estimated again
     */
    BatchChecker(BatchSource source, RunHost acp, PipelineSpec spec, RunSettings base, Estimator estimator,
            Predicate<String> billed, boolean allowUnknownPrices, Predicate<String> toRun) {
        this.source = source;
        this.acp = acp;
        this.spec = spec;
        this.base = base;
        this.estimator = estimator;
        this.billed = billed;
        this.allowUnknownPrices = allowUnknownPrices;
        this.toRun = toRun;
    }

    /** A planner finding shared by rows: reported once, with the rows it concerns. */
    private static final class Shared {
        final Problem problem;
        final BatchProblem first;
        final List<Long> lines = new ArrayList<>();

        Shared(Problem problem, BatchProblem first) {
            this.problem = problem;
            this.first = first;
        }
    }

    BatchCheck check(Consumer<RowEstimate> perRow) throws IOException {
        List<BatchProblem> problems = new ArrayList<>();
        long[] more = {0};
        Consumer<BatchProblem> report = p -> {
            if (problems.size() < MAX_PROBLEMS) {
                problems.add(p);
            } else {
                more[0]++;
            }
        };
        Map<String, Long> lines = new HashMap<>();
        Map<String, Long> selected = new LinkedHashMap<>();
        Set<String> only = new LinkedHashSet<>(source.only());
        Map<String, Shared> shared = new LinkedHashMap<>();
        List<String> refusals = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        EstimateTotals totals = new EstimateTotals();
        ExecutionPlan sample = null;
        long planned = 0;
        String sha;
        long rows = 0;
        try (RowSource rs = source.open()) {
            RowChecker checker = source.checker(spec.inputs());
            // With a header that is wrong, every row would fail the same way: rows are checked, not planned.
            boolean headerOk = true;
            if (rs.columns() != null) {
                List<BatchProblem> header = checker.checkHeader(rs.columns(), rs.headerIssues());
                header.forEach(report);
                headerOk = header.isEmpty();
            }
            RawRow raw;
            while ((raw = rs.next()) != null) {
                rows++;
                RowChecker.Checked c = checker.check(raw, rs.columns());
                String id = c.row() != null ? c.row().id() : idOf(raw);
                Long first = lines.putIfAbsent(id, raw.line());
                if (first != null) {
                    report.accept(new BatchProblem(source.label(), raw.line(), id, "row id '" + id + "' is used"
                            + " again (first on line " + first + ")", "give every row its own id"));
                    continue;
                }
                c.problems().forEach(report);
                if (c.row() == null || !source.selects(c.row(), selected.size(), only)) {
                    continue;
                }
                BatchRow row = c.row();
                selected.put(row.id(), row.line());
                if (!headerOk || !toRun.test(row.id())) {
                    continue;
                }
                PlanResult pr = new PipelinePlanner(acp.registry(), acp.catalog(), acp.environment())
                        .plan(spec, source.settings(base, row));
                planned++;
                if (sample == null && pr.plan() != null) {
                    sample = pr.plan();
                    pr.warnings().forEach(w -> warnings.add(w.render()));
                }
                for (Problem p : pr.problems()) {
                    if (p.isError()) {
                        shared.computeIfAbsent(p.render(), k -> new Shared(p, new BatchProblem(source.label(),
                                row.line(), row.id(), p.render(), ""))).lines.add(row.line());
                    }
                }
                if (pr.plan() != null) {
                    estimate(pr.plan(), row, totals, refusals, perRow);
                }
            }
            sha = rs.sha256();
        } catch (CharacterCodingException e) {
            report.accept(new BatchProblem(source.label(), 0, null, "the file is not UTF-8 text",
                    "save it as UTF-8 (with or without a byte order mark)"));
            sha = "";
        }
        only.removeAll(lines.keySet());
        for (String missing : only) {
            report.accept(new BatchProblem(source.label(), 0, null, "--only names row '" + missing + "', which the file"
                    + " does not have", "give ids of the file's rows (its 'id' column, or row numbers from 1)"));
        }
        if (rows == 0 && problems.isEmpty()) {
            report.accept(new BatchProblem(source.label(), 0, null, "the file has no rows", "add one row per run"));
        }
        sharedProblems(shared, planned, report);
        return new BatchCheck(problems, more[0], refusals, rows, selected, totals, sample,
                sample != null && free(sample), sha, source.outputRoot(), warnings);
    }

    /** The row's estimate, and whether a single run of it would be refused for money. */
    private void estimate(ExecutionPlan plan, BatchRow row, EstimateTotals totals, List<String> refusals,
            Consumer<RowEstimate> perRow) {
        PipelineEstimate e = PipelineEstimate.of(plan, estimator, null, billed);
        totals.add(e);
        perRow.accept(new RowEstimate(row, e));
        if (free(plan)) {
            return;
        }
        try {
            CostGate.check(CostGate.Subject.RUN, plan, e, allowUnknownPrices, false, Confirmation.NOBODY,
                    Optional.empty());
        } catch (BudgetRefusedException refused) {
            if (refusals.size() < MAX_PROBLEMS) {
                refusals.add(source.label() + ":" + row.line() + ": row '" + row.id() + "': " + refused.getMessage());
            }
        }
    }

    /**
     * Planner findings: one that every planned row has belongs to the pipeline, not to the rows,
     * and is thrown as the pipeline's problem; others are reported once each, naming their rows.
     */
    private void sharedProblems(Map<String, Shared> shared, long planned, Consumer<BatchProblem> report) {
        List<Problem> everyRow = shared.values().stream().filter(s -> planned > 1 && s.lines.size() == planned)
                .map(s -> s.problem).toList();
        if (!everyRow.isEmpty()) {
            throw new PipelineInvalidException(everyRow);
        }
        for (Shared s : shared.values()) {
            if (s.lines.size() == 1) {
                report.accept(s.first);
            } else {
                String others = s.lines.stream().skip(1).limit(5).map(String::valueOf)
                        .reduce((a, b) -> a + ", " + b).orElse("");
                long rest = s.lines.size() - 6;
                report.accept(new BatchProblem(s.first.file(), s.first.line(), s.first.row(), s.first.message()
                        + "; the same for the rows on lines " + others + (rest > 0 ? " and " + rest + " more" : ""),
                        ""));
            }
        }
    }

    /** Whether no step of the plan can cost money (offline engines, free servers). */
    boolean free(ExecutionPlan plan) {
        return plan.tasks().stream().filter(t -> t.enabled()).noneMatch(t -> billed.test(t.providerId()))
                && plan.steps().stream().noneMatch(s -> s instanceof dev.acp.plan.PlannedForEach f
                        && f.templates().stream().anyMatch(t -> billed.test(t.providerId())));
    }

    private static String idOf(RawRow raw) {
        String given = raw.values().get(RowChecker.ID);
        return given != null ? given.strip() : Long.toString(raw.number());
    }
}
