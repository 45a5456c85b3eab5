package dev.acp.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.acp.batch.BatchCheck;
import dev.acp.batch.BatchRunner;
import dev.acp.batch.RowEstimate;
import dev.acp.cost.Money;
import dev.acp.cost.PipelineEstimate;
import dev.acp.error.UsageException;
import dev.acp.run.PublishedPricesHint;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code acp batch estimate}: every row's cost and the batch's total, before paying anything. */
@Command(name = "estimate", mixinStandardHelpOptions = true,
        description = "Check every row and estimate what each costs (low, expected, high) and what the batch costs"
                + " in total, with the steps of unknown price and the comparison with --cost-limit. Nothing is"
                + " called, paid or written.")
final class BatchEstimateCommand implements Callable<Integer> {

    @Mixin
    BatchCommand.Options options = new BatchCommand.Options();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "Output format:"
            + " ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    RunCommand.Format format;

    private final CliContext context;

    BatchEstimateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        if (options.config == null || options.inputs == null) {
            throw new UsageException("give the pipeline with --config FILE and the rows with --inputs FILE");
        }
        BigDecimal limit = options.limit();
        var acp = context.acp();
        BatchRunner runner = BatchRunner.newBatch(acp, options.config, options.inputs, context.workingDirectory())
                .offline(options.offline).parallel(options.parallel).outputDirectory(options.outputDirectory)
                .limitRows(options.limitRows).only(options.only).pricing(options.pricing)
                .allowUnknownPrices(options.allowUnknownPrices);
        PrintWriter out = context.out();
        BatchCheck check;
        if (format == RunCommand.Format.json) {
            JsonGenerator g = CliJson.pretty().getFactory().createGenerator(out);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeArrayFieldStart("rows");
            check = runner.check(row -> json(g, row));
            g.writeEndArray();
            if (check.valid()) {
                PipelineEstimate total = check.estimate(limit);
                g.writeNumberField("row_count", check.selectedRows());
                g.writeObjectField("total", total.toMap(false));
                g.writeObjectField("refused_rows", check.refusals());
                var hint = PublishedPricesHint.of(total, acp);
                if (hint.isPresent()) {
                    g.writeStringField("hint", hint.get());
                }
            }
            g.writeEndObject();
            g.flush();
            out.println();
        } else {
            out.println(context.terminal().bold(String.format("%-20s  %6s  %10s  %10s  %10s  %s", "ROW", "LINE", "LOW",
                    "EXPECTED", "HIGH", "UNKNOWN")));
            check = runner.check(this::row);
            if (check.valid()) {
                total(check, limit, acp);
            }
        }
        if (!check.valid()) {
            BatchCommand.printProblems(context.err(), check, BatchCommand.inputsLabel(check));
            return ExitCode.USAGE.code();
        }
        return ExitCode.OK.code();
    }

    private void row(RowEstimate r) {
        PipelineEstimate e = r.estimate();
        context.out().println(String.format("%-20s  %6d  %10s  %10s  %10s  %s", r.row().id(), r.row().line(),
                Money.format(e.low()), Money.format(e.expected()), Money.format(e.high()),
                String.join(", ", e.unknownSteps())).stripTrailing());
    }

    private void total(BatchCheck check, BigDecimal limit, dev.acp.Acp acp) {
        PrintWriter out = context.out();
        PipelineEstimate total = check.estimate(limit);
        out.println();
        long n = check.selectedRows();
        out.println("Total (" + n + (n == 1 ? " row" : " rows") + "): " + Money.format(total.low()) + " – "
                + Money.format(total.high()) + " (expected " + Money.format(total.expected()) + ")"
                + (total.unknownSteps().isEmpty() ? "" : " + unknown: " + String.join(", ", total.unknownSteps())));
        out.println("Budget: " + (limit == null ? "no batch limit (set one with --cost-limit)"
                : total.limitSummary().replace("the expected total", "the batch's expected total")));
        if (!total.unpricedSteps().isEmpty() && limit != null) {
            out.println(context.terminal().yellow("A batch under this limit is refused while a price is unknown: set"
                    + " the price in ACP_HOME/pricing.yaml or --pricing FILE, or run with --allow-unknown-prices."));
        }
        check.refusals().forEach(r -> out.println(context.terminal().yellow("refused: " + r)));
        PublishedPricesHint.of(total, acp).ifPresent(h -> out.println(context.terminal().yellow("Prices: " + h + ".")));
    }

    private static void json(JsonGenerator g, RowEstimate r) {
        try {
            PipelineEstimate e = r.estimate();
            g.writeStartObject();
            g.writeStringField("row_id", r.row().id());
            g.writeNumberField("line", r.row().line());
            g.writeNumberField("low", e.low());
            g.writeNumberField("expected", e.expected());
            g.writeNumberField("high", e.high());
            g.writeObjectField("unknown_steps", e.unknownSteps());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
