package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.cost.Estimator;
import dev.acp.cost.Money;
import dev.acp.cost.PipelineEstimate;
import dev.acp.cost.StepEstimate;
import dev.acp.error.PipelineInvalidException;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlanResult;
import dev.acp.plan.RunSettings;
import dev.acp.run.PublishedPricesHint;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code acp pipeline estimate --config FILE}: what a run would cost, step by step, before paying anything. */
@Command(name = "estimate", mixinStandardHelpOptions = true,
        description = "Estimate what a pipeline costs, step by step, from the pricing catalog: low, expected and"
                + " pessimistic (high) amounts with the formula, totals, and the comparison with the cost limit."
                + " Nothing is called or paid.")
final class EstimateCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The pipeline file.")
    Path config;

    @Option(names = "--detailed", description = "Also show each step's unit price, its source and date.")
    boolean detailed;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    RunCommand.Format format;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Set a declared input (repeatable).")
    Map<String, String> inputs = new LinkedHashMap<>();

    @Option(names = "--offline", description = "Estimate the run with local engines only (costs $0).")
    boolean offline;

    @Mixin
    CostOptions cost = new CostOptions();

    private final CliContext context;

    EstimateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws java.io.IOException {
        BigDecimal limit = cost.limit();
        Acp acp = context.acp();
        Path file = context.workingDirectory().resolve(config);
        PlanResult planned = acp.check(file, RunSettings.check(context.workingDirectory()).withOffline(offline)
                .withInputs(inputs));
        if (planned.plan() == null) {
            throw new PipelineInvalidException(planned.problems());
        }
        ExecutionPlan plan = planned.plan();
        var registry = acp.registry();
        PipelineEstimate estimate = PipelineEstimate.of(plan, new Estimator(cost.catalog(context), registry::configuredDefaultModel), limit,
                p -> !registry.has(p) || registry.provider(p).costsMoney());
        Optional<String> hint = PublishedPricesHint.of(estimate, acp);
        if (format == RunCommand.Format.json) {
            Map<String, Object> json = new LinkedHashMap<>(estimate.toMap(detailed));
            hint.ifPresent(h -> json.put("hint", h));
            context.out().println(CliJson.pretty().writeValueAsString(json));
            return ExitCode.OK.code();
        }
        print(estimate, hint);
        return ExitCode.OK.code();
    }

    private void print(PipelineEstimate estimate, Optional<String> hint) {
        Terminal term = context.terminal();
        List<String[]> rows = new ArrayList<>();
        rows.add(detailed ? new String[] {"STEP", "PROVIDER/MODEL", "LOW", "EXPECTED", "HIGH", "FORMULA", "PRICE SOURCE"}
                : new String[] {"STEP", "PROVIDER/MODEL", "LOW", "EXPECTED", "HIGH", "FORMULA"});
        for (StepEstimate e : estimate.steps()) {
            String who = e.model() == null ? e.provider() : e.provider() + "/" + e.model();
            String formula = e.cost() instanceof StepEstimate.Unknown u ? "unknown: " + u.reason() : e.formula();
            String low = e.known() ? Money.format(e.low()) : "unknown";
            String exp = e.known() ? Money.format(e.expected()) : "unknown";
            String high = e.known() ? Money.format(e.high()) : "unknown";
            if (detailed) {
                String source = e.entry() == null ? "-" : e.entry().describePrice() + " (" + e.entry().source() + ", "
                        + e.entry().asOf() + ")";
                rows.add(new String[] {e.stepId(), who, low, exp, high, formula, source});
            } else {
                rows.add(new String[] {e.stepId(), who, low, exp, high, formula});
            }
        }
        Table.print(context.out(), term, rows);
        context.out().println();
        context.out().println("Total: " + Money.format(estimate.low()) + " – " + Money.format(estimate.high())
                + " (expected " + Money.format(estimate.expected()) + ")"
                + (estimate.unknownSteps().isEmpty() ? "" : " + unknown: " + String.join(", ", estimate.unknownSteps())));
        context.out().println("Budget: " + estimate.limitSummary());
        if (!estimate.unpricedSteps().isEmpty() && estimate.limit() != null) {
            context.out().println(term.yellow("A run under this limit is refused while a price is unknown: set the"
                    + " price in ACP_HOME/pricing.yaml or --pricing FILE, or run with --allow-unknown-prices."));
        }
        if (estimate.unpricedSteps().size() < estimate.unknownSteps().size()) {
            context.out().println("Steps whose quantity only the run knows (a text an earlier step writes) are priced"
                    + " exactly, and reserved against the limits, when they start"
                    + (estimate.limit() == null ? "; without a limit the run asks before it spends." : "."));
        }
        hint.ifPresent(h -> context.out().println(term.yellow("Prices: " + h + ".")));
    }
}
