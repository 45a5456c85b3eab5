package dev.acp.providers.google;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import java.nio.file.Path;
import java.util.Map;

/** Gemini prompt_generation under the shared provider contract: text in, text and tokens out. */
final class GeminiTextProviderContractTest extends GeminiSharedContract {

    @Override
    protected ProviderRequest request(Path outputFile) {
        return request(Capability.PROMPT_GENERATION, MODEL, Map.of("prompt", "a lighthouse"), outputFile);
    }

    @Override
    protected MappingBuilder paidCall() {
        return post(urlPathEqualTo(GENERATE));
    }
}
