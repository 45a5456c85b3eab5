package dev.acp.testkit.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.acp.testkit.sync.FakeSyncServer.Provider;
import dev.acp.testkit.sync.FakeSyncServer.Settings;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gemini's {@code POST /v1beta/models/{model}:generateContent} (providers.md 6.2), billed by
 * tokens at {@link Settings#tokenPrices()}, and a minimal {@code GET /v1beta/models}. JSON is
 * answered when {@code generationConfig.responseMimeType} is {@code application/json}, fitting
 * {@code responseJsonSchema} (or {@code responseSchema}).
 */
final class GeminiRoutes {
    /** Tokens an inline image costs: Gemini's figure for an image up to 384 pixels a side. */
    static final int IMAGE_TOKENS = 258;
    private static final Pattern GENERATE = Pattern.compile("/v1beta/models/([A-Za-z0-9][A-Za-z0-9._-]*):generateContent");

    private final Settings settings;
    private final Ids ids;

    GeminiRoutes(Settings settings, Ids ids) {
        this.settings = settings;
        this.ids = ids;
    }

    Outcome handle(Call call) {
        Matcher m = GENERATE.matcher(call.path());
        if (m.matches()) {
            if (!call.method().equals("POST")) {
                return new Outcome.Free(ErrorShapes.error(Provider.GOOGLE, 405, null, "use POST"));
            }
            return generate(m.group(1), call.body());
        }
        if (call.is("GET", "/v1beta/models")) {
            return new Outcome.Free(Reply.json(200, Map.of("models", List.of(
                    Map.of("name", "models/gemini-2.5-flash", "displayName", "Gemini 2.5 Flash (fake)",
                            "supportedGenerationMethods", List.of("generateContent"))))));
        }
        return new Outcome.Free(ErrorShapes.error(Provider.GOOGLE, 404, null,
                "Not found: " + call.method() + " " + call.path()));
    }

    private Outcome generate(String model, byte[] raw) {
        ObjectNode body = Bodies.object(raw);
        if (body == null) {
            return bad("Invalid JSON payload received.");
        }
        JsonNode contents = body.path("contents");
        if (!contents.isArray() || contents.isEmpty()) {
            return bad("* GenerateContentRequest.contents: contents is not specified");
        }
        List<String> user = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        int images = 0;
        for (JsonNode content : contents) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content.path("parts")) {
                if (part.has("inlineData") || part.has("fileData")) {
                    images++;
                } else if (part.path("text").isTextual()) {
                    text.append(part.path("text").asText());
                }
            }
            all.append(text).append('\n');
            if (content.path("role").asText("user").equals("user")) {
                user.add(text.toString());
            }
        }
        StringBuilder system = new StringBuilder();
        body.path("systemInstruction").path("parts").forEach(p -> system.append(p.path("text").asText("")));
        all.append(system);
        JsonNode config = body.path("generationConfig");
        boolean json = config.path("responseMimeType").asText("").equals("application/json");
        JsonNode schema = config.has("responseJsonSchema") ? config.get("responseJsonSchema")
                : config.has("responseSchema") ? config.get("responseSchema") : null;
        FakeText.Ask ask = new FakeText.Ask(system.toString(), String.join("\n\n", user), images, schema, json);
        String answer = FakeText.answer(ask, Bodies.seed(raw));
        long promptTokens = Bodies.tokens(all.toString()) + (long) IMAGE_TOKENS * images;
        long outputTokens = Bodies.tokens(answer);
        BigDecimal cost = settings.tokenPrices().get(Provider.GOOGLE).cost(promptTokens, outputTokens);
        String id = ids.alnum("gemini", 22);

        Map<String, Object> candidate = new LinkedHashMap<>();
        candidate.put("content", Map.of("role", "model", "parts", List.of(Map.of("text", answer))));
        candidate.put("finishReason", "STOP");
        candidate.put("index", 0);
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("promptTokenCount", promptTokens);
        usage.put("candidatesTokenCount", outputTokens);
        usage.put("totalTokenCount", promptTokens + outputTokens);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("candidates", List.of(candidate));
        out.put("usageMetadata", usage);
        out.put("modelVersion", model);
        out.put("responseId", id);
        return new Outcome.Paid(Reply.json(200, out), ask.user(), cost, id, null);
    }

    private static Outcome bad(String message) {
        return new Outcome.Free(ErrorShapes.error(Provider.GOOGLE, 400, null, message));
    }
}
