package dev.acp.providers.openai;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.http.Governor;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code openrouter}: chat models of many vendors through OpenRouter's OpenAI-style API
 * ({@code https://openrouter.ai/api/v1}, key {@code OPENROUTER_API_KEY}). Serves
 * {@code prompt_generation}, {@code image_understanding} and {@code story_to_scenes}; the cost of
 * each call is taken from the answer's {@code usage.cost}.
 *
 * <p>Defaults: the models of the catalog entries {@code openrouter-chat},
 * {@code openrouter-vision} and {@code openrouter-scenes} (a small, cheap model that reads images
 * and follows JSON schemas), or {@code ACP_OPENROUTER_MODEL} for all three; a step's
 * {@code model} wins. Calls are sent with the attribution headers {@code HTTP-Referer}
 * ({@code ACP_OPENROUTER_REFERER} overrides it) and {@code X-OpenRouter-Title}. At most 8 calls
 * at once and 10 per second: well inside OpenRouter's limits for paid keys (free models allow 20
 * a minute, and their 429s halve the rate and pause for the Retry-After), while parallel groups
 * of a few chat steps never wait. A call may take {@code ACP_OPENROUTER_TIMEOUT} seconds (180 by
 * default: long answers of slow models).
 */
public final class OpenRouterProviderFactory implements ProviderFactory {
    public static final String ID = "openrouter";
    static final String KEY_VARIABLE = "OPENROUTER_API_KEY";
    static final String DEFAULT_BASE_URL = "https://openrouter.ai/api/v1";
    /** ACP's address, after the reverse domain of its Java packages ({@code dev.acp}). */
    static final String REFERER = "https://acp.dev";
    static final String TITLE = "ACP - AI Content Platform";
    /** Used when the catalog lacks the default entries (a trimmed catalog). */
    static final String FALLBACK_MODEL = "openai/gpt-4o-mini";
    static final Map<Capability, String> CATALOG_DEFAULTS = Map.of(
            Capability.PROMPT_GENERATION, "openrouter-chat",
            Capability.IMAGE_UNDERSTANDING, "openrouter-vision",
            Capability.STORY_TO_SCENES, "openrouter-scenes");
    static final Governor.Settings LIMITS = new Governor.Settings(8, 8, 10);

    /** For {@link java.util.ServiceLoader}. */
    public OpenRouterProviderFactory() {}

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return ChatProvider.CAPABILITIES;
    }

    @Override
    public List<String> credentialVariables() {
        return List.of(KEY_VARIABLE);
    }

    @Override
    public Provider create(ProviderContext context) {
        ProviderCatalog catalog = ProviderCatalog.builtIn();
        Map<Capability, String> defaults = new EnumMap<>(Capability.class);
        CATALOG_DEFAULTS.forEach((c, name) -> defaults.put(c, catalog.model(name)
                .filter(m -> m.provider().equals(ID) && m.capability() == c)
                .map(ProviderCatalog.ModelEntry::providerModelId).orElse(FALLBACK_MODEL)));
        ChatEndpoint endpoint = new ChatEndpoint(
                ID,
                ChatEndpoint.baseUri(context, ID, DEFAULT_BASE_URL),
                context.credential(ID, credentialVariables()).orElse(null),
                KEY_VARIABLE,
                true,
                Map.of("HTTP-Referer", context.environment().get("ACP_OPENROUTER_REFERER").orElse(REFERER),
                        "X-OpenRouter-Title", TITLE),
                ServerKind.REMOTE,
                true,
                ChatEndpoint.timeout(context, ID, Duration.ofSeconds(180)),
                ChatEndpoint.defaultModels(context, ID, defaults),
                LIMITS);
        return new ChatProvider(endpoint, context, catalog);
    }
}
