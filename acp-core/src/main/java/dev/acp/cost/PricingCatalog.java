package dev.acp.cost;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.error.UsageException;
import dev.acp.pipeline.Problem;
import dev.acp.pipeline.SourceLocation;
import dev.acp.pipeline.load.Node;
import dev.acp.pipeline.load.NodeReader;
import dev.acp.pipeline.Capability;
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

    /**
     * What ACP knows about one provider's billing.
     *
     * @param billsFailures whether a failed call is billed (then retries widen the pessimistic estimate)
     * @param defaultModels the model a step of a capability gets when it names none
     * @param models entries by model name; {@code *} covers models not listed
     * @param credits what the provider's credits cost by plan, for models billed in credits; or null
     * @param creditPrice the price of a credit for this user (their plan or price from
     *     {@code ACP_HOME/config.yaml}), or null until {@link #load} resolves it
     */
    public record ProviderPricing(String id, boolean billsFailures, @Nullable String billsFailuresSource,
            Map<Capability, String> defaultModels, Map<String, PriceEntry> models, @Nullable CreditPlans credits,
            @Nullable CreditPrice creditPrice) {
        public ProviderPricing {
            defaultModels = Map.copyOf(defaultModels);
            models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
        }

        public ProviderPricing(String id, boolean billsFailures, @Nullable String billsFailuresSource,
                Map<Capability, String> defaultModels, Map<String, PriceEntry> models) {
            this(id, billsFailures, billsFailuresSource, defaultModels, models, null, null);
        }

        ProviderPricing withCreditPrice(@Nullable CreditPrice price) {
            return new ProviderPricing(id, billsFailures, billsFailuresSource, defaultModels, models, credits, price);
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

    /** No model's capabilities known: every unit is accepted for every model. */
    static final java.util.function.BiFunction<String, String, java.util.Set<Capability>> ANY_UNIT =
            (provider, model) -> java.util.Set.of();

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
            ProviderCatalog names = ProviderCatalog.builtIn();
            return new PricingFile("pricing.yaml (built in)", capabilities(names))
                    .parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)).withModelNames(names)
                    .withCreditPrices(dev.acp.config.AcpConfig.empty(), "ACP_HOME/config.yaml");
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
        return load(acpHome, explicit, dev.acp.config.AcpConfig.load(acpHome));
    }

    /**
     * Like {@link #load(Path, Path)}, with the user's configuration already read: its
     * {@code plan} or {@code credit_price} per provider prices the credits of providers that bill
     * in credits (ElevenLabs).
     */
    public static PricingCatalog load(Path acpHome, @Nullable Path explicit, dev.acp.config.AcpConfig config) {
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
        return c.withCreditPrices(config, acpHome.resolve(dev.acp.config.AcpConfig.FILE_NAME).toString());
    }

    /** Each provider billed in credits with the price of a credit this user pays. */
    PricingCatalog withCreditPrices(dev.acp.config.AcpConfig config, String where) {
        Map<String, ProviderPricing> out = new LinkedHashMap<>();
        providers.forEach((id, p) -> {
            var settings = config.provider(id);
            out.put(id, p.credits() == null ? p : p.withCreditPrice(p.credits().resolve(id, settings.creditPrice(),
                    settings.plan(), where)));
        });
        return new PricingCatalog(version, out, modelIds);
    }

    /**
     * The price of one of a provider's credits for this user, or empty when the provider does not
     * bill in credits.
     */
    public Optional<CreditPrice> creditPrice(String provider) {
        ProviderPricing p = providers.get(provider);
        if (p == null || p.credits() == null) {
            return Optional.empty();
        }
        return Optional.of(p.creditPrice() != null ? p.creditPrice()
                : p.credits().resolve(provider, null, null, "ACP_HOME/config.yaml"));
    }

    /** For the unit check of pricing files: the capabilities of a provider's model by name or id. */
    static java.util.function.BiFunction<String, String, java.util.Set<Capability>> capabilities(ProviderCatalog names) {
        return (provider, model) -> {
            if ("*".equals(model)) {
                return names.provider(provider).map(ProviderCatalog.ProviderEntry::capabilities)
                        .orElse(java.util.Set.of());
            }
            java.util.Set<Capability> caps = java.util.EnumSet.noneOf(Capability.class);
            names.models().values().stream().filter(m -> m.provider().equals(provider)
                    && (m.name().equals(model) || m.providerModelId().equals(model)))
                    .forEach(m -> caps.add(m.capability()));
            return caps;
        };
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
            return new PricingFile(file.toString(), capabilities(ProviderCatalog.builtIn()))
                    .parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read the pricing file: " + e.getMessage());
        }
    }

    /** Parses pricing text; throws a {@link UsageException} naming line and column on the first problem. */
    public static PricingCatalog parse(String text, String label) {
        return new PricingFile(label, ANY_UNIT).parse(text);
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

    /**
     * An entry replacing another: its prices win; when both bill the same unit, how much of it a
     * call uses when its parameters do not say (a video model's default duration, the most
     * characters of a request) stays as the replaced entry said unless the new one says too. A
     * price list tells what a unit costs, not how long a model's clips are.
     */
    private static PriceEntry over(PriceEntry base, PriceEntry o) {
        if (base.unit() != o.unit()) {
            return o;
        }
        return new PriceEntry(o.provider(), o.model(), o.tariff(), o.pessimistic(),
                o.defaultQuantity() != null ? o.defaultQuantity() : base.defaultQuantity(),
                o.maxQuantity() != null ? o.maxQuantity() : base.maxQuantity(), o.source(), o.asOf());
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
            o.models().forEach((name, e) -> models.merge(name, e, PricingCatalog::over));
            boolean overridesFailures = o.billsFailuresSource() != null || o.billsFailures();
            out.put(o.id(), new ProviderPricing(o.id(), overridesFailures ? o.billsFailures() : base.billsFailures(),
                    overridesFailures ? o.billsFailuresSource() : base.billsFailuresSource(), defaults, models,
                    o.credits() != null ? o.credits() : base.credits(),
                    o.creditPrice() != null ? o.creditPrice() : base.creditPrice()));
        }
        Map<String, Map<String, String>> ids = new LinkedHashMap<>(over.modelIds);
        ids.putAll(modelIds);
        return new PricingCatalog(Math.max(version, over.version), out, ids);
    }

}
