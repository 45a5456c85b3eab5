package dev.acp.catalog;

import dev.acp.pipeline.Capability;
import dev.acp.pipeline.Problem;
import dev.acp.pipeline.load.Node;
import dev.acp.pipeline.load.NodeReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What ACP knows about providers and models by name (from {@code catalog.yaml}): each provider's
 * capabilities and credential variables, the default provider per capability, and which
 * provider serves a model name. Installed providers are a separate matter (the registry).
 */
public final class ProviderCatalog {

    /** A provider as the catalog describes it. */
    public record ProviderEntry(String id, String name, List<String> credentials, Set<Capability> capabilities) {
        public ProviderEntry {
            credentials = List.copyOf(credentials);
            capabilities = Set.copyOf(capabilities);
        }
    }

    /**
     * A model name and where it is served. {@code providerModelId} is the provider's own id.
     *
     * @param retired the day the provider stopped serving the model, or null while it serves it
     * @param replacement a current model of the same capability to suggest instead, or null
     */
    public record ModelEntry(String name, String provider, Capability capability, String providerModelId,
            @Nullable String retired, @Nullable String replacement) {
        public ModelEntry(String name, String provider, Capability capability, String providerModelId) {
            this(name, provider, capability, providerModelId, null, null);
        }
    }

    private final Map<String, ProviderEntry> providers;
    private final Map<String, ModelEntry> models;
    private final Map<Capability, String> defaults;
    private final Map<String, String> retired;

    private ProviderCatalog(Map<String, ProviderEntry> providers, Map<String, ModelEntry> models,
            Map<Capability, String> defaults, Map<String, String> retired) {
        this.providers = Map.copyOf(providers);
        this.models = Map.copyOf(models);
        this.defaults = Map.copyOf(defaults);
        this.retired = Map.copyOf(retired);
    }

    /** The catalog shipped with ACP. */
    public static ProviderCatalog builtIn() {
        try (InputStream in = ProviderCatalog.class.getResourceAsStream("catalog.yaml")) {
            if (in == null) {
                throw new IllegalStateException("catalog.yaml is missing from the ACP jar");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in catalog", e);
        }
    }

    /**
     * Read from the same location-keeping tree the pipeline loader uses, and bound by hand: the
     * catalog is read by every command, and a data-binding mapper's start-up (hundreds of classes
     * and reflection over records) was the largest part of a short command's start.
     */
    static ProviderCatalog parse(InputStream in) throws IOException {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        List<Problem> problems = new ArrayList<>();
        Node root = new NodeReader().read(text, "catalog.yaml", NodeReader.Format.YAML, problems);
        if (!problems.isEmpty() || root == null) {
            throw new IllegalStateException("the built-in catalog does not parse: " + problems);
        }
        Map<String, Object> file = map(root.toPlain(), "the catalog", Set.of("version", "providers", "retired",
                "defaults", "models"));
        Map<String, ProviderEntry> providers = new LinkedHashMap<>();
        map(file.get("providers"), "providers", null).forEach((id, v) -> {
            Map<String, Object> p = map(v, "provider " + id, Set.of("name", "credentials", "capabilities"));
            providers.put(id, new ProviderEntry(id, text(p, "name", id), strings(p.get("credentials"), id),
                    strings(p.get("capabilities"), id).stream().map(ProviderCatalog::capability)
                            .collect(Collectors.toSet())));
        });
        Map<String, ModelEntry> models = new LinkedHashMap<>();
        map(file.get("models"), "models", null).forEach((name, v) -> {
            Map<String, Object> m = map(v, "model " + name, Set.of("provider", "capability", "id", "retired",
                    "replacement"));
            String provider = text(m, "provider", name);
            if (!providers.containsKey(provider)) {
                throw new IllegalStateException("catalog model " + name + " names unknown provider " + provider);
            }
            models.put(name, new ModelEntry(name, provider, capability(text(m, "capability", name)),
                    text(m, "id", name), optionalText(m, "retired"), optionalText(m, "replacement")));
        });
        Map<Capability, String> defaults = new EnumMap<>(Capability.class);
        map(file.get("defaults"), "defaults", null).forEach((cap, provider) ->
                defaults.put(capability(cap), String.valueOf(provider)));
        Map<String, String> retired = new LinkedHashMap<>();
        if (file.get("retired") != null) {
            map(file.get("retired"), "retired", null).forEach((id, why) -> retired.put(id, String.valueOf(why)));
        }
        return new ProviderCatalog(providers, models, defaults, retired);
    }

    /** A mapping, with only {@code allowed} keys when given (a misspelt key is a broken build, not ignored). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(@Nullable Object value, String what, @Nullable Set<String> allowed) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new IllegalStateException("catalog: " + what + " is not a mapping");
        }
        if (allowed != null) {
            for (Object k : m.keySet()) {
                if (!allowed.contains(k)) {
                    throw new IllegalStateException("catalog: " + what + " has an unknown field " + k);
                }
            }
        }
        return (Map<String, Object>) m;
    }

    private static String text(Map<String, Object> m, String key, String owner) {
        Object v = m.get(key);
        if (v == null) {
            throw new IllegalStateException("catalog: " + owner + " has no " + key);
        }
        return String.valueOf(v);
    }

    private static @Nullable String optionalText(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? null : String.valueOf(v);
    }

    private static List<String> strings(@Nullable Object value, String owner) {
        if (!(value instanceof List<?> l)) {
            throw new IllegalStateException("catalog: " + owner + " needs a list");
        }
        return l.stream().map(String::valueOf).toList();
    }

    private static Capability capability(String name) {
        return Capability.fromWireName(name)
                .orElseThrow(() -> new IllegalStateException("catalog names unknown capability " + name));
    }

    public Optional<ProviderEntry> provider(String id) {
        return Optional.ofNullable(providers.get(id));
    }

    public Map<String, ProviderEntry> providers() {
        return new TreeMap<>(providers);
    }

    public Optional<ModelEntry> model(String name) {
        return Optional.ofNullable(models.get(name));
    }

    public Map<String, ModelEntry> models() {
        return new TreeMap<>(models);
    }

    /** The provider used for {@code capability} when a step names neither provider nor known model. */
    public @Nullable String defaultProvider(Capability capability) {
        return defaults.get(capability);
    }

    /** The catalog model a provider's model id (or a catalog name) stands for, if one does and is retired. */
    public Optional<ModelEntry> retiredModel(String provider, String nameOrId) {
        return models.values().stream().filter(m -> m.retired() != null && m.provider().equals(provider)
                && (m.name().equals(nameOrId) || m.providerModelId().equals(nameOrId))).findFirst();
    }

    /** Providers ACP no longer supports, with what to use instead. */
    public Map<String, String> retired() {
        return new TreeMap<>(retired);
    }
}
