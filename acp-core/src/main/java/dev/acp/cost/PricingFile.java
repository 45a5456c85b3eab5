package dev.acp.cost;

import dev.acp.error.UsageException;
import dev.acp.pipeline.Problem;
import dev.acp.pipeline.SourceLocation;
import dev.acp.pipeline.load.Node;
import dev.acp.pipeline.load.NodeReader;
import dev.acp.pipeline.Capability;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * Reads a pricing file ({@code pricing.yaml}) into a {@link PricingCatalog}, failing on the first
 * problem with its file, line and column and how to fix it. Each billing unit takes the keys its
 * tariff needs and no others; a unit that cannot bill the model's capability (tokens for an
 * image model, megapixels for speech) is refused when the model's capabilities are known.
 */
final class PricingFile {
    static final List<String> ROOT_KEYS = List.of("version", "providers");
    static final List<String> PROVIDER_KEYS = List.of("bills_failures", "bills_failures_source", "default_models",
            "credits", "models");
    static final List<String> CREDIT_KEYS = List.of("plans", "assumed", "source", "as_of");
    static final List<String> COMMON_KEYS = List.of("unit", "default_quantity", "max_quantity", "pessimistic", "source",
            "as_of");

    /** The price keys of each unit (beyond the common ones); a pessimistic tariff takes the same. */
    static final Map<BillingUnit, List<String>> UNIT_KEYS = Map.ofEntries(
            Map.entry(BillingUnit.REQUEST, List.of("price")),
            Map.entry(BillingUnit.IMAGE, List.of("price", "variants", "default_variant")),
            Map.entry(BillingUnit.MEGAPIXEL, List.of("price", "megapixel_pixels", "round_up")),
            Map.entry(BillingUnit.VIDEO_SECOND, List.of("price", "by_resolution", "with_audio", "default_resolution")),
            Map.entry(BillingUnit.VIDEO_CLIP, List.of("price", "clip_seconds", "extra_second_price")),
            Map.entry(BillingUnit.AUDIO_SECOND, List.of("price")),
            Map.entry(BillingUnit.CHARACTERS_1K, List.of("price")),
            Map.entry(BillingUnit.CHARACTERS_1M, List.of("price")),
            Map.entry(BillingUnit.CREDITS, List.of("credits_per_character")),
            Map.entry(BillingUnit.TOKENS, List.of("input_price", "output_price", "long_context_tokens",
                    "long_input_price", "long_output_price", "output_tokens_per_second")),
            Map.entry(BillingUnit.HARDWARE_SECOND, List.of("price", "by_hardware", "default_hardware")));

    /** The units that can bill each kind of step. */
    static Set<BillingUnit> unitsFor(Capability c) {
        Set<BillingUnit> common = Set.of(BillingUnit.REQUEST, BillingUnit.HARDWARE_SECOND);
        Set<BillingUnit> own = switch (c) {
            case TEXT_TO_IMAGE, IMAGE_TO_IMAGE -> Set.of(BillingUnit.IMAGE, BillingUnit.MEGAPIXEL, BillingUnit.TOKENS);
            case TEXT_TO_VIDEO, IMAGE_TO_VIDEO, VIDEO_TO_VIDEO, AVATAR_GENERATION ->
                    Set.of(BillingUnit.VIDEO_SECOND, BillingUnit.VIDEO_CLIP);
            case TEXT_TO_SPEECH -> Set.of(BillingUnit.CHARACTERS_1K, BillingUnit.CHARACTERS_1M, BillingUnit.CREDITS,
                    BillingUnit.AUDIO_SECOND, BillingUnit.TOKENS);
            case IMAGE_UNDERSTANDING, PROMPT_GENERATION, STORY_TO_SCENES -> Set.of(BillingUnit.TOKENS,
                    BillingUnit.CHARACTERS_1K, BillingUnit.CHARACTERS_1M);
            case ASSEMBLE_VIDEO, ANALYZE_VIDEO, DETECT_FACES, EMBED_TEXT, SEARCH_SIMILAR, CLUSTER_CONTENT,
                    SCORE_QUALITY -> Set.of();
        };
        java.util.EnumSet<BillingUnit> all = java.util.EnumSet.copyOf(common);
        all.addAll(own);
        return all;
    }

    private final String label;
    /** The capabilities a provider's model serves (by name or id; {@code *}: all the provider's), or empty. */
    private final BiFunction<String, String, Set<Capability>> capabilities;

