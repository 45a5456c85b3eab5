package dev.acp.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import java.time.Duration;
import java.util.Map;

/**
 * {@code openai} chat on a hosted OpenAI-compatible server (a remote host, a key, paid calls)
 * under the shared provider contract; errors in OpenAI's dialect ({@code type}, a null code).
 */
final class OpenAiCompatibleChatProviderContractTest extends ChatSharedContract {

    @Override
    protected String key() {
        return ChatFixtures.CANARY;
    }

    @Override
    protected Map<String, String> environment(String baseUrl) {
        return Map.of("OPENAI_API_KEY", key(), "ACP_OPENAI_BASE_URL", baseUrl + "/v1");
    }

    @Override
    protected Provider provider(ProviderContext context, Duration callTimeout) {
        return new OpenAiProviderFactory(uri -> ServerKind.REMOTE)
                .create(withTimeoutVariable(context, "ACP_OPENAI_TIMEOUT", callTimeout));
    }

    @Override
    protected MappingBuilder paidCall() {
        return post(urlPathEqualTo("/v1/chat/completions"));
    }

    @Override
    protected String errorBody(int status, String message) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"param\":null,"
                + "\"code\":null}}";
    }
}
