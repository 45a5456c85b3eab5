package dev.acp.providers.elevenlabs;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.ErrorMapper;
import dev.acp.http.Governor;
import dev.acp.http.HttpResult;
import dev.acp.provider.AccessCheck;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.Usage;
import dev.acp.providers.elevenlabs.internal.TextToSpeechRequest;
import dev.acp.providers.elevenlabs.internal.VoiceSettings;
import dev.acp.providers.support.AccessChecks;
import dev.acp.providers.support.MediaResponses;
import dev.acp.providers.support.MediaTypes;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * ElevenLabs {@code text_to_speech}: one {@code POST /v1/text-to-speech/{voice_id}} per step,
 * whose answer is the audio itself, written to the step's output file.
 *
 * <p>The speech call is paid and ElevenLabs has no idempotency key, so it is sent exactly once
 * ({@link dev.acp.http.HttpCall.Retry#ONCE}): rate limits and outages come back classified and
 * the engine decides about a retry from the step's {@code retry_count}; a failure after the
 * request may have reached ElevenLabs (timeout, reset, a cut-off body) is
 * {@link ErrorKind#UNKNOWN_OUTCOME} and is never re-sent. The audio is therefore read with
 * {@code HttpTransport.execute} and written by {@link MediaResponses}, not streamed with
 * {@code HttpTransport.download}, which re-sends a request whose body broke off.
 *
 * <p>ElevenLabs bills characters (credits), not dollars; the billed count from the
 * {@code character-cost} header (older documentation: {@code x-character-count}) goes into the
 * metadata as {@code characters_billed} and is reported as the call's {@link Usage.Credits}, which
 * the pricing catalog turns into dollars at the price of a credit on the account's plan.
 * {@link ProviderResult#actualCost()} stays empty. Without either header nothing is reported and
 * the estimate settles the step.
 */
public final class ElevenLabsProvider implements Provider {
    /** The provider id used in pipeline files. */
    public static final String ID = "elevenlabs";

    static final String DEFAULT_BASE_URL = "https://api.elevenlabs.io";
    static final String CREDENTIAL = "ELEVENLABS_API_KEY";

    /**
     * The model sent when a step names none: ElevenLabs' own default (providers.md 2.2, from its
     * documentation) and the one that speaks every language the voices do. Sent explicitly so the
     * report names the model that produced the audio.
     */
    static final String DEFAULT_MODEL = "eleven_multilingual_v2";

    /**
     * Four requests at a time: the Creator plan allows 5 (providers.md 2.4), which leaves one for
     * other tools sharing the key. Plans with less are learned from the
     * {@code maximum-concurrent-requests} header (see {@link ConcurrencyLimit}); users on larger
     * plans raise it with {@code ACP_ELEVENLABS_MAX_CONCURRENCY}. Speech calls are synchronous, so
     * the job limit only has to be positive. No request-rate cap: ElevenLabs documents concurrency
     * per plan as its limit and none on the rate (providers.md 2.4); its 429s (too many concurrent
     * requests, system busy) halve the rate requests were starting at.
     */
    static final Governor.Settings GOVERNOR_DEFAULTS = Governor.Settings.uncapped(4, 4);

    /**
     * The governor's defaults for the account's plan ({@code providers.elevenlabs.plan} in
     * config.yaml): the plan's documented concurrency (providers.md 2.4: Free 2, Starter 3, Creator
     * 5, Pro 10, Scale and Business 15), else {@link #GOVERNOR_DEFAULTS}.
     */
    static Governor.Settings governorDefaults(@Nullable String plan) {
        int concurrency = switch (plan == null ? "" : plan.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "free" -> 2;
            case "starter" -> 3;
            case "creator" -> 5;
            case "pro" -> 10;
            case "scale", "business" -> 15;
            default -> 0;
        };
        return concurrency == 0 ? GOVERNOR_DEFAULTS : Governor.Settings.uncapped(concurrency, concurrency);
    }

    /** One speech call's time limit: long texts take a while, and a timeout is an unknown outcome. */
    static final Duration SPEECH_TIMEOUT = Duration.ofMinutes(5);

    /**
     * How long after a lost request was sent its speech may still be in the making, so that a
     * lookup that finds nothing in the history waits until then before the request is sent again.
     */
    static final Duration HISTORY_GRACE = Duration.ofMinutes(2);

    private final @Nullable ElevenLabsApi api;
    private final @Nullable VoiceDirectory voices;
    private final @Nullable HistoryLookup history;
    private final ConcurrencyLimit concurrency;
    private final ProviderCatalog catalog;

    ElevenLabsProvider(ProviderContext context, Duration speechTimeout) {
        this(context, speechTimeout, HISTORY_GRACE);
    }

    ElevenLabsProvider(ProviderContext context, Duration speechTimeout, Duration historyGrace) {
        Governor governor = context.governors().of(ID, governorDefaults(context.config().provider(ID).plan()))
                .withBaseUrls(context.baseUrl(ID, DEFAULT_BASE_URL));
        this.concurrency = new ConcurrencyLimit(governor.settings().maxConcurrentRequests());
        ElevenLabsErrorMapper mapper = new ElevenLabsErrorMapper();
        // Error answers carry the plan's concurrency too (a 429 in particular): learn it there as well.
        ErrorMapper errors = r -> {
            concurrency.observe(r);
            return mapper.classify(r);
        };
        String key = context.credential(ID, List.of(CREDENTIAL)).orElse(null);
        this.api = key == null ? null
                : new ElevenLabsApi(context.transport(), context.baseUrl(ID, DEFAULT_BASE_URL), key, governor, errors,
                        speechTimeout);
        this.voices = api == null ? null : new VoiceDirectory(api);
        this.history = api == null ? null : new HistoryLookup(api, context.clock(), historyGrace);
        this.catalog = ProviderCatalog.builtIn();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.TEXT_TO_SPEECH);
    }

    @Override
    public Set<String> parameters(Capability capability) {
        return capability == Capability.TEXT_TO_SPEECH ? SpeechConfig.PARAMETERS : Set.of();
    }

    /**
     * With a seed ElevenLabs aims to repeat its output ("best effort", so small differences
     * remain possible); without one every call samples anew.
     */
    @Override
    public boolean deterministic(Capability capability, Map<String, Object> parameters) {
        return parameters.get("seed") != null;
    }

    @Override
    public List<Issue> check(Capability capability, @Nullable String model, Map<String, Object> parameters,
            String outputExtension) {
        if (capability != Capability.TEXT_TO_SPEECH) {
            return List.of(new Issue(null, "ElevenLabs does not offer " + capability.wireName(),
                    "use provider elevenlabs for text_to_speech steps only"));
        }
        SpeechConfig.Parsed parsed = SpeechConfig.parse(parameters, outputExtension, true);
        List<Issue> issues = new java.util.ArrayList<>(parsed.issues());
        EmotionMapping mapping = EmotionMapping.of(parsed.config().direction(), parsed.config().voiceSettings(),
                modelId(model));
        if (mapping.note() != null) {
            issues.add(Issue.warning("description", mapping.note(), "express the delivery with emotion and intensity,"
                    + " or use provider openai with model gpt-4o-mini-tts, which follows a description"));
        }
        return issues;
    }

    /** Lists the account's models ({@code GET /v1/models}): free, and refused for a bad key. */
    @Override
    public AccessCheck checkAccess() throws InterruptedException {
        if (api == null) {
            return AccessCheck.notChecked(CREDENTIAL + " is not set");
        }
        try {
            int models = api.countModels();
            return AccessCheck.ok("key accepted; " + models + " models available");
        } catch (ProviderException e) {
            return AccessChecks.failed(e, CREDENTIAL, ProviderContext.envName(ID, "BASE_URL"));
        }
    }

    @Override
    public ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException {
        if (request.capability() != Capability.TEXT_TO_SPEECH) {
            throw new ProviderException(ErrorKind.VALIDATION, ID + " does not offer " + request.capability().wireName());
        }
        SpeechConfig.Parsed parsed = SpeechConfig.parse(request.parameters(), request.outputExtension(), false);
        if (!parsed.issues().isEmpty()) {
            throw new ProviderException(ErrorKind.VALIDATION, ID + ": " + parsed.issues().stream()
                    .map(i -> i.message() + " (" + i.fix() + ")").collect(Collectors.joining("; ")));
        }
        SpeechConfig config = parsed.config();
        if (api == null || voices == null) {
            throw new ProviderException(ErrorKind.AUTH, ID + ": " + CREDENTIAL + " is not set (or providers." + ID
                    + ".api_key in ACP_HOME/config.yaml)");
        }
        // Both are non-null once the issues above are empty.
        String text = Objects.requireNonNull(config.text());
        OutputFormat format = Objects.requireNonNull(config.outputFormat());
        String model = modelId(request.model());

        request.context().progress(-1, "choosing the voice");
        VoiceDirectory.Resolved voice = voices.resolve(config.voice());
        request.context().checkCancelled();

        EmotionMapping emotion = EmotionMapping.of(config.direction(), config.voiceSettings(), model);
        VoiceSettings settings = emotion.settings();
        TextToSpeechRequest body = new TextToSpeechRequest(emotion.text(text), model, config.languageCode(),
                settings.isEmpty() ? null : settings, config.seed());
        request.context().progress(-1, "synthesising speech");
        HttpResult response;
        ConcurrencyLimit.Slot slot = concurrency.acquire();
        try {
            response = api.textToSpeech(voice.id(), format, body);
        } catch (ProviderException e) {
            if (e.kind() != ErrorKind.UNKNOWN_OUTCOME) {
                throw e;
            }
            throw new ProviderException(e.kind(), e.getMessage() + "; not sent again: ElevenLabs may have generated"
                    + " and billed it, and resuming the run looks for it in your ElevenLabs history",
                    e.retryAfter().orElse(null), e.requestId().orElse(null), e);
        } finally {
            slot.close();
        }
        concurrency.observe(response);
        String requestId = response.header("request-id").orElse(null);
        Object billed = number(response, "character-cost");
        if (billed == null) {
            billed = number(response, "x-character-count");
        }
        long bytes;
        try {
            bytes = MediaResponses.write(response, request.outputFile(),
                    MediaTypes.accepted(Capability.TEXT_TO_SPEECH), ID, requestId);
        } catch (ProviderException e) {
            // The message quotes the answer, which could echo the key; say what was billed for it.
            throw new ProviderException(e.kind(), api.mask(e.getMessage()
                    + (billed == null ? "" : "; ElevenLabs billed " + billed + " characters for it")), null, requestId,
                    null);
        }

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("provider", ID);
        m.put("model", model);
        if (request.model() != null && !request.model().equals(model)) {
            m.put("requested_model", request.model());
        }
        m.put("voice_id", voice.id());
        putIfSet(m, "voice_name", voice.name());
        m.put("voice_source", voice.source().wireName());
        putIfSet(m, "voice_note", voice.note());
        m.put("output_format", format.wireName());
        m.put("characters", text.codePointCount(0, text.length()));
        putIfSet(m, "characters_billed", billed);
        putIfSet(m, "request_id", requestId);
        putIfSet(m, "history_item_id", response.header("history-item-id").orElse(null));
        putIfSet(m, "current_concurrent_requests", number(response, "current-concurrent-requests"));
        putIfSet(m, "maximum_concurrent_requests", number(response, "maximum-concurrent-requests"));
        putIfSet(m, "tts_latency_ms", number(response, "tts-latency-ms"));
        putIfSet(m, "content_type", response.header("Content-Type").orElse(null));
        m.put("file_bytes", bytes);
        if (!settings.isEmpty()) {
            m.put("voice_settings", settings.asMap());
        }
        putIfSet(m, "seed", config.seed());
        putIfSet(m, "language_code", config.languageCode());
        if (config.direction().emotion() != null) {
            m.put("emotion", config.direction().emotion().wireName());
            m.put("intensity", config.direction().level());
        }
        putIfSet(m, "description", config.direction().description());
        putIfSet(m, "emotion_applied", emotion.applied());
        putIfSet(m, "audio_tag", emotion.tag() == null ? null : "[" + emotion.tag() + "]");
        putIfSet(m, "emotion_note", emotion.note());
        request.context().progress(1, "speech written");
        ProviderResult result = ProviderResult.file(m).withRequestIds(requestId == null ? List.of() : List.of(requestId));
        Usage.Credits credits = credits(billed);
        return credits == null ? result : result.withUsage(credits);
    }

    /**
     * The speech of a request whose answer was lost, from the account's history: the same voice,
     * model and text (as sent, audio tags included) since the request was sent. Found, its audio
     * is the step's result, billed once; not found (after a grace for speech still in the making),
     * ElevenLabs never made it and it may be sent.
     */
    @Override
    public dev.acp.provider.CallRecovery recoverCall(ProviderRequest request, java.time.Instant sentAt)
            throws ProviderException, InterruptedException {
        SpeechConfig.Parsed parsed = SpeechConfig.parse(request.parameters(), request.outputExtension(), false);
        if (!parsed.issues().isEmpty() || api == null || voices == null || history == null) {
            return new dev.acp.provider.CallRecovery.Unknown("the request cannot be rebuilt to look it up");
        }
        SpeechConfig config = parsed.config();
        String model = modelId(request.model());
        VoiceDirectory.Resolved voice = voices.resolve(config.voice());
        String text = EmotionMapping.of(config.direction(), config.voiceSettings(), model)
                .text(Objects.requireNonNull(config.text()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("provider", ID);
        m.put("model", model);
        m.put("voice_id", voice.id());
        putIfSet(m, "voice_name", voice.name());
        m.put("output_format", Objects.requireNonNull(config.outputFormat()).wireName());
        m.put("characters", text.codePointCount(0, text.length()));
        request.context().progress(-1, "looking for the speech in ElevenLabs' history");
        return history.find(request, voice.id(), model, text, sentAt, m);
    }

    /** The credits a billing header counts, or null when it is absent or not a number of at least zero. */
    static Usage.@Nullable Credits credits(@Nullable Object billed) {
        BigDecimal n;
        if (billed instanceof Long l) {
            n = BigDecimal.valueOf(l);
        } else if (billed instanceof String text) {
            try {
                n = new BigDecimal(text);
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        return n.signum() < 0 ? null : new Usage.Credits(n);
    }

    /** The concurrency limit in force, for tests. */
    int concurrencyLimit() {
        return concurrency.limit();
    }

    /**
     * The ElevenLabs model id: a catalog name is translated (today the names equal the ids), any
     * other id is sent as written, and none means {@link #DEFAULT_MODEL}.
     */
    private String modelId(@Nullable String model) {
        if (model == null || model.isBlank()) {
            return DEFAULT_MODEL;
        }
        return catalog.model(model).filter(e -> e.provider().equals(ID)).map(ProviderCatalog.ModelEntry::providerModelId)
                .orElse(model.strip());
    }

    /** A numeric header as a long, or its text when it is not a whole number, or null when absent. */
    private static @Nullable Object number(HttpResult r, String header) {
        return r.header(header).map(String::strip).<Object>map(v -> {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                return v;
            }
        }).orElse(null);
    }

    private static void putIfSet(Map<String, Object> m, String key, @Nullable Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
