package dev.acp.cli;

import dev.acp.Acp;
import dev.acp.cost.PricingCatalog;
import dev.acp.error.UsageException;
import java.math.BigDecimal;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** Options about money shared by {@code pipeline estimate} and {@code pipeline run}. */
final class CostOptions {
    @Option(names = "--cost-limit", paramLabel = "USD", description = "The most the run may spend, in US dollars;"
            + " wins over global_config.cost_limit.")
    String costLimit;

    @Option(names = "--pricing", paramLabel = "FILE", description = "Prices merged over the built-in catalog,"
            + " ACP_HOME/prices/ and ACP_HOME/pricing.yaml (format: README, \"Cost\").")
    Path pricing;

    /** {@code --cost-limit} as an amount, or null; a negative or non-numeric value is a usage error. */
    @Nullable BigDecimal limit() {
        if (costLimit == null) {
            return null;
        }
        BigDecimal v;
        try {
            v = new BigDecimal(costLimit.strip().replaceFirst("^\\$", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("--cost-limit must be an amount of US dollars, found '" + costLimit
                    + "' (write for example --cost-limit 5.00)");
        }
        if (v.signum() < 0) {
            throw new UsageException("--cost-limit is negative (" + costLimit + "); give an amount of 0 or more");
        }
        return v;
    }

    PricingCatalog catalog(CliContext context) {
        Path explicit = pricing == null ? null : context.workingDirectory().resolve(pricing);
        return PricingCatalog.load(Acp.acpHome(context.environment()), explicit);
    }
}
