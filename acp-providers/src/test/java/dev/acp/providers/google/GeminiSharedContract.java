package dev.acp.providers.google;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.acp.catalog.ProviderCatalog;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.providers.support.Json;
import dev.acp.testkit.contract.HttpProviderContract;
import dev.acp.testkit.contract.MediaKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Gemini's {@code generateContent} under the shared provider contract: the result is the
 * answer's text with its token usage. The two tests are a prompt from an idea
 * ({@link GeminiTextProviderContractTest}) and a question about an image sent inline with the
 * request ({@link GeminiInlineImageProviderContractTest}).
 */
abstract class GeminiSharedContract extends HttpProviderContract {
    static final String MODEL = "gemini-2.5-flash";
    static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";

    @Override
    protected String key() {
        return GoogleTestSupport.KEY;
    }

    @Override
    protected Map<String, String> environment(String baseUrl) {
        return Map.of("GOOGLE_API_KEY", key(), "ACP_GOOGLE_BASE_URL", baseUrl);
    }

    @Override
    protected Provider provider(ProviderContext context, Duration callTimeout) {
        return new GoogleProvider(context, ProviderCatalog.builtIn(), new GoogleApi.Timeouts(callTimeout, callTimeout,
                callTimeout, callTimeout, callTimeout), d -> { }, GeminiFiles.DEFAULT_INLINE_LIMIT);
    }

    @Override
    protected MediaKind mediaKind() {
        return MediaKind.TEXT;
    }

    @Override
    protected Delivery delivery() {
        return Delivery.TEXT;
    }

    @Override
    protected ResponseDefinitionBuilder answerCarrying(byte[] payload) {
        return okJson("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":%s}]},"finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":%d,"candidatesTokenCount":%d,"totalTokenCount":%d},
                 "modelVersion":"%s","responseId":"resp-contract"}""".formatted(
                Json.MAPPER.valueToTree(new String(payload, StandardCharsets.UTF_8)), PROMPT_TOKENS, ANSWER_TOKENS,
                PROMPT_TOKENS + ANSWER_TOKENS, MODEL));
    }

    @Override
    protected String errorBody(int status, String message) {
        return GeminiContractTest.error(status, "CONTRACT", message, "");
    }

    /** The text is inside the paid answer: there is no result URL to fetch from anywhere. */
    @Override
    protected Map<Rule, String> notApplicable() {
        return Map.of(Rule.RESULT_ON_ANOTHER_ORIGIN, "generateContent's result is its text; it names no URL");
    }

    /**
     * A page in place of Gemini's JSON answer is read as malformed JSON, TRANSIENT (Json.read):
     * most likely a proxy that did not pass the request on, so the engine asks again within the
     * step's retries.
     */
    @Override
    protected boolean pageInsteadOfAnswerRetryable() {
        return true;
    }
}
