package dev.acp.cost;

import dev.acp.provider.Usage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The arithmetic of tariffs, shared by estimates (quantities read from parameters) and
 * settlements (quantities a provider reported): megapixels of an image, the price of a clip, of
 * tokens, and the price of a reported {@link Usage}.
 */
public final class Tariffs {
    private static final MathContext MC = MathContext.DECIMAL64;
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private Tariffs() {}

    /** The megapixels one image of this size is billed as. */
    static BigDecimal megapixels(Tariff.PerMegapixel t, int width, int height) {
        BigDecimal mp = BigDecimal.valueOf((long) width * height).divide(BigDecimal.valueOf(t.pixelsPerMegapixel()), MC);
        return t.roundUp() ? mp.setScale(0, RoundingMode.CEILING).max(BigDecimal.ONE) : mp.setScale(2, RoundingMode.UP);
    }

    /** A clip of {@code seconds}: the base price, plus each second beyond the base length; null when unpriced. */
    static @Nullable BigDecimal clip(Tariff.PerClip t, BigDecimal seconds) {
        BigDecimal extra = seconds.subtract(t.clipSeconds()).max(BigDecimal.ZERO);
        if (extra.signum() > 0 && t.extraSecondPrice() == null) {
            return null;
        }
        return extra.signum() == 0 ? t.price() : t.price().add(extra.multiply(t.extraSecondPrice()));
    }

    /** Tokens at the tariff's prices, at the long-context prices above its threshold. */
    static BigDecimal tokens(Tariff.PerToken t, long input, long output) {
        boolean longContext = t.longContextTokens() != null && input > t.longContextTokens()
                && t.longInputPrice() != null && t.longOutputPrice() != null;
        BigDecimal in = longContext ? t.longInputPrice() : t.inputPrice();
        BigDecimal out = longContext ? t.longOutputPrice() : t.outputPrice();
        return in.multiply(BigDecimal.valueOf(input)).add(out.multiply(BigDecimal.valueOf(output))).divide(MILLION, MC);
    }

    /** A settled amount and how it was reached: {@code 2 images (1024×768) × 1 MP × $0.025/MP}. */
    public record Computed(BigDecimal amount, String formula) {}

    /**
     * The price of what a provider reported delivering, or empty when the tariff cannot price
     * that kind of usage or lacks the price it needs (the settlement then falls back to the
     * estimate). Quantities the report leaves out (an image's size, a video's resolution) come
     * from the step's parameters.
     *
     * @param credit the price of a credit, for tariffs billed in credits; null when unknown
     */
    public static Optional<Computed> charge(Tariff tariff, Usage usage, Map<String, Object> params,
            @Nullable CreditPrice credit) {
        if (!tariff.known()) {
            return Optional.empty();
        }
        if (usage instanceof Usage.Several several) {
            for (Usage reading : several.readings()) {
                Optional<Computed> c = charge(tariff, reading, params, credit);
                if (c.isPresent()) {
                    return c;
                }
            }
            return Optional.empty();
        }
        return Optional.ofNullable(switch (tariff) {
            case Tariff.PerRequest t -> new Computed(t.price(), "1 request × " + Money.format(t.price()));
            case Tariff.PerImage t -> usage instanceof Usage.Images i ? perImage(t, i, params) : null;
            case Tariff.PerMegapixel t -> usage instanceof Usage.Images i ? perMegapixel(t, i, params) : null;
            case Tariff.PerVideoSecond t -> usage instanceof Usage.Video v ? perVideoSecond(t, v, params) : null;
            case Tariff.PerClip t -> usage instanceof Usage.Video v ? perClip(t, v) : null;
            case Tariff.PerAudioSecond t -> usage instanceof Usage.AudioSeconds a
                    ? new Computed(t.price().multiply(a.seconds()), a.describe() + " × " + Money.format(t.price()) + "/s")
                    : null;
            case Tariff.PerCharacters t -> usage instanceof Usage.Characters c
                    ? new Computed(t.price().multiply(BigDecimal.valueOf(c.count())).divide(BigDecimal.valueOf(t.per()),
                            MC), c.describe() + " × " + Money.format(t.price()) + "/" + t.unit().symbol()) : null;
            case Tariff.PerCredit t -> credit == null ? null : perCredit(t, usage, credit);
            case Tariff.PerToken t -> usage instanceof Usage.Tokens k ? new Computed(tokens(t, k.input(), k.output()),
                    k.describe() + " at " + t.describe()) : null;
            case Tariff.PerHardwareSecond t -> usage instanceof Usage.HardwareTime h ? perHardware(t, h, params) : null;
        });
    }

