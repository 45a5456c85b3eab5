package dev.acp.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
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
 * {@code openai} text_to_speech under the shared provider contract, playing OpenAI itself (a key,
 * paid calls): a synchronous provider whose paid answer is the audio. Its time limit is read from
 * {@code ACP_OPENAI_TIMEOUT}, so the provider is built with that variable added.
 */
final class OpenAiSpeechProviderContractTest extends HttpProviderContract {

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
        return request(Capability.TEXT_TO_SPEECH, null, Map.of("text", "Hello there", "voice", "coral"), outputFile);
    }

    @Override
    protected MediaKind mediaKind() {
        return MediaKind.AUDIO;
    }

    @Override
    protected Delivery delivery() {
        return Delivery.INLINE;
    }

    /** The paid answer is the audio itself: there is no result URL to fetch from anywhere. */
    @Override
    protected Map<Rule, String> notApplicable() {
        return Map.of(Rule.RESULT_ON_ANOTHER_ORIGIN, "the paid answer is the audio itself; OpenAI speech names no result URL");
    }

    @Override
    protected MappingBuilder paidCall() {
        return post(urlPathEqualTo("/v1/audio/speech"));
    }

    @Override
    protected void stubSuccess(String mediaUrl, ResponseDefinitionBuilder media) {
        api.stubFor(paidCall().willReturn(media.withHeader("x-request-id", "req_contract")));
    }

    @Override
    protected String errorBody(int status, String message) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"invalid_request_error\",\"code\":null}}";
    }
}
