package dev.acp.testkit.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.acp.testkit.sync.FakeSyncServer.Provider;
import dev.acp.testkit.sync.FakeSyncServer.Settings;
import dev.acp.testkit.sync.FakeSyncServer.TokenPrice;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /chat/completions} and {@code GET /models} of OpenRouter (providers.md 3.2, 3.4,
 * plus {@code GET /key} for {@code acp doctor}) and of an OpenAI-compatible server (providers.md
 * 8): the same request, answered with the same text; OpenRouter's answer states its cost in
 * {@code usage.cost} and names its generation in {@code X-Generation-Id}, the other states token
 * counts only. Both are billed by tokens at {@link Settings#tokenPrices()}.
 */
final class ChatRoutes {
    /** Tokens an image costs, OpenAI's figure for a low-detail image. */
    static final int IMAGE_TOKENS = 85;

    private final Provider provider;
    private final Settings settings;
    private final Ids ids;

    ChatRoutes(Provider provider, Settings settings, Ids ids) {
        this.provider = provider;
        this.settings = settings;
        this.ids = ids;
    }

    Outcome handle(Call call) {
        if (call.is("POST", "/chat/completions")) {
            return complete(call.body());
        }
        if (call.is("GET", "/models")) {
            return new Outcome.Free(Reply.json(200, models()));
        }
        if (provider == Provider.OPENROUTER && call.is("GET", "/key")) {
            return new Outcome.Free(Reply.json(200, Map.of("data", Map.of("label", "fake-sync", "usage", 0,
                    "is_free_tier", false))));
        }
        return new Outcome.Free(ErrorShapes.error(provider, 404, null, "Not Found: " + call.method() + " " + call.path()));
    }

    private String defaultModel() {
        return provider == Provider.OPENROUTER ? "openai/gpt-4o-mini" : "gpt-4o-mini";
    }

    private Outcome complete(byte[] raw) {
        ObjectNode body = Bodies.object(raw);
        if (body == null) {
            return bad("the body must be a JSON object");
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return bad("messages must be a non-empty array");
        }
        if (body.path("stream").asBoolean(false)) {
            return bad("the fake answers whole completions only; send stream: false");
        }
        List<String> system = new ArrayList<>();
        List<String> user = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        int images = 0;
        for (JsonNode m : messages) {
            String role = m.path("role").asText("");
            JsonNode content = m.path("content");
            StringBuilder text = new StringBuilder();
            if (content.isTextual()) {
                text.append(content.asText());
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    if (part.path("type").asText().equals("image_url")) {
                        images += role.equals("user") ? 1 : 0;
                    } else if (part.path("text").isTextual()) {
                        text.append(part.path("text").asText());
                    }
                }
            } else {
                return bad("each message needs a content string or a list of parts");
            }
            all.append(text).append('\n');
            if (role.equals("system")) {
                system.add(text.toString());
            } else if (role.equals("user")) {
                user.add(text.toString());
            }
        }
        JsonNode format = body.path("response_format");
        String formatType = format.path("type").asText("text");
        JsonNode schema = formatType.equals("json_schema") ? format.path("json_schema").path("schema") : null;
        FakeText.Ask ask = new FakeText.Ask(String.join("\n\n", system), String.join("\n\n", user), images,
                schema == null || schema.isMissingNode() ? null : schema, !formatType.equals("text"));
        String answer = FakeText.answer(ask, Bodies.seed(raw));
        long promptTokens = Bodies.tokens(all.toString()) + (long) IMAGE_TOKENS * images;
        long completionTokens = Bodies.tokens(answer);
        TokenPrice price = settings.tokenPrices().get(provider);
        BigDecimal cost = price.cost(promptTokens, completionTokens);
        String model = body.path("model").asText(defaultModel());
        boolean openRouter = provider == Provider.OPENROUTER;
        String id = openRouter ? "gen-" + settings.clock().instant().getEpochSecond() + "-" + ids.alnum("gen", 20)
                : "chatcmpl-" + ids.alnum("chatcmpl", 24);

        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", answer);
        message.put("refusal", null);
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("finish_reason", "stop");
        if (openRouter) {
            choice.put("native_finish_reason", "stop");
        }
        choice.put("logprobs", null);
        choice.put("message", message);
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        if (openRouter) {
            usage.put("prompt_tokens_details", Map.of("cached_tokens", 0, "cache_write_tokens", 0));
            usage.put("completion_tokens_details", Map.of("reasoning_tokens", 0));
            usage.put("cost", cost);
            usage.put("is_byok", false);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("upstream_inference_cost", null);
            details.put("upstream_inference_prompt_cost", price.cost(promptTokens, 0));
            details.put("upstream_inference_completions_cost", price.cost(0, completionTokens));
            usage.put("cost_details", details);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("object", "chat.completion");
        json.put("created", settings.clock().instant().getEpochSecond());
        json.put("model", model);
        if (openRouter) {
            json.put("provider", "FakeSync");
        }
        json.put("system_fingerprint", openRouter ? null : "fp_fake_sync");
        json.put("choices", List.of(choice));
        json.put("usage", usage);
        Reply reply = Reply.json(200, json);
        if (openRouter) {
            reply = reply.with("X-Generation-Id", id);
        }
        return new Outcome.Paid(reply, ask.user(), cost, id, null);
    }

    private Outcome bad(String message) {
        return new Outcome.Free(ErrorShapes.error(provider, 400, provider == Provider.OPENAI ? null : "bad_request",
                message));
    }

    private Map<String, Object> models() {
        List<Map<String, Object>> data = new ArrayList<>();
        if (provider == Provider.OPENROUTER) {
            TokenPrice price = settings.tokenPrices().get(provider);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", defaultModel());
            m.put("canonical_slug", defaultModel());
            m.put("name", "OpenAI: GPT-4o-mini (fake)");
            m.put("created", 1721260800);
            m.put("context_length", 128000);
            m.put("architecture", Map.of("modality", "text+image->text", "input_modalities", List.of("text", "image"),
                    "output_modalities", List.of("text")));
            m.put("pricing", Map.of(
                    "prompt", price.inputPerMillion().movePointLeft(6).toPlainString(),
                    "completion", price.outputPerMillion().movePointLeft(6).toPlainString(),
                    "request", "0", "image", "0"));
            m.put("supported_parameters", List.of("max_tokens", "temperature", "seed", "response_format",
                    "structured_outputs"));
            data.add(m);
        } else {
            // Ollama's shape; llama3.2 and llama3.2-vision are ACP's defaults on a local server.
            for (String id : List.of("gpt-4o-mini", "llama3.2", "llama3.2-vision")) {
                data.add(Map.of("id", id, "object", "model", "created", 1721260800, "owned_by", "fake-sync"));
            }
        }
        return Map.of("object", "list", "data", data);
    }
}
