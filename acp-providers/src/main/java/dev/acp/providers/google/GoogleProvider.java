package dev.acp.providers.google;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.catalog.ProviderCatalog;
import dev.acp.util.Sleeper;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.MediaSniffer;
import dev.acp.http.ErrorMapper;
import dev.acp.http.HttpCall;
import dev.acp.http.HttpResult;
import dev.acp.provider.AccessCheck;
import dev.acp.pipeline.Capability;
import dev.acp.provider.JobHandle;
import dev.acp.provider.JobProvider;
import dev.acp.provider.JobStatus;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.Usage;
import dev.acp.providers.google.internal.GenerateContentResponse;
import dev.acp.providers.google.internal.Operation;
import dev.acp.providers.support.InlineMedia;
import dev.acp.providers.support.Json;
import dev.acp.providers.support.Mp4Duration;
import dev.acp.providers.support.RepairMemory;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Google's Gemini API (providers.md 6) behind one provider id:
 *
 * <ul>
 *   <li><b>Gemini</b> text tasks ({@link GeminiText}) are one {@code generateContent} call each,
 *       run by {@link #execute} ({@link #runsAsJob} is false for them). The call is paid, so it is
 *       sent once; its failure statuses are classified and the engine's step retries decide. A
 *       retry of {@code story_to_scenes} after an unusable answer shows the model that answer and
 *       why it was rejected ({@link RepairMemory}, per step id).
 *   <li><b>Veo</b> videos are long-running operations: {@link #submit} sends
 *       {@code predictLongRunning} once and returns the operation {@code name} as the job handle
 *       (the engine journals it before waiting), {@link #poll} reads {@code GET /v1beta/{name}}
 *       until {@code done}, and {@link #fetch} downloads the video the finished operation names
 *       ({@code files/{id}:download?alt=media} with the key, redirects followed) or decodes it when
 *       it came inline. A resumed run polls the journaled name and never submits again.
 * </ul>
 *
 * <p>Neither answer states a price: {@link ProviderResult#actualCost()} stays null, and the
 * result reports what Google bills by as its {@link Usage}, which the pricing catalog prices:
 * Gemini's tokens from {@code usageMetadata}, Veo's seconds of video read from the MP4 (else the
 * seconds asked for).
 */
public final class GoogleProvider implements JobProvider {
    static final String MODEL = "model";
    static final String DEFAULT_TEXT_MODEL = "gemini-2.5-flash";
    /** Longest Veo video ACP downloads; Veo's are seconds long, far below it. */
    static final long MAX_VIDEO_BYTES = 2L * 1024 * 1024 * 1024;
    /** Model ids as sent in the path: no slashes, no dots alone. */
    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** Operation names as Google gives them: {@code models/{model}/operations/{id}} and the like. */
    private static final Pattern OPERATION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)+");
    /** The SDK rebuilds the download URL from the id after {@code files/} (providers.md 6.3 step 4). */
    private static final Pattern FILE_ID = Pattern.compile("files/([a-z0-9]+)");

    private final GoogleApi api;
    private final GeminiFiles files;
    private final ProviderCatalog catalog;
    /** Unusable scene answers per step, shown to the step's next attempt (see {@link GeminiText#repairReason}). */
    private final RepairMemory repairs = new RepairMemory();

    GoogleProvider(ProviderContext context, ProviderCatalog catalog, GoogleApi.Timeouts timeouts, Sleeper sleeper,
            long inlineLimit) {
        String key = context.credential(GoogleProviderFactory.ID, GoogleProviderFactory.CREDENTIALS).orElse(null);
        this.api = new GoogleApi(context.baseUrl(GoogleProviderFactory.ID, GoogleProviderFactory.DEFAULT_BASE_URL),
                key, context.transport(), context.governors().of(GoogleProviderFactory.ID, GoogleProviderFactory.GOVERNOR),
                timeouts);
        this.files = new GeminiFiles(api, sleeper, inlineLimit, Duration.ofMinutes(5));
        this.catalog = catalog;
    }

    @Override
    public String id() {
        return GoogleProviderFactory.ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return GoogleProviderFactory.CAPABILITIES;
    }

    @Override
    public boolean costsMoney() {
        return true;
    }

    /** Google takes no client request id: a lost submission cannot be told apart from a refused one. */
    @Override
    public boolean idempotentSubmit() {
        return false;
    }

    /** Veo videos are operations; Gemini's text comes in the answer of one call. */
    @Override
    public boolean runsAsJob(Capability capability) {
        return GoogleProviderFactory.VIDEO.contains(capability);
    }

    /** Neither Gemini (no seed here) nor the Developer API's Veo (seed is Vertex-only) repeats itself. */
    @Override
    public boolean deterministic(Capability capability, Map<String, Object> parameters) {
        return false;
    }

    /** Bump when the built-in prompts, the request mapping or the answer handling change. */
    @Override
    public String revision() {
        return "google-1";
    }

    @Override
    public Set<String> parameters(Capability capability) {
        if (GoogleProviderFactory.VIDEO.contains(capability)) {
            return Veo.parameters(capability);
        }
        return GoogleProviderFactory.TEXT.contains(capability) ? GeminiText.parameters(capability) : Set.of();
    }

    @Override
    public List<Issue> check(Capability capability, @Nullable String model, Map<String, Object> parameters,
            String outputExtension) {
        if (!capabilities().contains(capability)) {
            return List.of(new Issue(null, "provider 'google' cannot do " + capability.wireName(),
                    "use a provider that can (see 'acp info')"));
        }
        Params p = Params.forCheck(parameters);
        String modelId = null;
        if (model == null || !model.contains("{{")) {
            try {
                modelId = modelId(capability, model);
            } catch (ProviderException e) {
                p.issue("model", e.getMessage(), "write a model id such as " + defaultModel(capability));
            }
        }
        try {
            if (GoogleProviderFactory.VIDEO.contains(capability)) {
                Veo.prepare(capability, modelId == null ? "" : modelId, p, outputExtension, null);
            } else {
                if (modelId != null && (modelId.startsWith("veo") || modelId.startsWith("imagen"))) {
                    p.issue("model", modelId + " makes media, not text", "use a Gemini model such as "
                            + DEFAULT_TEXT_MODEL);
                }
                GeminiText.prepare(capability, p, null);
            }
        } catch (ProviderException | InterruptedException e) {
            // Nothing is read or sent while checking; a failure here is a defect, reported rather than hidden.
            p.issue(null, String.valueOf(e.getMessage()), "report this as a bug");
        }
        return p.issues();
    }

    /**
     * providers.md documents no free Gemini call to check a key with, so {@code acp doctor} only
     * says whether a key is set; the first step shows whether Google accepts it.
     */
    @Override
    public AccessCheck checkAccess() {
        if (!api.hasKey()) {
            return AccessCheck.notChecked(String.join(" or ", GoogleProviderFactory.CREDENTIALS) + " is not set");
        }
        return AccessCheck.notChecked("a key is set; Google's API documents no free call to check it with"
                + " (" + api.base() + ")");
    }

    /** The model id to send: a catalog name of this provider by its id, anything else as written, else the default. */
    String modelId(Capability capability, @Nullable String requested) throws ProviderException {
        if (requested == null || requested.isBlank()) {
            return defaultModel(capability);
        }
        String name = requested.strip();
        String id = catalog.model(name).filter(m -> m.provider().equals(GoogleProviderFactory.ID))
                .map(ProviderCatalog.ModelEntry::providerModelId).orElse(name);
        if (id.startsWith("models/")) {
            id = id.substring("models/".length());
        }
        if (!MODEL_ID.matcher(id).matches()) {
            throw new ProviderException(ErrorKind.VALIDATION, "google: '" + requested + "' is not a Gemini model id");
        }
        return id;
    }

    static String defaultModel(Capability capability) {
        return GoogleProviderFactory.VIDEO.contains(capability) ? Veo.DEFAULT_MODEL : DEFAULT_TEXT_MODEL;
    }

    // ---- Gemini --------------------------------------------------------------------------------

    @Override
    public ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException {
        if (runsAsJob(request.capability())) {
            return JobProvider.super.execute(request);
        }
        if (!GoogleProviderFactory.TEXT.contains(request.capability())) {
            throw new ProviderException(ErrorKind.VALIDATION, "google cannot do " + request.capability().wireName());
        }
        String model = modelId(request.capability(), request.model());
        api.requireKey();
        Params p = Params.forExecute(request.parameters());
        Path scratch = request.context().scratchDirectory();
        GeminiText.Prepared prepared = GeminiText.prepare(request.capability(), p,
                (ref, key, metadata) -> files.part(files.local(ref, key, scratch, GeminiFiles.MAX_UPLOAD_BYTES), metadata));
        p.throwIfInvalid();
        repairs.previous(RepairMemory.key(request)).ifPresent(previous -> GeminiText.addRepairTurn(prepared.body(), previous));
        request.context().checkCancelled();
        HttpResult r = api.postJson(api.api("models/" + model + ":generateContent"), prepared.body(),
                HttpCall.Retry.ONCE, api.timeouts().generate(), GoogleErrors.INSTANCE);
        // A usageMetadata ACP cannot read is dropped rather than losing the paid answer with it.
        GenerateContentResponse answer = Json.convert(Json.read(r, "google", ErrorKind.TRANSIENT),
                GenerateContentResponse.class, "usageMetadata");
        GeminiText.Answer text;
        try {
            text = GeminiText.answer(request.capability(), p, answer, model);
        } catch (ProviderException e) {
            // Only a failure the engine retries is worth remembering; any other answer ends the repair.
            String reason = e.kind() == ErrorKind.TRANSIENT
                    ? GeminiText.repairReason(request.capability(), answer) : null;
            if (reason != null) {
                repairs.remember(RepairMemory.key(request), GeminiText.answerText(answer), reason);
            } else {
                repairs.forget(RepairMemory.key(request));
            }
            throw e;
        }
        repairs.forget(RepairMemory.key(request));
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put(MODEL, model);
        if (answer.modelVersion() != null) {
            metadata.put("model_version", answer.modelVersion());
        }
        metadata.putAll(prepared.metadata());
        metadata.putAll(text.metadata());
        GenerateContentResponse.UsageMetadata usage = answer.usageMetadata();
        if (usage != null) {
            Map<String, Object> tokens = new LinkedHashMap<>();
            putIfPresent(tokens, "prompt", usage.promptTokenCount());
            putIfPresent(tokens, "output", usage.candidatesTokenCount());
            putIfPresent(tokens, "thoughts", usage.thoughtsTokenCount());
            putIfPresent(tokens, "cached", usage.cachedContentTokenCount());
            putIfPresent(tokens, "total", usage.totalTokenCount());
            metadata.put("tokens", tokens);
        }
        // Google states no price: the tokens it counted are priced at the model's token prices.
        metadata.put("billing", Map.of("unit", "token", "source", "usageMetadata"));
        List<String> ids = answer.responseId() == null ? List.of() : List.of(answer.responseId());
        ProviderResult result = ProviderResult.text(text.text(), metadata).withRequestIds(ids);
        Usage tokens = GeminiText.usage(usage);
        return tokens == null ? result : result.withUsage(tokens);
    }

    private static void putIfPresent(Map<String, Object> m, String key, @Nullable Long value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    // ---- Veo: submit ---------------------------------------------------------------------------

    @Override
    public JobHandle submit(ProviderRequest request, String idempotencyKey) throws ProviderException, InterruptedException {
        if (!runsAsJob(request.capability())) {
            throw new ProviderException(ErrorKind.INTERNAL, "google: " + request.capability().wireName()
                    + " is not a job; the engine calls execute for it");
        }
        String model = modelId(request.capability(), request.model());
        api.requireKey();
        Params p = Params.forExecute(request.parameters());
        Path scratch = request.context().scratchDirectory();
        Veo.Prepared prepared = Veo.prepare(request.capability(), model, p, request.outputExtension(),
                (ref, key) -> files.veoImage(files.local(ref, key, scratch, GeminiFiles.MAX_VEO_IMAGE_BYTES)));
        p.throwIfInvalid();
        request.context().checkCancelled();
        HttpResult r = api.postJson(api.api("models/" + model + ":predictLongRunning"), prepared.body(),
                HttpCall.Retry.ONCE, api.timeouts().submit(), SUBMIT_ERRORS);
        JsonNode json = Json.read(r, "google", ErrorKind.UNKNOWN_OUTCOME);
        Operation op = Json.MAPPER.convertValue(json, Operation.class);
        if (op.name() == null || !OPERATION.matcher(op.name()).matches()) {
            throw new ProviderException(ErrorKind.UNKNOWN_OUTCOME, "google: Veo accepted the request to " + model
                    + " but its answer names no operation: " + r.excerpt() + "; it may have been billed, so it was"
                    + " not sent again");
        }
        Map<String, String> data = new LinkedHashMap<>(prepared.facts());
        data.put(MODEL, model);
        return new JobHandle(GoogleProviderFactory.ID, op.name(), data);
    }

    /**
     * Google answers with an error before it creates an operation, so a refusal stands as
     * classified (the engine may retry a rate limit or an overload); but a 504 means a gateway
     * stopped waiting while the request may have gone on, so it is UNKNOWN_OUTCOME.
     */
    private static final ErrorMapper SUBMIT_ERRORS = r -> {
        ErrorMapper.Classified c = GoogleErrors.INSTANCE.classify(r);
        if (r.status() == 504 || c.kind() == ErrorKind.TIMEOUT) {
            return new ErrorMapper.Classified(ErrorKind.UNKNOWN_OUTCOME, c.message() + "; the request may have"
                    + " started a video that Google bills, so it was not sent again. Check your usage in Google AI"
                    + " Studio before running the step again");
        }
        return c;
    };

    // ---- Veo: poll -----------------------------------------------------------------------------

    @Override
    public JobStatus poll(JobHandle handle) throws ProviderException, InterruptedException {
        Operation op = operation(handle);
        if (!op.finished()) {
            return new JobStatus.Pending(-1, "Veo is generating the video", null);
        }
        if (op.error() != null) {
            return failed(op.error());
        }
        Videos videos = videos(op.response());
        if (!videos.samples().isEmpty()) {
            return new JobStatus.Succeeded();
        }
        if (videos.filtered() > 0) {
            return new JobStatus.Failed(ErrorKind.CONTENT_POLICY, "Veo's safety filters removed " + videos.filtered()
                    + " video" + (videos.filtered() == 1 ? "" : "s") + (videos.reasons().isEmpty() ? ""
                    : ": " + String.join("; ", videos.reasons())));
        }
        return new JobStatus.Failed(ErrorKind.TRANSIENT, "the operation finished without a video");
    }

    private static JobStatus.Failed failed(Operation.Status error) {
        String status = error.status() != null ? error.status() : GoogleErrors.rpcStatus(error.code());
        String message = error.message() == null ? "no message" : error.message();
        ErrorKind kind = GoogleErrors.kind(0, status, message, null);
        return new JobStatus.Failed(kind, GoogleErrors.oneLine((status == null ? "" : status + ": ") + message));
    }

    private Operation operation(JobHandle handle) throws ProviderException, InterruptedException {
        api.requireKey();
        if (!OPERATION.matcher(handle.id()).matches() || handle.id().contains("..")) {
            throw new ProviderException(ErrorKind.INTERNAL, "google: '" + handle.id() + "' is not an operation name");
        }
        HttpResult r = api.get(api.api(handle.id()), api.timeouts().poll());
        return Json.MAPPER.convertValue(Json.read(r, "google", ErrorKind.TRANSIENT), Operation.class);
    }

    // ---- Veo: fetch ----------------------------------------------------------------------------

    @Override
    public ProviderResult fetch(JobHandle handle, ProviderRequest request) throws ProviderException, InterruptedException {
        Operation op = operation(handle);
        if (!op.finished()) {
            throw new ProviderException(ErrorKind.TRANSIENT, "google: operation " + handle.id() + " is not done yet",
                    null, handle.id(), null);
        }
        if (op.error() != null) {
            JobStatus.Failed f = failed(op.error());
            throw new ProviderException(f.kind(), "google: operation " + handle.id() + " failed: " + f.message(), null,
                    handle.id(), null);
        }
        Videos videos = videos(op.response());
        if (videos.samples().isEmpty()) {
            JobStatus status = poll(handle);
            String why = status instanceof JobStatus.Failed f ? f.message() : "no video";
            throw new ProviderException(status instanceof JobStatus.Failed f ? f.kind() : ErrorKind.TRANSIENT,
                    "google: operation " + handle.id() + ": " + why, null, handle.id(), null);
        }
        JsonNode video = videos.samples().getFirst();
        Path out = request.outputFile();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put(MODEL, handle.data().getOrDefault(MODEL, ""));
        metadata.put("operation", handle.id());
        String uri = Json.text(video, "uri");
        long bytes;
        if (uri != null && !uri.isBlank()) {
            URI download = downloadUri(uri);
            bytes = api.download(download, out, MAX_VIDEO_BYTES, List.of("video/"));
            metadata.put("video_delivery", "file");
        } else if (Json.text(video, "encodedVideo") != null) {
            bytes = writeInline(Json.text(video, "encodedVideo"), out, handle);
            metadata.put("video_delivery", "inline");
            String encoding = Json.text(video, "encoding");
            if (encoding != null) {
                metadata.put("content_type", encoding);
            }
        } else {
            throw new ProviderException(ErrorKind.TRANSIENT, "google: the video of operation " + handle.id()
                    + " has neither a uri nor inline bytes", null, handle.id(), null);
        }
        if (bytes == 0) {
            deleteQuietly(out);
            throw new ProviderException(ErrorKind.TRANSIENT, "google: the video of operation " + handle.id()
                    + " is empty", null, handle.id(), null);
        }
        metadata.put("bytes", bytes);
        for (String fact : List.of("duration_seconds", "aspect_ratio", "resolution")) {
            String v = handle.data().get(fact);
            if (v != null) {
                metadata.put(fact, fact.equals("duration_seconds") ? (Object) Long.parseLong(v) : v);
            }
        }
        if (videos.samples().size() > 1) {
            metadata.put("note", "Veo returned " + videos.samples().size() + " videos; only the first is this step's output");
        }
        String seconds = handle.data().get("duration_seconds");
        BigDecimal measured = Mp4Duration.seconds(out).orElse(null);
        if (measured != null) {
            metadata.put("billing", Map.of("unit", "second", "quantity", measured.doubleValue(), "source", "file"));
        } else {
            metadata.put("billing", seconds == null ? Map.of("unit", "second", "source", "model default")
                    : Map.of("unit", "second", "quantity", Long.parseLong(seconds), "source", "request"));
        }
        ProviderResult result = ProviderResult.file(metadata).withRequestIds(List.of(handle.id()));
        Usage.Video delivered = Veo.delivered(measured, handle.data());
        return delivered == null ? result : result.withUsage(delivered);
    }

    /**
     * The URL to download a video from: {@code {base}/v1beta/files/{id}:download?alt=media} when
     * the uri names a file (so a configured base URL is honoured, as the SDK rebuilds it too), else
     * the uri as given (with the key only for Google's hosts).
     */
    URI downloadUri(String uri) throws ProviderException {
        Matcher m = FILE_ID.matcher(uri);
        if (m.find()) {
            return api.api("files/" + m.group(1) + ":download?alt=media");
        }
        return GoogleApi.uri(uri, "the video uri");
    }

    private static long writeInline(String base64, Path out, JobHandle handle) throws ProviderException {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new ProviderException(ErrorKind.TRANSIENT, "google: the inline video of operation " + handle.id()
                    + " is not valid base64", null, handle.id(), null);
        }
        if (bytes.length > MAX_VIDEO_BYTES) {
            throw new ProviderException(ErrorKind.VALIDATION, "google: the video is over the limit of 2 GB");
        }
        if (bytes.length == 0) {
            return 0; // reported as an empty video by the caller; nothing is written
        }
        List<MediaSniffer.Kind> video = List.of(MediaSniffer.Kind.VIDEO);
        String misfit = MediaSniffer.misfit(bytes, Math.min(bytes.length, MediaSniffer.HEAD_BYTES), video);
        if (misfit != null) {
            throw new ProviderException(ErrorKind.VALIDATION, "google: the inline video of operation " + handle.id()
                    + " is " + misfit + ", not a video", null, handle.id(), null);
        }
        InlineMedia.write(bytes, out, "google");
        return bytes.length;
    }

    /** The videos of a finished operation, and what the safety filters removed. */
    record Videos(List<JsonNode> samples, int filtered, List<String> reasons) {}

    /**
     * {@code response.generateVideoResponse.generatedSamples[].video} (providers.md 6.3); the
     * SDK's own shape {@code generatedVideos[].video} is read too, to be tolerant.
     */
    static Videos videos(@Nullable JsonNode response) {
        if (response == null || !response.isObject()) {
            return new Videos(List.of(), 0, List.of());
        }
        JsonNode r = response.has("generateVideoResponse") ? response.get("generateVideoResponse") : response;
        List<JsonNode> samples = new ArrayList<>();
        for (String list : List.of("generatedSamples", "generatedVideos", "videos")) {
            JsonNode items = r.get(list);
            if (items != null && items.isArray()) {
                for (JsonNode item : items) {
                    JsonNode v = item.has("video") ? item.get("video") : item;
                    if (v != null && v.isObject() && (v.hasNonNull("uri") || v.hasNonNull("encodedVideo"))) {
                        samples.add(v);
                    }
                }
            }
        }
        int filtered = r.path("raiMediaFilteredCount").asInt(0);
        List<String> reasons = new ArrayList<>();
        r.path("raiMediaFilteredReasons").forEach(n -> reasons.add(n.asText()));
        return new Videos(samples, filtered, reasons);
    }

    // ---- Veo: cancel ---------------------------------------------------------------------------

    /**
     * Nothing to do: providers.md documents no way to cancel a Veo operation, so an abandoned one
     * runs to its end at Google (and is billed); ACP just stops waiting for it.
     */
    @Override
    public void cancel(JobHandle handle) {
        // See above.
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the engine removes leftovers of failed attempts
        }
    }

    /** For tests: uploads made by this provider. */
    int uploads() {
        return files.uploads();
    }

    @Override
    public String toString() {
        return "GoogleProvider[" + api.base() + "]";
    }
}
