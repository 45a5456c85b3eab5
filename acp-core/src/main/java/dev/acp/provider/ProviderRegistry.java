package dev.acp.provider;

import dev.acp.pipeline.Capability;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The providers available to a run: factories found on the class path (or given by tests), and
 * the providers they create, built once on first use. An object, never a static, so tests can
 * hold several side by side.
 */
public final class ProviderRegistry {
    private final Map<String, ProviderFactory> factories;
    private final ProviderContext context;
    private final Map<String, Provider> created = new ConcurrentHashMap<>();

    private ProviderRegistry(Collection<ProviderFactory> factories, ProviderContext context) {
        Map<String, ProviderFactory> byId = new LinkedHashMap<>();
        for (ProviderFactory f : factories) {
            ProviderFactory previous = byId.putIfAbsent(f.id(), f);
            if (previous != null) {
                throw new IllegalStateException("two providers claim the id '" + f.id() + "': "
                        + previous.getClass().getName() + " and " + f.getClass().getName());
            }
        }
        this.factories = Collections.unmodifiableMap(byId);
        this.context = context;
    }

    /** Every factory listed in {@code META-INF/services} on the class path. */
    public static ProviderRegistry discover(ProviderContext context) {
        List<ProviderFactory> found = new ArrayList<>();
        ServiceLoader.load(ProviderFactory.class).forEach(found::add);
        return new ProviderRegistry(found, context);
    }

    public static ProviderRegistry of(ProviderContext context, ProviderFactory... factories) {
        return new ProviderRegistry(List.of(factories), context);
    }

    public static ProviderRegistry of(ProviderContext context, Collection<ProviderFactory> factories) {
        return new ProviderRegistry(factories, context);
    }

    /** A registry with the providers of this one plus {@code extra}. */
    public ProviderRegistry plus(ProviderFactory... extra) {
        List<ProviderFactory> all = new ArrayList<>(factories.values());
        all.addAll(List.of(extra));
        return new ProviderRegistry(all, context);
    }

    /**
     * The same factories over another context; providers are created again on first use, so
     * they take the new context's transport.
     */
    public ProviderRegistry withContext(ProviderContext value) {
        return new ProviderRegistry(factories.values(), value);
    }

    public Collection<ProviderFactory> factories() {
        return factories.values();
    }

    public Optional<ProviderFactory> factory(String id) {
        return Optional.ofNullable(factories.get(id));
    }

    public boolean has(String id) {
        return factories.containsKey(id);
    }

    public ProviderContext context() {
        return context;
    }

    /** Every variable the installed providers read their API keys from. */
    public List<String> credentialVariables() {
        List<String> names = new ArrayList<>();
        factories.values().forEach(f -> names.addAll(f.credentialVariables()));
        return names;
    }

    /**
     * The environment variables pipelines may read ({@code {{env.NAME}}}, {@code ${NAME}}): none
     * of these providers' keys, and secret-looking names only when config.yaml's
     * {@code template_variables} lists them.
     */
    public dev.acp.env.TemplateVariables templateVariables(dev.acp.env.Environment environment) {
        List<String> keys = new ArrayList<>();
        context.config().providers().values().forEach(p -> {
            if (p.apiKey() != null) {
                keys.add(p.apiKey());
            }
        });
        return dev.acp.env.TemplateVariables.of(environment, credentialVariables(),
                context.config().templateVariables(), keys,
                context.acpHome().resolve(dev.acp.config.AcpConfig.FILE_NAME).toString());
    }

    /**
     * The model provider {@code id} calls for a step of {@code capability} that names none, when
     * the provider decides it ({@link Provider#configuredDefaultModel}); empty for a provider that is not
     * installed or cannot be created here (its steps fail validation with the reason anyway).
     */
    public java.util.Optional<String> configuredDefaultModel(String id, Capability capability) {
        if (!factories.containsKey(id)) {
            return java.util.Optional.empty();
        }
        try {
            return provider(id).configuredDefaultModel(capability);
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** The provider with {@code id}, created on first use. */
    public Provider provider(String id) {
        ProviderFactory factory = factories.get(id);
        if (factory == null) {
            throw new IllegalArgumentException("no provider '" + id + "' is installed");
        }
        return created.computeIfAbsent(id, k -> factory.create(context));
    }
}
