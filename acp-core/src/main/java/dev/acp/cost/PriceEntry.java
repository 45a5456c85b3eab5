package dev.acp.cost;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The price of one model at one provider, with where it comes from.
 *
 * @param model the model name as pipelines write it, or {@code *} for the provider's other models
 * @param price the price of one unit in US dollars, or null when not documented ({@code unknown});
 *     for {@link BillingUnit#TOKENS} see {@code inputPrice}/{@code outputPrice}
 * @param byResolution video prices per resolution ({@code 720p: 0.1}), empty when one price fits all
 * @param defaultResolution the resolution a call gets when it names none
 * @param inputPrice per million input tokens, or null when unknown (tokens only)
 * @param outputPrice per million output tokens, or null when unknown (tokens only)
 * @param defaultQuantity the quantity a call gets when its parameters do not say (for example a
 *     video model's fixed duration in seconds, or an LLM's default output tokens), or null
 * @param maxQuantity the most one call can use (for example characters per request), bounding
 *     estimates whose quantity is only known at run time; null when unbounded
 * @param source the URL or document the price was taken from
 * @param asOf the date the price was read there
 */
public record PriceEntry(
        String provider,
        String model,
        BillingUnit unit,
        @Nullable BigDecimal price,
        Map<String, BigDecimal> byResolution,
        @Nullable String defaultResolution,
        @Nullable BigDecimal inputPrice,
        @Nullable BigDecimal outputPrice,
        @Nullable BigDecimal defaultQuantity,
        @Nullable BigDecimal maxQuantity,
        String source,
        String asOf) {

    public PriceEntry {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(unit, "unit");
        byResolution = Map.copyOf(byResolution);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(asOf, "asOf");
    }

    /** A free entry (local engines). */
    public static PriceEntry free(String provider, String model, String source, String asOf) {
        return new PriceEntry(provider, model, BillingUnit.REQUEST, BigDecimal.ZERO, Map.of(), null, null, null, null,
                null, source, asOf);
    }

    /**
     * One price per unit, as a provider's published price list gives it (an image, a megapixel, a
     * second of video or of hardware, 1,000 characters).
     */
    public static PriceEntry perUnit(String provider, String model, BillingUnit unit, BigDecimal price, String source,
            String asOf) {
        if (unit == BillingUnit.TOKENS) {
            throw new IllegalArgumentException("tokens have an input and an output price");
        }
        return new PriceEntry(provider, model, unit, price, Map.of(), null, null, null, null, null, source, asOf);
    }

    /** Whether the entry has a price for every way it can be called. */
    public boolean known() {
        return switch (unit) {
            case TOKENS -> inputPrice != null && outputPrice != null;
            default -> price != null || !byResolution.isEmpty();
        };
    }

    /** The unit price for a resolution (video), or the single price; null when unknown. */
    public @Nullable BigDecimal priceFor(@Nullable String resolution) {
        if (byResolution.isEmpty()) {
            return price;
        }
        String r = resolution != null ? resolution : defaultResolution;
        BigDecimal p = r == null ? null : byResolution.get(r);
        if (p == null && price != null) {
            return price;
        }
        return p;
    }

    /** The highest price over every resolution: what an unknown resolution may cost. */
    public @Nullable BigDecimal highestPrice() {
        return byResolution.values().stream().reduce(price, (a, b) -> a == null ? b : a.max(b));
    }

    /** A short description of the unit price, for tables: {@code $0.013/s}, {@code unknown}. */
    public String describePrice() {
        if (!known()) {
            return "unknown";
        }
        if (unit == BillingUnit.TOKENS) {
            return Money.format(inputPrice) + " in + " + Money.format(outputPrice) + " out /1M tokens";
        }
        if (!byResolution.isEmpty()) {
            StringBuilder b = new StringBuilder();
            byResolution.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> b.append(b.isEmpty()
                    ? "" : ", ").append(e.getKey()).append(' ').append(Money.format(e.getValue())).append('/')
                    .append(unit.symbol()));
            return b.toString();
        }
        return Money.format(price) + "/" + unit.symbol();
    }
}
