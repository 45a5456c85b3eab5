package dev.acp.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.util.Base64;
import java.util.Map;

/**
 * OpenAI images whose answer carries the image as {@code b64_json} (GPT image models always
 * answer so): the paid call's JSON is the result, checked by its decoded first bytes.
 */
final class OpenAiImagesBase64ProviderContractTest extends OpenAiImagesSharedContract {

    @Override
    String model() {
        return "gpt-image-1";
    }

    @Override
    protected Delivery delivery() {
        return Delivery.EMBEDDED;
    }

    @Override
    protected ResponseDefinitionBuilder answerCarrying(byte[] payload) {
        return okJson("{\"created\":1772366400,\"size\":\"1024x1024\",\"quality\":\"low\",\"output_format\":\"png\","
                + "\"data\":[{\"b64_json\":\"" + Base64.getEncoder().encodeToString(payload) + "\"}]}")
                .withHeader("x-request-id", "req_contract");
    }

    /** The image is inside the paid answer: there is no result URL to fetch from anywhere. */
    @Override
    protected Map<Rule, String> notApplicable() {
        return Map.of(Rule.RESULT_ON_ANOTHER_ORIGIN, "the image arrives as b64_json inside the paid answer; no URL");
    }
}
