package dev.acp.cost;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The dollar price of one of a provider's credits as this user's account pays it (ElevenLabs
 * bills speech in credits, sold at a price that depends on the plan).
 *
 * @param expected the price of a credit within the plan (the plan's price divided by its credits)
 * @param high the most a credit may cost: the plan's price for credits beyond those included,
 *     where the provider publishes one, else {@code expected}
 * @param basis where the price comes from, for estimates and reports: the plan or price set in
 *     {@code ACP_HOME/config.yaml}, or the assumption made without one
 * @param assumed whether no plan or price was set and the highest published price is assumed
 */
public record CreditPrice(BigDecimal expected, BigDecimal high, String basis, boolean assumed) {
    public CreditPrice {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(high, "high");
        Objects.requireNonNull(basis, "basis");
        if (expected.signum() < 0 || high.compareTo(expected) < 0) {
            throw new IllegalArgumentException("need 0 <= expected <= high: " + expected + ", " + high);
        }
    }
}
