package dev.acp.providers.fal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
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

/** fal's queue under the shared provider contract: flux-dev submitted, its status polled, its result fetched. */
final class FalContractTest extends JobProviderContract {
    private static final String REQUESTS = "/fal-ai/flux/requests/r-contract";

    @Override
    protected String key() {
        return FalTestSupport.KEY;
    }

    @Override
    protected Map<String, String> environment(String baseUrl) {
        return Map.of("FAL_KEY", key(), "ACP_FAL_BASE_URL", baseUrl, "ACP_FAL_STORAGE_BASE_URL", baseUrl + "/rest");
    }

    @Override
    protected JobProvider provider(ProviderContext context, Duration callTimeout) {
        return new FalProvider(context, new FalProvider.Timeouts(callTimeout, callTimeout, callTimeout, callTimeout,
                callTimeout));
    }

    @Override
    protected ProviderRequest request(Path outputFile) {
        return request(Capability.TEXT_TO_IMAGE, "flux-dev", Map.of("prompt", "a cat"), outputFile);
    }

    @Override
    protected MediaKind mediaKind() {
        return MediaKind.IMAGE;
    }

    @Override
    protected MappingBuilder paidCall() {
        return post(urlPathEqualTo("/fal-ai/flux/dev"));
    }

    @Override
    protected String errorBody(int status, String message) {
        return "{\"detail\":\"" + message + "\"}";
    }

    @Override
    protected ResponseDefinitionBuilder submitted() {
        return okJson("""
                {"request_id":"r-contract","status_url":"%1$s%2$s/status","response_url":"%1$s%2$s",
                 "cancel_url":"%1$s%2$s/cancel","status":"IN_QUEUE","queue_position":0}""".formatted(api.baseUrl(),
                REQUESTS));
    }

    /** fal's queue: {@code PUT} the {@code cancel_url} its submission answer named. */
    @Override
    protected Cancellation cancellation() {
        return new Cancellation.Request(put(urlPathEqualTo(REQUESTS + "/cancel")));
    }

    @Override
    protected MappingBuilder statusCall() {
        return get(urlPathEqualTo(REQUESTS + "/status"));
    }

    @Override
    protected ResponseDefinitionBuilder pending() {
        return aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"IN_QUEUE\",\"queue_position\":3}");
    }

    @Override
    protected ResponseDefinitionBuilder done(String mediaUrl) {
        return okJson("{\"status\":\"COMPLETED\",\"logs\":null,\"error\":null,\"error_type\":null}");
    }

    /** fal names the media in the result, a request of its own after the status says COMPLETED. */
    @Override
    protected void stubResult(String mediaUrl) {
        api.stubFor(get(urlPathEqualTo(REQUESTS)).willReturn(okJson("""
                {"images":[{"url":"%s","width":1024,"height":576,"content_type":"image/png"}],"seed":42}"""
                .formatted(mediaUrl))));
    }
}
