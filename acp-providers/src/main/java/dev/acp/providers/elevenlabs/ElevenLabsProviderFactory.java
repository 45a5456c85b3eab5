package dev.acp.providers.elevenlabs;

import dev.acp.provider.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import java.util.List;
import java.util.Set;

/**
 * Creates the {@link ElevenLabsProvider}: id {@code elevenlabs}, credential
 * {@code ELEVENLABS_API_KEY}, base URL {@code https://api.elevenlabs.io} (overridden by
 * {@code ACP_ELEVENLABS_BASE_URL} or {@code providers.elevenlabs.base_url} in config.yaml, for
 * the regional hosts, proxies and mock servers). Listed in
 * {@code META-INF/services/dev.acp.provider.ProviderFactory}.
 */
public final class ElevenLabsProviderFactory implements ProviderFactory {

    /** For {@link java.util.ServiceLoader}. */
    public ElevenLabsProviderFactory() {}

    @Override
    public String id() {
        return ElevenLabsProvider.ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.TEXT_TO_SPEECH);
    }

    @Override
    public List<String> credentialVariables() {
        return List.of(ElevenLabsProvider.CREDENTIAL);
    }

    @Override
    public Provider create(ProviderContext context) {
        return new ElevenLabsProvider(context, ElevenLabsProvider.SPEECH_TIMEOUT);
    }
}