    PricingFile(String label, BiFunction<String, String, Set<Capability>> capabilities) {
        this.label = label;
        this.capabilities = capabilities;
    }

    /** Parses pricing text; throws a {@link UsageException} naming line and column on the first problem. */
    PricingCatalog parse(String text) {
        List<Problem> problems = new ArrayList<>();
        Node root = new NodeReader().read(text, label, NodeReader.Format.forFileName(label), problems);
        if (root == null || !problems.isEmpty()) {
            throw new UsageException(problems.isEmpty() ? label + ": the pricing file is empty"
                    : problems.get(0).render());
        }
        return catalog(root);
    }

    private UsageException error(SourceLocation at, String message, String fix) {
        return new UsageException(Problem.error(at, null, message, fix).render());
    }

    private PricingCatalog catalog(Node root) {
        Node.MapNode map = map(root, "the pricing file", "write 'version: 1' and 'providers:'");
        checkKeys(map, ROOT_KEYS, "the pricing file");
        int version = 1;
        Node v = map.get("version");
        if (v != null) {
            if (!(v instanceof Node.ScalarNode s && s.value() instanceof Number num && num.doubleValue() >= 1
                    && num.doubleValue() == Math.rint(num.doubleValue()))) {
                throw error(v.location(), "version must be a whole number, found " + v.describe(), "write 'version: 1'");
            }
            version = ((Number) ((Node.ScalarNode) v).value()).intValue();
        }
        Map<String, PricingCatalog.ProviderPricing> providers = new LinkedHashMap<>();
        Node ps = map.get("providers");
        if (ps != null && !(ps instanceof Node.ScalarNode s && s.isNull())) {
            Node.MapNode pm = map(ps, "providers", "write 'providers:' followed by provider ids");
            for (Node.Entry e : pm.entries().values()) {
                providers.put(e.key(), provider(e.key(), e.value()));
            }
        }
        return new PricingCatalog(version, providers);
    }

    private PricingCatalog.ProviderPricing provider(String id, Node node) {
        String where = "providers." + id;
        Node.MapNode map = map(node, where, "write 'models:' under the provider");
        checkKeys(map, PROVIDER_KEYS, where);
        boolean bills = false;
        Node b = map.get("bills_failures");
        if (b != null) {
            if (!(b instanceof Node.ScalarNode s && s.value() instanceof Boolean x)) {
                throw error(b.location(), where + ".bills_failures must be true or false, found " + b.describe(),
                        "write 'bills_failures: false'");
            }
            bills = x;
        }
        String billsSource = text(map, "bills_failures_source", where, false);
        Map<Capability, String> defaults = new LinkedHashMap<>();
        Node d = map.get("default_models");
        if (d != null) {
            Node.MapNode dm = map(d, where + ".default_models", "write 'text_to_image: flux-dev' lines");
            for (Node.Entry e : dm.entries().values()) {
                Capability c = Capability.fromWireName(e.key()).orElseThrow(() -> error(e.keyLocation(),
                        "unknown capability '" + e.key() + "' in " + where + ".default_models",
                        "use a step type such as text_to_image"));
                if (!(e.value() instanceof Node.ScalarNode s && s.value() instanceof String model)) {
                    throw error(e.value().location(), "the default model must be a name", "write a model name");
                }
                defaults.put(c, model);
            }
        }
        CreditPlans credits = map.get("credits") == null ? null : credits(where + ".credits", map.get("credits"));
        Map<String, PriceEntry> models = new LinkedHashMap<>();
        Node m = map.get("models");
        if (m != null && !(m instanceof Node.ScalarNode s && s.isNull())) {
            Node.MapNode mm = map(m, where + ".models", "write 'model-name: { unit: image, price: 0.01,"
                    + " source: URL, as_of: 2026-01-01 }'");
            for (Node.Entry e : mm.entries().values()) {
                models.put(e.key(), entry(id, e.key(), e.keyLocation(), e.value()));
            }
        }
        return new PricingCatalog.ProviderPricing(id, bills, billsSource, defaults, models, credits, null);
    }

