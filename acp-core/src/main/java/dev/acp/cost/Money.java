package dev.acp.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.jspecify.annotations.Nullable;

/** Formatting of US dollar amounts: as many decimals as a unit price needs, at least two. */
public final class Money {
    private Money() {}

    public static String format(@Nullable BigDecimal amount) {
        if (amount == null) {
            return "unknown";
        }
        BigDecimal v = amount.stripTrailingZeros();
        if (v.scale() < 2) {
            v = v.setScale(2, RoundingMode.UNNECESSARY);
        }
        if (v.scale() > 6) {
            v = v.setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
        }
        return (v.signum() < 0 ? "-$" : "$") + v.abs().toPlainString();
    }

    /** Rounded to cents for totals. */
    public static String cents(@Nullable BigDecimal amount) {
        if (amount == null) {
            return "unknown";
        }
        BigDecimal v = amount.setScale(2, RoundingMode.HALF_UP);
        if (v.signum() == 0 && amount.signum() > 0) {
            return "<$0.01";
        }
        return "$" + v.toPlainString();
    }
}
