package dev.acp.cost;

import dev.acp.error.UsageException;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a provider's credits cost in dollars, by plan (ElevenLabs sells credits in monthly plans;
 * a plan's price divided by its credits is the price of one, and credits beyond the plan cost
 * the plan's overage price where one is published).
 *
 * @param plans by plan name, lower case
 * @param assumed the price used when the user names neither a plan nor a price: the highest the
 *     provider publishes, so that an estimate is never below the bill
 */
public record CreditPlans(Map<String, Plan> plans, BigDecimal assumed, String source, String asOf) {

    public CreditPlans {
        plans = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(plans));
    }

    /** One plan: the price of a credit within it, and beyond its credits (null when not published). */
    public record Plan(BigDecimal price, @Nullable BigDecimal overage) {}

    /**
     * The price this user pays per credit.
     *
     * @param creditPrice {@code providers.<id>.credit_price} from {@code ACP_HOME/config.yaml}, or null
     * @param plan {@code providers.<id>.plan}, or null
     * @param where the configuration file, named in errors and in the basis
     */
    public CreditPrice resolve(String provider, @Nullable BigDecimal creditPrice, @Nullable String plan, String where) {
        if (creditPrice != null) {
            return new CreditPrice(creditPrice, creditPrice, "credit_price " + Money.format(creditPrice) + " set in "
                    + where, false);
        }
        if (plan != null) {
            Plan p = plans.get(plan.toLowerCase(Locale.ROOT));
            if (p == null) {
                throw new UsageException(where + ": providers." + provider + ".plan '" + plan + "' is not a plan ACP"
                        + " knows; use one of " + String.join(", ", plans.keySet())
                        + ", or set credit_price to what one credit costs you");
            }
            BigDecimal high = p.overage() == null ? p.price() : p.overage().max(p.price());
            return new CreditPrice(p.price(), high, "plan '" + plan.toLowerCase(Locale.ROOT) + "' set in " + where
                    + ": " + Money.format(p.price()) + " per credit" + (p.overage() == null ? ""
                            : ", " + Money.format(p.overage()) + " beyond the plan's credits"), false);
        }
        return new CreditPrice(assumed, assumed, "assumed " + Money.format(assumed) + " per credit, the highest "
                + provider + " publishes; set providers." + provider + ".plan (" + String.join(", ", plans.keySet()) + ") or credit_price in " + where, true);
    }
}
