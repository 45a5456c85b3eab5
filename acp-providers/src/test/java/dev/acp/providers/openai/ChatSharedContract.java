package dev.acp.providers.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderRequest;
import dev.acp.testkit.contract.HttpProviderContract;
import dev.acp.testkit.contract.MediaKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * A chat completion (prompt_generation) under the shared provider contract: the result is the
 * answer's text with its token usage, so the rules about result files take the shape of the
 * JSON answer (a stalled or oversized answer, a page in its place). OpenRouter and an
 * OpenAI-compatible server are the two tests: {@link OpenRouterChatProviderContractTest} and
 * {@link OpenAiCompatibleChatProviderContractTest}.
 */
abstract class ChatSharedContract extends HttpProviderContract {
    static final String MODEL = "contract/chat-model";

    @Override
    protected ProviderRequest request(Path outputFile) {
        return request(Capability.PROMPT_GENERATION, MODEL, Map.of("prompt", "a lighthouse"), outputFile);
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
        return okJson(ChatFixtures.completion("gen-contract", MODEL, new String(payload, StandardCharsets.UTF_8), "stop",
                "{\"prompt_tokens\":" + PROMPT_TOKENS + ",\"completion_tokens\":" + ANSWER_TOKENS
                        + ",\"total_tokens\":" + (PROMPT_TOKENS + ANSWER_TOKENS) + "}"));
    }

    @Override
    protected String errorBody(int status, String message) {
        return "{\"error\":{\"message\":\"" + message + "\",\"code\":" + status + "}}";
    }

    /** The text is inside the paid answer: there is no result URL to fetch from anywhere. */
    @Override
    protected Map<Rule, String> notApplicable() {
        return Map.of(Rule.RESULT_ON_ANOTHER_ORIGIN, "a chat completion's result is its text; it names no URL");
    }

    /**
     * A page in place of a chat completion is most likely a proxy's or portal's, which did not
     * pass the request on: ChatClient makes it TRANSIENT, so the engine asks again (within the
     * step's retries), as it does for a completion cut short.
     */
    @Override
    protected boolean pageInsteadOfAnswerRetryable() {
        return true;
    }
}