    private static @Nullable Computed perImage(Tariff.PerImage t, Usage.Images i, Map<String, Object> params) {
        if (t.variants().isEmpty()) {
            BigDecimal n = BigDecimal.valueOf(i.sizes().size());
            return new Computed(t.price().multiply(n), i.describe() + " × " + Money.format(t.price()) + "/image");
        }
        // Each image at the variant of its own size (as returned) and the quality asked; an image
        // that fits no variant at the dearest, so the ledger never counts less than the bill.
        BigDecimal total = BigDecimal.ZERO;
        Map<String, BigDecimal> variants = new java.util.LinkedHashMap<>();
        for (Usage.Size size : i.sizes()) {
            Map<String, Object> asked = new java.util.HashMap<>(params);
            if (size.known()) {
                asked.put("size", size.width() + "x" + size.height());
            }
            ImageVariants.Choice c = ImageVariants.choose(t, asked);
            boolean exact = c.expected().compareTo(c.high()) == 0;
            BigDecimal each = exact ? c.expected() : c.high();
            total = total.add(each);
            variants.put(exact ? c.variant() : "no variant fits, the dearest", each);
        }
        if (variants.size() == 1) {
            var only = variants.entrySet().iterator().next();
            return new Computed(total, i.describe() + " × " + Money.format(only.getValue()) + "/image (" + only.getKey()
                    + ")");
        }
        List<String> parts = new java.util.ArrayList<>();
        variants.forEach((v, p) -> parts.add(v + " " + Money.format(p)));
        return new Computed(total, i.describe() + " at " + String.join("; ", parts) + " per image");
    }

    private static @Nullable Computed perMegapixel(Tariff.PerMegapixel t, Usage.Images i, Map<String, Object> params) {
        int[] asked = StepParameters.size(params);
        BigDecimal total = BigDecimal.ZERO;
        for (Usage.Size s : i.sizes()) {
            int[] wh = s.known() ? new int[] {s.width(), s.height()} : asked;
            if (wh == null) {
                return null;
            }
            total = total.add(megapixels(t, wh[0], wh[1]));
        }
        return new Computed(total.multiply(t.price()), i.describe() + " = " + total.stripTrailingZeros().toPlainString()
                + " MP × " + Money.format(t.price()) + "/MP");
    }

    private static @Nullable Computed perVideoSecond(Tariff.PerVideoSecond t, Usage.Video v, Map<String, Object> params) {
        String resolution = v.resolution() != null ? v.resolution().toLowerCase(java.util.Locale.ROOT)
                : params.get("resolution") instanceof String s ? s.toLowerCase(java.util.Locale.ROOT) : null;
        Boolean audioAsked = StepParameters.flag(params.get("generate_audio"));
        boolean audio = !t.withAudio().isEmpty() && (v.audio() != null ? v.audio() : !Boolean.FALSE.equals(audioAsked));
        BigDecimal rate = t.rate(resolution, audio);
        if (rate == null) {
            rate = t.highest();
        }
        return new Computed(rate.multiply(v.seconds()), v.describe() + " × " + Money.format(rate) + "/s");
    }

    private static @Nullable Computed perClip(Tariff.PerClip t, Usage.Video v) {
        BigDecimal amount = clip(t, v.seconds());
        return amount == null ? null : new Computed(amount, v.describe() + " as a " + t.describe());
    }

    private static @Nullable Computed perCredit(Tariff.PerCredit t, Usage usage, CreditPrice credit) {
        BigDecimal credits = switch (usage) {
            case Usage.Credits c -> c.credits();
            case Usage.Characters c -> BigDecimal.valueOf(c.count()).multiply(t.creditsPerCharacter());
            default -> null;
        };
        return credits == null ? null : new Computed(credits.multiply(credit.expected()), credits.stripTrailingZeros()
                .toPlainString() + " credits × " + Money.format(credit.expected()) + "/credit [" + credit.basis() + "]");
    }

    private static Computed perHardware(Tariff.PerHardwareSecond t, Usage.HardwareTime h, Map<String, Object> params) {
        String hardware = h.hardware() != null ? h.hardware()
                : params.get("hardware") instanceof String s && !StepParameters.isTemplate(s) ? s : null;
        BigDecimal rate = t.rate(hardware);
        boolean guessed = rate == null;
        if (guessed) {
            // Unknown hardware: its dearest kind, so that the ledger never counts less than the bill.
            rate = t.highest();
        }
        return new Computed(rate.multiply(h.seconds()), h.describe() + " × " + Money.format(rate) + "/s"
                + (guessed ? " (the dearest hardware: which one ran is not known)" : ""));
    }
}
