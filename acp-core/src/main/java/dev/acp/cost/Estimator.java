package dev.acp.cost;

import dev.acp.plan.PlannedTask;
import dev.acp.provider.Capability;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Estimates what a step costs from its pricing entry and its parameters: image count and size,
 * video duration and resolution, text length, prompt length and answer tokens. Before a run the
 * parameters may still hold {@code {{...}}} templates, whose values are bounded where the entry
 * says how (max_quantity) and unknown otherwise; at dispatch they are rendered and exact.
 */
public final class Estimator {
    /** Sizes of fal's named image sizes. */
    static final Map<String, int[]> NAMED_SIZES = Map.of(
            "square_hd", new int[] {1024, 1024}, "square", new int[] {512, 512},
            "portrait_4_3", new int[] {768, 1024}, "portrait_16_9", new int[] {576, 1024},
            "landscape_4_3", new int[] {1024, 768}, "landscape_16_9", new int[] {1024, 576});
    /** The size an image gets when a step names none. */
    static final int[] DEFAULT_SIZE = {1024, 1024};
    /** Rough characters per token of English text, for input token counts. */
    static final int CHARS_PER_TOKEN = 4;
    /** Tokens counted for each image an LLM reads. */
    static final int TOKENS_PER_IMAGE = 1000;
    /** Tokens a template's text may grow to, for the pessimistic end of an LLM's input. */
    static final int TEMPLATE_TOKENS = 4000;
    /** Characters of speech per second, to turn text into audio seconds (about 150 words a minute). */
    static final int CHARS_PER_SECOND = 15;
    /** Parameters whose text is sent to the model. */
    static final List<String> TEXT_PARAMS = List.of("text", "prompt", "story", "script", "system_prompt", "question",
            "instructions", "style", "negative_prompt");
    private static final MathContext MC = MathContext.DECIMAL64;

    /** The model a provider calls for a step that names none, when the provider decides it. */
    @FunctionalInterface
    public interface ProviderDefaults {
        ProviderDefaults NONE = (provider, capability) -> java.util.Optional.empty();

        java.util.Optional<String> defaultModel(String provider, Capability capability);
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
        var entry = pricing.lookup(provider, chosen, capability).orElse(null);
        if (entry == null) {
            return new StepEstimate(t.id(), provider, model, null, new StepEstimate.Unknown("provider '" + provider
                    + "' has no prices in the pricing catalog"), "no price for " + provider);
        }
        String priced = model == null ? provider : provider + "/" + model;
        if (!entry.known()) {
            return new StepEstimate(t.id(), provider, model, entry, new StepEstimate.Unknown("no documented price for "
                    + priced + " (" + entry.source() + ")"), "price unknown");
        }
        Quote q = quote(entry, capability, params);
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

        static Quote unknown(String reason) {
            return new Quote(new StepEstimate.Unknown(reason), reason);
        }
    }

    private Quote quote(PriceEntry e, Capability capability, Map<String, Object> params) {
        return switch (e.unit()) {
            case REQUEST -> Quote.exact(e.price(), "1 request × " + Money.format(e.price()) + "/request");
            case IMAGE -> images(e, params);
            case MEGAPIXEL -> megapixels(e, params);
            case VIDEO_SECOND -> videoSeconds(e, params);
            case AUDIO_SECOND -> audioSeconds(e, params);
            case CHARACTERS_1K -> characters(e, params);
            case TOKENS -> tokens(e, capability, params);
            case VIDEO_CLIP, CHARACTERS_1M, CREDITS, HARDWARE_SECOND -> Quote.unknown("ACP cannot price "
                    + e.unit().wireName() + " yet");
        };
    }

    private Quote images(PriceEntry e, Map<String, Object> params) {
        Integer n = count(params.get("num_images"), 1);
        if (n == null) {
            return Quote.unknown("num_images is only known at run time");
        }
        BigDecimal amount = e.price().multiply(BigDecimal.valueOf(n));
        return Quote.exact(amount, n + (n == 1 ? " image" : " images") + " × " + Money.format(e.price()) + "/image");
    }

