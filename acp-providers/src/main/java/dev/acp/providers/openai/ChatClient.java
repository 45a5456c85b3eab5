package dev.acp.providers.openai;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.Governor;
import dev.acp.http.HttpCall;
import dev.acp.http.HttpResult;
import dev.acp.http.HttpTransport;
import dev.acp.provider.AccessCheck;
import dev.acp.provider.ProviderContext;
import dev.acp.providers.openai.internal.ApiError;
import dev.acp.providers.openai.internal.ChatRequest;
import dev.acp.providers.openai.internal.ChatResponse;
import dev.acp.providers.openai.internal.ResponseMessage;
import dev.acp.providers.openai.internal.Usage;
import dev.acp.providers.support.AccessChecks;
import dev.acp.providers.support.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Sends one chat completion and turns the answer into a {@link Completion} or a classified
 * failure. A completion is paid and the servers offer no idempotency key, so it is sent once;
 * whether to ask again is the engine's decision, by the failure's kind. A 200 answer is not
 * trusted blindly: an {@code error} object, a {@code finish_reason} of {@code error} or
 * {@code content_filter}, a refusal or an empty text are failures too.
 */
final class ChatClient {
    private final ChatEndpoint endpoint;
    private final HttpTransport transport;
    private final Governor governor;

    ChatClient(ChatEndpoint endpoint, HttpTransport transport, Governor governor) {
        this.endpoint = endpoint;
        this.transport = transport;
        this.governor = governor;
    }

    Completion complete(ChatRequest body) throws ProviderException, InterruptedException {
        String provider = endpoint.provider();
        endpoint.requireKey();
        HttpCall call = new HttpCall("POST", endpoint.completionsUri(), headers(), Json.body(body), endpoint.timeout(),
                HttpCall.Retry.ONCE, new ChatErrors(provider, body.model(), endpoint.free(), endpoint.keyVariable()),
                governor, secrets());
        return read(transport.execute(call), body.model());
    }

    /**
     * The doctor's free call: OpenRouter's {@code GET /key} (the key's limit and what is left of
     * it, providers.md 3.3), and {@code GET /models} of any other server (a local server should
     * have the default models pulled).
     */
    AccessCheck checkAccess() throws InterruptedException {
        String provider = endpoint.provider();
        if (endpoint.keyRequired() && endpoint.apiKey() == null) {
            return AccessCheck.notChecked(endpoint.keyVariable() + " is not set");
        }
        boolean openRouter = provider.equals(OpenRouterProviderFactory.ID);
        URI uri = URI.create(endpoint.baseUri() + (openRouter ? "/key" : "/models"));
        try {
            HttpResult r = transport.execute(AccessChecks.quick(HttpCall.get(uri, headers(), governor,
                    new ChatErrors(provider, null, endpoint.free(), endpoint.keyVariable()), secrets())));
            JsonNode json = Json.read(r, provider, ErrorKind.TRANSIENT);
            return openRouter ? keyCheck(json.path("data")) : modelsCheck(json);
        } catch (ProviderException e) {
            return AccessChecks.failed(e, endpoint.keyVariable(), ProviderContext.envName(provider, "BASE_URL"));
        }
    }

    private static AccessCheck keyCheck(JsonNode data) {
        JsonNode remaining = data.path("limit_remaining");
        JsonNode limit = data.path("limit");
        String detail = "key accepted" + (data.path("is_free_tier").asBoolean(false) ? " (free tier)" : "");
        if (remaining.isNumber() && limit.isNumber()) {
            detail += "; $" + remaining.decimalValue().stripTrailingZeros().toPlainString() + " left of its $"
                    + limit.decimalValue().stripTrailingZeros().toPlainString() + " limit";
            if (remaining.decimalValue().compareTo(BigDecimal.ONE) < 0) {
                return new AccessCheck(AccessCheck.Status.WARNING, detail,
                        "raise the key's limit or add credits at openrouter.ai/credits: paid steps will be refused (402)");
            }
        } else {
            detail += "; no limit set on the key";
        }
        return AccessCheck.ok(detail);
    }

