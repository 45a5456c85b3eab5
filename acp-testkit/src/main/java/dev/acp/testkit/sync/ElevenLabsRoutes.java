package dev.acp.testkit.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.acp.testkit.sync.FakeSyncServer.Provider;
import dev.acp.testkit.sync.FakeSyncServer.Settings;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ElevenLabs' text-to-speech, voices and models (providers.md 2.2, 2.3); the history is
 * {@link HistoryRoutes}. A speech request costs its characters times the model's credit
 * multiplier, rounded up (the {@code character-cost} header), at {@link Settings#creditPrice()}
 * dollars a credit.
 */
final class ElevenLabsRoutes {
    /** A premade voice: the same id in every account. */
    record Voice(String id, String name) {}

    static final List<Voice> VOICES = List.of(
            new Voice("21m00Tcm4TlvDq8ikWAM", "Rachel"), new Voice("AZnzlk1XvdvUeBnXmlld", "Domi"),
            new Voice("EXAVITQu4vr4xnSDxMaL", "Bella"), new Voice("ErXwobaYiN019PkySvjV", "Antoni"),
            new Voice("MF3mGyEYCl7XYWbV9V6O", "Elli"), new Voice("TxGEqnHWrfWFTfGW9XjX", "Josh"),
            new Voice("VR6AewLTigWG4xSOukaG", "Arnold"), new Voice("pNInz6obpgDQGcFmaJgB", "Adam"),
            new Voice("yoZ06aMxZJJ28mfd3POQ", "Sam"));

    /** Credits per character of each model (prices.md 2: 1 for v2 and v3, one per two characters for flash/turbo). */
    static final Map<String, BigDecimal> MULTIPLIERS = multipliers();
    static final String DEFAULT_MODEL = "eleven_multilingual_v2";
    static final String DEFAULT_FORMAT = "mp3_44100_128";

    private static final Pattern SPEECH = Pattern.compile("/v1/text-to-speech/([^/]+)");
    /** The shape of ACP's OutputFormat: codec, sample rate, and a bit rate for mp3 and opus. */
    private static final Pattern FORMAT = Pattern.compile("(mp3|opus)_\\d{4,6}_\\d{1,4}|(wav|pcm|ulaw|alaw)_\\d{4,6}");

    private final Settings settings;
    private final Ids ids;

    ElevenLabsRoutes(Settings settings, Ids ids) {
        this.settings = settings;
        this.ids = ids;
    }

    private static Map<String, BigDecimal> multipliers() {
        Map<String, BigDecimal> m = new LinkedHashMap<>();
        BigDecimal half = new BigDecimal("0.5");
        m.put("eleven_multilingual_v2", BigDecimal.ONE);
        m.put("eleven_v3", BigDecimal.ONE);
        m.put("eleven_flash_v2_5", half);
        m.put("eleven_turbo_v2_5", half);
        m.put("eleven_flash_v2", half);
        m.put("eleven_turbo_v2", half);
        m.put("eleven_monolingual_v1", BigDecimal.ONE);
        return java.util.Collections.unmodifiableMap(m);
    }

    static Optional<Voice> voice(String id) {
        return VOICES.stream().filter(v -> v.id().equals(id)).findFirst();
    }

    Outcome handle(Call call) {
        Matcher m = SPEECH.matcher(call.path());
        if (m.matches()) {
            return call.method().equals("POST") ? speak(m.group(1), call) : free(405, "method_not_allowed", "use POST");
        }
        if (call.is("GET", "/v1/voices")) {
            return new Outcome.Free(Reply.json(200, Map.of("voices", VOICES.stream().map(ElevenLabsRoutes::json).toList())));
        }
        if (call.is("GET", "/v2/voices")) {
            String search = call.query().getOrDefault("search", "").toLowerCase(Locale.ROOT);
            List<Map<String, Object>> hits = VOICES.stream()
                    .filter(v -> v.name().toLowerCase(Locale.ROOT).contains(search)).map(ElevenLabsRoutes::json).toList();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("voices", hits);
            out.put("has_more", false);
            out.put("total_count", hits.size());
            out.put("next_page_token", null);
            return new Outcome.Free(Reply.json(200, out));
        }
        if (call.is("GET", "/v1/models")) {
            return new Outcome.Free(Reply.json(200, MULTIPLIERS.entrySet().stream().map(e -> Map.of(
                    "model_id", e.getKey(), "name", e.getKey(), "can_do_text_to_speech", true,
                    "model_rates", Map.of("character_cost_multiplier", e.getValue(), "cost_discount_multiplier", 1)))
                    .toList()));
        }
        return free(404, "not_found", "Not Found: " + call.method() + " " + call.path());
    }

    private static Map<String, Object> json(Voice v) {
        return Map.of("voice_id", v.id(), "name", v.name(), "category", "premade", "labels", Map.of());
    }

    private Outcome speak(String voiceId, Call call) {
        Voice voice = voice(voiceId).orElse(null);
        if (voice == null) {
            return free(404, "voice_not_found", "A voice with the voice_id " + voiceId + " was not found.");
        }
        String format = call.query().getOrDefault("output_format", DEFAULT_FORMAT);
        if (!FORMAT.matcher(format).matches()) {
            return new Outcome.Free(ErrorShapes.validation(List.of("query", "output_format"),
                    "Input should be a known output format"));
        }
        ObjectNode body = Bodies.object(call.body());
        JsonNode textNode = body == null ? null : body.get("text");
        if (textNode == null || !textNode.isTextual() || textNode.asText().isBlank()) {
            return new Outcome.Free(ErrorShapes.validation(List.of("body", "text"), "Field required"));
        }
        String text = textNode.asText();
        String model = body.path("model_id").asText(DEFAULT_MODEL);
        BigDecimal multiplier = MULTIPLIERS.get(model);
        if (multiplier == null) {
            // The real status of an unknown model is a guess; the code is the one ACP classifies.
            return free(400, "model_not_found", "A model with the model_id " + model + " was not found.");
        }
        long characters = text.codePointCount(0, text.length());
        long credits = BigDecimal.valueOf(characters).multiply(multiplier).setScale(0, RoundingMode.CEILING)
                .longValueExact();
        // The same request (voice, format and body) gives the same audio.
        byte[] seed = Bodies.sha256(voiceId + "\n" + format + "\n" + Bodies.bodySha256(call.body()));
        byte[] audio = FakeAudio.render(format, text, seed);
        String contentType = FakeAudio.contentType(format);
        String requestId = ids.hex("request", 32);
        String historyId = ids.alnum("history", 20);
        Reply reply = Reply.bytes(contentType, audio)
                .with("request-id", requestId)
                .with("history-item-id", historyId)
                .with("character-cost", Long.toString(credits))
                .with("access-control-expose-headers", "request-id, history-item-id, character-cost");
        return new Outcome.Paid(reply, text, settings.creditPrice().multiply(BigDecimal.valueOf(credits)), requestId,
                new Outcome.Speech(historyId, requestId, voice.id(), voice.name(), model, text, credits, contentType,
                        format, audio));
    }

    private static Outcome free(int status, String code, String message) {
        return new Outcome.Free(ErrorShapes.error(Provider.ELEVENLABS, status, code, message));
    }
}
