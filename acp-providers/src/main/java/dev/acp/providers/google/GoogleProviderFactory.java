package dev.acp.providers.google;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.util.Sleeper;
import dev.acp.http.Governor;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code provider: google}: Gemini ({@code image_understanding}, {@code prompt_generation},
 * {@code story_to_scenes}) and Veo ({@code text_to_video}, {@code image_to_video}) on the Gemini
 * Developer API. The key is read from {@code GOOGLE_API_KEY}, else {@code GEMINI_API_KEY} (the
 * names Google's SDK reads), else {@code providers.google.api_key} in
 * {@code ACP_HOME/config.yaml}; the host is {@value #DEFAULT_BASE_URL} unless
 * {@code ACP_GOOGLE_BASE_URL} (or {@code base_url} in config.yaml) says otherwise, with or
 * without the {@code /v1beta} of providers.md.
 *
 * <p>Governor defaults ({@link #GOVERNOR}): 8 requests at once, 10 Veo operations in flight and
 * 5 requests per second. Gemini's limits are per project and tier (from a few requests a minute
 * on the free tier to thousands on paid ones, and far fewer for Veo), so the defaults suit a paid
 * tier and a 429 halves the rate and pauses for its {@code RetryInfo} or Retry-After; 10 Veo
 * operations polled every few seconds take about 2 requests a second. Change them with
 * {@code providers.google.max_concurrency}, {@code max_jobs} and {@code requests_per_second} in
 * config.yaml.
 */
public final class GoogleProviderFactory implements ProviderFactory {
    public static final String ID = "google";
    public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";
    static final List<String> CREDENTIALS = List.of("GOOGLE_API_KEY", "GEMINI_API_KEY");
    static final Set<Capability> TEXT = Set.copyOf(EnumSet.of(
            Capability.IMAGE_UNDERSTANDING, Capability.PROMPT_GENERATION, Capability.STORY_TO_SCENES));
    static final Set<Capability> VIDEO = Set.copyOf(EnumSet.of(Capability.TEXT_TO_VIDEO, Capability.IMAGE_TO_VIDEO));
    static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(
            Capability.IMAGE_UNDERSTANDING, Capability.PROMPT_GENERATION, Capability.STORY_TO_SCENES,
            Capability.TEXT_TO_VIDEO, Capability.IMAGE_TO_VIDEO));
    static final Governor.Settings GOVERNOR = new Governor.Settings(8, 10, 5);

    /** For {@link java.util.ServiceLoader}. */
    public GoogleProviderFactory() {}

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
        return new GoogleProvider(context, ProviderCatalog.builtIn(), GoogleApi.Timeouts.DEFAULT, Sleeper.SYSTEM,
                GeminiFiles.DEFAULT_INLINE_LIMIT);
    }
}