    private CreditPlans credits(String where, Node node) {
        Node.MapNode map = map(node, where, "write 'plans:', 'assumed:', 'source:' and 'as_of:'");
        checkKeys(map, CREDIT_KEYS, where);
        Map<String, CreditPlans.Plan> plans = new LinkedHashMap<>();
        Node p = map.get("plans");
        if (p != null) {
            Node.MapNode pm = map(p, where + ".plans", "write 'creator: { price: 0.00018, overage: 0.0003 }' lines");
            for (Node.Entry e : pm.entries().values()) {
                Node.MapNode plan = map(e.value(), where + ".plans." + e.key(), "write '{ price: 0.00018 }'");
                checkKeys(plan, List.of("price", "overage"), where + ".plans." + e.key());
                BigDecimal price = amount(plan, "price", where + ".plans." + e.key(), false);
                if (price == null) {
                    throw error(plan.location(), where + ".plans." + e.key() + " has no price", "add 'price:' in"
                            + " dollars per credit");
                }
                plans.put(e.key().toLowerCase(Locale.ROOT), new CreditPlans.Plan(price,
                        amount(plan, "overage", where + ".plans." + e.key(), false)));
            }
        }
        BigDecimal assumed = amount(map, "assumed", where, false);
        if (assumed == null) {
            throw error(map.location(), where + " has no 'assumed' price", "add 'assumed:', the dollar price of a"
                    + " credit used when ACP_HOME/config.yaml names no plan (the highest published one)");
        }
        return new CreditPlans(plans, assumed, text(map, "source", where, true), text(map, "as_of", where, true));
    }

    private PriceEntry entry(String provider, String model, SourceLocation keyAt, Node node) {
        String where = "providers." + provider + ".models." + model;
        Node.MapNode map = map(node, where, "write '{ unit: image, price: 0.01, source: URL, as_of: 2026-01-01 }'");
        Node u = map.get("unit");
        if (u == null) {
            throw error(map.location(), where + " has no unit", "add 'unit:', one of "
                    + String.join(", ", BillingUnit.wireNames()));
        }
        String unitName = u instanceof Node.ScalarNode s && s.value() != null ? String.valueOf(s.value()) : u.describe();
        BillingUnit unit = BillingUnit.of(unitName).orElseThrow(() -> error(u.location(), "unknown billing unit '"
                + unitName + "' in " + where, "use one of " + String.join(", ", BillingUnit.wireNames())));
        List<String> allowed = new ArrayList<>(COMMON_KEYS);
        allowed.addAll(UNIT_KEYS.get(unit));
        checkKeys(map, allowed, where, unit);
        checkCapability(provider, model, unit, u.location(), where);
        Tariff tariff = tariff(unit, map, where);
        Tariff pessimistic = null;
        Node p = map.get("pessimistic");
        if (p != null) {
            Node.MapNode pm = map(p, where + ".pessimistic", "write the higher prices, e.g. '{ price: 0.05 }'");
            checkKeys(pm, UNIT_KEYS.get(unit), where + ".pessimistic", unit);
            // The entry's keys with the pessimistic ones over them: only what differs is written twice.
            Map<String, Node.Entry> merged = new LinkedHashMap<>(map.entries());
            merged.putAll(pm.entries());
            pessimistic = tariff(unit, new Node.MapNode(pm.location(), merged), where + ".pessimistic");
            if (!pessimistic.known()) {
                throw error(pm.location(), where + ".pessimistic has no price", "write the higher price a source gives");
            }
        }
        return new PriceEntry(provider, model, tariff, pessimistic, amount(map, "default_quantity", where, false),
                amount(map, "max_quantity", where, false), text(map, "source", where, true),
                text(map, "as_of", where, true));
    }

    private void checkCapability(String provider, String model, BillingUnit unit, SourceLocation at, String where) {
        Set<Capability> caps = capabilities.apply(provider, model);
        if (caps.isEmpty() || caps.stream().anyMatch(c -> unitsFor(c).contains(unit))) {
            return;
        }
        List<String> fits = caps.stream().flatMap(c -> unitsFor(c).stream()).distinct().sorted()
                .map(BillingUnit::wireName).toList();
        throw error(at, where + ": unit " + unit.wireName() + " cannot bill "
                + caps.stream().map(Capability::wireName).sorted().reduce((a, b) -> a + "/" + b).orElse("") + " steps",
                "use one of " + String.join(", ", fits));
    }

