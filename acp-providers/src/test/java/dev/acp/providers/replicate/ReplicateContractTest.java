package dev.acp.providers.replicate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.acp.error.ErrorKind;
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

/** Replicate predictions under the shared provider contract: an image model created by name, polled, downloaded. */
final class ReplicateContractTest extends JobProviderContract {
    private static final String CREATE = "/v1/models/black-forest-labs/flux-schnell/predictions";
    private static final String PREDICTION = "/v1/predictions/p-contract";

    @Override
    protected String key() {
        return ReplicateProviderContractTest.TOKEN;
    }

    @Override
    protected Map<String, String> environment(String baseUrl) {
        return Map.of("REPLICATE_API_TOKEN", key(), "ACP_REPLICATE_BASE_URL", baseUrl);
    }

    @Override
    protected JobProvider provider(ProviderContext context, Duration callTimeout) {
        return new ReplicateProvider(context, new ReplicateProvider.Timeouts(callTimeout, callTimeout, callTimeout,
                callTimeout));
    }

    @Override
    protected ProviderRequest request(Path outputFile) {
        return request(Capability.TEXT_TO_IMAGE, "replicate-flux-schnell", Map.of("prompt", "a cat"), outputFile);
    }

    @Override
    protected MediaKind mediaKind() {
        return MediaKind.IMAGE;
    }

    @Override
    protected MappingBuilder paidCall() {
        return post(urlPathEqualTo(CREATE));
    }

    /**
     * A create answered with a server error other than 503 may still have made a prediction that
     * cannot be found again (ReplicateProvider): an unknown outcome, never sent again. 503 is
     * Replicate's "unavailable", which turns the create away before it starts.
     */
    @Override
    protected ErrorKind expectedKind(int status) {
        return status >= 500 && status != 503 ? ErrorKind.UNKNOWN_OUTCOME : super.expectedKind(status);
    }

    @Override
    protected String errorBody(int status, String message) {
        return "{\"title\":\"Contract\",\"detail\":\"" + message + "\",\"status\":" + status + "}";
    }

    @Override
    protected ResponseDefinitionBuilder submitted() {
        return aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("""
                {"id":"p-contract","status":"starting","output":null,
                 "urls":{"get":"%1$s%2$s","cancel":"%1$s%2$s/cancel"}}""".formatted(api.baseUrl(), PREDICTION));
    }

    /** Replicate: {@code POST /v1/predictions/{id}/cancel}. */
    @Override
    protected Cancellation cancellation() {
        return new Cancellation.Request(post(urlPathEqualTo(PREDICTION + "/cancel")));
    }

    @Override
    protected MappingBuilder statusCall() {
        return get(urlPathEqualTo(PREDICTION));
    }

    @Override
    protected ResponseDefinitionBuilder pending() {
        return okJson("{\"id\":\"p-contract\",\"status\":\"processing\",\"output\":null}");
    }

    @Override
    protected ResponseDefinitionBuilder done(String mediaUrl) {
        return okJson("{\"id\":\"p-contract\",\"status\":\"succeeded\",\"output\":\"" + mediaUrl + "\"}");
    }
}
