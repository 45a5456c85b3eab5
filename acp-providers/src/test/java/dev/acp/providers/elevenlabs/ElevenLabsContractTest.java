package dev.acp.providers.elevenlabs;

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
 * ElevenLabs text-to-speech under the shared provider contract: a synchronous provider whose paid
 * answer is the audio itself. The voice is named by its id, so no voice lookup comes first.
 */
final class ElevenLabsContractTest extends HttpProviderContract {
    private static final String RACHEL = "21m00Tcm4TlvDq8ikWAM";

    @Override
    protected String key() {
        return TestContexts.CANARY_KEY;
    }

    @Override
    protected Map<String, String> environment(String baseUrl) {
        return Map.of("ELEVENLABS_API_KEY", key(), "ACP_ELEVENLABS_BASE_URL", baseUrl);
    }

    @Override
    protected Provider provider(ProviderContext context, Duration callTimeout) {
        return new ElevenLabsProvider(context, callTimeout);
    }

    @Override
    protected ProviderRequest request(Path outputFile) {
        return request(Capability.TEXT_TO_SPEECH, null, Map.of("text", "Hello there", "voice", RACHEL), outputFile);
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
        return Map.of(Rule.RESULT_ON_ANOTHER_ORIGIN, "the paid answer is the audio itself; ElevenLabs names no result URL");
    }

    @Override
    protected MappingBuilder paidCall() {
        return post(urlPathEqualTo("/v1/text-to-speech/" + RACHEL));
    }

    @Override
    protected void stubSuccess(String mediaUrl, ResponseDefinitionBuilder media) {
        api.stubFor(paidCall().willReturn(media.withHeader("request-id", "req-contract")
                .withHeader("character-cost", "11")));
    }

    @Override
    protected String errorBody(int status, String message) {
        return "{\"detail\":{\"status\":\"contract_error\",\"message\":\"" + message + "\"}}";
    }
}
