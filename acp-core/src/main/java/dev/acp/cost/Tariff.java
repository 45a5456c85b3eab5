package dev.acp.cost;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * How a provider bills one model: the unit its invoice counts and the prices of that unit. Each
 * kind holds exactly the prices its unit needs (a video clip has a base length, tokens have an
 * input and an output price); a price nobody documented is null, never guessed. The
 * {@link Estimator} quotes tariffs before a call, and the run's cost control prices what a provider
 * reported after it.
 */
public sealed interface Tariff {

    /** The unit as written in {@code pricing.yaml}. */
    BillingUnit unit();

    /** Whether every way of calling the model has a price. */
    boolean known();

    /** The unit price for tables: {@code $0.025/MP}, {@code unknown}. */
    String describe();

    /** A price for each call, whatever it asks for. */
    record PerRequest(@Nullable BigDecimal price) implements Tariff {
        public BillingUnit unit() {
            return BillingUnit.REQUEST;
        }

        public boolean known() {
            return price != null;
        }

        public String describe() {
            return price == null ? "unknown" : Money.format(price) + "/request";
        }
    }

    /**
     * A price per image, or per variant: a variant names the parameters it applies to,
     * {@code quality=low,size=1024x1024}; a parameter a step does not set takes its value from
     * {@code defaultVariant}.
     */
    record PerImage(@Nullable BigDecimal price, Map<String, BigDecimal> variants, @Nullable String defaultVariant)
            implements Tariff {
        public PerImage {
            variants = Map.copyOf(new LinkedHashMap<>(variants));
        }

        public PerImage(@Nullable BigDecimal price) {
            this(price, Map.of(), null);
        }

        public BillingUnit unit() {
            return BillingUnit.IMAGE;
        }

        public boolean known() {
            return price != null || !variants.isEmpty();
        }

        public String describe() {
            if (variants.isEmpty()) {
                return price == null ? "unknown" : Money.format(price) + "/image";
            }
            return range(variants.values()) + "/image (by " + String.join(", ", variantParameters(variants)) + ")";
        }
    }

    /**
     * A price per megapixel of each image. {@code pixelsPerMegapixel} says what a megapixel is
     * (1,000,000, or 1,048,576 where a provider sells 1024×1024 as one), {@code roundUp} that each
     * image is billed in whole megapixels.
     */
    record PerMegapixel(@Nullable BigDecimal price, long pixelsPerMegapixel, boolean roundUp) implements Tariff {
        public static final long DECIMAL = 1_000_000L;

        public PerMegapixel {
            if (pixelsPerMegapixel <= 0) {
                throw new IllegalArgumentException("pixels per megapixel must be above 0");
            }
        }

        public BillingUnit unit() {
            return BillingUnit.MEGAPIXEL;
        }

        public boolean known() {
            return price != null;
        }

        public String describe() {
            if (price == null) {
                return "unknown";
            }
            String pixels = pixelsPerMegapixel == 1_048_576L ? "1024×1024 = 1 MP" : "1 MP = " + String.format(
                    java.util.Locale.ROOT, "%,d", pixelsPerMegapixel) + " px";
            String rules = roundUp ? "whole MP per image, " + pixels : pixelsPerMegapixel != DECIMAL ? pixels : "";
            return Money.format(price) + "/MP" + (rules.isEmpty() ? "" : " (" + rules + ")");
        }
    }

