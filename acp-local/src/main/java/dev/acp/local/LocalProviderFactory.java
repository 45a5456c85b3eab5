package dev.acp.local;

import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import java.util.Set;

/**
 * Creates the {@code local} provider. Listed in {@code META-INF/services/dev.acp.provider.ProviderFactory}.
 * It needs no credentials.
 */
public final class LocalProviderFactory implements ProviderFactory {

    @Override
    public String id() {
        return LocalProvider.ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return LocalProvider.CAPABILITIES;
    }

    @Override
    public Provider create(ProviderContext context) {
        return new LocalProvider(context);
    }
}
