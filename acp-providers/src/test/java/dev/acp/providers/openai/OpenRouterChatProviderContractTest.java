package dev.acp.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import java.time.Duration;
import java.util.Map;

/** OpenRouter's chat completions under the shared provider contract; the time limit through {@code ACP_OPENROUTER_TIMEOUT}. */
final class OpenRouterChatProviderContractTest extends ChatSharedContract {

    @Override
    protected String key() {
        return "sk-or-v1-contract-5e1d9c3b7a2f4e6d8c0b1a3f5e7d9c1b";
    }

    @Override
    protected Map<String, String> environment(String baseUrl) {
        return Map.of("OPENROUTER_API_KEY", key(), "ACP_OPENROUTER_BASE_URL", baseUrl + "/api/v1");
    }

    @Override
    protected Provider provider(ProviderContext context, Duration callTimeout) {
        return new OpenRouterProviderFactory()
                .create(withTimeoutVariable(context, "ACP_OPENROUTER_TIMEOUT", callTimeout));
    }

    @Override
    protected MappingBuilder paidCall() {
        return post(urlPathEqualTo("/api/v1/chat/completions"));
    }
}
