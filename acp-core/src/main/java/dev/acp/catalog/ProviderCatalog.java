package dev.acp.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.acp.pipeline.Capability;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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

    @JsonIgnoreProperties(ignoreUnknown = false)
    private record FileForm(int version, Map<String, ProviderForm> providers, Map<String, String> retired,
            Map<String, String> defaults, Map<String, ModelForm> models) {}

    private record ProviderForm(String name, List<String> credentials, List<String> capabilities) {}

    private record ModelForm(String provider, String capability, String id, @Nullable String retired,
            @Nullable String replacement) {}

    static ProviderCatalog parse(InputStream in) throws IOException {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        FileForm f = mapper.readValue(in, FileForm.class);
        Map<String, ProviderEntry> providers = new LinkedHashMap<>();
        f.providers().forEach((id, p) -> providers.put(id, new ProviderEntry(id, p.name(), p.credentials(),
                p.capabilities().stream().map(ProviderCatalog::capability).collect(Collectors.toSet()))));
        Map<String, ModelEntry> models = new LinkedHashMap<>();
        f.models().forEach((name, m) -> {
            if (!providers.containsKey(m.provider())) {
                throw new IllegalStateException("catalog model " + name + " names unknown provider " + m.provider());
            }
            models.put(name, new ModelEntry(name, m.provider(), capability(m.capability()), m.id(), m.retired(),
                    m.replacement()));
        });
        Map<Capability, String> defaults = new EnumMap<>(Capability.class);
        f.defaults().forEach((cap, provider) -> defaults.put(capability(cap), provider));
        return new ProviderCatalog(providers, models, defaults, f.retired() == null ? Map.of() : f.retired());
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
