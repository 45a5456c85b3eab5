package dev.acp.content.steps;

import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import java.util.Set;

/** Creates the {@code content} provider; listed in {@code META-INF/services}. It needs no credentials. */
public final class ContentProviderFactory implements ProviderFactory {

    @Override
    public String id() {
        return ContentProvider.ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return ContentProvider.CAPABILITIES;
    }

    @Override
    public Provider create(ProviderContext context) {
        return new ContentProvider(context);
    }
}
