package dev.acp.cost;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.math.BigDecimal;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One {@link PriceEntry} as a YAML flow map in the format of {@code pricing.yaml}, so that a
 * stored price list reads back into the same entry: {@code { unit: megapixel, price: 0.025, ... }}.
 */
final class PriceEntryYaml {
    private PriceEntryYaml() {}

    static String of(PriceEntry e) {
        StringBuilder b = new StringBuilder("{ unit: ").append(e.unit().wireName());
        prices(b, e.tariff());
        if (e.pessimistic() != null) {
            StringBuilder p = new StringBuilder();
            prices(p, e.pessimistic());
            b.append(", pessimistic: {").append(p.substring(1)).append(" }");
        }
        amount(b, "default_quantity", e.defaultQuantity());
        amount(b, "max_quantity", e.maxQuantity());
        b.append(", source: ").append(quote(e.source())).append(", as_of: ").append(quote(e.asOf())).append(" }");
        return b.toString();
    }

    /** The tariff's keys, each written as {@code , key: value}. */
    private static void prices(StringBuilder b, Tariff tariff) {
        switch (tariff) {
            case Tariff.PerRequest t -> price(b, t.price());
            case Tariff.PerImage t -> {
                if (t.price() != null || t.variants().isEmpty()) {
                    price(b, t.price());
                }
                map(b, "variants", t.variants());
                text(b, "default_variant", t.defaultVariant());
            }
            case Tariff.PerMegapixel t -> {
                price(b, t.price());
                b.append(", megapixel_pixels: ").append(t.pixelsPerMegapixel()).append(", round_up: ").append(t.roundUp());
            }
            case Tariff.PerVideoSecond t -> {
                if (t.price() != null || !t.known()) {
                    price(b, t.price());
                }
                map(b, "by_resolution", t.byResolution());
                map(b, "with_audio", t.withAudio().keySet().equals(java.util.Set.of("*")) ? Map.of() : t.withAudio());
                if (t.withAudio().keySet().equals(java.util.Set.of("*"))) {
                    amount(b, "with_audio", t.withAudio().get("*"));
                }
                text(b, "default_resolution", t.defaultResolution());
            }
            case Tariff.PerClip t -> {
                price(b, t.price());
                amount(b, "clip_seconds", t.clipSeconds());
                amount(b, "extra_second_price", t.extraSecondPrice());
            }
            case Tariff.PerAudioSecond t -> price(b, t.price());
            case Tariff.PerCharacters t -> price(b, t.price());
            case Tariff.PerCredit t -> b.append(", credits_per_character: ").append(number(t.creditsPerCharacter()));
            case Tariff.PerToken t -> {
                b.append(", input_price: ").append(number(t.inputPrice())).append(", output_price: ")
                        .append(number(t.outputPrice()));
                if (t.longContextTokens() != null) {
                    b.append(", long_context_tokens: ").append(t.longContextTokens());
                    amount(b, "long_input_price", t.longInputPrice());
                    amount(b, "long_output_price", t.longOutputPrice());
                }
                amount(b, "output_tokens_per_second", t.outputTokensPerSecond());
            }
            case Tariff.PerHardwareSecond t -> {
                if (t.price() != null || t.byHardware().isEmpty()) {
                    price(b, t.price());
                }
                map(b, "by_hardware", t.byHardware());
                text(b, "default_hardware", t.defaultHardware());
            }
        }
    }

    private static void price(StringBuilder b, @Nullable BigDecimal price) {
        b.append(", price: ").append(number(price));
    }

    private static String number(@Nullable BigDecimal v) {
        return v == null ? "unknown" : v.stripTrailingZeros().toPlainString();
    }

    private static void amount(StringBuilder b, String key, @Nullable BigDecimal value) {
        if (value != null) {
            b.append(", ").append(key).append(": ").append(number(value));
        }
    }

    private static void text(StringBuilder b, String key, @Nullable String value) {
        if (value != null) {
            b.append(", ").append(key).append(": ").append(quote(value));
        }
    }

    private static void map(StringBuilder b, String key, Map<String, BigDecimal> values) {
        if (values.isEmpty()) {
            return;
        }
        b.append(", ").append(key).append(": {");
        String sep = " ";
        for (Map.Entry<String, BigDecimal> e : values.entrySet()) {
            b.append(sep).append(quote(e.getKey())).append(": ").append(number(e.getValue()));
            sep = ", ";
        }
        b.append(" }");
    }

    /** A YAML double-quoted scalar: a JSON string is one, whatever the text holds ({@code :}, {@code #}). */
    static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
