package dev.acp.providers.google;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.acp.catalog.ProviderCatalog;
import dev.acp.pipeline.Capability;
import dev.acp.provider.JobProvider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRequest;
import dev.acp.testkit.contract.Cancellation;
import dev.acp.testkit.contract.JobProviderContract;
import dev.acp.testkit.contract.MediaKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Veo's long-running operations under the shared provider contract: text to video, polled, downloaded. */
final class VeoProviderContractTest extends JobProviderContract {
    private static final String OP = "models/veo-3.1-generate-preview/operations/op-contract";

    @Override
    protected String key() {
        return GoogleTestSupport.KEY;
    }

    @Override
    protected Map<String, String> environment(String baseUrl) {
        return Map.of("GOOGLE_API_KEY", key(), "ACP_GOOGLE_BASE_URL", baseUrl);
    }

    @Override
    protected JobProvider provider(ProviderContext context, Duration callTimeout) {
        return new GoogleProvider(context, ProviderCatalog.builtIn(), new GoogleApi.Timeouts(callTimeout, callTimeout,
                callTimeout, callTimeout, callTimeout), d -> { }, GeminiFiles.DEFAULT_INLINE_LIMIT);
    }

    @Override
    protected ProviderRequest request(Path outputFile) {
        return request(Capability.TEXT_TO_VIDEO, null, Map.of("prompt", "waves at dusk"), outputFile);
    }

    @Override
    protected MediaKind mediaKind() {
        return MediaKind.VIDEO;
    }

    @Override
    protected MappingBuilder paidCall() {
        return post(urlPathEqualTo("/v1beta/models/veo-3.1-generate-preview:predictLongRunning"));
    }

    @Override
    protected String errorBody(int status, String message) {
        return GeminiContractTest.error(status, "CONTRACT", message, "");
    }

    @Override
    protected ResponseDefinitionBuilder submitted() {
        return okJson("{\"name\":\"" + OP + "\"}");
    }

    @Override
    protected Cancellation cancellation() {
        return new Cancellation.None("providers.md documents no way to cancel a Veo operation; ACP stops waiting");
    }

    @Override
    protected MappingBuilder statusCall() {
        return get(urlPathEqualTo("/v1beta/" + OP));
    }

    @Override
    protected ResponseDefinitionBuilder pending() {
        return okJson("{\"name\":\"" + OP + "\",\"done\":false,\"metadata\":{}}");
    }

    @Override
    protected ResponseDefinitionBuilder done(String mediaUrl) {
        return okJson("{\"name\":\"" + OP + "\",\"done\":true,\"response\":{\"generateVideoResponse\":"
                + "{\"generatedSamples\":[{\"video\":{\"uri\":\"" + mediaUrl + "\"}}]}}}");
    }
}
