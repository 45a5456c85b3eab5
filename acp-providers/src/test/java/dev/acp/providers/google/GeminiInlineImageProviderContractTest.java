package dev.acp.providers.google;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.testkit.contract.MediaKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * Gemini image_understanding under the shared provider contract, the image sent as
 * {@code inlineData} in the paid request itself: the paid call is recognised only with the
 * image's bytes inline, so a provider that uploaded it through the Files API instead (another
 * call, another place the key goes) fails every rule.
 */
final class GeminiInlineImageProviderContractTest extends GeminiSharedContract {

    @Override
    protected ProviderRequest request(Path outputFile) {
        Path image = dir.resolve("input.png");
        try {
            Files.write(image, MediaKind.IMAGE.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return request(Capability.IMAGE_UNDERSTANDING, MODEL, Map.of("image", image.toString(), "prompt",
                "what is in the picture?"), outputFile);
    }

    @Override
    protected MappingBuilder paidCall() {
        return post(urlPathEqualTo(GENERATE)).withRequestBody(matchingJsonPath("$..inlineData.data",
                equalTo(Base64.getEncoder().encodeToString(MediaKind.IMAGE.bytes()))));
    }
}
