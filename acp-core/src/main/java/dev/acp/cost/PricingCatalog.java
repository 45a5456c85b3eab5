package dev.acp.cost;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.error.UsageException;
import dev.acp.pipeline.Problem;
import dev.acp.pipeline.SourceLocation;
import dev.acp.pipeline.load.Node;
import dev.acp.pipeline.load.NodeReader;
import dev.acp.provider.Capability;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Prices per provider and model, as data ({@code dev/acp/catalog/pricing.yaml}), with the price
 * lists providers publish ({@code ACP_HOME/prices/*.yaml}, see {@link PricesFolder}) and the
 * user's overrides ({@code ACP_HOME/pricing.yaml} or {@code --pricing FILE}) merged over them
 * entry by entry, in that order. Every price names its source and date; a price nobody
 * documented is {@code unknown}, never guessed.
 */
public final class PricingCatalog {
    public static final String FILE_NAME = "pricing.yaml";
    static final List<String> ROOT_KEYS = List.of("version", "providers");
    static final List<String> PROVIDER_KEYS = List.of("bills_failures", "bills_failures_source", "default_models",
            "models");
    static final List<String> ENTRY_KEYS = List.of("unit", "price", "by_resolution", "default_resolution",
            "input_price", "output_price", "default_quantity", "max_quantity", "source", "as_of");

    /**
     * What ACP knows about one provider's billing.
     *
     * @param billsFailures whether a failed call is billed (then retries widen the pessimistic estimate)
     * @param defaultModels the model a step of a capability gets when it names none
     * @param models entries by model name; {@code *} covers models not listed
     */
    public record ProviderPricing(String id, boolean billsFailures, @Nullable String billsFailuresSource,
            Map<Capability, String> defaultModels, Map<String, PriceEntry> models) {
        public ProviderPricing {
            defaultModels = Map.copyOf(defaultModels);
            models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
        }
    }

    private final int version;
    private final Map<String, ProviderPricing> providers;
    /**
     * Per provider, the catalog's model names and the provider's own id each stands for
     * ({@code openrouter-chat} is {@code openai/gpt-4o-mini}): a published price list knows only
     * the ids, pipelines often write the names.
     */
    private final Map<String, Map<String, String>> modelIds;

    PricingCatalog(int version, Map<String, ProviderPricing> providers) {
        this(version, providers, Map.of());
    }

    private PricingCatalog(int version, Map<String, ProviderPricing> providers,
            Map<String, Map<String, String>> modelIds) {
        this.version = version;
        this.providers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(providers));
        this.modelIds = Map.copyOf(modelIds);
    }

    /** The prices shipped with ACP. */
    public static PricingCatalog builtIn() {
        try (InputStream in = PricingCatalog.class.getResourceAsStream("/dev/acp/catalog/pricing.yaml")) {
            if (in == null) {
                throw new IllegalStateException("pricing.yaml is missing from the ACP jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "pricing.yaml (built in)")
                    .withModelNames(ProviderCatalog.builtIn());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in pricing catalog", e);
        }
    }

    /**
     * The built-in prices, with merged over them in this order (a later one wins, entry by entry):
     * the published price lists in {@code ACP_HOME/prices/} (when present), {@code ACP_HOME/pricing.yaml}
     * (when present), then {@code explicit} (when given; it must exist). The user's own files come
     * last so that a price they set is never replaced by a refresh.
     */
    public static PricingCatalog load(Path acpHome, @Nullable Path explicit) {
        PricingCatalog c = builtIn();
        for (Path published : new PricesFolder(acpHome).files()) {
            c = c.merge(readPublished(published));
        }
        Path home = acpHome.resolve(FILE_NAME);
        if (Files.isRegularFile(home)) {
            c = c.merge(read(home));
        }
        if (explicit != null) {
            if (!Files.isRegularFile(explicit)) {
                throw new UsageException(explicit + ": pricing file not found (check the path given to --pricing)");
            }
            c = c.merge(read(explicit));
        }
        return c;
    }

    /**
     * Reads a stored price list. It is ACP's file, not the user's: a broken one (an interrupted
     * copy, an edit gone wrong) is fixed by writing it again, or by deleting it.
     */
    private static PricingCatalog readPublished(Path file) {
        try {
            return read(file);
        } catch (UsageException e) {
            throw new UsageException(e.getMessage() + "; this file is written by '" + PricesFolder.REFRESH_COMMAND
                    + "': run it again, or delete " + file, e);
        }
    }

    /** Reads a pricing file; errors name the file, line and column. */
    public static PricingCatalog read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read the pricing file: " + e.getMessage());
        }
    }

    /** Parses pricing text; throws a {@link UsageException} naming line and column on the first problem. */
    public static PricingCatalog parse(String text, String label) {
        List<Problem> problems = new ArrayList<>();
        Node root = new NodeReader().read(text, label, NodeReader.Format.forFileName(label), problems);
        if (root == null || !problems.isEmpty()) {
            throw new UsageException(problems.isEmpty() ? label + ": the pricing file is empty"
                    : problems.get(0).render());
        }
        return new Parser(label).catalog(root);
    }

    public int version() {
        return version;
    }

    public Collection<ProviderPricing> providers() {
        return providers.values();
    }

    public Optional<ProviderPricing> provider(String id) {
        return Optional.ofNullable(providers.get(id));
    }

    public boolean billsFailures(String provider) {
        ProviderPricing p = providers.get(provider);
        return p != null && p.billsFailures();
    }

    /** The model a step gets from this provider when it names none, if the catalog knows it. */
    public Optional<String> defaultModel(String provider, Capability capability) {
        ProviderPricing p = providers.get(provider);
        return p == null ? Optional.empty() : Optional.ofNullable(p.defaultModels().get(capability));
    }

    /**
     * The entry for a model: listed by name, else the provider's {@code *} entry; empty when the
     * provider is not in the catalog at all.
     *
     * @param model the model as the step names it, or null for the provider's default for the capability
     */
    public Optional<PriceEntry> lookup(String provider, @Nullable String model, Capability capability) {
        ProviderPricing p = providers.get(provider);
        if (p == null) {
            return Optional.empty();
        }
        String name = model != null ? model : p.defaultModels().get(capability);
        PriceEntry e = name == null ? null : p.models().get(name);
        if (e == null && name != null) {
            // A catalog name priced under the provider's own id (a published price list).
            String id = modelIds.getOrDefault(provider, Map.of()).get(name);
            e = id == null ? null : p.models().get(id);
        }
        return Optional.ofNullable(e != null ? e : p.models().get("*"));
    }

    /** This catalog, resolving the model names of {@code names} to their providers' ids in {@link #lookup}. */
    public PricingCatalog withModelNames(ProviderCatalog names) {
        Map<String, Map<String, String>> ids = new LinkedHashMap<>();
        names.models().values().forEach(m -> ids.computeIfAbsent(m.provider(), k -> new LinkedHashMap<>())
                .put(m.name(), m.providerModelId()));
        Map<String, Map<String, String>> frozen = new LinkedHashMap<>();
        ids.forEach((provider, byName) -> frozen.put(provider, Map.copyOf(byName)));
        return new PricingCatalog(version, providers, frozen);
    }

    /** This catalog with {@code over}'s providers and entries replacing its own, entry by entry. */
    public PricingCatalog merge(PricingCatalog over) {
        Map<String, ProviderPricing> out = new LinkedHashMap<>(providers);
        for (ProviderPricing o : over.providers.values()) {
            ProviderPricing base = out.get(o.id());
            if (base == null) {
                out.put(o.id(), o);
                continue;
            }
            Map<Capability, String> defaults = new LinkedHashMap<>(base.defaultModels());
            defaults.putAll(o.defaultModels());
            Map<String, PriceEntry> models = new LinkedHashMap<>(base.models());
            models.putAll(o.models());
            boolean overridesFailures = o.billsFailuresSource() != null || o.billsFailures();
            out.put(o.id(), new ProviderPricing(o.id(), overridesFailures ? o.billsFailures() : base.billsFailures(),
                    overridesFailures ? o.billsFailuresSource() : base.billsFailuresSource(), defaults, models));
        }
        Map<String, Map<String, String>> ids = new LinkedHashMap<>(over.modelIds);
        ids.putAll(modelIds);
        return new PricingCatalog(Math.max(version, over.version), out, ids);
    }

    /** Reads the node tree, failing on the first problem with its position. */
    private static final class Parser {
        private final String label;

        Parser(String label) {
            this.label = label;
        }

        private UsageException error(SourceLocation at, String message, String fix) {
            return new UsageException(Problem.error(at, null, message, fix).render());
        }

        PricingCatalog catalog(Node root) {
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
            Map<String, ProviderPricing> providers = new LinkedHashMap<>();
            Node ps = map.get("providers");
            if (ps != null && !(ps instanceof Node.ScalarNode s && s.isNull())) {
                Node.MapNode pm = map(ps, "providers", "write 'providers:' followed by provider ids");
                for (Node.Entry e : pm.entries().values()) {
                    providers.put(e.key(), provider(e.key(), e.value()));
                }
            }
            return new PricingCatalog(version, providers);
        }

        private ProviderPricing provider(String id, Node node) {
            Node.MapNode map = map(node, "providers." + id, "write 'models:' under the provider");
            checkKeys(map, PROVIDER_KEYS, "providers." + id);
            boolean bills = false;
            Node b = map.get("bills_failures");
            if (b != null) {
                if (!(b instanceof Node.ScalarNode s && s.value() instanceof Boolean x)) {
                    throw error(b.location(), "providers." + id + ".bills_failures must be true or false, found "
                            + b.describe(), "write 'bills_failures: false'");
                }
                bills = x;
            }
            String billsSource = text(map, "bills_failures_source", "providers." + id, false);
            Map<Capability, String> defaults = new LinkedHashMap<>();
            Node d = map.get("default_models");
            if (d != null) {
                Node.MapNode dm = map(d, "providers." + id + ".default_models", "write 'text_to_image: flux-dev' lines");
                for (Node.Entry e : dm.entries().values()) {
                    Capability c = Capability.fromWireName(e.key()).orElseThrow(() -> error(e.keyLocation(),
                            "unknown capability '" + e.key() + "' in providers." + id + ".default_models",
                            "use a step type such as text_to_image"));
                    if (!(e.value() instanceof Node.ScalarNode s && s.value() instanceof String model)) {
                        throw error(e.value().location(), "the default model must be a name", "write a model name");
                    }
                    defaults.put(c, model);
                }
            }
            Map<String, PriceEntry> models = new LinkedHashMap<>();
            Node m = map.get("models");
            if (m != null && !(m instanceof Node.ScalarNode s && s.isNull())) {
                Node.MapNode mm = map(m, "providers." + id + ".models", "write 'model-name: { unit: image, price: 0.01,"
                        + " source: URL, as_of: 2026-01-01 }'");
                for (Node.Entry e : mm.entries().values()) {
                    models.put(e.key(), entry(id, e.key(), e.value()));
                }
            }
            return new ProviderPricing(id, bills, billsSource, defaults, models);
        }

        private PriceEntry entry(String provider, String model, Node node) {
            String where = "providers." + provider + ".models." + model;
            Node.MapNode map = map(node, where, "write '{ unit: image, price: 0.01, source: URL, as_of: 2026-01-01 }'");
            checkKeys(map, ENTRY_KEYS, where);
            Node u = map.get("unit");
            if (u == null) {
                throw error(map.location(), where + " has no unit", "add 'unit:', one of "
                        + String.join(", ", BillingUnit.wireNames()));
            }
            String unitName = u instanceof Node.ScalarNode s && s.value() != null ? String.valueOf(s.value()) : u.describe();
            BillingUnit unit = BillingUnit.of(unitName).orElseThrow(() -> error(u.location(), "unknown billing unit '"
                    + unitName + "' in " + where, "use one of " + String.join(", ", BillingUnit.wireNames())));
            BigDecimal price = amount(map, "price", where, true);
            Map<String, BigDecimal> byResolution = new LinkedHashMap<>();
            Node r = map.get("by_resolution");
            if (r != null) {
                Node.MapNode rm = map(r, where + ".by_resolution", "write '720p: 0.1' lines");
                for (Node.Entry e : rm.entries().values()) {
                    BigDecimal p = amount(rm, e.key(), where + ".by_resolution", false);
                    if (p != null) {
                        byResolution.put(e.key(), p);
                    }
                }
            }
            String defaultResolution = text(map, "default_resolution", where, false);
            BigDecimal input = amount(map, "input_price", where, true);
            BigDecimal output = amount(map, "output_price", where, true);
            BigDecimal defaultQuantity = amount(map, "default_quantity", where, false);
            BigDecimal maxQuantity = amount(map, "max_quantity", where, false);
            String source = text(map, "source", where, true);
            String asOf = text(map, "as_of", where, true);
            if (unit == BillingUnit.TOKENS && map.has("price")) {
                throw error(map.get("price").location(), where + " is billed by tokens: 'price' does not apply",
                        "write input_price and output_price (per million tokens)");
            }
            if (unit != BillingUnit.TOKENS && (map.has("input_price") || map.has("output_price"))) {
                throw error(map.location(), where + ": input_price/output_price apply only to unit 'tokens'",
                        "write 'price:' for unit " + unit.wireName());
            }
            if (unit != BillingUnit.TOKENS && !map.has("price") && byResolution.isEmpty()) {
                throw error(map.location(), where + " has no price", "add 'price: 0.01', or 'price: unknown' when no"
                        + " source documents one");
            }
            if (defaultResolution != null && !byResolution.containsKey(defaultResolution)) {
                throw error(map.get("default_resolution").location(), where + ": default_resolution '"
                        + defaultResolution + "' is not in by_resolution", "name one of " + byResolution.keySet());
            }
            return new PriceEntry(provider, model, unit, price, byResolution, defaultResolution, input, output,
                    defaultQuantity, maxQuantity, source, asOf);
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
                            ? "the date the price was read, e.g. 2026-11-01" : "the URL or document of the price") + ")");
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
            for (Node.Entry e : map.entries().values()) {
                if (!known.contains(e.key())) {
                    throw error(e.keyLocation(), "unknown key '" + e.key() + "' in " + where, dev.acp.util.Suggestions
                            .nearest(e.key(), known).map(s -> "did you mean '" + s + "'?")
                            .orElse("known keys: " + String.join(", ", known)));
                }
            }
        }
    }
}
