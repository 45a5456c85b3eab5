package dev.acp.providers.elevenlabs;

import dev.acp.error.UsageException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Creates the {@link ElevenLabsProvider}: id {@code elevenlabs}, credential
 * {@code ELEVENLABS_API_KEY}, base URL {@code https://api.elevenlabs.io} (overridden by
 * {@code ACP_ELEVENLABS_BASE_URL} or {@code providers.elevenlabs.base_url} in config.yaml, for
 * the regional hosts, proxies and mock servers). {@code ACP_ELEVENLABS_HISTORY_GRACE} (seconds,
 * default 120) is how long after a lost request was sent a resume waits for its speech to show up
 * in the account's history before it concludes that ElevenLabs never got the request and sends it.
 * Listed in {@code META-INF/services/dev.acp.provider.ProviderFactory}.
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
        return new ElevenLabsProvider(context, ElevenLabsProvider.SPEECH_TIMEOUT, historyGrace(context));
    }

    /** {@code ACP_ELEVENLABS_HISTORY_GRACE} in seconds (0 to 86400), else {@link ElevenLabsProvider#HISTORY_GRACE}. */
    static Duration historyGrace(ProviderContext context) {
        String name = ProviderContext.envName(ElevenLabsProvider.ID, "HISTORY_GRACE");
        Optional<String> value = context.environment().get(name);
        if (value.isEmpty()) {
            return ElevenLabsProvider.HISTORY_GRACE;
        }
        try {
            double seconds = Double.parseDouble(value.get().strip());
            if (seconds >= 0 && seconds <= 24 * 3600) {
                return Duration.ofMillis((long) (seconds * 1000));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(name + " must be a number of seconds between 0 and 86400, not '" + value.get() + "'");
    }
}
