package dev.acp.providers.replicate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.Downloaded;
import dev.acp.http.ErrorMapper;
import dev.acp.http.Governor;
import dev.acp.http.HttpCall;
import dev.acp.http.HttpResult;
import dev.acp.http.HttpTransport;
import dev.acp.provider.AccessCheck;
import dev.acp.pipeline.Capability;
import dev.acp.provider.JobHandle;
import dev.acp.provider.JobProvider;
import dev.acp.provider.JobStatus;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.Usage;
import dev.acp.providers.replicate.ReplicateModels.Target;
import dev.acp.providers.replicate.internal.Prediction;
import dev.acp.providers.replicate.internal.UploadedFile;
import dev.acp.providers.support.AccessChecks;
import dev.acp.providers.support.DataUris;
import dev.acp.providers.support.InlineMedia;
import dev.acp.providers.support.Json;
import dev.acp.providers.support.MediaTypes;
import dev.acp.providers.support.Mp4Duration;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Replicate predictions (providers.md 7) for any model: created with
 * {@code POST /v1/models/{owner}/{name}/predictions} (a model named {@code owner/name}) or
 * {@code POST /v1/predictions} with a {@code version} ({@code owner/name:version} or a bare
 * version id), polled with {@code GET /v1/predictions/{id}}, cancelled with
 * {@code POST /v1/predictions/{id}/cancel}. The handle is the prediction id; polls and cancels go
 * to the configured host, never to URLs from an answer, so the token goes nowhere else.
 *
 * <p>Replicate has no idempotency key and does not retry creates itself, so a create is sent once
 * ({@link HttpCall.Retry#ONCE}); one whose answer was lost, or that failed with a server error
 * other than 503, is UNKNOWN_OUTCOME and never sent again by the engine.
 *
 * <p>{@code Prefer: wait=N} is sent for catalog models that usually finish within N seconds (a
 * step's {@code prefer_wait} overrides it): their output then arrives in the create answer, often
 * already as data URIs and sometimes while {@code status} still says {@code processing}
 * (providers.md 7.2), so output in that answer counts as the result. Other models are polled.
 *
 * <p>Outputs are downloaded by {@link #fetch} as soon as the prediction succeeds: Replicate's
 * output files expire. Replicate reports no cost. It bills official models per output and all
 * others per second of hardware, so a result reports both readings ({@link Usage.Several}): the
 * outputs (images, or the seconds of a video read from the file) and the seconds of
 * {@code metrics.predict_time} on the step's {@code hardware}; the model's tariff prices the one
 * it can.
 */
public final class ReplicateProvider implements JobProvider {

    /** Time limits of one attempt of each call; a create with Prefer: wait also gets its wait. */
    record Timeouts(Duration submit, Duration poll, Duration upload, Duration download) {
        static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofMinutes(5), Duration.ofMinutes(2));
    }

    static final String MODEL_REF = "model_ref";
    static final String MODEL = "model";
    static final String IGNORED = "ignored_parameters";

    static final long MAX_IMAGE_BYTES = 100L * 1024 * 1024;
    static final long MAX_VIDEO_BYTES = 2L * 1024 * 1024 * 1024;
    static final long MAX_AUDIO_BYTES = 200L * 1024 * 1024;
    static final long MAX_UPLOAD_BYTES = 100L * 1024 * 1024;

    private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "canceled", "aborted");
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3})%");
    private static final Pattern STEP = Pattern.compile("(\\d+)\\s*/\\s*(\\d+)");

    private final @Nullable String key;
    private final String base;
    private final String apiHost;
    private final HttpTransport transport;
    private final Governor governor;
    private final ReplicateModels models;
    private final Timeouts timeouts;
    private final List<String> secrets;
    /**
     * Create answers that already hold the output (Prefer: wait), until fetched: saves a GET,
     * and data URIs are not repeated by a later GET. A resumed run finds it empty and asks.
     */
    private final Map<String, Prediction> answered = new ConcurrentHashMap<>();
    /** Local files already uploaded by this provider: path, size and time -> Replicate file URL. */
    private final Map<String, String> uploads = new ConcurrentHashMap<>();

    ReplicateProvider(ProviderContext context, Timeouts timeouts) {
        this.key = context.credential(ReplicateProviderFactory.ID, ReplicateProviderFactory.CREDENTIALS).orElse(null);
        this.base = context.baseUrl(ReplicateProviderFactory.ID, ReplicateProviderFactory.DEFAULT_BASE_URL);
        this.apiHost = hostOf(base);
        this.transport = context.transport();
        this.governor = context.governors().of(ReplicateProviderFactory.ID, ReplicateProviderFactory.GOVERNOR)
                .withBaseUrls(base);
        this.models = ReplicateModels.builtIn();
        this.timeouts = timeouts;
        this.secrets = key == null ? List.of() : List.of(key);
    }

    @Override
    public String id() {
        return ReplicateProviderFactory.ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return ReplicateProviderFactory.CAPABILITIES;
    }

    @Override
    public boolean costsMoney() {
        return true;
    }

    /**
     * Replicate bills most models by the time a prediction runs ({@code metrics.predict_time}), so
     * Ctrl-C cancels it rather than leaving it running (and billing) until a resume; the resume
     * submits the step again.
     */
    @Override
    public boolean cancelOnInterrupt() {
        return true;
    }

    /** Replicate has no idempotency key (providers.md 7.5): a lost create cannot be found again. */
    @Override
    public boolean idempotentSubmit() {
        return false;
    }

    /** Replicate models take arbitrary inputs: every parameter is passed through, none is unknown. */
    @Override
    public Set<String> parameters(Capability capability) {
        return Set.of();
    }

    @Override
    public List<Issue> check(
            Capability capability, @Nullable String model, Map<String, Object> parameters, String outputExtension) {
        List<Issue> issues = new ArrayList<>();
        if (!capabilities().contains(capability)) {
            issues.add(new Issue(null, "Replicate cannot do " + capability.wireName() + " through ACP",
                    "choose another provider"));
            return issues;
        }
        Set<String> extensions = switch (capability.outputKind()) {
            case IMAGE -> Set.of("png", "jpg", "jpeg", "webp");
            case VIDEO -> Set.of("mp4", "webm", "mov");
            case AUDIO -> Set.of("mp3", "wav", "flac", "ogg", "m4a", "aac");
            case TEXT -> Set.of("txt");
        };
        if (!extensions.contains(outputExtension)) {
            issues.add(new Issue(null, "a Replicate " + capability.wireName() + " result cannot be kept in a ."
                    + outputExtension + " file", "name the output ." + extensions.stream().sorted().findFirst()
                    .orElse("bin")));
        }
        if (model != null && model.contains("{{")) {
            return issues;
        }
        try {
            Target target = models.resolve(capability, model);
            issues.addAll(ReplicateInput.check(target, capability, parameters, outputExtension));
        } catch (ReplicateModels.UnknownModel e) {
            issues.add(new Issue("model", e.getMessage(), "name a model from `acp models` or owner/name"));
        }
        return issues;
    }

    /**
     * Asks for a prediction id that cannot exist ({@code GET /v1/predictions/{id}}): free; a valid
     * token gets 404, a refused one 401.
     */
    @Override
    public AccessCheck checkAccess() throws InterruptedException {
        if (key == null) {
            return AccessCheck.notChecked(ReplicateProviderFactory.KEY_VARIABLE + " is not set");
        }
        try {
            transport.execute(AccessChecks.quick(get(predictionUri("acp-doctor-" + UUID.randomUUID()))));
            return AccessCheck.ok("token accepted by Replicate (" + base + ")");
        } catch (ProviderException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                return AccessCheck.ok("token accepted by Replicate (" + base + ")");
            }
            return AccessChecks.failed(e, ReplicateProviderFactory.KEY_VARIABLE,
                    ProviderContext.envName(ReplicateProviderFactory.ID, "BASE_URL"));
        }
    }

    // ---- submit --------------------------------------------------------------------------------

    @Override
    public JobHandle submit(ProviderRequest request, String idempotencyKey) throws ProviderException, InterruptedException {
        Target target;
        try {
            target = models.resolve(request.capability(), request.model());
        } catch (ReplicateModels.UnknownModel e) {
            throw new ProviderException(ErrorKind.VALIDATION, "replicate: " + e.getMessage());
        }
        requireKey();
        ReplicateInput.Built input = ReplicateInput.build(target, request.capability(), request.parameters(),
                request.outputExtension(), this::fileUrl);
        Map<String, Object> body = new LinkedHashMap<>();
        URI uri;
        if (target.version() != null) {
            body.put("version", target.version());
            uri = URI.create(base + "/v1/predictions");
        } else {
            uri = URI.create(base + "/v1/models/" + enc(target.owner()) + "/" + enc(target.name()) + "/predictions");
        }
        body.put("input", input.input());
        int wait = waitSeconds(target, request.parameters());
        Map<String, String> headers = new HashMap<>(auth());
        headers.put("Content-Type", "application/json");
        if (wait > 0) {
            headers.put("Prefer", "wait=" + wait);
        }
        HttpResult r;
        try {
            r = transport.execute(new HttpCall("POST", uri, headers, Json.body(body),
                    timeouts.submit().plusSeconds(wait), HttpCall.Retry.ONCE, SUBMIT_ERRORS, governor, secrets));
        } catch (ProviderException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                throw new ProviderException(ErrorKind.NOT_FOUND, e.getMessage() + " (is '" + target.ref()
                        + "' a Replicate model? A community model needs owner/name:version)",
                        e.retryAfter().orElse(null), e.requestId().orElse(null), e);
            }
            throw e;
        }
        Prediction p = prediction(r, ErrorKind.UNKNOWN_OUTCOME);
        if (p.id() == null || p.id().isBlank()) {
            throw new ProviderException(ErrorKind.UNKNOWN_OUTCOME, "replicate: the create of " + target.ref()
                    + " was answered without a prediction id: " + r.excerpt() + "; it may have been billed, so it was"
                    + " not repeated");
        }
        if (p.hasOutput() || TERMINAL.contains(state(p))) {
            answered.put(p.id(), p);
        }
        Map<String, String> data = new LinkedHashMap<>();
        data.put(MODEL_REF, target.ref());
        if (target.known() != null) {
            data.put(MODEL, target.known().name());
        }
        if (!input.ignored().isEmpty()) {
            data.put(IGNORED, String.join(",", input.ignored()));
        }
        return new JobHandle(ReplicateProviderFactory.ID, p.id(), data);
    }

    /**
     * A create refused with 429 (throttled) or 503 (unavailable) was not created and may be sent
     * again; any other server error may have created (and will bill) a prediction that cannot be
     * found again, so it is UNKNOWN_OUTCOME.
     */
    private static final ErrorMapper SUBMIT_ERRORS = r -> {
        ErrorMapper.Classified c = ReplicateErrors.INSTANCE.classify(r);
        if ((r.status() >= 500 && r.status() != 503) || r.status() == 408) {
            return new ErrorMapper.Classified(ErrorKind.UNKNOWN_OUTCOME, c.message() + "; the prediction may have"
                    + " been created and billed, so it was not repeated. Check replicate.com/predictions before running"
                    + " the step again");
        }
        return c;
    };

    private static int waitSeconds(Target target, Map<String, Object> parameters) {
        Object w = parameters.get("prefer_wait");
        if (w instanceof Number n) {
            return Math.max(0, Math.min(60, n.intValue()));
        }
        Integer catalog = target.known() == null ? null : target.known().waitSeconds();
        return catalog == null ? 0 : Math.max(0, Math.min(60, catalog));
    }

    // ---- poll ----------------------------------------------------------------------------------

    @Override
    public JobStatus poll(JobHandle handle) throws ProviderException, InterruptedException {
        Prediction early = answered.get(handle.id());
        if (early != null) {
            String s = state(early);
            if (s.equals("succeeded") || early.hasOutput() && !TERMINAL.contains(s)) {
                return new JobStatus.Succeeded();
            }
            if (TERMINAL.contains(s)) {
                answered.remove(handle.id());
                return ended(handle, early);
            }
        }
        requireKey();
        Prediction p = prediction(transport.execute(get(predictionUri(handle.id()))), ErrorKind.TRANSIENT);
        return switch (state(p)) {
            case "starting" -> new JobStatus.Pending(-1, "starting at Replicate (the model may be booting)", null);
            case "processing" -> running(p);
            case "succeeded" -> new JobStatus.Succeeded();
            case "failed", "canceled", "aborted" -> ended(handle, p);
            default -> throw new ProviderException(ErrorKind.TRANSIENT, "replicate: prediction " + handle.id()
                    + " has the status '" + ReplicateErrors.oneLine(String.valueOf(p.status()))
                    + "', which ACP does not know", null, handle.id(), null);
        };
    }

    private JobStatus ended(JobHandle handle, Prediction p) {
        String model = handle.data().getOrDefault(MODEL_REF, "the model");
        return switch (state(p)) {
            case "canceled" -> new JobStatus.Failed(ErrorKind.TRANSIENT, "replicate: prediction " + handle.id()
                    + " of " + model + " was canceled");
            case "aborted" -> new JobStatus.Failed(ErrorKind.TIMEOUT, "replicate: prediction " + handle.id() + " of "
                    + model + " was aborted: its deadline passed before it started");
            default -> {
                String error = p.errorText();
                yield new JobStatus.Failed(ReplicateErrors.ofFailure(error), mask("replicate: prediction "
                        + handle.id() + " of " + model + " failed" + (error.isBlank() ? "" : ": "
                        + ReplicateErrors.oneLine(error))));
            }
        };
    }

    private static JobStatus.Pending running(Prediction p) {
        String last = null;
        if (p.logs() != null) {
            for (String line : p.logs().split("\\R")) {
                if (!line.isBlank()) {
                    last = line;
                }
            }
        }
        if (last == null) {
            return new JobStatus.Pending(-1, "running at Replicate", null);
        }
        // Progress bars print their percentage (tqdm: " 45%|####  | 9/20"); else a step count.
        double progress = -1;
        Matcher percent = PERCENT.matcher(last);
        Matcher step = STEP.matcher(last);
        if (percent.find() && Integer.parseInt(percent.group(1)) <= 100) {
            progress = Integer.parseInt(percent.group(1)) / 100.0;
        } else if (step.find() && Integer.parseInt(step.group(2)) > 0
                && Integer.parseInt(step.group(1)) <= Integer.parseInt(step.group(2))) {
            progress = Double.parseDouble(step.group(1)) / Double.parseDouble(step.group(2));
        }
        String line = ReplicateErrors.oneLine(last);
        return new JobStatus.Pending(progress, "running: " + (line.length() > 100 ? line.substring(0, 97) + "..."
                : line), null);
    }

    // ---- fetch ---------------------------------------------------------------------------------

    @Override
    public ProviderResult fetch(JobHandle handle, ProviderRequest request) throws ProviderException, InterruptedException {
        Prediction p = answered.get(handle.id());
        if (p == null || !p.hasOutput()) {
            requireKey();
            p = prediction(transport.execute(get(predictionUri(handle.id()))), ErrorKind.TRANSIENT);
        }
        if (!p.hasOutput()) {
            if (Boolean.TRUE.equals(p.dataRemoved())) {
                throw new ProviderException(ErrorKind.NOT_FOUND, "replicate: the output of prediction " + handle.id()
                        + " was removed by Replicate (outputs expire); run the step again to make it anew", null,
                        handle.id(), null);
            }
            throw new ProviderException(ErrorKind.TRANSIENT, "replicate: prediction " + handle.id() + " ("
                    + state(p) + ") has no output yet", null, handle.id(), null);
        }
        JsonNode output = p.output();
        List<String> files = new ArrayList<>();
        collectFiles(output, files);
        Capability capability = request.capability();
        if (files.isEmpty()) {
            throw new ProviderException(ErrorKind.VALIDATION, "replicate: the output of " + handle.data()
                    .getOrDefault(MODEL_REF, "the model") + " holds no file (" + ReplicateErrors.oneLine(
                    String.valueOf(output)) + "); is this a " + capability.wireName() + " model?", null, handle.id(),
                    null);
        }
        long limit = switch (capability.outputKind()) {
            case IMAGE -> MAX_IMAGE_BYTES;
            case VIDEO -> MAX_VIDEO_BYTES;
            case AUDIO, TEXT -> MAX_AUDIO_BYTES;
        };
        List<String> accepted = MediaTypes.accepted(capability);
        String file = files.get(0);
        long written;
        String sha256 = null;
        if (InlineMedia.isDataUri(file)) {
            written = InlineMedia.writeDataUri(file, request.outputFile(), limit, accepted, "replicate");
        } else {
            URI uri = uri(file);
            boolean api = apiHost.equals(hostOf(file));
            // Files on the API host need the token; the transport sends it nowhere else (output URLs on
            // replicate.delivery are public and fetched without it).
            Downloaded d = transport.downloadFile(HttpCall.get(uri, auth(), governor,
                    api ? ReplicateErrors.INSTANCE : ErrorMapper.STANDARD, secrets).withTimeout(timeouts.download()),
                    request.outputFile(), limit, accepted);
            written = d.bytes();
            sha256 = d.sha256();
        }
        answered.remove(handle.id());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("prediction_id", handle.id());
        metadata.put("model_ref", handle.data().getOrDefault(MODEL_REF, String.valueOf(p.model())));
        Optional.ofNullable(handle.data().get(MODEL)).ifPresent(m -> metadata.put("model", m));
        Optional.ofNullable(p.version()).ifPresent(v -> metadata.put("version", v));
        metadata.put("outputs_returned", files.size());
        if (files.size() > 1) {
            metadata.put("note", "Replicate returned " + files.size() + " files; only the first is this step's output");
        }
        metadata.put("bytes", written);
        Object predictTime = p.metrics() == null ? null : p.metrics().get("predict_time");
        Usage delivered = delivered(capability, files.size(), request, p.metrics());
        if (predictTime instanceof Number n) {
            metadata.put("predict_time_s", n.doubleValue());
            metadata.put("billing", Map.of("unit", "gpu_second", "quantity", n.doubleValue(), "source", "metrics"));
        }
        Optional.ofNullable(handle.data().get(IGNORED))
                .ifPresent(i -> metadata.put(IGNORED, List.of(i.split(","))));
        ProviderResult result = ProviderResult.file(metadata).withRequestIds(List.of(handle.id()));
        result = delivered == null ? result : result.withUsage(delivered);
        return sha256 == null ? result : result.withOutputSha256(sha256);
    }

    /**
     * What a prediction delivered in each unit Replicate bills by: the outputs (every image
     * returned, or the seconds of the video written) and the seconds of hardware. Null when
     * neither is known.
     */
    static @Nullable Usage delivered(Capability capability, int outputs, ProviderRequest request,
            @Nullable Map<String, Object> metrics) {
        List<Usage> readings = new ArrayList<>();
        switch (capability.outputKind()) {
            case IMAGE -> readings.add(Usage.Images.count(outputs));
            case VIDEO -> Mp4Duration.seconds(request.outputFile())
                    .ifPresent(s -> readings.add(new Usage.Video(s, null, null)));
            case AUDIO, TEXT -> {
                // Speech is priced per character or token of input, which the output does not tell.
            }
        }
        hardwareTime(metrics, request.parameters()).ifPresent(readings::add);
        return readings.isEmpty() ? null : readings.size() == 1 ? readings.getFirst() : new Usage.Several(readings);
    }

    /**
     * The billed running time ({@code metrics.predict_time}) on the step's {@code hardware} (lower
     * case), or on hardware not known when the step names none; empty without a usable time.
     */
    static Optional<Usage.HardwareTime> hardwareTime(@Nullable Map<String, Object> metrics,
            Map<String, Object> parameters) {
        Object t = metrics == null ? null : metrics.get("predict_time");
        if (!(t instanceof Number n) || !(n.doubleValue() >= 0) || Double.isInfinite(n.doubleValue())) {
            return Optional.empty();
        }
        String hardware = parameters.get("hardware") instanceof String h && !h.isBlank() && !h.contains("{{")
                ? h.strip().toLowerCase(Locale.ROOT) : null;
        return Optional.of(new Usage.HardwareTime(new BigDecimal(n.toString()), hardware));
    }

    /** Files in an output, in order: URL or data URI strings, in lists and objects at any depth. */
    static void collectFiles(@Nullable JsonNode n, List<String> out) {
        if (n == null || n.isNull()) {
            return;
        }
        if (n.isTextual()) {
            String s = n.asText().trim();
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("data:")) {
                out.add(s);
            }
        } else if (n.isArray()) {
            n.forEach(e -> collectFiles(e, out));
        } else if (n.isObject()) {
            n.elements().forEachRemaining(e -> collectFiles(e, out));
        }
    }

    // ---- cancel --------------------------------------------------------------------------------

    /** Best effort: a prediction that already ended or is unknown is left alone. */
    @Override
    public void cancel(JobHandle handle) throws ProviderException, InterruptedException {
        requireKey();
        answered.remove(handle.id());
        try {
            transport.execute(new HttpCall("POST", URI.create(predictionUri(handle.id()) + "/cancel"), auth(), null,
                    timeouts.poll(), HttpCall.Retry.SAFE, ReplicateErrors.INSTANCE, governor, secrets));
        } catch (ProviderException e) {
            if (e.kind() != ErrorKind.NOT_FOUND && e.kind() != ErrorKind.VALIDATION) {
                throw e;
            }
        }
    }

    /**
     * For library users calling the provider directly: the job is run to its end, and an
     * interruption (Ctrl-C, a timeout of the caller) cancels the prediction before it is
     * rethrown, so nothing keeps running and billing unseen. (The engine drives submit, poll and
     * cancel itself and decides when a job is worth keeping for a resume.)
     */
    @Override
    public ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException {
        JobHandle handle = submit(request, UUID.randomUUID().toString());
        try {
            while (true) {
                switch (poll(handle)) {
                    case JobStatus.Succeeded s -> {
                        return fetch(handle, request);
                    }
                    case JobStatus.Failed f -> throw new ProviderException(f.kind(), f.message(), null, handle.id(), null);
                    case JobStatus.Pending pending -> {
                        request.context().progress(pending.progress(), pending.message());
                        Thread.sleep(pending.pollAfter() == null ? Duration.ofSeconds(1) : pending.pollAfter());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.interrupted();
            try {
                cancel(handle);
            } catch (InterruptedException | RuntimeException ignored) {
                // Best effort: the interruption is what the caller must hear about.
            } finally {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }

    // ---- files ---------------------------------------------------------------------------------

    /**
     * A file input as the model takes it: URLs and data URIs as given; a local file uploaded to
     * {@code POST /v1/files} (multipart field {@code content}; providers.md 7.5) and given as its
     * {@code urls.get}. Uploads are free, so they are retried as safe.
     */
    String fileUrl(String ref) throws ProviderException, InterruptedException {
        String v = ref.trim();
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("data:")) {
            return v;
        }
        Path file = Path.of(v);
        long size;
        String memo;
        try {
            size = Files.size(file);
            memo = file.toAbsolutePath() + "|" + size + "|" + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.VALIDATION, "replicate: cannot read the input file " + v);
        }
        if (size > MAX_UPLOAD_BYTES) {
            throw new ProviderException(ErrorKind.VALIDATION, "replicate: " + file.getFileName() + " is "
                    + size / (1024 * 1024) + " MB; uploads are limited to " + MAX_UPLOAD_BYTES / (1024 * 1024)
                    + " MB here; give a URL instead");
        }
        String known = uploads.get(memo);
        if (known != null) {
            return known;
        }
        requireKey();
        String boundary = "acp-" + UUID.randomUUID();
        String name = file.getFileName().toString().replace("\"", "");
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"content\"; filename=\"" + name
                + "\"\r\nContent-Type: " + DataUris.mediaType(file) + "\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
                    HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofString(tail));
        } catch (FileNotFoundException e) {
            throw new ProviderException(ErrorKind.VALIDATION, "replicate: the input file " + v + " does not exist");
        }
        Map<String, String> headers = new HashMap<>(auth());
        headers.put("Content-Type", "multipart/form-data; boundary=" + boundary);
        HttpResult r = transport.execute(new HttpCall("POST", URI.create(base + "/v1/files"), headers, body,
                timeouts.upload(), HttpCall.Retry.SAFE, ReplicateErrors.INSTANCE, governor, secrets));
        UploadedFile uploaded;
        try {
            uploaded = Json.MAPPER.convertValue(Json.read(r, "replicate", ErrorKind.TRANSIENT), UploadedFile.class);
        } catch (IllegalArgumentException e) {
            throw new ProviderException(ErrorKind.TRANSIENT, "replicate: the upload answer has an unexpected form: "
                    + r.excerpt());
        }
        String url = uploaded.urls() == null ? null : uploaded.urls().get("get");
        if (url == null || url.isBlank()) {
            throw new ProviderException(ErrorKind.TRANSIENT, "replicate: the upload of " + name + " was answered"
                    + " without urls.get: " + r.excerpt());
        }
        uploads.put(memo, url);
        return url;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private HttpCall get(URI uri) {
        return HttpCall.get(uri, auth(), governor, ReplicateErrors.INSTANCE, secrets).withTimeout(timeouts.poll());
    }

    private URI predictionUri(String id) {
        return URI.create(base + "/v1/predictions/" + enc(id));
    }

    private Prediction prediction(HttpResult r, ErrorKind ifMalformed) throws ProviderException {
        JsonNode json = Json.read(r, "replicate", ifMalformed);
        if (!json.isObject()) {
            throw new ProviderException(ifMalformed, "replicate: the answer (HTTP " + r.status()
                    + ") is not a prediction: " + r.excerpt());
        }
        try {
            // Metrics ACP cannot read are dropped rather than losing the prediction with them.
            return Json.convert(json, Prediction.class, "metrics");
        } catch (IllegalArgumentException e) {
            throw new ProviderException(ifMalformed, "replicate: the answer (HTTP " + r.status()
                    + ") is not a prediction: " + r.excerpt());
        }
    }

    private static String state(Prediction p) {
        return p.status() == null ? "" : p.status().toLowerCase(Locale.ROOT);
    }

    private Map<String, String> auth() {
        return key == null ? Map.of() : Map.of("Authorization", "Bearer " + key);
    }

    private void requireKey() throws ProviderException {
        if (key == null || key.isBlank()) {
            throw new ProviderException(ErrorKind.AUTH, "replicate: " + ReplicateProviderFactory.KEY_VARIABLE
                    + " is not set (or providers.replicate.api_key in ACP_HOME/config.yaml)");
        }
    }

    private static String enc(@Nullable String segment) {
        return URLEncoder.encode(String.valueOf(segment), StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String hostOf(String url) {
        try {
            String h = new URI(url).getHost();
            return h == null ? "" : h.toLowerCase(Locale.ROOT) + ":" + new URI(url).getPort();
        } catch (URISyntaxException e) {
            return "";
        }
    }

    private static URI uri(String url) throws ProviderException {
        try {
            URI u = new URI(url);
            if (u.getHost() == null) {
                throw new URISyntaxException(url, "no host");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new ProviderException(ErrorKind.TRANSIENT, "replicate: the output URL is not usable: "
                    + ReplicateErrors.oneLine(url.length() > 200 ? url.substring(0, 200) + "..." : url));
        }
    }

    private String mask(String message) {
        return key == null || key.length() < 4 ? message : message.replace(key, "****");
    }

    @Override
    public String toString() {
        return "ReplicateProvider[" + base + "]";
    }
}
