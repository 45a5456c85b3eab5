package dev.acp.cli;

import dev.acp.batch.BatchCheck;
import dev.acp.batch.BatchProblem;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code acp batch ...}: one pipeline over many rows of inputs, with one budget. */
@Command(name = "batch", mixinStandardHelpOptions = true, subcommands = {BatchRunCommand.class,
    BatchEstimateCommand.class},
        description = "Run one pipeline once per row of a CSV or JSON Lines file of inputs, with one budget for"
                + " all rows, in one process; resumable. 'acp runs list' shows batches and their rows.")
final class BatchCommand {
    private BatchCommand() {}

    /** What {@code batch run} and {@code batch estimate} share: the files, the rows, the money. */
    static class Options {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The pipeline; its 'inputs:' are what"
                + " each row sets.")
        Path config;

        @Option(names = {"-i", "--inputs"}, paramLabel = "FILE", description = "The rows: a CSV file (header row of"
                + " input names, RFC 4180 quoting) or JSON Lines (one object per line), UTF-8; an 'id' column or"
                + " field names each row (default: its number). Relative file paths start in this file's folder.")
        Path inputs;

        @Option(names = "--offline", description = "Use the local offline engines for every step.")
        boolean offline;

        @Option(names = "--parallel", description = "Run parallel groups side by side even if the file does not"
                + " set global_config.parallel_enabled.")
        boolean parallel;

        @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", description = "Each row's outputs go to"
                + " DIR/<row id>/, and batch.json and batch.csv to DIR (default: the pipeline's output_directory).")
        Path outputDirectory;

        @Option(names = "--limit-rows", paramLabel = "N", description = "Run only the first N rows.")
        Long limitRows;

        @Option(names = "--only", paramLabel = "IDS", split = ",", description = "Run only these rows (ids,"
                + " comma-separated).")
        List<String> only = new ArrayList<>();

        @Option(names = "--cost-limit", paramLabel = "USD", description = "The most the whole batch may spend, in US"
                + " dollars; each row also keeps its pipeline's own cost_limit.")
        String costLimit;

        @Option(names = "--pricing", paramLabel = "FILE", description = "Prices merged over the built-in catalog,"
                + " ACP_HOME/prices/ and ACP_HOME/pricing.yaml.")
        Path pricing;

        @Option(names = "--allow-unknown-prices", description = "Run steps whose price is unknown even under a cost"
                + " limit; they reserve nothing and settle what the provider reports.")
        boolean allowUnknownPrices;

        /** {@code --cost-limit} as an amount, or null; a negative or non-numeric value is a usage error. */
        @Nullable BigDecimal limit() {
            return CostOptions.parseLimit(costLimit, "50");
        }
    }

    /** Prints the rows' problems, one line each, and what happens now. */
    static void printProblems(PrintWriter err, BatchCheck check, String inputs) {
        check.problems().forEach(p -> err.println(p.render()));
        long n = check.problems().size() + check.moreProblems();
        if (check.moreProblems() > 0) {
            err.println("... and " + check.moreProblems() + " more");
        }
        err.println(n + (n == 1 ? " error" : " errors") + " in " + inputs + "; nothing was run.");
    }

    /** The inputs file as problems name it. */
    static String inputsLabel(BatchCheck check) {
        return check.problems().stream().map(BatchProblem::file).findFirst().orElse("the inputs");
    }
}