    /**
     * A price per second of video, by resolution where it differs, and with sound where that costs
     * more. {@code withAudio} maps resolutions (or {@code *} for all) to the price with sound; a
     * call that does not turn sound off gets it.
     */
    record PerVideoSecond(@Nullable BigDecimal price, Map<String, BigDecimal> byResolution,
            Map<String, BigDecimal> withAudio, @Nullable String defaultResolution) implements Tariff {
        public PerVideoSecond {
            byResolution = Map.copyOf(byResolution);
            withAudio = Map.copyOf(withAudio);
        }

        public PerVideoSecond(@Nullable BigDecimal price) {
            this(price, Map.of(), Map.of(), null);
        }

        public BillingUnit unit() {
            return BillingUnit.VIDEO_SECOND;
        }

        public boolean known() {
            return price != null || !byResolution.isEmpty() || !withAudio.isEmpty();
        }

        /**
         * The price of a second at a resolution (null: the default one) with or without sound;
         * null when that combination has no price.
         */
        public @Nullable BigDecimal rate(@Nullable String resolution, boolean audio) {
            String r = resolution != null ? resolution : defaultResolution;
            if (audio && !withAudio.isEmpty()) {
                BigDecimal p = r == null ? null : withAudio.get(r);
                return p != null ? p : withAudio.get("*");
            }
            BigDecimal p = r == null ? null : byResolution.get(r);
            return p != null ? p : price;
        }

        /** The dearest second over every resolution and sound setting: what an unknown call may cost. */
        public @Nullable BigDecimal highest() {
            return java.util.stream.Stream.concat(java.util.stream.Stream.concat(byResolution.values().stream(),
                    withAudio.values().stream()), java.util.stream.Stream.ofNullable(price))
                    .max(Comparator.naturalOrder()).orElse(null);
        }

        public String describe() {
            if (!known()) {
                return "unknown";
            }
            StringBuilder b = new StringBuilder();
            if (!byResolution.isEmpty()) {
                b.append(perResolution(byResolution));
            } else if (price != null) {
                b.append(Money.format(price)).append("/s");
            }
            if (!withAudio.isEmpty()) {
                b.append(b.isEmpty() ? "" : "; ").append("with audio ").append(withAudio.keySet().equals(
                        java.util.Set.of("*")) ? Money.format(withAudio.get("*")) + "/s" : perResolution(withAudio));
            }
            return b.toString();
        }
    }

    /**
     * A clip of {@code clipSeconds} at {@code price}, and each second beyond it at
     * {@code extraSecondPrice} (null: longer clips have no price).
     */
    record PerClip(@Nullable BigDecimal price, BigDecimal clipSeconds, @Nullable BigDecimal extraSecondPrice)
            implements Tariff {
        public PerClip {
            Objects.requireNonNull(clipSeconds, "clipSeconds");
            if (clipSeconds.signum() <= 0) {
                throw new IllegalArgumentException("a clip lasts more than 0 s");
            }
        }

        public BillingUnit unit() {
            return BillingUnit.VIDEO_CLIP;
        }

        public boolean known() {
            return price != null;
        }

        public String describe() {
            return price == null ? "unknown" : Money.format(price) + "/" + plain(clipSeconds) + " s clip"
                    + (extraSecondPrice == null ? "" : " + " + Money.format(extraSecondPrice) + "/extra s");
        }
    }

    /** A price per second of generated audio. */
    record PerAudioSecond(@Nullable BigDecimal price) implements Tariff {
        public BillingUnit unit() {
            return BillingUnit.AUDIO_SECOND;
        }

        public boolean known() {
            return price != null;
        }

        public String describe() {
            return price == null ? "unknown" : Money.format(price) + "/s";
        }
    }

    /** A price per {@code per} characters of text sent (1,000 or 1,000,000). */
    record PerCharacters(@Nullable BigDecimal price, long per) implements Tariff {
        public PerCharacters {
            if (per != 1_000 && per != 1_000_000) {
                throw new IllegalArgumentException("characters are priced per 1,000 or per 1,000,000");
            }
        }

        public BillingUnit unit() {
            return per == 1_000 ? BillingUnit.CHARACTERS_1K : BillingUnit.CHARACTERS_1M;
        }

        public boolean known() {
            return price != null;
        }

        public String describe() {
            return price == null ? "unknown" : Money.format(price) + "/" + unit().symbol();
        }
    }

    /**
     * The provider's credits: {@code creditsPerCharacter} for this model (its multiplier), bought
     * at the provider's dollar price per credit, which depends on the account's plan (see
     * {@link CreditPrice}).
     */
    record PerCredit(@Nullable BigDecimal creditsPerCharacter) implements Tariff {
        public BillingUnit unit() {
            return BillingUnit.CREDITS;
        }

        public boolean known() {
            return creditsPerCharacter != null;
        }

        public String describe() {
            return creditsPerCharacter == null ? "unknown" : plain(creditsPerCharacter) + " credit/char";
        }
    }

