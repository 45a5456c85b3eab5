package dev.acp.providers.fal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.cost.PublishedPrices;
import dev.acp.cost.PublishesPrices;
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
import dev.acp.providers.fal.FalModels.Target;
import dev.acp.providers.fal.internal.QueueStatus;
import dev.acp.providers.fal.internal.QueueSubmitted;
import dev.acp.providers.support.AccessChecks;
import dev.acp.providers.support.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * fal.ai over its queue API (providers.md 1): submit with {@code POST {queue}/{endpoint id}},
 * poll the returned {@code status_url}, fetch the {@code response_url}, download the media it
 * names, and cancel with the {@code cancel_url}. The three URLs are kept in the
 * {@link JobHandle} exactly as fal gave them, so a resumed run polls and fetches a job by its
 * handle alone.
 *
 * <p>fal has no client idempotency key, so a submission is sent once
 * ({@link HttpCall.Retry#ONCE}); a submission whose answer was lost is UNKNOWN_OUTCOME and the
 * engine never sends it again. Everything else (status, result, media, uploads, cancel) is
 * retried as safe. fal reports no cost: {@link ProviderResult#actualCost()} stays null, and the
 * result reports what fal bills by as its usage ({@link FalUsage}: the images and their sizes, the
 * seconds of a video, the characters of speech), which the pricing catalog prices.
 *
 * <p>The key ({@code Authorization: Key ...}) goes only to the queue, storage and platform base
 * URLs configured (their scheme, host and port: the transport's rule, {@code Destinations}): a
 * status, response or cancel URL of an answer that points elsewhere is refused. It is never sent
 * with media or signed upload URLs, and never shown in a message.
 */
public final class FalProvider implements JobProvider, PublishesPrices {

    /** Time limits of one attempt of each call. */
    record Timeouts(Duration submit, Duration poll, Duration result, Duration upload, Duration download) {
        static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofSeconds(60));
    }

    static final String STATUS_URL = "status_url";
    static final String RESPONSE_URL = "response_url";
    static final String CANCEL_URL = "cancel_url";
    static final String ENDPOINT = "endpoint";
    static final String MODEL = "model";
    static final String GATEWAY_REQUEST_ID = "x_fal_request_id";

    /** Size limits of downloaded results. */
    static final long MAX_IMAGE_BYTES = 100L * 1024 * 1024;
    static final long MAX_VIDEO_BYTES = 2L * 1024 * 1024 * 1024;
    static final long MAX_AUDIO_BYTES = 200L * 1024 * 1024;

    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3})\\s*%");
    private static final Pattern STEP = Pattern.compile("(?i)step\\s*(\\d+)\\s*/\\s*(\\d+)");

    private final @Nullable String key;
    private final String queueBase;
    private final String storageBase;
    private final HttpTransport transport;
    private final Governor governor;
    private final FalModels models;
    private final FalUploads uploads;
    private final FalPrices prices;
    private final Timeouts timeouts;
    private final List<String> secrets;

    FalProvider(ProviderContext context, Timeouts timeouts) {
        this.key = context.credential(FalProviderFactory.ID, FalProviderFactory.CREDENTIALS).orElse(null);
        this.queueBase = context.baseUrl(FalProviderFactory.ID, FalProviderFactory.DEFAULT_BASE_URL);
        this.storageBase = context.baseUrl(FalProviderFactory.STORAGE_ID, FalProviderFactory.DEFAULT_STORAGE_URL);
        String platformBase = context.baseUrl(FalProviderFactory.PLATFORM_ID, FalProviderFactory.DEFAULT_PLATFORM_URL);
        this.transport = context.transport();
        this.governor = context.governors().of(FalProviderFactory.ID, FalProviderFactory.GOVERNOR)
                .withBaseUrls(queueBase, storageBase, platformBase);
        this.models = FalModels.builtIn();
        this.timeouts = timeouts;
        this.secrets = key == null ? List.of() : List.of(key);
        this.uploads = new FalUploads(transport, governor, storageBase, auth(), secrets, timeouts.upload());
        this.prices = new FalPrices(platformBase, key, transport, governor);
    }

    @Override
    public String id() {
        return FalProviderFactory.ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return FalProviderFactory.CAPABILITIES;
    }

    @Override
    public boolean costsMoney() {
        return true;
    }

    /** fal has no client idempotency key: a lost submission cannot be told apart from a refused one. */
    @Override
    public boolean idempotentSubmit() {
        return false;
    }

    /** A seeded request gives the same output; fal picks a random seed otherwise. */
    @Override
    public boolean deterministic(Capability capability, Map<String, Object> parameters) {
        return parameters.get("seed") != null;
    }

    /** Changes when the model mapping of models.yaml changes what is sent. */
    @Override
    public String revision() {
        return "1";
    }

    /**
     * What the catalog models of {@code capability} read. Endpoint ids named directly receive every
     * parameter, so for them a parameter outside this set is sent all the same.
     */
    @Override
    public Set<String> parameters(Capability capability) {
        return models.parameters(capability);
    }

    @Override
    public List<Issue> check(
            Capability capability, @Nullable String model, Map<String, Object> parameters, String outputExtension) {
        List<Issue> issues = new ArrayList<>();
        if (!capabilities().contains(capability)) {
            issues.add(new Issue(null, "fal cannot do " + capability.wireName(), "choose another provider"));
            return issues;
        }
        extensionIssue(capability, outputExtension).ifPresent(issues::add);
        if (model != null && model.contains("{{")) {
            return issues;
        }
        Target target;
        try {
            target = models.resolve(capability, model, parameters);
        } catch (FalModels.UnknownModel e) {
            issues.add(new Issue("model", e.getMessage(), e.fix()));
            return issues;
        }
        boolean outputRefused = !issues.isEmpty();
        // One finding about the output file is enough: the model's own format rule would repeat it.
        FalInput.check(target, parameters, outputExtension).stream()
                .filter(i -> !(outputRefused && i.parameter() == null)).forEach(issues::add);
        return issues;
    }

    private static Optional<Issue> extensionIssue(Capability capability, String ext) {
        return switch (capability.outputKind()) {
            case IMAGE -> Set.of("png", "jpg", "jpeg", "webp").contains(ext) ? Optional.empty()
                    : Optional.of(new Issue(null, "fal image models make PNG, JPEG or WebP images, which a ." + ext
                            + " file cannot hold", "name the output .png or .jpg"));
            case VIDEO -> "mp4".equals(ext) ? Optional.empty()
                    : Optional.of(new Issue(null, "fal video models make MP4 videos, which a ." + ext
                            + " file cannot hold", "name the output .mp4"));
            case AUDIO, TEXT -> Optional.empty();
        };
    }

    /** fal's price list of the endpoints asked about ({@code GET /v1/models/pricing}, a free call). */
    @Override
    public Optional<PublishedPrices> publishedPrices() {
        return Optional.of(prices);
    }

    /**
     * Asks fal's storage for an upload token ({@code POST {rest}/storage/auth/token}, providers.md
     * 1.7): free, and answered only for a valid key. Nothing is uploaded or queued.
     */
    @Override
    public AccessCheck checkAccess() throws InterruptedException {
        if (key == null) {
            return AccessCheck.notChecked(String.join(" or ", FalProviderFactory.CREDENTIALS) + " is not set");
        }
        Map<String, String> headers = new HashMap<>(auth());
        headers.put("Content-Type", "application/json");
        URI uri = URI.create(storageBase + "/storage/auth/token?storage_type=fal-cdn-v3");
        try {
            HttpResult r = transport.execute(AccessChecks.quick(new HttpCall("POST", uri, headers,
                    HttpRequest.BodyPublishers.ofString("{}"), timeouts.poll(), HttpCall.Retry.SAFE, FalErrors.INSTANCE,
                    governor, secrets)));
            Json.read(r, "fal", ErrorKind.TRANSIENT);
            return AccessCheck.ok("key accepted by fal storage (" + storageBase + "); queue at " + queueBase);
        } catch (ProviderException e) {
            return AccessChecks.failed(e, String.join(" or ", FalProviderFactory.CREDENTIALS),
                    ProviderContext.envName(FalProviderFactory.ID, "BASE_URL"));
        }
    }

    // ---- submit --------------------------------------------------------------------------------

    @Override
    public JobHandle submit(ProviderRequest request, String idempotencyKey) throws ProviderException, InterruptedException {
        Target target;
        try {
            target = models.resolve(request.capability(), request.model(), request.parameters());
        } catch (FalModels.UnknownModel e) {
            throw new ProviderException(ErrorKind.VALIDATION, "fal: " + e.getMessage() + " (" + e.fix() + ")");
        }
        requireKey();
        FalInput.Built input = FalInput.build(target, request.capability(), request.parameters(),
                request.outputExtension(), uploads::url);
        Map<String, String> headers = new HashMap<>(auth());
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json");
        URI uri = uri(queueBase + "/" + target.endpoint(), "the queue URL");
        HttpResult r;
        try {
            r = transport.execute(new HttpCall("POST", uri, headers, Json.body(input.body()), timeouts.submit(),
                    HttpCall.Retry.ONCE, SUBMIT_ERRORS, governor, secrets));
        } catch (ProviderException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                throw new ProviderException(ErrorKind.NOT_FOUND, e.getMessage() + " (is '" + target.endpoint()
                        + "' a fal endpoint id? See fal.ai/models)", e.retryAfter().orElse(null),
                        e.requestId().orElse(null), e);
            }
            throw e;
        }
        JsonNode json = Json.read(r, "fal", ErrorKind.UNKNOWN_OUTCOME);
        QueueSubmitted answer = Json.MAPPER.convertValue(json, QueueSubmitted.class);
        String gatewayId = r.header("x-fal-request-id").orElse(null);
        String requestId = answer.requestId() != null && !answer.requestId().isBlank() ? answer.requestId() : gatewayId;
        if (requestId == null || requestId.isBlank()) {
            throw new ProviderException(ErrorKind.UNKNOWN_OUTCOME, "fal: the queue accepted the submission to "
                    + target.endpoint() + " but its answer has no request_id: " + r.excerpt());
        }
        Map<String, String> data = new LinkedHashMap<>();
        // As given; built from fal's URL rules (providers.md 1.2) only if an answer ever lacks them.
        data.put(STATUS_URL, orBuilt(answer.statusUrl(), target.endpoint(), requestId, "/status"));
        data.put(RESPONSE_URL, orBuilt(answer.responseUrl(), target.endpoint(), requestId, ""));
        data.put(CANCEL_URL, orBuilt(answer.cancelUrl(), target.endpoint(), requestId, "/cancel"));
        data.put(ENDPOINT, target.endpoint());
        if (target.model() != null) {
            data.put(MODEL, target.model().name());
        }
        if (gatewayId != null && !gatewayId.equals(requestId)) {
            data.put(GATEWAY_REQUEST_ID, gatewayId);
        }
        if (!input.ignored().isEmpty()) {
            data.put("ignored_parameters", String.join(",", input.ignored()));
        }
        if (request.capability().outputKind() == Capability.OutputKind.AUDIO) {
            // Speech is billed by the characters sent; the handle keeps the count for fetch (and a resume).
            FalUsage.charactersSent(input.body()).ifPresent(n -> data.put(FalUsage.CHARACTERS_SENT, n.toString()));
        }
        return new JobHandle(FalProviderFactory.ID, requestId, data);
    }

    /**
     * A 5xx or 408 answer to a submission that carries fal's request id may have been queued (and
     * billed): it is UNKNOWN_OUTCOME, not retried, unless fal marks it {@code X-Fal-Retryable: true}.
     * Without a request id, a 502/503/504 came from fal's ingress before the queue (the official
     * client retries exactly those): not accepted, sent again by default.
     */
    private static final ErrorMapper SUBMIT_ERRORS = r -> {
        ErrorMapper.Classified c = FalErrors.INSTANCE.classify(r);
        boolean retryableHint = r.header("X-Fal-Retryable").map("true"::equalsIgnoreCase).orElse(false);
        boolean ingress = r.header("x-fal-request-id").isEmpty() && (r.status() == 502 || r.status() == 503
                || r.status() == 504);
        if ((retryableHint || ingress) && c.kind().retryable()) {
            // fal says the request may be sent again (X-Fal-Retryable), or its ingress refused it
            // before the queue: nothing was queued or billed.
            return c.refused();
        }
        if ((r.status() >= 500 || r.status() == 408) && c.kind().retryable() && r.header("x-fal-request-id").isPresent()) {
            return new ErrorMapper.Classified(ErrorKind.UNKNOWN_OUTCOME, c.message() + "; fal gave it a request id,"
                    + " so it may have been queued and billed. Check the requests on fal.ai/dashboard before running"
                    + " the step again");
        }
        return c;
    };

    private String orBuilt(@Nullable String given, String endpoint, String requestId, String suffix) {
        if (given != null && !given.isBlank()) {
            return given;
        }
        String[] parts = endpoint.split("/");
        int appParts = Set.of("workflows", "comfy").contains(parts[0]) && parts.length > 2 ? 3 : 2;
        String app = String.join("/", java.util.Arrays.copyOf(parts, Math.min(appParts, parts.length)));
        return queueBase + "/" + app + "/requests/" + requestId + suffix;
    }

    // ---- poll ----------------------------------------------------------------------------------

    @Override
    public JobStatus poll(JobHandle handle) throws ProviderException, InterruptedException {
        requireKey();
        String statusUrl = url(handle, STATUS_URL);
        URI uri = uri(statusUrl + (statusUrl.contains("?") ? "&" : "?") + "logs=1", "the status URL");
        HttpResult r = transport.execute(HttpCall.get(uri, headersFor(uri), governor, FalErrors.INSTANCE, secrets)
                .withTimeout(timeouts.poll()));
        QueueStatus s = Json.MAPPER.convertValue(Json.read(r, "fal", ErrorKind.TRANSIENT), QueueStatus.class);
        String state = s.status() == null ? "" : s.status().toUpperCase(Locale.ROOT);
        return switch (state) {
            case "IN_QUEUE" -> new JobStatus.Pending(-1, "in fal's queue"
                    + (s.queuePosition() == null ? "" : " (position " + s.queuePosition() + ")"), null,
                    s.queuePosition() == null ? -1 : Math.max(0, s.queuePosition()));
            case "IN_PROGRESS" -> running(s);
            case "COMPLETED" -> hasError(s) ? failed(handle, s) : new JobStatus.Succeeded();
            case "FAILED", "ERROR", "CANCELLED", "CANCELED" -> failed(handle, s);
            default -> throw new ProviderException(ErrorKind.TRANSIENT, "fal: the status of request " + handle.id()
                    + " is '" + FalErrors.oneLine(String.valueOf(s.status())) + "', which ACP does not know", null,
                    handle.id(), null);
        };
    }

    private static boolean hasError(QueueStatus s) {
        return s.error() != null && !s.error().isNull() && !(s.error().isTextual() && s.error().asText().isBlank())
                || s.errorType() != null && !s.errorType().isBlank();
    }

    private static JobStatus.Pending running(QueueStatus s) {
        String last = null;
        if (s.logs() != null) {
            for (QueueStatus.LogLine l : s.logs()) {
                if (l != null && l.message() != null && !l.message().isBlank()) {
                    last = l.message();
                }
            }
        }
        if (last == null) {
            return new JobStatus.Pending(-1, "running", null);
        }
        String line = FalErrors.oneLine(last);
        double progress = -1;
        Matcher step = STEP.matcher(line);
        Matcher percent = PERCENT.matcher(line);
        if (step.find() && Integer.parseInt(step.group(2)) > 0) {
            progress = Math.min(1, Double.parseDouble(step.group(1)) / Double.parseDouble(step.group(2)));
        } else if (percent.find() && Integer.parseInt(percent.group(1)) <= 100) {
            progress = Integer.parseInt(percent.group(1)) / 100.0;
        }
        return new JobStatus.Pending(progress, "running: " + (line.length() > 100 ? line.substring(0, 97) + "..." : line),
                null);
    }

    /**
     * A finished request with an error. Its kind comes from {@code error_type} (providers.md 1.5)
     * or a content-policy message; failing both, from the error the result URL answers with
     * (fal returns the model's error status there: a 422 is VALIDATION, not worth paying again).
     */
    private JobStatus failed(JobHandle handle, QueueStatus s) throws InterruptedException {
        List<String> types = new ArrayList<>();
        String text = s.error() == null || s.error().isNull() ? "" : s.error().isTextual() ? s.error().asText()
                : FalErrors.detail(Json.MAPPER.createObjectNode().set("detail", s.error()), types);
        String what = endpoint(handle) + " failed"
                + (s.errorType() == null ? "" : " (" + s.errorType() + ")")
                + (text.isBlank() ? "" : ": " + FalErrors.oneLine(text));
        Optional<ErrorKind> kind = Optional.empty();
        if (s.errorType() != null || !types.isEmpty() || FalErrors.mentionsContentPolicy(text.toLowerCase(Locale.ROOT))) {
            kind = Optional.of(FalErrors.kind(0, s.errorType(), types, text));
        }
        if (kind.isEmpty()) {
            try {
                fetchJson(handle);
                kind = Optional.of(ErrorKind.TRANSIENT);
            } catch (ProviderException e) {
                kind = Optional.of(e.kind() == ErrorKind.NOT_FOUND ? ErrorKind.TRANSIENT : e.kind());
                if (text.isBlank()) {
                    what = endpoint(handle) + " failed: " + e.getMessage();
                }
            }
        }
        return new JobStatus.Failed(kind.get(), mask("fal: " + what + " [request " + handle.id() + "]"));
    }

    // ---- fetch ---------------------------------------------------------------------------------

    @Override
    public ProviderResult fetch(JobHandle handle, ProviderRequest request) throws ProviderException, InterruptedException {
        requireKey();
        JsonNode output = fetchJson(handle);
        Capability capability = request.capability();
        FalResults.Media media = FalResults.media(output, capability.outputKind()).orElseThrow(() ->
                new ProviderException(ErrorKind.VALIDATION, "fal: the output of " + endpoint(handle) + " has no "
                        + capability.outputKind().name().toLowerCase(Locale.ROOT) + " (its fields: "
                        + FalResults.fieldNames(output) + "); is this a " + capability.wireName() + " model?",
                        null, handle.id(), null));
        if (media.nsfw()) {
            throw new ProviderException(ErrorKind.CONTENT_POLICY, "fal: the safety checker of " + endpoint(handle)
                    + " flagged the image (has_nsfw_concepts), and fal returns a black image in its place; change the"
                    + " prompt, or set enable_safety_checker: false where allowed", null, handle.id(), null);
        }
        long limit = switch (capability.outputKind()) {
            case IMAGE -> MAX_IMAGE_BYTES;
            case VIDEO -> MAX_VIDEO_BYTES;
            case AUDIO, TEXT -> MAX_AUDIO_BYTES;
        };
        List<String> accepted = dev.acp.providers.support.MediaTypes.accepted(capability);
        long written;
        String sha256 = null;
        if (media.url().regionMatches(true, 0, "data:", 0, 5)) {
            written = FalResults.writeDataUri(media.url(), request.outputFile(), limit, accepted);
        } else {
            URI uri = uri(media.url(), "the media URL");
            Downloaded d = transport.downloadFile(HttpCall.get(uri, Map.of(), governor, ErrorMapper.STANDARD, secrets)
                    .withTimeout(timeouts.download()), request.outputFile(), limit, accepted);
            written = d.bytes();
            sha256 = d.sha256();
        }
        if (media.fileSize() != null && media.fileSize() > 0 && written != media.fileSize()) {
            deleteQuietly(request.outputFile());
            throw new ProviderException(ErrorKind.TRANSIENT, "fal: the download of the result of request " + handle.id()
                    + " was cut short (" + written + " of " + media.fileSize() + " bytes)", null, handle.id(), null);
        }
        Map<String, Object> metadata = FalResults.metadata(output, media, capability, request.parameters());
        metadata.put("endpoint", endpoint(handle));
        Optional.ofNullable(handle.data().get(MODEL)).ifPresent(m -> metadata.put("model", m));
        metadata.put("request_id", handle.id());
        metadata.put("bytes", written);
        Optional.ofNullable(handle.data().get("ignored_parameters"))
                .ifPresent(i -> metadata.put("ignored_parameters", List.of(i.split(","))));
        List<String> ids = new ArrayList<>(List.of(handle.id()));
        Optional.ofNullable(handle.data().get(GATEWAY_REQUEST_ID)).ifPresent(ids::add);
        ProviderResult result = ProviderResult.file(metadata).withRequestIds(ids);
        Usage delivered = FalUsage.delivered(capability, output, media, request.outputFile(), request.parameters(),
                handle.data());
        result = delivered == null ? result : result.withUsage(delivered);
        return sha256 == null ? result : result.withOutputSha256(sha256);
    }

    private JsonNode fetchJson(JobHandle handle) throws ProviderException, InterruptedException {
        URI uri = uri(url(handle, RESPONSE_URL), "the response URL");
        HttpResult r = transport.execute(HttpCall.get(uri, headersFor(uri), governor, FalErrors.INSTANCE, secrets)
                .withTimeout(timeouts.result()));
        JsonNode json = Json.read(r, "fal", ErrorKind.TRANSIENT);
        if (!json.isObject()) {
            throw new ProviderException(ErrorKind.TRANSIENT, "fal: the result of request " + handle.id()
                    + " is not a JSON object: " + r.excerpt(), null, handle.id(), null);
        }
        return json;
    }

    // ---- cancel --------------------------------------------------------------------------------

    /** Best effort: a request that already finished (400) or is unknown (404) is left alone. */
    @Override
    public void cancel(JobHandle handle) throws ProviderException, InterruptedException {
        requireKey();
        URI uri = uri(url(handle, CANCEL_URL), "the cancel URL");
        try {
            transport.execute(new HttpCall("PUT", uri, headersFor(uri), null, timeouts.poll(), HttpCall.Retry.SAFE,
                    FalErrors.INSTANCE, governor, secrets));
        } catch (ProviderException e) {
            if (e.kind() != ErrorKind.NOT_FOUND && e.kind() != ErrorKind.VALIDATION) {
                throw e;
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void requireKey() throws ProviderException {
        if (key == null || key.isBlank()) {
            throw new ProviderException(ErrorKind.AUTH, "fal: " + FalProviderFactory.KEY_VARIABLE + " is not set"
                    + " (or providers.fal.api_key in ACP_HOME/config.yaml)");
        }
    }

    private Map<String, String> auth() {
        return key == null ? Map.of() : Map.of("Authorization", "Key " + key);
    }

    /**
     * Headers of a call to a URL of fal's answer: with the key, which the transport sends only to
     * the configured base URLs (and refuses to send anywhere else).
     */
    private Map<String, String> headersFor(URI uri) {
        Map<String, String> headers = new HashMap<>(auth());
        headers.put("Accept", "application/json");
        return headers;
    }

    private static String url(JobHandle handle, String name) throws ProviderException {
        String url = handle.data().get(name);
        if (url == null || url.isBlank()) {
            throw new ProviderException(ErrorKind.INTERNAL, "fal: the handle of request " + handle.id() + " has no "
                    + name, null, handle.id(), null);
        }
        return url;
    }

    private static String endpoint(JobHandle handle) {
        return handle.data().getOrDefault(ENDPOINT, "the fal request");
    }

    private static URI uri(String url, String what) throws ProviderException {
        try {
            URI u = new URI(url);
            if (u.getScheme() == null || u.getHost() == null
                    || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))) {
                throw new URISyntaxException(url, "not an absolute http(s) URL");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new ProviderException(ErrorKind.VALIDATION, "fal: " + what + " is not an http(s) URL: "
                    + FalErrors.oneLine(url.length() > 200 ? url.substring(0, 200) + "..." : url));
        }
    }

    private String mask(String message) {
        return key == null || key.length() < 4 ? message : message.replace(key, "****");
    }

    private static void deleteQuietly(java.nio.file.Path file) {
        try {
            java.nio.file.Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            // the engine removes leftovers of failed attempts
        }
    }

    @Override
    public String toString() {
        return "FalProvider[" + queueBase + "]";
    }
}
