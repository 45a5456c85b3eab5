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
 * <p>Governor defaults ({@link #GOVERNOR}): 10 HTTP requests at once, 40 jobs in flight and 10
 * requests per second. fal runs a few requests of an account at once and queues the rest itself
 * (its queue never drops a request and retries its own runners), so more than 40 submitted jobs
 * would only wait in fal's queue while their steps' time limits run; 40 jobs polled with the
 * engine's backoff (up to 5 s) need about 8 status requests a second, which 10 per second covers
 * with room for submissions and downloads, and 10 concurrent requests keep a few large video
 * downloads from starving the polls. fal documents no rate-limit headers; a 429 halves the rate.
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
    static final Governor.Settings GOVERNOR = new Governor.Settings(10, 40, 10);

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
