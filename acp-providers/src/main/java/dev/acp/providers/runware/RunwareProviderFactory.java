package dev.acp.providers.runware;

import dev.acp.http.Governor;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code provider: runware}: Runware's REST API for images and videos. The key is read from
 * {@value #KEY_VARIABLE} (or {@code providers.runware.api_key} in {@code ACP_HOME/config.yaml});
 * the host is {@value #DEFAULT_BASE_URL} unless {@code ACP_RUNWARE_BASE_URL} says otherwise.
 *
 * <p>Governor defaults ({@link #GOVERNOR}): 8 HTTP requests at once, 40 tasks in flight and no
 * request-rate cap: Runware documents no hard rate limits, only capacity refusals (429, 503, 504;
 * providers.md 4.3), and a 429 halves the rate requests were starting at.
 */
public final class RunwareProviderFactory implements ProviderFactory {
    public static final String ID = "runware";
    public static final String KEY_VARIABLE = "RUNWARE_API_KEY";
    public static final String DEFAULT_BASE_URL = "https://api.runware.ai";

    static final List<String> CREDENTIALS = List.of(KEY_VARIABLE);
    static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(
            Capability.TEXT_TO_IMAGE, Capability.IMAGE_TO_IMAGE, Capability.TEXT_TO_VIDEO, Capability.IMAGE_TO_VIDEO));
    static final Governor.Settings GOVERNOR = Governor.Settings.uncapped(8, 40);

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
        return new RunwareProvider(context, RunwareProvider.Timeouts.DEFAULT);
    }
}