    private AccessCheck modelsCheck(JsonNode json) {
        List<String> ids = new java.util.ArrayList<>();
        json.path("data").forEach(m -> {
            if (m.path("id").isTextual()) {
                ids.add(m.path("id").asText());
            }
        });
        String who = endpoint.apiKey() == null ? "server answered" : "key accepted";
        String detail = who + " at " + endpoint.baseUri() + "; " + ids.size() + " models";
        if (endpoint.server() == ServerKind.LOCAL) {
            List<String> missing = endpoint.defaultModels().values().stream().distinct()
                    .filter(m -> ids.stream().noneMatch(id -> id.equals(m) || id.startsWith(m + ":"))).toList();
            if (!missing.isEmpty()) {
                return new AccessCheck(AccessCheck.Status.WARNING, detail + "; default models not pulled: "
                        + String.join(", ", missing), "ollama pull " + String.join(" && ollama pull ", missing)
                        + ", or name a model you have in each step");
            }
        }
        return AccessCheck.ok(detail);
    }

    private Map<String, String> headers() {
        return endpoint.headers("application/json");
    }

    private List<String> secrets() {
        return endpoint.secrets();
    }

    /** The answer of a 2xx response. */
    private Completion read(HttpResult r, @Nullable String requestedModel) throws ProviderException {
        ChatResponse answer;
        try {
            // A usage block ACP cannot read is dropped rather than losing the paid answer with it.
            answer = Json.convert(Json.MAPPER.readTree(r.body()), ChatResponse.class, "usage");
        } catch (IOException | IllegalArgumentException e) {
            answer = null;
        }
        String generationId = r.header("X-Generation-Id").orElse(answer == null ? null : answer.id());
        if (answer == null) {
            // Most likely a proxy's page rather than a completion; asking again is the way to an answer.
            throw failure(ErrorKind.TRANSIENT, "the answer (HTTP " + r.status() + ") is not a chat completion: "
                    + r.excerpt(), generationId);
        }
        BigDecimal cost = cost(answer.usage());
        String paid = Completion.costNote(cost);
        if (answer.error() != null) {
            throw failure(answer.error(), requestedModel, "the answer carries an error", paid, generationId);
        }
        if (answer.choices() == null || answer.choices().isEmpty()) {
            throw failure(ErrorKind.TRANSIENT, "the answer has no choices" + paid, generationId);
        }
        ChatResponse.Choice choice = answer.choices().getFirst();
        String finish = choice.finishReason();
        if ("error".equals(finish)) {
            throw failure(choice.error(), requestedModel, "the model stopped with an error (finish_reason error)", paid,
                    generationId);
        }
        if ("content_filter".equals(finish)) {
            throw failure(ErrorKind.CONTENT_POLICY, "the answer was withheld by a content filter (finish_reason"
                    + " content_filter)" + paid + ". Fix: rephrase the input or choose another model", generationId);
        }
        ResponseMessage message = choice.message();
        if (message != null && message.refusal() != null && !message.refusal().isBlank()) {
            throw failure(ErrorKind.CONTENT_POLICY, "the model refused: " + oneLine(message.refusal()) + paid,
                    generationId);
        }
        String text = message == null ? null : message.text();
        if (text == null || text.isBlank()) {
            if ("length".equals(finish)) {
                throw failure(ErrorKind.VALIDATION, "the answer reached its token limit before any text was written"
                        + paid + ". Fix: raise max_tokens (reasoning models spend tokens on thinking first)",
                        generationId);
            }
            String why = "tool_calls".equals(finish) ? "the model answered with a tool call instead of text"
                    : "the answer is empty (finish_reason " + finish + ")";
            throw failure(ErrorKind.TRANSIENT, why + paid, generationId);
        }
        return new Completion(text, finish, metadata(answer, choice, requestedModel, generationId), cost,
                generationId == null ? List.of() : List.of(generationId), tokens(answer.usage()));
    }

