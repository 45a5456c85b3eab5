package dev.acp.cost;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The price of one model at one provider, with where it comes from.
 *
 * @param model the model name as pipelines write it or the provider's id for it, or {@code *}
 *     for the provider's other models
 * @param tariff how the provider bills the model, with the prices of its unit
 * @param pessimistic a second tariff for the high end of estimates, where sources disagree or a
 *     rule is ambiguous (the higher of two published prices); null when there is one reading
 * @param defaultQuantity the quantity a call gets when its parameters do not say (for example a
 *     video model's fixed duration in seconds, or an LLM's default output tokens), or null
 * @param maxQuantity the most one call can use (for example characters per request), bounding
 *     estimates whose quantity is only known at run time; null when unbounded
 * @param source where the price was read: the provider's page or document, in words a user can
 *     follow
 * @param asOf the date the price was read there
 */
public record PriceEntry(
        String provider,
        String model,
        Tariff tariff,
        @Nullable Tariff pessimistic,
        @Nullable BigDecimal defaultQuantity,
        @Nullable BigDecimal maxQuantity,
        String source,
        String asOf) {

    public PriceEntry {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(tariff, "tariff");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(asOf, "asOf");
        if (pessimistic != null && pessimistic.unit() != tariff.unit()) {
            throw new IllegalArgumentException("the pessimistic tariff bills " + pessimistic.unit().wireName()
                    + ", the tariff " + tariff.unit().wireName());
        }
    }

    /** An entry with one reading of its price. */
    public PriceEntry(String provider, String model, Tariff tariff, String source, String asOf) {
        this(provider, model, tariff, null, null, null, source, asOf);
    }

    /** A free entry (local engines). */
    public static PriceEntry free(String provider, String model, String source, String asOf) {
        return new PriceEntry(provider, model, new Tariff.PerRequest(BigDecimal.ZERO), source, asOf);
    }

    /**
     * One price per unit, as a provider's published price list gives it (an image, a megapixel, a
     * second of video or of hardware, 1,000 characters, a request).
     */
    public static PriceEntry perUnit(String provider, String model, BillingUnit unit, BigDecimal price, String source,
            String asOf) {
        Tariff t = switch (unit) {
            case REQUEST -> new Tariff.PerRequest(price);
            case IMAGE -> new Tariff.PerImage(price);
            case MEGAPIXEL -> new Tariff.PerMegapixel(price, Tariff.PerMegapixel.DECIMAL, false);
            case VIDEO_SECOND -> new Tariff.PerVideoSecond(price);
            case AUDIO_SECOND -> new Tariff.PerAudioSecond(price);
            case CHARACTERS_1K -> new Tariff.PerCharacters(price, 1_000);
            case CHARACTERS_1M -> new Tariff.PerCharacters(price, 1_000_000);
            case HARDWARE_SECOND -> new Tariff.PerHardwareSecond(price, Map.of(), null);
            case VIDEO_CLIP, CREDITS, TOKENS -> throw new IllegalArgumentException(unit.wireName()
                    + " needs more than one price");
        };
        return new PriceEntry(provider, model, t, source, asOf);
    }

    /** Input and output prices per million tokens, as a chat provider publishes them. */
    public static PriceEntry perToken(String provider, String model, @Nullable BigDecimal inputPrice,
            @Nullable BigDecimal outputPrice, @Nullable BigDecimal defaultQuantity, String source, String asOf) {
        return new PriceEntry(provider, model, new Tariff.PerToken(inputPrice, outputPrice), null, defaultQuantity, null,
                source, asOf);
    }

    public BillingUnit unit() {
        return tariff.unit();
    }

    /** Whether the entry has a price for every way it can be called. */
    public boolean known() {
        return tariff.known();
    }

    /**
     * The single unit price of simple tariffs (per request, image, megapixel, second, characters,
     * clip), or null where the tariff has none or several.
     */
    public @Nullable BigDecimal price() {
        return switch (tariff) {
            case Tariff.PerRequest t -> t.price();
            case Tariff.PerImage t -> t.price();
            case Tariff.PerMegapixel t -> t.price();
            case Tariff.PerVideoSecond t -> t.price();
            case Tariff.PerClip t -> t.price();
            case Tariff.PerAudioSecond t -> t.price();
            case Tariff.PerCharacters t -> t.price();
            case Tariff.PerHardwareSecond t -> t.price();
            case Tariff.PerCredit t -> null;
            case Tariff.PerToken t -> null;
        };
    }

    /** The price per million input tokens of a token tariff, else null. */
    public @Nullable BigDecimal inputPrice() {
        return tariff instanceof Tariff.PerToken t ? t.inputPrice() : null;
    }

    /** The price per million output tokens of a token tariff, else null. */
    public @Nullable BigDecimal outputPrice() {
        return tariff instanceof Tariff.PerToken t ? t.outputPrice() : null;
    }

    /** A short description of the unit price, for tables: {@code $0.013/s}, {@code unknown}. */
    public String describePrice() {
        String main = tariff.describe();
        return pessimistic == null || !known() ? main : main + " (up to " + pessimistic.describe() + ")";
    }
}
