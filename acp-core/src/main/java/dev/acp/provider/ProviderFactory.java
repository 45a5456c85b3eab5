package dev.acp.provider;

import java.util.List;
import java.util.Set;

/**
 * Creates a {@link Provider}. Implementations are listed in
 * {@code META-INF/services/dev.acp.provider.ProviderFactory} and found with
 * {@link java.util.ServiceLoader}.
 */
public interface ProviderFactory {

    /** The provider id, equal to {@link Provider#id()} of what {@link #create} returns. */
    String id();

    Set<Capability> capabilities();

    /**
     * Environment variables holding this provider's credentials, in order of preference. Empty
     * for providers that need none. Only names are ever shown to users, never values.
     */
    default List<String> credentialVariables() {
        return List.of();
    }

    Provider create(ProviderContext context);
}
