package dev.acp.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

/**
 * OpenAI images whose answer names the image by {@code url} (DALL-E on a server that ignores
 * {@code response_format: b64_json}): downloaded at once, without the key, with the content check.
 */
final class OpenAiImagesUrlProviderContractTest extends OpenAiImagesSharedContract {

    @Override
    String model() {
        return "dall-e-3";
    }

    @Override
    protected Delivery delivery() {
        return Delivery.URL;
    }

    @Override
    protected void stubSuccess(String mediaUrl, ResponseDefinitionBuilder media) {
        api.stubFor(paidCall().willReturn(okJson("{\"created\":1772366400,\"data\":[{\"url\":\"" + mediaUrl
                + "\",\"revised_prompt\":\"a lighthouse at dawn, photographed\"}]}")
                .withHeader("x-request-id", "req_contract")));
    }
}