    /**
     * Input and output tokens, each priced per million; above {@code longContextTokens} input
     * tokens a request is billed at the long-context prices. {@code outputTokensPerSecond} turns
     * seconds of generated speech into output tokens, for speech models billed by tokens.
     */
    record PerToken(@Nullable BigDecimal inputPrice, @Nullable BigDecimal outputPrice,
            @Nullable Long longContextTokens, @Nullable BigDecimal longInputPrice, @Nullable BigDecimal longOutputPrice,
            @Nullable BigDecimal outputTokensPerSecond) implements Tariff {

        public PerToken(@Nullable BigDecimal inputPrice, @Nullable BigDecimal outputPrice) {
            this(inputPrice, outputPrice, null, null, null, null);
        }

        public BillingUnit unit() {
            return BillingUnit.TOKENS;
        }

        public boolean known() {
            return inputPrice != null && outputPrice != null;
        }

        public String describe() {
            return !known() ? "unknown" : Money.format(inputPrice) + " in + " + Money.format(outputPrice)
                    + " out /1M tokens" + (longContextTokens == null ? "" : " (above " + longContextTokens
                            + " input tokens: " + Money.format(longInputPrice) + " in + " + Money.format(longOutputPrice)
                            + " out)");
        }
    }

    /** Seconds of a machine's running time, priced by the kind of hardware. */
    record PerHardwareSecond(@Nullable BigDecimal price, Map<String, BigDecimal> byHardware,
            @Nullable String defaultHardware) implements Tariff {
        public PerHardwareSecond {
            byHardware = Map.copyOf(byHardware);
        }

        public BillingUnit unit() {
            return BillingUnit.HARDWARE_SECOND;
        }

        public boolean known() {
            return price != null || !byHardware.isEmpty();
        }

        /** The price of a second on this hardware (null: the default), or null when it has none. */
        public @Nullable BigDecimal rate(@Nullable String hardware) {
            String h = hardware != null ? hardware : defaultHardware;
            BigDecimal p = h == null ? null : byHardware.get(h.toLowerCase(java.util.Locale.ROOT));
            return p != null ? p : price;
        }

        /** The dearest second of any hardware: what a call on unknown hardware may cost. */
        public @Nullable BigDecimal highest() {
            return java.util.stream.Stream.concat(byHardware.values().stream(), java.util.stream.Stream.ofNullable(price))
                    .max(Comparator.naturalOrder()).orElse(null);
        }

        public String describe() {
            if (!known()) {
                return "unknown";
            }
            return byHardware.isEmpty() ? Money.format(price) + "/s of hardware"
                    : range(byHardware.values()) + "/s of hardware (" + byHardware.size() + " kinds)";
        }
    }

    private static String plain(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }

    private static String range(java.util.Collection<BigDecimal> values) {
        BigDecimal lo = values.stream().min(Comparator.naturalOrder()).orElseThrow();
        BigDecimal hi = values.stream().max(Comparator.naturalOrder()).orElseThrow();
        return lo.compareTo(hi) == 0 ? Money.format(lo) : Money.format(lo) + "–" + Money.format(hi);
    }

    private static String perResolution(Map<String, BigDecimal> prices) {
        return prices.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.comparingInt(Tariff::lines)
                .thenComparing(Comparator.naturalOrder())))
                .map(e -> e.getKey() + " " + Money.format(e.getValue()) + "/s").collect(Collectors.joining(", "));
    }

    /** The lines of a resolution name, for ordering: {@code 720p} 720, {@code 4k} 2160; 0 when not a number. */
    private static int lines(String resolution) {
        String r = resolution.toLowerCase(java.util.Locale.ROOT);
        String digits = r.replaceAll("[^0-9].*$", "");
        if (digits.isEmpty()) {
            return 0;
        }
        int n = Integer.parseInt(digits.length() > 6 ? digits.substring(0, 6) : digits);
        return r.endsWith("k") ? n * 540 : n;
    }

    /** The parameter names the variants of an image tariff are keyed by, in order of appearance. */
    static java.util.List<String> variantParameters(Map<String, BigDecimal> variants) {
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        for (String key : variants.keySet()) {
            Variant.parse(key).values().keySet().forEach(names::add);
        }
        return java.util.List.copyOf(names);
    }

    /** A variant key, {@code quality=low,size=1024x1024}, as parameter values (lower case). */
    record Variant(Map<String, String> values) {
        static Variant parse(String key) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String part : key.split(",")) {
                int eq = part.indexOf('=');
                if (eq <= 0 || eq == part.length() - 1) {
                    throw new IllegalArgumentException("a variant is written name=value[,name=value], not '" + key + "'");
                }
                m.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip().toLowerCase(java.util.Locale.ROOT));
            }
            return new Variant(Map.copyOf(m));
        }
    }
}