    /** The tariff of {@code unit} from the price keys of {@code prices}. */
    private Tariff tariff(BillingUnit unit, Node.MapNode prices, String where) {
        return switch (unit) {
            case REQUEST -> new Tariff.PerRequest(price(prices, where));
            case IMAGE -> {
                Map<String, BigDecimal> variants = amounts(prices, "variants", where);
                for (String key : variants.keySet()) {
                    try {
                        Tariff.Variant.parse(key);
                    } catch (IllegalArgumentException e) {
                        throw error(prices.get("variants").location(), where + ".variants: " + e.getMessage(),
                                "write keys such as 'quality=low,size=1024x1024'");
                    }
                }
                String def = text(prices, "default_variant", where, false);
                if (def != null && !variants.containsKey(def)) {
                    throw error(prices.location(), where + ": default_variant '" + def + "' is not one of the variants",
                            "name one of " + variants.keySet());
                }
                BigDecimal price = price(prices, where, !variants.isEmpty());
                yield new Tariff.PerImage(price, variants, def);
            }
            case MEGAPIXEL -> {
                BigDecimal pixels = amount(prices, "megapixel_pixels", where,
                        false);
                Node r = prices.get("round_up");
                boolean roundUp = false;
                if (r != null) {
                    if (!(r instanceof Node.ScalarNode s && s.value() instanceof Boolean x)) {
                        throw error(r.location(), where + ".round_up must be true or false", "write 'round_up: true'"
                                + " when each image is billed in whole megapixels");
                    }
                    roundUp = x;
                }
                if (pixels != null && (pixels.signum() <= 0 || pixels.stripTrailingZeros().scale() > 0)) {
                    throw error(prices.location(), where + ".megapixel_pixels must be a whole number above 0",
                            "write 1000000, or 1048576 where 1024×1024 is one megapixel");
                }
                yield new Tariff.PerMegapixel(price(prices, where), pixels == null ? Tariff.PerMegapixel.DECIMAL
                        : pixels.longValueExact(), roundUp);
            }
            case VIDEO_SECOND -> {
                Map<String, BigDecimal> byResolution = amounts(prices, "by_resolution", where);
                Map<String, BigDecimal> withAudio;
                Node a = prices.get("with_audio");
                if (a instanceof Node.ScalarNode) {
                    BigDecimal one = amount(prices, "with_audio", where, true);
                    withAudio = one == null ? Map.of() : Map.of("*", one);
                } else {
                    withAudio = amounts(prices, "with_audio", where);
                }
                String def = text(prices, "default_resolution", where, false);
                if (def != null && !byResolution.containsKey(def) && !withAudio.containsKey(def)) {
                    throw error(prices.location(), where + ": default_resolution '" + def + "' has no price",
                            "name one of " + byResolution.keySet());
                }
                yield new Tariff.PerVideoSecond(price(prices, where, !byResolution.isEmpty() || !withAudio.isEmpty()),
                        byResolution, withAudio, def);
            }
            case VIDEO_CLIP -> {
                BigDecimal clip = amount(prices, "clip_seconds", where, false);
                if (clip == null || clip.signum() <= 0) {
                    throw error(prices.location(), where + " needs clip_seconds above 0", "write the length the base"
                            + " price buys, e.g. 'clip_seconds: 5'");
                }
                yield new Tariff.PerClip(price(prices, where), clip, amount(prices, "extra_second_price", where, true));
            }
            case AUDIO_SECOND -> new Tariff.PerAudioSecond(price(prices, where));
            case CHARACTERS_1K -> new Tariff.PerCharacters(price(prices, where), 1_000);
            case CHARACTERS_1M -> new Tariff.PerCharacters(price(prices, where), 1_000_000);
            case CREDITS -> {
                if (!prices.has("credits_per_character")) {
                    throw error(prices.location(), where + " has no credits_per_character", "add the credits one"
                            + " character costs on this model, e.g. 'credits_per_character: 1', or 'unknown'");
                }
                yield new Tariff.PerCredit(amount(prices, "credits_per_character", where, true));
            }
            case TOKENS -> {
                if (!prices.has("input_price") && !prices.has("output_price")) {
                    throw error(prices.location(), where + " has no input_price and output_price", "add both, in"
                            + " dollars per million tokens, or 'unknown'");
                }
                BigDecimal longTokens = amount(prices,
                        "long_context_tokens", where, false);
                BigDecimal perSecond = amount(prices,
                        "output_tokens_per_second", where, false);
                yield new Tariff.PerToken(amount(prices, "input_price", where, true),
                        amount(prices, "output_price", where, true),
                        longTokens == null ? null : longTokens.longValue(), amount(prices, "long_input_price", where,
                                true), amount(prices, "long_output_price", where, true), perSecond);
            }
            case HARDWARE_SECOND -> {
                Map<String, BigDecimal> byHardware = new LinkedHashMap<>();
                amounts(prices, "by_hardware", where).forEach((k, val) -> byHardware.put(k.toLowerCase(Locale.ROOT),
                        val));
                String def = text(prices, "default_hardware", where, false);
                yield new Tariff.PerHardwareSecond(price(prices, where, !byHardware.isEmpty()), byHardware, def);
            }
        };
    }

