package dev.acp.providers.openai;

import dev.acp.provider.ProviderFactory;

/**
 * Factories for tests outside this package: what the base URL's host would decide
 * ({@link ServerKind}) is fixed, so that a mock on localhost can play OpenAI itself (a key
 * required, paid calls, images priced from their usage) instead of a free local server.
 */
public final class OpenAiTestFactories {
    private OpenAiTestFactories() {}

    /** {@code provider: openai} with every base URL treated as api.openai.com. */
    public static ProviderFactory playingOpenAi() {
        return new OpenAiProviderFactory(uri -> ServerKind.OPENAI);
    }
}
