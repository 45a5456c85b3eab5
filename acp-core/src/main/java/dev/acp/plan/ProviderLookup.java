package dev.acp.plan;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.pipeline.Capability;
import dev.acp.pipeline.SourceLocation;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import dev.acp.util.Suggestions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What the registry and the catalog say about a provider, looked up once per provider (and once
 * per provider and model) for a whole plan: a step's own provider and each of its fallback
 * alternatives read the same answers, and a pipeline of thousands of steps on one provider asks
 * the registry and the catalog once instead of once per step.
 */
final class ProviderLookup {
    /**
     * One provider id as this build of ACP knows it.
     *
     * @param id the provider id as written
     * @param retired why the provider is no longer supported, or null
     * @param factory the installed implementation, if any
     * @param entry the catalog's entry, if any
     */
    record Candidate(String id, @Nullable String retired, Optional<ProviderFactory> factory,
            Optional<ProviderCatalog.ProviderEntry> entry) {
        boolean isKnown() {
            return factory.isPresent() || entry.isPresent();
        }

        boolean isInstalled() {
            return factory.isPresent();
        }

        /** What it can do; only for a known provider. */
        Set<Capability> capabilities() {
            return factory.map(ProviderFactory::capabilities).orElseGet(() -> entry.orElseThrow().capabilities());
        }
    }

    private final ProviderRegistry registry;
    private final ProviderCatalog catalog;
    private final Map<String, String> retired;
    private final Map<String, Candidate> candidates = new HashMap<>();
    private final Map<String, Optional<String>> missingCredentials = new HashMap<>();
    private final Map<String, Optional<ProviderCatalog.ModelEntry>> retiredModels = new HashMap<>();
    private final Map<Capability, List<String>> able = new HashMap<>();
    private @Nullable Set<String> known;

    ProviderLookup(ProviderRegistry registry, ProviderCatalog catalog) {
        this.registry = registry;
        this.catalog = catalog;
        this.retired = catalog.retired();
    }

    Candidate candidate(String id) {
        return candidates.computeIfAbsent(id, k -> new Candidate(k, retired.get(k), registry.factory(k),
                catalog.provider(k)));
    }

    Optional<ProviderCatalog.ModelEntry> model(String name) {
        return catalog.model(name);
    }

    /** The provider the catalog serves a capability with when a pipeline names none, or null. */
    @Nullable String defaultProvider(Capability cap) {
        return catalog.defaultProvider(cap);
    }

    /** The installed provider itself, created on first use; only for an installed candidate. */
    Provider installed(Candidate c) {
        return registry.provider(c.id());
    }

    /** The credential an installed provider lacks, if any (checked for real runs only). */
    Optional<String> missingCredentials(Candidate c) {
        return missingCredentials.computeIfAbsent(c.id(),
                k -> c.factory().orElseThrow().missingCredentials(registry.context()));
    }

    /** The fix for an unknown provider id: the nearest known id, or all of them. */
    String suggest(String id) {
        if (known == null) {
            Set<String> names = new TreeSet<>(catalog.providers().keySet());
            registry.factories().forEach(f -> names.add(f.id()));
            known = names;
        }
        Set<String> names = known;
        return Suggestions.nearest(id, names).map(x -> "did you mean '" + x + "'?")
                .orElse("known providers: " + String.join(", ", names));
    }

    /** Every provider, installed or in the catalog, that can do {@code cap}, sorted. */
    List<String> providersFor(Capability cap) {
        return able.computeIfAbsent(cap, c -> {
            Set<String> out = new TreeSet<>();
            registry.factories().stream().filter(f -> f.capabilities().contains(c)).forEach(f -> out.add(f.id()));
            catalog.providers().values().stream().filter(p -> p.capabilities().contains(c))
                    .forEach(p -> out.add(p.id()));
            return List.copyOf(out);
        });
    }

    /**
     * A warning for a model its provider no longer serves (OpenAI's dall-e-3): the call will
     * fail there, except on a compatible server that still has a model of that name.
     */
    void warnIfRetired(Findings findings, SourceLocation at, String step, String prefix, String provider,
            String model) {
        retiredModels.computeIfAbsent(provider + "\u0000" + model, k -> catalog.retiredModel(provider, model))
                .ifPresent(m -> findings.warning(at, step, prefix + "model '" + model + "' was retired by "
                        + catalog.provider(provider).map(ProviderCatalog.ProviderEntry::name).orElse(provider)
                        + " on " + m.retired() + "; calls to it fail there", m.replacement() == null
                                ? "choose a current " + m.capability().wireName() + " model (see 'acp models')"
                                : "use a current model such as '" + m.replacement() + "' (see 'acp models')"));
    }
}
