package dev.acp.providers.replicate;

import dev.acp.http.Governor;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code provider: replicate}: Replicate predictions for any model. The token is read from
 * {@value #KEY_VARIABLE} (or {@code providers.replicate.api_key} in {@code ACP_HOME/config.yaml});
 * the host is {@value #DEFAULT_BASE_URL} unless {@code ACP_REPLICATE_BASE_URL} says otherwise.
 *
 * <p>Governor defaults ({@link #GOVERNOR}): 10 HTTP requests at once, 50 predictions in flight,
 * 10 requests per second: creates are limited to 600 a minute and other calls to 3000
 * (providers.md 7.1), so 10 a second keeps every mix of creates and polls within both; a 429
 * halves the rate and honours its Retry-After.
 */
public final class ReplicateProviderFactory implements ProviderFactory {
    public static final String ID = "replicate";
    public static final String KEY_VARIABLE = "REPLICATE_API_TOKEN";
    public static final String DEFAULT_BASE_URL = "https://api.replicate.com";

    static final List<String> CREDENTIALS = List.of(KEY_VARIABLE);
    static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(
            Capability.TEXT_TO_IMAGE, Capability.IMAGE_TO_IMAGE, Capability.TEXT_TO_VIDEO, Capability.IMAGE_TO_VIDEO,
            Capability.VIDEO_TO_VIDEO, Capability.AVATAR_GENERATION, Capability.TEXT_TO_SPEECH));
    static final Governor.Settings GOVERNOR = new Governor.Settings(10, 50, 10);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public List<String> credentialVariables() {
        return CREDENTIALS;
    }

    @Override
    public Provider create(ProviderContext context) {
        return new ReplicateProvider(context, ReplicateProvider.Timeouts.DEFAULT);
    }
}