    private Quote megapixels(PriceEntry e, Map<String, Object> params) {
        Integer n = count(params.get("num_images"), 1);
        int[] size = size(params);
        if (n == null || size == null) {
            return Quote.unknown("the image size or count is only known at run time");
        }
        BigDecimal mp = BigDecimal.valueOf((long) size[0] * size[1]).divide(BigDecimal.valueOf(1_000_000), MC)
                .setScale(2, RoundingMode.UP);
        BigDecimal amount = e.price().multiply(mp).multiply(BigDecimal.valueOf(n));
        return Quote.exact(amount, (n == 1 ? "" : n + " × ") + mp.toPlainString() + " MP (" + size[0] + "×" + size[1]
                + ") × " + Money.format(e.price()) + "/MP");
    }

    private Quote videoSeconds(PriceEntry e, Map<String, Object> params) {
        BigDecimal seconds = seconds(params.get("duration"));
        if (seconds == null && isTemplate(params.get("duration"))) {
            return Quote.unknown("the duration is only known at run time");
        }
        if (seconds == null) {
            seconds = e.defaultQuantity();
        }
        if (seconds == null) {
            return Quote.unknown("no duration given and " + e.provider() + "/" + e.model() + " has no default duration");
        }
        Object res = params.get("resolution");
        String resolution = res instanceof String s && !isTemplate(s) ? s.toLowerCase(Locale.ROOT) : null;
        BigDecimal unit = e.priceFor(resolution);
        boolean guessed = false;
        if (unit == null || (res != null && resolution == null)) {
            unit = e.highestPrice();
            guessed = true;
        }
        String formula = seconds.stripTrailingZeros().toPlainString() + " s × " + Money.format(unit) + "/s"
                + (resolution != null && !e.byResolution().isEmpty() && !guessed ? " (" + resolution + ")" : "")
                + (guessed && !e.byResolution().isEmpty() ? " (highest resolution price)" : "");
        return Quote.exact(unit.multiply(seconds), formula);
    }

    private Quote audioSeconds(PriceEntry e, Map<String, Object> params) {
        BigDecimal seconds = seconds(params.get("duration"));
        if (seconds != null) {
            return Quote.exact(e.price().multiply(seconds), seconds.stripTrailingZeros().toPlainString() + " s × "
                    + Money.format(e.price()) + "/s");
        }
        Text text = text(params);
        if (text.templated && e.maxQuantity() == null) {
            return Quote.unknown("the text is only known at run time");
        }
        BigDecimal seconds0 = BigDecimal.valueOf(text.length).divide(BigDecimal.valueOf(CHARS_PER_SECOND), MC);
        BigDecimal p = e.price();
        BigDecimal low = seconds0.multiply(p);
        // Speech runs slower than the average reader sometimes: half as long again is the pessimistic end.
        BigDecimal high = (text.templated ? e.maxQuantity().max(seconds0) : seconds0.multiply(BigDecimal.valueOf(1.5)))
                .multiply(p);
        BigDecimal expected = text.templated ? low.add(high).divide(BigDecimal.valueOf(2), MC) : low;
        return new Quote(new StepEstimate.Range(low, expected, high), "~" + seconds0.setScale(0, RoundingMode.UP)
                + " s of speech (" + text.length + " chars" + (text.templated ? ", text known at run time" : "")
                + ") × " + Money.format(p) + "/s");
    }

    private Quote characters(PriceEntry e, Map<String, Object> params) {
        Text text = text(params);
        BigDecimal perK = e.price();
        if (!text.templated) {
            BigDecimal amount = perK.multiply(BigDecimal.valueOf(text.length)).divide(BigDecimal.valueOf(1000), MC);
            return Quote.exact(amount, text.length + " chars × " + Money.format(perK) + "/1k chars");
        }
        if (e.maxQuantity() == null) {
            return Quote.unknown("the text is only known at run time (" + e.provider() + "/" + e.model()
                    + " has no max_quantity to bound it)");
        }
        BigDecimal low = perK.multiply(BigDecimal.valueOf(text.length)).divide(BigDecimal.valueOf(1000), MC);
        BigDecimal high = perK.multiply(e.maxQuantity().max(BigDecimal.valueOf(text.length)))
                .divide(BigDecimal.valueOf(1000), MC);
        BigDecimal expected = low.add(high).divide(BigDecimal.valueOf(2), MC);
        return new Quote(new StepEstimate.Range(low, expected, high), text.length + "–"
                + e.maxQuantity().stripTrailingZeros().toPlainString() + " chars (text known at run time) × "
                + Money.format(perK) + "/1k chars");
    }

