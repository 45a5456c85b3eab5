package dev.acp.content.index;

import dev.acp.error.UsageException;
import java.math.BigDecimal;

/**
 * {@code field=value}: only items whose metadata field {@code field} equals {@code value} (or,
 * for a list, holds it). Text matches exactly, case included; numbers match by value, so
 * {@code tempo=120} finds 120 and 120.0. {@code id=...} matches the item's id.
 *
 * @param field the metadata field
 * @param value the value it must have
 */
public record MetadataFilter(String field, String value) implements ItemFilter {

    /**
     * Reads {@code field=value}.
     *
     * @throws UsageException when there is no '=' or no field name
     */
    public static MetadataFilter parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new UsageException("the filter '" + text + "' is not field=value: write it like --filter"
                    + " genre=jazz");
        }
        return new MetadataFilter(text.substring(0, eq).strip(), text.substring(eq + 1));
    }

    /** The exact form a value is indexed and matched in: numbers in their shortest plain form. */
    static String term(String value) {
        String s = value.strip();
        if (!s.isEmpty() && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '-' || s.charAt(0) == '+'
                || s.charAt(0) == '.')) {
            try {
                BigDecimal d = new BigDecimal(s).stripTrailingZeros();
                return d.signum() == 0 ? "0" : d.toPlainString();
            } catch (NumberFormatException e) {
                // Not a number: matched as text.
            }
        }
        return value;
    }
}