    /**
     * The answer's token counts, reported whenever {@code usage} has both: they price the call at
     * the model's token prices when the server names no cost (OpenAI, a hosted compatible server,
     * an OpenRouter answer without {@code cost}). {@code completion_tokens} already counts the
     * reasoning tokens, which are billed as output. Missing or negative counts report nothing.
     */
    static dev.acp.provider.Usage.@Nullable Tokens tokens(@Nullable Usage usage) {
        if (usage == null || usage.promptTokens() == null || usage.completionTokens() == null
                || usage.promptTokens() < 0 || usage.completionTokens() < 0) {
            return null;
        }
        return new dev.acp.provider.Usage.Tokens(usage.promptTokens(), usage.completionTokens());
    }

    /**
     * The call's cost: OpenRouter's {@code usage.cost} (plus the upstream's bill for bring-your-own-key
     * calls, which OpenRouter does not charge itself); without one, zero on a local server and
     * unknown elsewhere.
     */
    private @Nullable BigDecimal cost(@Nullable Usage usage) {
        BigDecimal reported = usage == null ? null : usage.cost();
        if (reported == null) {
            return endpoint.free() ? BigDecimal.ZERO : null;
        }
        if (Boolean.TRUE.equals(usage.isByok()) && usage.costDetails() != null
                && usage.costDetails().upstreamInferenceCost() != null) {
            return reported.add(usage.costDetails().upstreamInferenceCost());
        }
        return reported;
    }

    private Map<String, Object> metadata(ChatResponse answer, ChatResponse.Choice choice,
            @Nullable String requestedModel, @Nullable String generationId) {
        Map<String, Object> m = new LinkedHashMap<>();
        String used = answer.model() != null ? answer.model() : requestedModel;
        put(m, "model", used);
        if (requestedModel != null && !requestedModel.equals(used)) {
            m.put("requested_model", requestedModel);
        }
        put(m, "upstream_provider", answer.provider());
        put(m, "finish_reason", choice.finishReason());
        if (choice.nativeFinishReason() != null && !choice.nativeFinishReason().equals(choice.finishReason())) {
            m.put("native_finish_reason", choice.nativeFinishReason());
        }
        put(m, "generation_id", generationId);
        Usage u = answer.usage();
        if (u != null) {
            put(m, "prompt_tokens", u.promptTokens());
            put(m, "completion_tokens", u.completionTokens());
            put(m, "total_tokens", u.totalTokens());
            if (u.completionTokensDetails() != null) {
                put(m, "reasoning_tokens", u.completionTokensDetails().reasoningTokens());
            }
            if (u.promptTokensDetails() != null) {
                put(m, "cached_tokens", u.promptTokensDetails().cachedTokens());
            }
            if (Boolean.TRUE.equals(u.isByok())) {
                m.put("byok", true);
                if (u.costDetails() != null) {
                    put(m, "upstream_inference_cost", u.costDetails().upstreamInferenceCost());
                }
            }
        }
        m.put("cost_source", u != null && u.cost() != null ? "reported by " + endpoint.provider()
                : endpoint.free() ? "local server (free)" : "not reported");
        return m;
    }

    private ProviderException failure(@Nullable ApiError error, @Nullable String model, String what, String paid,
            @Nullable String id) {
        if (error == null) {
            return failure(ErrorKind.TRANSIENT, what + paid, id);
        }
        var c = new ChatErrors(endpoint.provider(), model, endpoint.free(), endpoint.keyVariable())
                .classifyInBody(error, what);
        return failure(c.kind(), what + ": " + c.message() + paid, id);
    }

    private ProviderException failure(ErrorKind kind, String message, @Nullable String id) {
        // The request id is named in the message as the transport does for HTTP errors.
        String traced = endpoint.provider() + ": " + message + (id == null ? "" : " [request " + id + "]");
        return new ProviderException(kind, mask(traced), null, id, null);
    }

    /** The key out of a message built from the server's words (the transport does the same for its own). */
    private String mask(String message) {
        return endpoint.mask(message);
    }

    private static void put(Map<String, Object> m, String key, @Nullable Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() <= 300 ? t : t.substring(0, 297) + "...";
    }
}