    /** The entry's {@code price}: a number, or {@code unknown}; required. */
    private @Nullable BigDecimal price(Node.MapNode map, String where) {
        return price(map, where, false);
    }

    private @Nullable BigDecimal price(Node.MapNode map, String where, boolean optional) {
        if (!map.has("price") && !optional) {
            throw error(map.location(), where + " has no price", "add 'price: 0.01', or 'price: unknown' when no"
                    + " source documents one");
        }
        return amount(map, "price", where, true);
    }

    /** A map of names to amounts ({@code 720p: 0.1}); empty when absent. */
    private Map<String, BigDecimal> amounts(Node.MapNode map, String key, String where) {
        Node r = map.get(key);
        if (r == null) {
            return Map.of();
        }
        Node.MapNode rm = map(r, where + "." + key, "write 'name: 0.1' lines");
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        for (Node.Entry e : rm.entries().values()) {
            BigDecimal p = amount(rm, e.key(), where + "." + key, false);
            out.put(e.key(), p);
        }
        return out;
    }

    private @Nullable BigDecimal amount(Node.MapNode map, String key, String where, boolean unknownAllowed) {
        Node n = map.get(key);
        if (n == null) {
            return null;
        }
        if (n instanceof Node.ScalarNode s && s.value() instanceof Number num) {
            BigDecimal v = new BigDecimal(num.toString());
            if (v.signum() < 0) {
                throw error(n.location(), where + "." + key + " is negative (" + v.toPlainString() + ")",
                        "give an amount of 0 or more");
            }
            return v;
        }
        if (unknownAllowed && n instanceof Node.ScalarNode s && "unknown".equals(s.value())) {
            return null;
        }
        throw error(n.location(), where + "." + key + " must be a number" + (unknownAllowed ? " or 'unknown'" : "")
                + ", found " + n.describe(), "write for example '" + key + ": 0.01'");
    }

    private @Nullable String text(Node.MapNode map, String key, String where, boolean required) {
        Node n = map.get(key);
        if (n == null) {
            if (required) {
                throw error(map.location(), where + " has no " + key, "add '" + key + ":' (" + (key.equals("as_of")
                        ? "the date the price was read, e.g. 2026-11-01" : "the page or document of the price") + ")");
            }
            return null;
        }
        if (n instanceof Node.ScalarNode s && s.value() != null && !(s.value() instanceof Boolean)) {
            return String.valueOf(s.value());
        }
        throw error(n.location(), where + "." + key + " must be text, found " + n.describe(), "write it as text");
    }

    private Node.MapNode map(Node n, String what, String fix) {
        if (n instanceof Node.MapNode m) {
            return m;
        }
        throw error(n.location(), what + " must be a map, found " + n.describe(), fix);
    }

    private void checkKeys(Node.MapNode map, List<String> known, String where) {
        checkKeys(map, known, where, null);
    }

    private void checkKeys(Node.MapNode map, List<String> known, String where, @Nullable BillingUnit unit) {
        for (Node.Entry e : map.entries().values()) {
            if (known.contains(e.key())) {
                continue;
            }
            if (unit != null) {
                BillingUnit owner = UNIT_KEYS.entrySet().stream().filter(k -> k.getValue().contains(e.key()))
                        .map(Map.Entry::getKey).findFirst().orElse(null);
                if (owner != null) {
                    throw error(e.keyLocation(), where + ": '" + e.key() + "' does not apply to unit "
                            + unit.wireName(), "the keys of unit " + unit.wireName() + " are "
                            + String.join(", ", UNIT_KEYS.get(unit)));
                }
            }
            throw error(e.keyLocation(), "unknown key '" + e.key() + "' in " + where, dev.acp.util.Suggestions
                    .nearest(e.key(), known).map(s -> "did you mean '" + s + "'?")
                    .orElse("known keys: " + String.join(", ", known)));
        }
    }
}
