package dev.acp.cost;

import dev.acp.plan.PlannedTask;
import dev.acp.pipeline.Capability;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Estimates what a step costs from its model's tariff and its parameters: image count and size,
 * video duration, resolution and sound, text length, prompt length and answer tokens. Before a
 * run the parameters may still hold {@code {{...}}} templates, whose values are bounded where the
 * entry says how (max_quantity) and unknown otherwise; at dispatch they are rendered and exact.
 * Where a price has two readings (the entry's {@code pessimistic} tariff), the expected amount
 * uses the first and the high end the dearer one.
 */
public final class Estimator {
    /** Characters of speech per second, to turn text into audio seconds (about 150 words a minute). */
    static final int CHARS_PER_SECOND = 15;
    private static final MathContext MC = MathContext.DECIMAL64;
    /** Why a text priced per character cannot be estimated before the run. */
    static final String TEXT_AT_RUN_TIME = "its text comes from an earlier step or input and is known only when the"
            + " step starts, when it is priced exactly and reserved against the limits";

    /** The model a provider calls for a step that names none, when the provider decides it. */
    @FunctionalInterface
    public interface ProviderDefaults {
        ProviderDefaults NONE = (provider, capability) -> Optional.empty();

        Optional<String> defaultModel(String provider, Capability capability);
    }

    private final PricingCatalog pricing;
    private final ProviderDefaults providerDefaults;

    public Estimator(PricingCatalog pricing) {
        this(pricing, ProviderDefaults.NONE);
    }

    /**
     * @param providerDefaults the providers' own default models (see
     *     {@link dev.acp.provider.Provider#configuredDefaultModel}), asked before the catalog's
     */
    public Estimator(PricingCatalog pricing, ProviderDefaults providerDefaults) {
        this.pricing = pricing;
        this.providerDefaults = providerDefaults;
    }

    public PricingCatalog pricing() {
        return pricing;
    }

    /** Estimates a planned task from its configuration as written (templates not yet rendered). */
    public StepEstimate estimate(PlannedTask t) {
        return estimate(t, t.spec().config());
    }

    /**
     * Estimates a task with these parameters (rendered at dispatch, or as written before the run).
     * Retries widen the high end only at providers that bill failed calls.
     */
    public StepEstimate estimate(PlannedTask t, Map<String, Object> params) {
        String provider = t.providerId();
        Capability capability = t.capability();
        // The model that will be called: the step's, else the one the provider picks, else the catalog's default.
        String chosen = t.model() != null ? t.model() : providerDefaults.defaultModel(provider, capability).orElse(null);
        String model = chosen != null ? chosen : pricing.defaultModel(provider, capability).orElse(null);
        PriceEntry entry = pricing.lookup(provider, chosen, capability).orElse(null);
        if (entry == null) {
            return new StepEstimate(t.id(), provider, model, null, new StepEstimate.Unknown("provider '" + provider
                    + "' has no prices in the pricing catalog"), "no price for " + provider);
        }
        String priced = model == null ? provider : provider + "/" + model;
        if (!entry.known()) {
            return new StepEstimate(t.id(), provider, model, entry, new StepEstimate.Unknown("no published price for "
                    + priced + " (" + entry.source() + ")"), "price unknown");
        }
        Quote q = quote(entry.tariff(), entry, capability, params);
        if (entry.pessimistic() != null && q.cost instanceof StepEstimate.Range r
                && quote(entry.pessimistic(), entry, capability, params).cost instanceof StepEstimate.Range p
                && p.high().compareTo(r.high()) > 0) {
            q = new Quote(new StepEstimate.Range(r.low(), r.expected(), p.high()), q.formula + " (up to "
                    + Money.format(p.high()) + " at " + entry.pessimistic().describe() + ", the higher reading)");
        }
        if (q.cost instanceof StepEstimate.Range r && r.high().signum() > 0 && t.spec().retryCount() > 0
                && pricing.billsFailures(provider)) {
            int attempts = t.spec().retryCount() + 1;
            BigDecimal high = r.high().multiply(BigDecimal.valueOf(attempts));
            return new StepEstimate(t.id(), provider, model, entry, new StepEstimate.Range(r.low(), r.expected(), high),
                    q.formula + " (up to " + attempts + " billed attempts)");
        }
        return new StepEstimate(t.id(), provider, model, entry, q.cost, q.formula);
    }

    private record Quote(StepEstimate.Cost cost, String formula) {
        static Quote exact(BigDecimal amount, String formula) {
            return new Quote(StepEstimate.Range.exactly(amount), formula);
        }

        static Quote range(BigDecimal low, BigDecimal expected, BigDecimal high, String formula) {
            return new Quote(new StepEstimate.Range(low, expected.max(low), high.max(expected).max(low)), formula);
        }

        static Quote unknown(String reason) {
            return new Quote(new StepEstimate.Unknown(reason), reason);
        }

        /** A known price whose quantity the run will tell: exact, and reserved, when the step starts. */
        static Quote atDispatch(String reason) {
            return new Quote(new StepEstimate.Unknown(reason, true), reason);
        }
    }

    private Quote quote(Tariff tariff, PriceEntry e, Capability capability, Map<String, Object> params) {
        return switch (tariff) {
            case Tariff.PerRequest t -> Quote.exact(t.price(), "1 request × " + Money.format(t.price()) + "/request");
            case Tariff.PerImage t -> images(t, params);
            case Tariff.PerMegapixel t -> megapixels(t, params);
            case Tariff.PerVideoSecond t -> videoSeconds(t, e, params);
            case Tariff.PerClip t -> clip(t, e, params);
            case Tariff.PerAudioSecond t -> audioSeconds(t, e, params);
            case Tariff.PerCharacters t -> characters(t, e, params);
            case Tariff.PerCredit t -> credits(t, e, params);
            case Tariff.PerToken t -> tokens(t, e, capability, params);
            case Tariff.PerHardwareSecond t -> hardware(t, e, params);
        };
    }

    private Quote images(Tariff.PerImage t, Map<String, Object> params) {
        Integer n = StepParameters.count(params.get("num_images"), 1);
        if (n == null) {
            return Quote.atDispatch("num_images is only known at run time");
        }
        BigDecimal count = BigDecimal.valueOf(n);
        String images = n + (n == 1 ? " image" : " images");
        if (t.variants().isEmpty()) {
            return Quote.exact(t.price().multiply(count), images + " × " + Money.format(t.price()) + "/image");
        }
        ImageVariants.Choice c = ImageVariants.choose(t, params);
        String formula = images + " × " + Money.format(c.expected()) + "/image (" + c.variant() + ")";
        return Quote.range(c.expected().multiply(count), c.expected().multiply(count), c.high().multiply(count),
                c.high().compareTo(c.expected()) > 0 ? formula + ", up to " + Money.format(c.high()) + "/image" : formula);
    }

    private Quote megapixels(Tariff.PerMegapixel t, Map<String, Object> params) {
        Integer n = StepParameters.count(params.get("num_images"), 1);
        int[] size = StepParameters.size(params);
        if (n == null || size == null) {
            return Quote.atDispatch("the image size or count is only known at run time");
        }
        BigDecimal mp = Tariffs.megapixels(t, size[0], size[1]);
        BigDecimal amount = t.price().multiply(mp).multiply(BigDecimal.valueOf(n));
        return Quote.exact(amount, (n == 1 ? "" : n + " × ") + mp.stripTrailingZeros().toPlainString() + " MP ("
                + size[0] + "×" + size[1] + ") × " + Money.format(t.price()) + "/MP");
    }

    private Quote videoSeconds(Tariff.PerVideoSecond t, PriceEntry e, Map<String, Object> params) {
        BigDecimal seconds = duration(e, params);
        if (seconds == null) {
            return StepParameters.isTemplate(params.get("duration")) ? Quote.atDispatch("the duration is only known at"
                    + " run time") : Quote.unknown("no duration given and " + e.provider() + "/" + e.model()
                            + " has no default duration");
        }
        Object res = params.get("resolution");
        String resolution = res instanceof String s && !StepParameters.isTemplate(s) ? s.toLowerCase(Locale.ROOT) : null;
        Boolean audio = StepParameters.flag(params.get("generate_audio"));
        boolean withAudio = !t.withAudio().isEmpty() && !Boolean.FALSE.equals(audio);
        BigDecimal unit = t.rate(resolution, withAudio);
        boolean guessed = unit == null || (res != null && resolution == null)
                || (audio == null && StepParameters.isTemplate(params.get("generate_audio")));
        if (guessed) {
            unit = t.highest();
        }
        String formula = plain(seconds) + " s × " + Money.format(unit) + "/s"
                + (guessed ? " (the dearest resolution and sound)" : (resolution != null ? " (" + resolution
                        + (withAudio ? ", with audio" : "") + ")" : withAudio ? " (with audio)" : ""));
        return Quote.exact(unit.multiply(seconds), formula);
    }

    private Quote clip(Tariff.PerClip t, PriceEntry e, Map<String, Object> params) {
        BigDecimal seconds = duration(e, params);
        if (seconds == null && StepParameters.isTemplate(params.get("duration"))) {
            return Quote.atDispatch("the duration is only known at run time");
        }
        if (seconds == null) {
            seconds = t.clipSeconds();
        }
        BigDecimal amount = Tariffs.clip(t, seconds);
        if (amount == null) {
            return Quote.unknown(plain(seconds) + " s is longer than the " + plain(t.clipSeconds()) + " s clip "
                    + e.provider() + "/" + e.model() + " has a price for");
        }
        BigDecimal extra = seconds.subtract(t.clipSeconds()).max(BigDecimal.ZERO);
        return Quote.exact(amount, plain(t.clipSeconds()) + " s clip " + Money.format(t.price())
                + (extra.signum() > 0 ? " + " + plain(extra) + " s × " + Money.format(t.extraSecondPrice()) + "/s" : ""));
    }

    private Quote audioSeconds(Tariff.PerAudioSecond t, PriceEntry e, Map<String, Object> params) {
        BigDecimal seconds = StepParameters.seconds(params.get("duration"));
        if (seconds != null) {
            return Quote.exact(t.price().multiply(seconds), plain(seconds) + " s × " + Money.format(t.price()) + "/s");
        }
        StepParameters.Text text = StepParameters.text(params);
        if (text.templated() && e.maxQuantity() == null) {
            return Quote.atDispatch(TEXT_AT_RUN_TIME);
        }
        BigDecimal seconds0 = BigDecimal.valueOf(text.length()).divide(BigDecimal.valueOf(CHARS_PER_SECOND), MC);
        BigDecimal p = t.price();
        BigDecimal low = seconds0.multiply(p);
        // Speech runs slower than the average reader sometimes: half as long again is the pessimistic end.
        BigDecimal high = (text.templated() ? e.maxQuantity().max(seconds0) : seconds0.multiply(BigDecimal.valueOf(1.5)))
                .multiply(p);
        BigDecimal expected = text.templated() ? low.add(high).divide(BigDecimal.valueOf(2), MC) : low;
        return Quote.range(low, expected, high, "~" + seconds0.setScale(0, RoundingMode.UP) + " s of speech ("
                + text.length() + " chars" + (text.templated() ? ", text known at run time" : "") + ") × "
                + Money.format(p) + "/s");
    }

    private Quote characters(Tariff.PerCharacters t, PriceEntry e, Map<String, Object> params) {
        StepParameters.Text text = StepParameters.text(params);
        BigDecimal per = BigDecimal.valueOf(t.per());
        String unit = Money.format(t.price()) + "/" + t.unit().symbol();
        if (!text.templated()) {
            return Quote.exact(t.price().multiply(BigDecimal.valueOf(text.length())).divide(per, MC), text.length()
                    + " chars × " + unit);
        }
        if (e.maxQuantity() == null) {
            return Quote.atDispatch(TEXT_AT_RUN_TIME);
        }
        BigDecimal low = t.price().multiply(BigDecimal.valueOf(text.length())).divide(per, MC);
        BigDecimal high = t.price().multiply(e.maxQuantity().max(BigDecimal.valueOf(text.length()))).divide(per, MC);
        return Quote.range(low, low.add(high).divide(BigDecimal.valueOf(2), MC), high, text.length() + "–"
                + plain(e.maxQuantity()) + " chars (text known at run time) × " + unit);
    }

    private Quote credits(Tariff.PerCredit t, PriceEntry e, Map<String, Object> params) {
        CreditPrice price = pricing.creditPrice(e.provider()).orElse(null);
        if (price == null) {
            return Quote.unknown(e.provider() + " bills in credits, and the pricing catalog has no dollar price of"
                    + " a credit");
        }
        StepParameters.Text text = StepParameters.text(params);
        if (text.templated() && e.maxQuantity() == null) {
            return Quote.atDispatch(TEXT_AT_RUN_TIME);
        }
        BigDecimal low = BigDecimal.valueOf(text.length());
        BigDecimal high = text.templated() ? e.maxQuantity().max(low) : low;
        BigDecimal expectedChars = text.templated() ? low.add(high).divide(BigDecimal.valueOf(2), MC) : low;
        BigDecimal perChar = t.creditsPerCharacter();
        String chars = text.templated() ? text.length() + "–" + plain(high) + " chars (text known at run time)"
                : text.length() + " chars";
        return Quote.range(low.multiply(perChar).multiply(price.expected()),
                expectedChars.multiply(perChar).multiply(price.expected()), high.multiply(perChar).multiply(price.high()),
                chars + " × " + plain(perChar) + " credit/char × " + Money.format(price.expected()) + "/credit"
                        + (price.high().compareTo(price.expected()) > 0 ? " (up to " + Money.format(price.high())
                                + "/credit beyond the plan)" : "") + " [" + price.basis() + "]");
    }

    private Quote tokens(Tariff.PerToken t, PriceEntry e, Capability capability, Map<String, Object> params) {
        StepParameters.Text text = StepParameters.text(params);
        long input = (text.length() + StepParameters.CHARS_PER_TOKEN - 1) / StepParameters.CHARS_PER_TOKEN;
        if (capability == Capability.IMAGE_UNDERSTANDING) {
            input += StepParameters.TOKENS_PER_IMAGE;
        }
        long inputHigh = input + (text.templated() ? StepParameters.TEMPLATE_TOKENS : 0);
        long outputHigh;
        long outputExpected;
        String outputWhat;
        if (capability == Capability.TEXT_TO_SPEECH && t.outputTokensPerSecond() != null) {
            // Speech billed by tokens: the audio's tokens follow its length, from the text's.
            BigDecimal seconds = BigDecimal.valueOf(text.length()).divide(BigDecimal.valueOf(CHARS_PER_SECOND), MC);
            outputExpected = seconds.multiply(t.outputTokensPerSecond()).setScale(0, RoundingMode.UP).longValue();
            outputHigh = seconds.multiply(BigDecimal.valueOf(1.5)).multiply(t.outputTokensPerSecond())
                    .setScale(0, RoundingMode.UP).longValue();
            outputWhat = "~" + outputExpected + "–" + outputHigh + " audio tokens out";
        } else {
            Integer maxTokens = StepParameters.count(params.get("max_tokens"), null);
            outputHigh = maxTokens != null ? maxTokens : e.defaultQuantity() != null ? e.defaultQuantity().longValue()
                    : 1024;
            outputExpected = outputHigh / 2;
            outputWhat = "≤" + outputHigh + " out";
        }
        BigDecimal low = Tariffs.tokens(t, input, 0);
        BigDecimal expected = Tariffs.tokens(t, input, outputExpected);
        BigDecimal high = Tariffs.tokens(t, inputHigh, outputHigh);
        return Quote.range(low, expected, high, "~" + input + (inputHigh > input ? "–" + inputHigh : "") + " in × "
                + Money.format(t.inputPrice()) + "/1M + " + outputWhat + " × " + Money.format(t.outputPrice())
                + "/1M tokens" + (t.longContextTokens() != null && inputHigh > t.longContextTokens()
                        ? " (long-context prices above " + t.longContextTokens() + " tokens)" : ""));
    }

    private Quote hardware(Tariff.PerHardwareSecond t, PriceEntry e, Map<String, Object> params) {
        BigDecimal seconds = e.defaultQuantity();
        if (seconds == null) {
            return Quote.unknown(e.provider() + "/" + e.model() + " is billed by its running time, known only after"
                    + " the call");
        }
        Object hw = params.get("hardware");
        String hardware = hw instanceof String s && !StepParameters.isTemplate(s) ? s : null;
        BigDecimal rate = t.rate(hardware);
        BigDecimal highest = t.highest();
        BigDecimal expected = rate != null ? rate : highest;
        return Quote.range(seconds.multiply(expected), seconds.multiply(expected), seconds.multiply(highest),
                "~" + plain(seconds) + " s × " + Money.format(expected) + "/s of " + (hardware != null ? hardware
                        : t.defaultHardware() != null ? t.defaultHardware() : "hardware"));
    }

    /** The seconds a video call asks for, else the model's default; null when neither says. */
    private static @Nullable BigDecimal duration(PriceEntry e, Map<String, Object> params) {
        BigDecimal seconds = StepParameters.seconds(params.get("duration"));
        if (seconds == null && StepParameters.isTemplate(params.get("duration"))) {
            return null;
        }
        return seconds != null ? seconds : e.defaultQuantity();
    }

    private static String plain(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }

    /** For tests and tables: the parameter names whose text is sent to a model. */
    static List<String> textParameters() {
        return StepParameters.TEXT_PARAMS;
    }
}
