package dev.acp.content.index;

import dev.acp.error.UsageException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code field>=value} (or {@code >}, {@code <=}, {@code <}): only items with a number in the
 * metadata field {@code field} on that side of {@code value}. JSON numbers and text that reads as a
 * number (a CSV cell such as {@code 120}) both count; an item with a list of numbers passes when
 * one of them does. Two filters on one field make a range ({@code tempo>=90} and {@code tempo<120}).
 *
 * @param field the metadata field
 * @param lower the least value allowed, inclusive ({@code Double.NEGATIVE_INFINITY} for none)
 * @param upper the greatest value allowed, inclusive ({@code Double.POSITIVE_INFINITY} for none)
 */
public record RangeFilter(String field, double lower, double upper) implements ItemFilter {
    private static final Pattern FORM = Pattern.compile("^\\s*([^<>=\\s][^<>=]*?)\\s*(>=|<=|>|<)\\s*(\\S+)\\s*$");

    public RangeFilter {
        if (field.isEmpty()) {
            throw new IllegalArgumentException("a range filter needs a field");
        }
        if (Double.isNaN(lower) || Double.isNaN(upper)) {
            throw new IllegalArgumentException("range bounds must be numbers");
        }
    }

    /**
     * Reads {@code field>=value}, {@code field>value}, {@code field<=value} or {@code field<value}.
     *
     * @throws UsageException when the text is not of that form or the value is not a finite number
     */
    public static RangeFilter parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new UsageException("the condition '" + text + "' is not field>=number (or >, <=, <): write it like"
                    + " --where tempo_bpm>=100");
        }
        double value;
        try {
            value = Double.parseDouble(m.group(3));
        } catch (NumberFormatException e) {
            value = Double.NaN;
        }
        if (!Double.isFinite(value)) {
            throw new UsageException("the condition '" + text + "' compares with '" + m.group(3) + "', which is not a"
                    + " number: write it like --where " + m.group(1) + m.group(2) + "100");
        }
        String field = m.group(1);
        return switch (m.group(2)) {
            case ">=" -> new RangeFilter(field, value, Double.POSITIVE_INFINITY);
            case ">" -> new RangeFilter(field, Math.nextUp(value), Double.POSITIVE_INFINITY);
            case "<=" -> new RangeFilter(field, Double.NEGATIVE_INFINITY, value);
            case "<" -> new RangeFilter(field, Double.NEGATIVE_INFINITY, Math.nextDown(value));
            default -> throw new IllegalStateException("unexpected operator " + m.group(2));
        };
    }
}
