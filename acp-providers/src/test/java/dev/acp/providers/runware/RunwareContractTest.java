package dev.acp.providers.runware;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.MatchResult;
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

/**
 * Runware's async image tasks under the shared provider contract. Runware differs in one
 * documented way: before sending a task it asks {@code getResponse} whether the task's UUID (made
 * from the idempotency key) is known, so an async submission whose answer was lost is safe to send
 * again (see {@link #expectedKindWhenAnswerLost()}).
 */
final class RunwareContractTest extends JobProviderContract {

    @Override
    protected String key() {
        return RunwareProviderContractTest.KEY;
    }

    @Override
    protected Map<String, String> environment(String baseUrl) {
        return Map.of("RUNWARE_API_KEY", key(), "ACP_RUNWARE_BASE_URL", baseUrl);
    }

    @Override
    protected JobProvider provider(ProviderContext context, Duration callTimeout) {
        return new RunwareProvider(context, new RunwareProvider.Timeouts(callTimeout, callTimeout, callTimeout,
                callTimeout));
    }

    @Override
    protected ProviderRequest request(Path outputFile) {
        return request(Capability.TEXT_TO_IMAGE, "runware-flux-dev", Map.of("prompt", "a cat"), outputFile);
    }

    @Override
    protected MediaKind mediaKind() {
        return MediaKind.IMAGE;
    }

    @Override
    protected MappingBuilder paidCall() {
        return post(urlPathEqualTo("/v1")).withRequestBody(matchingJsonPath("$[0].taskType", equalTo("imageInference")));
    }

    /** The look-up before a task is sent: Runware knows no task under its UUID yet. */
    @Override
    protected void stubPrerequisites() {
        api.stubFor(getResponse().willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"code\":\"taskFailedOrNotFound\",\"message\":\"no task\","
                        + "\"taskType\":\"getResponse\"}]}")));
    }

    @Override
    protected String errorBody(int status, String message) {
        return "{\"errors\":[{\"code\":\"contractRefusal\",\"message\":\"" + message + "\","
                + "\"taskType\":\"imageInference\"}]}";
    }

    /**
     * An async task's lost answer is TRANSIENT, not an unknown outcome: the next try asks
     * {@code getResponse} for the task's UUID first and attaches to it, so it is never sent twice.
     */
    @Override
    protected ErrorKind expectedKindWhenAnswerLost() {
        return ErrorKind.TRANSIENT;
    }

    @Override
    protected Cancellation cancellation() {
        return new Cancellation.None("Runware's API documents no way to cancel a task; ACP stops waiting");
    }

    @Override
    protected ResponseDefinitionBuilder submitted() {
        return okJson("{\"data\":[]}");
    }

    /** {@code getResponse} once the task was sent (before, it is the look-up of {@link #stubPrerequisites()}). */
    @Override
    protected MappingBuilder statusCall() {
        return getResponse().andMatching(r -> MatchResult.of(paidCallsReceived() > 0));
    }

    @Override
    protected ResponseDefinitionBuilder pending() {
        return okJson("{\"data\":[{\"taskType\":\"imageInference\",\"status\":\"processing\"}]}");
    }

    @Override
    protected ResponseDefinitionBuilder done(String mediaUrl) {
        return okJson("{\"data\":[{\"taskType\":\"imageInference\",\"status\":\"success\",\"imageUUID\":\"img-1\","
                + "\"imageURL\":\"" + mediaUrl + "\",\"cost\":0.0038}]}");
    }

    private static MappingBuilder getResponse() {
        return post(urlPathEqualTo("/v1")).withRequestBody(matchingJsonPath("$[0].taskType", equalTo("getResponse")));
    }
}
