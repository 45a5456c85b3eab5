package dev.acp.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRequest;
import dev.acp.testkit.contract.HttpProviderContract;
import dev.acp.testkit.contract.MediaKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code openai} text_to_image under the shared provider contract, playing OpenAI itself (a key,
 * paid calls); the two ways its answer hands over the image are two tests:
 * {@link OpenAiImagesBase64ProviderContractTest} and {@link OpenAiImagesUrlProviderContractTest}.
 * The time limit is read from {@code ACP_OPENAI_TIMEOUT}, so the provider is built with it added.
 */
abstract class OpenAiImagesSharedContract extends HttpProviderContract {

    /** The model asked for: how it is asked decides the answer's shape. */
    abstract String model();

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
        return new OpenAiProviderFactory(uri -> ServerKind.OPENAI)
                .create(withTimeoutVariable(context, "ACP_OPENAI_TIMEOUT", callTimeout));
    }

    @Override
    protected ProviderRequest request(Path outputFile) {
        return request(Capability.TEXT_TO_IMAGE, model(), Map.of("prompt", "a lighthouse at dawn"), outputFile);
    }

    @Override
    protected MediaKind mediaKind() {
        return MediaKind.IMAGE;
    }

    @Override
    protected MappingBuilder paidCall() {
        return post(urlPathEqualTo("/v1/images/generations"));
    }

    @Override
    protected String errorBody(int status, String message) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"code\":null}}";
    }
}
