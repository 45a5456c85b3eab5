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
        return parseLimit(costLimit, "5.00");
    }

    /**
     * A {@code --cost-limit} value ("5", "$5.00") as an amount, or null when not given; a negative
     * or non-numeric value is a usage error showing {@code example}.
     */
    static @Nullable BigDecimal parseLimit(@Nullable String text, String example) {
        if (text == null) {
            return null;
        }
        BigDecimal v;
        try {
            v = new BigDecimal(text.strip().replaceFirst("^\\$", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("--cost-limit must be an amount of US dollars, found '" + text
                    + "' (write for example --cost-limit " + example + ")");
        }
        if (v.signum() < 0) {
            throw new UsageException("--cost-limit is negative (" + text + "); give an amount of 0 or more");
        }
        return v;
    }

    PricingCatalog catalog(CliContext context) {
        Path explicit = pricing == null ? null : context.workingDirectory().resolve(pricing);
        return PricingCatalog.load(Acp.acpHome(context.environment()), explicit);
    }
}
