package dev.acp.providers.openai;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.Governor;
import dev.acp.http.HttpCall;
import dev.acp.http.HttpResult;
import dev.acp.http.HttpTransport;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider.Issue;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.SpeechDirection;
import dev.acp.provider.Usage;
import dev.acp.providers.openai.internal.SpeechRequest;
import dev.acp.providers.support.Json;
import dev.acp.providers.support.MediaResponses;
import dev.acp.providers.support.MediaTypes;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code text_to_speech} on an OpenAI-compatible server: one {@code POST /audio/speech} whose
 * answer is the audio itself, written to the step's output file. The same request serves OpenAI
 * and self-hosted servers (Kokoro-FastAPI, LocalAI); only the base URL differs.
 *
 * <p>The call is paid on OpenAI and has no idempotency key, so it is sent once: a timeout or a
 * broken answer is an {@link ErrorKind#UNKNOWN_OUTCOME}, never re-sent. The answer is read whole
 * (with its {@code x-request-id}) and written by {@link MediaResponses}; speech of at most 4096
 * characters is a few MB. OpenAI reports no usage for speech, but {@code tts-1} and
 * {@code tts-1-hd} bill the characters of the input, which ACP knows: they are reported as the
 * call's usage and priced at the model's price per character (a model billed otherwise, such as
 * {@code gpt-4o-mini-tts} by tokens, settles at its estimate). On a local server it is zero.
 */
final class OpenAiSpeech {
    /** The config keys read for {@code text_to_speech}. */
    static final Set<String> PARAMETERS = Set.of("text", "voice", "model", "speed", "rate", "instructions",
            "emotion", "intensity", "description");

    /** OpenAI's limit on {@code input}; compatible servers set their own. */
    static final int OPENAI_MAX_CHARACTERS = 4096;

    /**
     * The formats of {@code response_format} by output extension. OpenAI's {@code opus} is Opus
     * in an Ogg container, so it fits {@code .ogg} as well; {@code aac} is raw ADTS, which does
     * not fit {@code .m4a}.
     */
    static final Map<String, String> FORMATS = Map.of("mp3", "mp3", "opus", "opus", "ogg", "opus", "aac", "aac",
            "flac", "flac", "wav", "wav");

    /** The largest answer the transport reads into memory (HttpTransport's limit). */
    static final long MAX_AUDIO_BYTES = 32L * 1024 * 1024;

    private final ChatEndpoint endpoint;
    private final HttpTransport transport;
    private final Governor governor;
    private final ProviderCatalog catalog;
    private final String defaultModel;
    private final String defaultVoice;

    OpenAiSpeech(ChatEndpoint endpoint, HttpTransport transport, Governor governor, ProviderCatalog catalog,
            String defaultModel, String defaultVoice) {
        this.endpoint = endpoint;
        this.transport = transport;
        this.governor = governor;
        this.catalog = catalog;
        this.defaultModel = defaultModel;
        this.defaultVoice = defaultVoice;
    }

    /** Everything the call needs, read from a step's config. */
    record Plan(String text, String model, String voice, @Nullable String format, @Nullable Double speed,
            SpeechDirection direction, SpeechDelivery delivery) {}

    Plan plan(StepParams p, @Nullable String requestedModel, String extension) {
        String text = p.required("text_to_speech needs text to speak", "set config.text to what should be spoken",
                "text");
        String model = model(requestedModel);
        if (endpoint.server() == ServerKind.OPENAI && text.codePointCount(0, text.length()) > OPENAI_MAX_CHARACTERS) {
            p.issue("text", "the text has " + text.codePointCount(0, text.length()) + " characters; OpenAI speaks at"
                    + " most " + OPENAI_MAX_CHARACTERS + " in one call", "split the text into several steps");
        }
        Double speed = p.number("speed", 0.25, 4).orElse(null);
        if (speed == null && p.raw("speed") == null) {
            speed = p.number("rate", 0.25, 4).orElse(null);
        }
        String format = FORMATS.get(extension);
        if (format == null) {
            p.issue(null, "OpenAI-style speech cannot write ." + extension + " files",
                    "name the output file .mp3, .opus, .ogg, .aac, .flac or .wav");
        } else if (!text.isEmpty()) {
            checkSize(p, text, format, speed == null ? 1 : speed);
        }
        SpeechDirection.Parsed direction = SpeechDirection.read(p.values(), p.checking());
        if (!p.checking()) {
            // At validation the planner reports these for every provider; at run time they stop the step.
            direction.issues().stream().filter(i -> !i.isWarning()).forEach(i -> p.issue(i.parameter(), i.message(),
                    i.fix()));
        }
        String explicit = p.deferred("instructions") ? "{{...}}" : p.text("instructions").orElse(null);
        SpeechDelivery delivery = SpeechDelivery.of(direction.direction(), explicit, model);
        if (p.checking() && delivery.note() != null) {
            String key = direction.direction().isEmpty() ? "instructions" : direction.direction().parts().getFirst();
            p.warn(key, delivery.note(), "to direct the speech, use model " + SpeechDelivery.EMOTIONAL_MODEL
                    + " (OpenAI) or provider elevenlabs or local");
        }
        String voice = p.text("voice").orElse(defaultVoice);
        return new Plan(text, model, voice, format, speed, direction.direction(), delivery);
    }

    /** The model id: a catalog name of {@code openai} becomes its id, anything else is sent as written. */
    String model(@Nullable String requested) {
        return requested == null || requested.isBlank() ? defaultModel
                : ChatEndpoint.resolve(catalog, endpoint.provider(), requested.strip());
    }

    /**
     * Refuses, before anything is paid, text whose audio would likely exceed what the transport
     * reads from one answer: 24 kHz 16-bit WAV is 48 kB a second, and narration runs at about 15
     * characters a second (10 leaves room for slow voices).
     */
    private static void checkSize(StepParams p, String text, String format, double speed) {
        double bytesPerSecond = switch (format) {
            case "wav" -> 48_000;
            case "flac" -> 30_000;
            default -> 24_000;
        };
        double bytes = text.codePointCount(0, text.length()) / (10.0 * speed) * bytesPerSecond;
        if (bytes > MAX_AUDIO_BYTES) {
            p.issue("text", "the text could give about " + Math.round(bytes / 1e6) + " MB of " + format + " audio, more"
                    + " than the " + MAX_AUDIO_BYTES / (1024 * 1024) + " MB ACP reads from one answer",
                    "split the text into several steps, or write .mp3 or .opus");
        }
    }

    ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException {
        StepParams p = StepParams.forExecute(request.parameters());
        Plan plan = plan(p, request.model(), request.outputExtension());
        p.throwIfInvalid(endpoint.provider());
        endpoint.requireKey();
        String format = java.util.Objects.requireNonNull(plan.format());
        SpeechRequest body = new SpeechRequest(plan.model(), plan.text(), plan.voice(), plan.delivery().instructions(),
                format, plan.speed());
        request.context().checkCancelled();
        request.context().progress(-1, "synthesising speech");
        HttpCall call = new HttpCall("POST", endpoint.uri("/audio/speech"), endpoint.headers("*/*"), Json.body(body),
                endpoint.timeout(), HttpCall.Retry.ONCE,
                new ChatErrors(endpoint.provider(), plan.model(), false, endpoint.keyVariable()), governor,
                endpoint.secrets());
        HttpResult r = transport.execute(call);
        String requestId = r.header("x-request-id").orElse(null);
        long bytes;
        try {
            bytes = MediaResponses.write(r, request.outputFile(), MediaTypes.accepted(Capability.TEXT_TO_SPEECH),
                    endpoint.provider(), requestId);
        } catch (ProviderException e) {
            throw new ProviderException(e.kind(), endpoint.mask(e.getMessage()), null, requestId, null);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("provider", endpoint.provider());
        m.put("model", plan.model());
        if (request.model() != null && !request.model().strip().equals(plan.model())) {
            m.put("requested_model", request.model());
        }
        m.put("voice", plan.voice());
        m.put("response_format", format);
        put(m, "speed", plan.speed());
        m.put("characters", plan.text().codePointCount(0, plan.text().length()));
        SpeechDirection d = plan.direction();
        if (d.emotion() != null) {
            m.put("emotion", d.emotion().wireName());
            m.put("intensity", d.level());
        }
        put(m, "description", d.description());
        put(m, "emotion_applied", plan.delivery().applied());
        put(m, "emotion_note", plan.delivery().note());
        put(m, "instructions", plan.delivery().instructions());
        put(m, "request_id", requestId);
        put(m, "content_type", r.header("Content-Type").orElse(null));
        m.put("file_bytes", bytes);
        m.put("cost_source", endpoint.free() ? "local server (free)" : "not reported by the server; priced from the"
                + " characters sent");
        request.context().progress(1, "speech written");
        ProviderResult result = ProviderResult.file(m).withRequestIds(requestId == null ? List.of() : List.of(requestId))
                .withUsage(new Usage.Characters(plan.text().codePointCount(0, plan.text().length())));
        return endpoint.free() ? result.withActualCost(BigDecimal.ZERO) : result;
    }

    List<Issue> check(@Nullable String model, Map<String, Object> parameters, String extension) {
        StepParams p = StepParams.forCheck(parameters);
        plan(p, model, extension);
        return p.issues();
    }

    private static void put(Map<String, Object> m, String key, @Nullable Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