    private Quote tokens(PriceEntry e, Capability capability, Map<String, Object> params) {
        Text text = text(params);
        long input = (text.length + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
        if (capability == Capability.IMAGE_UNDERSTANDING) {
            input += TOKENS_PER_IMAGE;
        }
        long inputHigh = input + (text.templated ? TEMPLATE_TOKENS : 0);
        Integer maxTokens = count(params.get("max_tokens"), null);
        long output = maxTokens != null ? maxTokens
                : e.defaultQuantity() != null ? e.defaultQuantity().longValue() : 1024;
        BigDecimal million = BigDecimal.valueOf(1_000_000);
        BigDecimal in = e.inputPrice().divide(million, MC);
        BigDecimal out = e.outputPrice().divide(million, MC);
        BigDecimal low = in.multiply(BigDecimal.valueOf(input));
        BigDecimal expected = low.add(out.multiply(BigDecimal.valueOf(output / 2)));
        BigDecimal high = in.multiply(BigDecimal.valueOf(inputHigh)).add(out.multiply(BigDecimal.valueOf(output)));
        return new Quote(new StepEstimate.Range(low, expected, high), "~" + input + (inputHigh > input ? "–" + inputHigh
                : "") + " in × " + Money.format(e.inputPrice()) + "/1M + ≤" + output + " out × "
                + Money.format(e.outputPrice()) + "/1M tokens");
    }

    // ---- parameters ----------------------------------------------------------------------------

    private record Text(int length, boolean templated) {}

    /** The length of the text sent; templates count only their literal parts and mark the text open. */
    private static Text text(Map<String, Object> params) {
        int length = 0;
        boolean templated = false;
        for (String k : TEXT_PARAMS) {
            if (params.get(k) instanceof String s) {
                if (isTemplate(s)) {
                    templated = true;
                    length += s.replaceAll("\\{\\{[^}]*}}", "").length();
                } else {
                    length += s.length();
                }
            }
        }
        return new Text(length, templated);
    }

    static boolean isTemplate(@Nullable Object v) {
        return v instanceof String s && s.contains("{{");
    }

    /** A whole number, the default when absent, null when only known at run time. */
    private static @Nullable Integer count(@Nullable Object v, @Nullable Integer absent) {
        if (v == null) {
            return absent;
        }
        if (v instanceof Number n) {
            return Math.max(1, n.intValue());
        }
        if (v instanceof String s && !isTemplate(s)) {
            try {
                return Math.max(1, Integer.parseInt(s.strip()));
            } catch (NumberFormatException e) {
                return absent;
            }
        }
        return null;
    }

    /** Seconds from {@code 6}, {@code 6.5}, {@code "6"}, {@code "6s"}; null when absent or unreadable. */
    static @Nullable BigDecimal seconds(@Nullable Object v) {
        if (v instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        if (v instanceof String s && !isTemplate(s)) {
            String x = s.strip().toLowerCase(Locale.ROOT);
            if (x.endsWith("s")) {
                x = x.substring(0, x.length() - 1).strip();
            }
            try {
                return new BigDecimal(x);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static int @Nullable [] size(Map<String, Object> params) {
        Object s = params.get("image_size");
        if (s instanceof String name) {
            if (isTemplate(name)) {
                return null;
            }
            int[] named = NAMED_SIZES.get(name);
            if (named != null) {
                return named;
            }
            String[] wh = name.toLowerCase(Locale.ROOT).split("x");
            if (wh.length == 2) {
                try {
                    return new int[] {Integer.parseInt(wh[0].strip()), Integer.parseInt(wh[1].strip())};
                } catch (NumberFormatException e) {
                    return DEFAULT_SIZE;
                }
            }
            return DEFAULT_SIZE;
        }
        if (s instanceof Map<?, ?> m && m.get("width") instanceof Number w && m.get("height") instanceof Number h) {
            return new int[] {w.intValue(), h.intValue()};
        }
        if (params.get("width") instanceof Number w && params.get("height") instanceof Number h) {
            return new int[] {w.intValue(), h.intValue()};
        }
        if (isTemplate(params.get("width")) || isTemplate(params.get("height"))) {
            return null;
        }
        return DEFAULT_SIZE;
    }
}
