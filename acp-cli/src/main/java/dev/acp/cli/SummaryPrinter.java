package dev.acp.cli;

import dev.acp.engine.RunResult;
import dev.acp.engine.StepMetadata;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.plan.ExecutionPlan;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The table printed after a run: one row per step, totals, failures, and where the report is. */
final class SummaryPrinter {
    private final PrintWriter out;
    private final Terminal terminal;
    private final Path workingDirectory;

    SummaryPrinter(PrintWriter out, Terminal terminal, Path workingDirectory) {
        this.out = out;
        this.terminal = terminal;
        this.workingDirectory = workingDirectory;
    }

    /** @param report where run.json was written, or null when it could not be */
    void print(ExecutionPlan plan, RunResult run, @org.jspecify.annotations.Nullable Path report) {
        print(plan, run, report, null, null);
    }

    /**
     * @param runId the run's id when it is journaled, else null
     * @param spent what the run spent over all its sessions, else null
     */
    void print(ExecutionPlan plan, RunResult run, @org.jspecify.annotations.Nullable Path report,
            @org.jspecify.annotations.Nullable String runId, @org.jspecify.annotations.Nullable BigDecimal spent) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"STEP", "TYPE", "PROVIDER", "STATUS", "TIME", "ESTIMATE", "COST", "OUTPUT"});
        for (StepResult s : run.steps()) {
            String id = s.groupId() == null ? s.stepId() : "  " + s.stepId();
            rows.add(new String[] {id, s.stepType(), s.provider() == null ? "-" : s.provider(), status(s),
                s.attempts() == 0 && s.executionTime().isZero() ? "-" : ProgressDisplay.seconds(s.executionTime()),
                estimate(s), cost(s), s.outputPath() == null ? "-" : display(s.outputPath())});
        }
        out.println();
        String headline = switch (run.status()) {
            case SUCCEEDED -> terminal.green("✓ " + run.pipelineName() + " succeeded");
            case PARTIAL -> terminal.red("✗ " + run.pipelineName() + " finished with failures");
            case INTERRUPTED -> terminal.yellow("■ " + run.pipelineName() + " was interrupted");
        };
        out.println(headline + " in " + ProgressDisplay.seconds(run.totalTime()) + ": " + counts(run));
        Table.print(out, terminal, rows);
        List<StepResult> failures = run.steps().stream()
                .filter(s -> s.status() == StepStatus.FAILED && run.failedStepIds().contains(s.stepId())).toList();
        if (!failures.isEmpty()) {
            out.println();
            out.println(terminal.red("Failures:"));
            for (StepResult f : failures) {
                out.println("  " + f.stepId() + ": " + ProgressDisplay.errorText(f.error()));
            }
        }
        List<String> switches = fallbackLines(run);
        if (!switches.isEmpty()) {
            out.println();
            out.println(terminal.yellow("Fallbacks:"));
            switches.forEach(line -> out.println("  " + line));
        }
        BigDecimal total = run.totalActualCost();
        out.println();
        out.println("Total cost: $" + total.setScale(2, RoundingMode.HALF_UP).toPlainString()
                + (spent != null && spent.compareTo(total) != 0
                        ? " (all sessions of this run: $" + spent.setScale(2, RoundingMode.HALF_UP).toPlainString() + ")"
                        : "")
                + (run.anyPreview() ? terminal.dim("   * local previews: rendered offline, not AI-generated") : ""));
        long hits = run.taskResults().stream().filter(StepResult::cacheHit).count();
        if (hits > 0) {
            BigDecimal saved = run.taskResults().stream().filter(StepResult::cacheHit).map(s -> s.cache().saving())
                    .filter(java.util.Objects::nonNull).reduce(BigDecimal.ZERO, BigDecimal::add);
            out.println("Cache: " + hits + (hits == 1 ? " step" : " steps") + " served from the cache, saving $"
                    + saved.setScale(2, RoundingMode.HALF_UP).toPlainString());
        }
        if (runId != null) {
            out.println("Run: " + runId);
        }
        if (report != null) {
            out.println("Report: " + display(report));
        }
        if (run.status() == dev.acp.engine.RunStatus.INTERRUPTED) {
            out.println("Completed outputs were kept.");
        }
    }

    /** One line per switch to a fallback alternative, and per alternative refused for the budget. */
    private static List<String> fallbackLines(RunResult run) {
        List<String> lines = new ArrayList<>();
        for (StepResult s : run.taskResults()) {
            if (s.metadata().get(dev.acp.engine.FallbackSwitch.METADATA_KEY) instanceof List<?> switches) {
                for (Object o : switches) {
                    if (o instanceof java.util.Map<?, ?> m) {
                        lines.add(s.stepId() + ": " + route(m.get("from_provider"), m.get("from_model")) + " -> "
                                + route(m.get("provider"), m.get("model")) + " after " + m.get("error_kind")
                                + (m.get("cost") == null ? "" : " (the failed calls cost $" + m.get("cost") + ")"));
                    }
                }
            }
            if (s.metadata().get("fallback_refused") instanceof java.util.Map<?, ?> m) {
                lines.add(s.stepId() + ": fallback to " + route(m.get("provider"), m.get("model"))
                        + " refused: would exceed the limit");
            }
        }
        return lines;
    }

    private static String route(Object provider, Object model) {
        return model == null || "".equals(model) ? String.valueOf(provider) : provider + "/" + model;
    }

    private String counts(RunResult run) {
        List<String> parts = new ArrayList<>();
        for (StepStatus st : StepStatus.values()) {
            long n = run.count(st);
            if (n > 0) {
                parts.add(n + " " + st.wireName());
            }
        }
        return String.join(", ", parts);
    }

    private static String status(StepResult s) {
        return switch (s.status()) {
            case SUCCEEDED -> s.cacheHit() ? "cached" : Boolean.TRUE.equals(s.metadata().get("resumed")) ? "resumed" : "ok";
            case FAILED -> "FAILED";
            case SKIPPED -> "skipped";
            case CANCELLED -> "cancelled";
            case DISABLED -> "disabled";
        };
    }

    private static boolean block(StepResult s) {
        // Members and items carry the costs; a block total would count them twice.
        return s.stepType().equals(dev.acp.pipeline.GroupStepSpec.TYPE_NAME)
                || s.stepType().equals(dev.acp.pipeline.ForEachStepSpec.TYPE_NAME);
    }

    private static String estimate(StepResult s) {
        return block(s) || s.estimatedCost() == null || s.preview() ? "-" : dev.acp.cost.Money.format(s.estimatedCost());
    }

    /** The settled cost and where it came from: reported by the provider, computed from its units, or the estimate. */
    private static String cost(StepResult s) {
        if (block(s)) {
            return "-";
        }
        Object source = s.metadata().get(StepMetadata.COST_SOURCE);
        if (s.actualCost() == null || "unknown".equals(source)) {
            return s.status() == StepStatus.SUCCEEDED && !s.preview() ? "unknown" : "-";
        }
        String how = source instanceof String src && !src.equals("cache") ? " " + switch (src) {
            case "catalog", "catalog_failure" -> "(estimate)";
            default -> "(" + src + ")";
        } : "";
        return dev.acp.cost.Money.format(s.actualCost()) + (s.preview() ? "*" : how);
    }

    private String display(Path p) {
        return ProgressDisplay.relative(workingDirectory, p);
    }


    /** {@code ; reported $0.01, computed $0.28}: what the settled total is made of. */
    private static String sources(java.util.Map<?, ?> bySource) {
        List<String> parts = new ArrayList<>();
        bySource.forEach((k, v) -> {
            if (!"cache".equals(k) && !"unknown".equals(k) && v instanceof Double d) {
                parts.add(("catalog".equals(k) ? "estimated" : String.valueOf(k)) + " " + dev.acp.cost.Money.format(
                        BigDecimal.valueOf(d)));
            }
        });
        return parts.isEmpty() ? "" : "; " + String.join(", ", parts);
    }

    /**
     * The money lines after the table: the estimate beside the actual cost, the limit, what
     * retries cost, budget-skipped steps, and overruns in red (a provider billed more than the
     * step reserved).
     */
    void printCosts(RunResult run, dev.acp.report.RunReportWriter.Extras extras) {
        java.util.Map<String, Object> c = dev.acp.report.RunReportWriter.costSummary(run, extras);
        BigDecimal estimated = run.totalEstimatedCost();
        if (estimated.signum() > 0 || extras.costLimit() != null) {
            out.println("Estimated: " + dev.acp.cost.Money.format(estimated) + ", settled: "
                    + dev.acp.cost.Money.format(run.totalActualCost())
                    + (extras.costLimit() == null ? "" : ", limit " + dev.acp.cost.Money.format(extras.costLimit())));
        }
        if (c.get("drift") instanceof java.util.Map<?, ?> drift && drift.get("percent") instanceof Double pct) {
            double diff = (Double) drift.get("difference");
            out.println("Settled against estimate: " + (diff >= 0 ? "+" : "-")
                    + dev.acp.cost.Money.format(BigDecimal.valueOf(Math.abs(diff))) + " (" + (pct >= 0 ? "+" : "") + pct
                    + " %)" + sources((java.util.Map<?, ?>) c.get("by_source")));
        }
        if (c.get("unknown_cost_steps") instanceof List<?> unknown && !unknown.isEmpty()) {
            out.println(terminal.yellow("Cost unknown (no price and nothing reported): " + String.join(", ",
                    unknown.stream().map(String::valueOf).toList())));
        }
        if (c.get("retry_spend") instanceof Double d && d > 0) {
            out.println("Spent on failed attempts and retries: " + dev.acp.cost.Money.format(BigDecimal.valueOf(d)));
        }
        if (c.get("fallback_spend") instanceof Double d && d > 0) {
            out.println("Spent at providers abandoned for a fallback: " + dev.acp.cost.Money.format(BigDecimal.valueOf(d)));
        }
        for (Object o : (List<?>) c.get("budget_skipped")) {
            java.util.Map<?, ?> m = (java.util.Map<?, ?>) o;
            out.println(terminal.yellow("Skipped for budget: " + m.get("step_id") + " (" + m.get("reason") + ")"));
        }
        for (Object o : (List<?>) c.get("overruns")) {
            java.util.Map<?, ?> m = (java.util.Map<?, ?>) o;
            out.println(terminal.red("COST OVERRUN: " + m.get("step_id") + ": " + m.get("overrun")));
        }
    }
}
