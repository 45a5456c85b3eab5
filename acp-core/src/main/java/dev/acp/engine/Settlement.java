package dev.acp.engine;

import java.math.BigDecimal;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A cost settled for a step.
 *
 * @param amount in USD; zero for cache hits and free engines
 * @param source where the amount came from: one of {@link dev.acp.cost.CostControl}'s sources
 *     ("reported", "computed", "catalog", "catalog_failure", "unknown"), or "cache"
 * @param job the provider job it pays for, so that collecting one job twice after a crash is
 *     counted once; null for calls that are not jobs
 */
public record Settlement(BigDecimal amount, String source, @Nullable String job) {
    /** Served from the artifact cache: nothing billed. */
    public static final String CACHE = "cache";
    /**
     * A request whose outcome is unknown and which is sent again ({@code --resend-unknown}): it may
     * have been billed, so the ledger counts it; it is not an answer.
     */
    public static final String POSSIBLE = "possible";

    public Settlement {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(source, "source");
    }
}
