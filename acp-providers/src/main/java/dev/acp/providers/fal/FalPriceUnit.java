package dev.acp.providers.fal;

import dev.acp.cost.BillingUnit;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What one of fal's {@code unit} strings means in ACP's units: the billing unit, and what fal's
 * price is multiplied by to be a price of that unit (a price per character is 1,000 times smaller
 * than ACP's per 1,000 characters). fal documents only {@code image}, and third parties show
 * {@code compute seconds}, so the match is loose: any case, surrounding space, a plural, spaces,
 * underscores or hyphens between words, and a leading "per".
 *
 * @param factor fal's unit price times this is the price of one {@code unit}
 */
record FalPriceUnit(BillingUnit unit, BigDecimal factor) {
    /** The units ACP reads, for the message about one it does not. */
    static final String KNOWN = "image, megapixel, second, compute second, 1k characters, character";

    private static final Map<String, FalPriceUnit> BY_NAME = Map.ofEntries(
            Map.entry("image", new FalPriceUnit(BillingUnit.IMAGE, BigDecimal.ONE)),
            Map.entry("megapixel", new FalPriceUnit(BillingUnit.MEGAPIXEL, BigDecimal.ONE)),
            Map.entry("mp", new FalPriceUnit(BillingUnit.MEGAPIXEL, BigDecimal.ONE)),
            Map.entry("second", new FalPriceUnit(BillingUnit.VIDEO_SECOND, BigDecimal.ONE)),
            Map.entry("video second", new FalPriceUnit(BillingUnit.VIDEO_SECOND, BigDecimal.ONE)),
            // GPU-billed endpoints: fal falls back to per-second billing of the machine (prices.md, S3).
            Map.entry("compute second", new FalPriceUnit(BillingUnit.HARDWARE_SECOND, BigDecimal.ONE)),
            Map.entry("gpu second", new FalPriceUnit(BillingUnit.HARDWARE_SECOND, BigDecimal.ONE)),
            Map.entry("1k character", new FalPriceUnit(BillingUnit.CHARACTERS_1K, BigDecimal.ONE)),
            Map.entry("1000 character", new FalPriceUnit(BillingUnit.CHARACTERS_1K, BigDecimal.ONE)),
            Map.entry("thousand character", new FalPriceUnit(BillingUnit.CHARACTERS_1K, BigDecimal.ONE)),
            Map.entry("character", new FalPriceUnit(BillingUnit.CHARACTERS_1K, BigDecimal.valueOf(1000))));

    /** The unit of fal's {@code unit} string, or empty when ACP cannot price it. */
    static Optional<FalPriceUnit> of(String falUnit) {
        String words = falUnit.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s_-]+", " ");
        if (words.startsWith("per ")) {
            words = words.substring(4);
        }
        // "images", "megapixels", "seconds", "characters", "MPs": one plural s, on the last word only.
        if (words.endsWith("s") && !words.endsWith("ss")) {
            words = words.substring(0, words.length() - 1);
        }
        return Optional.ofNullable(BY_NAME.get(words));
    }

    /** fal's price of one of its units as the price of one {@link #unit}. */
    BigDecimal price(BigDecimal falPrice) {
        return falPrice.multiply(factor).stripTrailingZeros();
    }
}
