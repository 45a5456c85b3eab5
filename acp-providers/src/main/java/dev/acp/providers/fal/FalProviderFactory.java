package dev.acp.providers.fal;

import dev.acp.http.Governor;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code provider: fal}: fal.ai's queue API for images and videos. The key is read from
 * {@value #KEY_VARIABLE} (or {@code providers.fal.api_key} in {@code ACP_HOME/config.yaml}); the
 * queue host is {@value #DEFAULT_BASE_URL} unless {@code ACP_FAL_BASE_URL} says otherwise, and the
 * storage host for uploads is {@value #DEFAULT_STORAGE_URL} unless
 * {@code ACP_FAL_STORAGE_BASE_URL} does, and the platform host of the price list
 * ({@code acp models --refresh-prices}) is {@value #DEFAULT_PLATFORM_URL} unless
 * {@code ACP_FAL_PLATFORM_BASE_URL} does.
 *
 * <p>Governor defaults ({@link #GOVERNOR}), from what fal documents (providers.md 1.3): no
 * request-rate cap, because fal documents none (no rate-limit headers either; a 429 still halves
 * the rate and its Retry-After is honoured); 1,000 jobs in flight, because fal's queue accepts every
 * request, never drops one and runs an account's requests up to its concurrency limit, queueing the
 * rest itself (a 429 for concurrency waits inside the queue), so the limit only bounds what one
 * process watches; 100 HTTP requests at once, the connections ACP keeps open to fal, so that a
 * few large video downloads do not starve the polls.
 */
public final class FalProviderFactory implements ProviderFactory {
    public static final String ID = "fal";
    public static final String KEY_VARIABLE = "FAL_KEY";
    public static final String DEFAULT_BASE_URL = "https://queue.fal.run";
    /** The name whose base URL is fal's REST host ({@code ACP_FAL_STORAGE_BASE_URL}). */
    public static final String STORAGE_ID = "fal_storage";
    public static final String DEFAULT_STORAGE_URL = "https://rest.fal.ai";
    /** The name whose base URL is fal's platform API host ({@code ACP_FAL_PLATFORM_BASE_URL}): the price list. */
    public static final String PLATFORM_ID = "fal_platform";
    public static final String DEFAULT_PLATFORM_URL = "https://api.fal.ai";

    static final List<String> CREDENTIALS = List.of(KEY_VARIABLE);
    static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(
            Capability.TEXT_TO_IMAGE,
            Capability.IMAGE_TO_IMAGE,
            Capability.TEXT_TO_VIDEO,
            Capability.IMAGE_TO_VIDEO,
            Capability.VIDEO_TO_VIDEO,
            Capability.AVATAR_GENERATION));
    static final Governor.Settings GOVERNOR = Governor.Settings.uncapped(100, 1000);

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

    /** Never fails: a missing key is reported before a run, and by every call. */
    @Override
    public Provider create(ProviderContext context) {
        return new FalProvider(context, FalProvider.Timeouts.DEFAULT);
    }
}
