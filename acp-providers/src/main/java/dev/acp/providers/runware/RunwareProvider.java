package dev.acp.providers.runware;

import com.fasterxml.jackson.core.type.TypeReference;
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
import dev.acp.providers.runware.RunwareModels.Target;
import dev.acp.providers.runware.RunwareTasks.Delivery;
import dev.acp.providers.runware.internal.ApiError;
import dev.acp.providers.runware.internal.TaskAnswer;
import dev.acp.providers.runware.internal.TaskItem;
import dev.acp.providers.support.AccessChecks;
import dev.acp.providers.support.InlineMedia;
import dev.acp.providers.support.Json;
import dev.acp.providers.support.Mp4Duration;
import dev.acp.providers.support.MediaTypes;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Runware over its REST API (providers.md 4): every call is {@code POST {base}/v1} with a JSON
 * array of tasks; {@code imageInference} for text_to_image and image_to_image,
 * {@code videoInference} for text_to_video and image_to_video.
 *
 * <p><b>Task UUIDs are the job handles, and are known before anything is sent.</b> The
 * {@code taskUUID} of a step attempt is derived from the engine's idempotency key (a UUIDv4 made
 * from its SHA-256), and the engine journals that key before it calls {@link #submit}. So the
 * handle of every paid request is on disk before the request leaves, and a run stopped between
 * sending and recording the answer re-derives the same UUID on resume. Runware documents no
 * deduplication of task UUIDs, so a repeat must never reach it blindly: every submission first
 * asks {@code getResponse} (free) whether Runware already knows the UUID, and attaches to the task
 * it finds instead of sending it again. That makes {@link #idempotentSubmit()} true, except for
 * {@code delivery: sync} (see {@link #idempotentSubmit(ProviderRequest)}).
 *
 * <p>Delivery: {@code async} by default (as the official new SDK does; providers.md 4.2): the
 * submission is acknowledged at once and {@link #poll} asks {@code getResponse}. {@code delivery:
 * sync} (images only) waits for the images in the submission's own answer, which saves a round
 * trip; its results (URLs and costs) are kept in the handle, so nothing is asked again. A sync
 * submission whose answer is lost stays UNKNOWN_OUTCOME (Runware may not list sync tasks in
 * {@code getResponse}); an async one is retryable, since the retry asks before it sends.
 *
 * <p>{@code includeCost: true} is always sent; the sum of the {@code cost} of the generations is
 * the step's actual cost. An answer without a cost reports what was delivered instead (the
 * images and their size, or the seconds of video), which the pricing catalog prices. Runware has
 * no cancel call: {@link #cancel} does nothing, and a cancelled task still runs (and bills) at
 * Runware.
 */
public final class RunwareProvider implements JobProvider {

    /** Time limits of one attempt of each call. */
    record Timeouts(Duration submit, Duration syncSubmit, Duration poll, Duration download) {
        static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(60), Duration.ofMinutes(3),
                Duration.ofSeconds(30), Duration.ofMinutes(2));
    }

    static final String TASK_TYPE = "task_type";
    static final String DELIVERY = "delivery";
    static final String AIR = "air";
    static final String MODEL = "model";
    static final String EXPECTED = "expected_results";
    static final String RESULTS = "results";

    static final long MAX_IMAGE_BYTES = 100L * 1024 * 1024;
    static final long MAX_VIDEO_BYTES = 2L * 1024 * 1024 * 1024;

    /** Item states of a generation still on its way (providers.md 4.4: SDKs tolerate all of these). */
    private static final Set<String> PENDING = Set.of("processing", "pending", "queued", "scheduled", "waiting",
            "starting", "running", "in_progress");

    private final @Nullable String key;
    private final String base;
    private final HttpTransport transport;
    private final Governor governor;
    private final RunwareModels models;
    private final Timeouts timeouts;
    private final List<String> secrets;

    RunwareProvider(ProviderContext context, Timeouts timeouts) {
        this.key = context.credential(RunwareProviderFactory.ID, RunwareProviderFactory.CREDENTIALS).orElse(null);
        this.base = context.baseUrl(RunwareProviderFactory.ID, RunwareProviderFactory.DEFAULT_BASE_URL);
        this.transport = context.transport();
        this.governor = context.governors().of(RunwareProviderFactory.ID, RunwareProviderFactory.GOVERNOR)
                .withBaseUrls(base);
        this.models = RunwareModels.builtIn();
        this.timeouts = timeouts;
        this.secrets = key == null ? List.of() : List.of(key);
    }

    @Override
    public String id() {
        return RunwareProviderFactory.ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return RunwareProviderFactory.CAPABILITIES;
    }

    @Override
    public boolean costsMoney() {
        return true;
    }

    /** A repeated submission asks Runware for its task UUID first and attaches instead of sending again. */
    @Override
    public boolean idempotentSubmit() {
        return true;
    }

    /**
     * Not for {@code delivery: sync}: Runware need not list a sync task in {@code getResponse}, so
     * after a run stopped while one was being sent, asking first could find nothing although the
     * task ran and was billed, and sending again would pay twice. The engine reports such a step
     * as "outcome unknown" instead.
     */
    @Override
    public boolean idempotentSubmit(ProviderRequest request) {
        return RunwareTasks.delivery(request.capability(), request.parameters()) == Delivery.ASYNC;
    }

    @Override
    public Set<String> parameters(Capability capability) {
        return RunwareTasks.parameters(capability);
    }

    @Override
    public List<Issue> check(
            Capability capability, @Nullable String model, Map<String, Object> parameters, String outputExtension) {
        List<Issue> issues = new ArrayList<>();
        if (!capabilities().contains(capability)) {
            issues.add(new Issue(null, "Runware cannot do " + capability.wireName(), "choose another provider"));
            return issues;
        }
        if (capability.outputKind() == Capability.OutputKind.IMAGE && !Set.of("png", "jpg", "jpeg", "webp")
                .contains(outputExtension)) {
            issues.add(new Issue(null, "Runware makes PNG, JPEG or WebP images, which a ." + outputExtension
                    + " file cannot hold", "name the output .png, .jpg or .webp"));
        }
        if (capability.outputKind() == Capability.OutputKind.VIDEO && !Set.of("mp4", "webm").contains(outputExtension)) {
            issues.add(new Issue(null, "Runware makes MP4 or WebM videos, which a ." + outputExtension
                    + " file cannot hold", "name the output .mp4"));
        }
        if (model == null || !model.contains("{{")) {
            try {
                models.resolve(capability, model);
            } catch (RunwareModels.UnknownModel e) {
                issues.add(new Issue("model", e.getMessage(), "name a Runware model from `acp models`, or an AIR id"));
            }
        }
        issues.addAll(RunwareTasks.check(capability, parameters));
        return issues;
    }

    /**
     * Asks {@code getResponse} for a task UUID nobody has used: free, and answered only for a valid
     * key ("not found" is the good answer).
     */
    @Override
    public AccessCheck checkAccess() throws InterruptedException {
        if (key == null) {
            return AccessCheck.notChecked(RunwareProviderFactory.KEY_VARIABLE + " is not set");
        }
        try {
            HttpResult r = transport.execute(AccessChecks.quick(call(getResponse(UUID.randomUUID().toString()),
                    HttpCall.Retry.SAFE, timeouts.poll(), RunwareErrors.INSTANCE)));
            TaskAnswer a = answer(r, ErrorKind.TRANSIENT);
            Optional<ApiError> refusal = a.allErrors().stream()
                    .filter(e -> !RunwareErrors.isNotFound(List.of(e))).findFirst();
            if (refusal.isPresent()) {
                throw new ProviderException(RunwareErrors.kindOf(refusal.get()), "runware: "
                        + RunwareErrors.describe(refusal.get()));
            }
            return AccessCheck.ok("key accepted by Runware (" + base + ")");
        } catch (ProviderException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                return AccessCheck.ok("key accepted by Runware (" + base + ")");
            }
            return AccessChecks.failed(e, RunwareProviderFactory.KEY_VARIABLE,
                    ProviderContext.envName(RunwareProviderFactory.ID, "BASE_URL"));
        }
    }

    // ---- submit --------------------------------------------------------------------------------

    @Override
    public JobHandle submit(ProviderRequest request, String idempotencyKey) throws ProviderException, InterruptedException {
        Target target;
        try {
            target = models.resolve(request.capability(), request.model());
        } catch (RunwareModels.UnknownModel e) {
            throw new ProviderException(ErrorKind.VALIDATION, "runware: " + e.getMessage());
        }
        requireKey();
        String uuid = taskUuid(idempotencyKey);
        Delivery delivery = RunwareTasks.delivery(request.capability(), request.parameters());
        Map<String, Object> task = RunwareTasks.build(request.capability(), target.air(), uuid, request.parameters(),
                request.outputExtension(), delivery);
        Map<String, String> data = new LinkedHashMap<>();
        data.put(TASK_TYPE, task.get("taskType").toString());
        data.put(AIR, target.air());
        if (target.name() != null) {
            data.put(MODEL, target.name());
        }
        data.put(EXPECTED, String.valueOf(task.getOrDefault("numberResults", 1)));

        Optional<JobHandle> known = attachIfKnown(uuid, data);
        if (known.isPresent()) {
            return known.get();
        }
        HttpResult r;
        Duration timeout = delivery == Delivery.SYNC ? timeouts.syncSubmit() : timeouts.submit();
        try {
            r = transport.execute(call(List.of(task), HttpCall.Retry.ONCE, timeout, RunwareErrors.INSTANCE));
        } catch (ProviderException e) {
            throw asyncRetryable(e, delivery, uuid);
        }
        TaskAnswer answer;
        try {
            answer = answer(r, ErrorKind.UNKNOWN_OUTCOME);
        } catch (ProviderException e) {
            throw asyncRetryable(e, delivery, uuid);
        }
        List<ApiError> errors = errorsOf(answer, uuid);
        List<TaskItem> items = itemsOf(answer, uuid);
        if (!errors.isEmpty() && items.stream().noneMatch(TaskItem::hasOutput)) {
            ApiError e = errors.get(0);
            throw new ProviderException(RunwareErrors.kindOf(e), mask("runware: task " + uuid + " was refused: "
                    + RunwareErrors.describe(e)), null, uuid, null);
        }
        if (delivery == Delivery.SYNC && items.stream().anyMatch(TaskItem::hasOutput)) {
            data.put(DELIVERY, Delivery.SYNC.wire());
            data.put(RESULTS, results(items));
        } else {
            // An async ack ({"data":[]} or {taskType, taskUUID} items), or a sync answer without
            // images: either way getResponse knows where the task is.
            data.put(DELIVERY, Delivery.ASYNC.wire());
        }
        return new JobHandle(RunwareProviderFactory.ID, uuid, data);
    }

    /**
     * The task Runware already has under {@code uuid} (a resumed or retried submission whose
     * first sending got through), or empty when it has none and the task may be sent.
     */
    private Optional<JobHandle> attachIfKnown(String uuid, Map<String, String> data)
            throws ProviderException, InterruptedException {
        TaskAnswer a;
        try {
            a = answer(transport.execute(call(getResponse(uuid), HttpCall.Retry.SAFE, timeouts.poll(),
                    RunwareErrors.INSTANCE)), ErrorKind.TRANSIENT);
        } catch (ProviderException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        List<TaskItem> items = itemsOf(a, uuid);
        boolean alive = items.stream().anyMatch(i -> i.hasOutput() || isPending(i.status()) || isSuccess(i.status()));
        if (alive) {
            Map<String, String> attached = new LinkedHashMap<>(data);
            attached.put(DELIVERY, Delivery.ASYNC.wire());
            attached.put("attached", "true");
            return Optional.of(new JobHandle(RunwareProviderFactory.ID, uuid, attached));
        }
        List<ApiError> errors = errorsOf(a, uuid);
        if (!errors.isEmpty() && !RunwareErrors.isNotFound(errors)) {
            ApiError e = errors.get(0);
            ErrorKind kind = RunwareErrors.kindOf(e);
            if (kind == ErrorKind.AUTH || kind == ErrorKind.QUOTA || kind == ErrorKind.RATE_LIMIT) {
                throw new ProviderException(kind, mask("runware: " + RunwareErrors.describe(e)));
            }
        }
        // Unknown, failed, or nothing reported: Runware has no live task under this UUID.
        return Optional.empty();
    }

    /**
     * An async submission whose answer was lost may be sent again: the next try asks getResponse
     * first. A sync one may not (Runware need not list it), and keeps its UNKNOWN_OUTCOME.
     */
    private static ProviderException asyncRetryable(ProviderException e, Delivery delivery, String uuid) {
        if (e.kind() == ErrorKind.UNKNOWN_OUTCOME && delivery == Delivery.ASYNC) {
            return new ProviderException(ErrorKind.TRANSIENT, e.getMessage() + "; task " + uuid + " is asked for"
                    + " before any new try, so it is never sent twice", e.retryAfter().orElse(null), uuid, e);
        }
        return e;
    }

    // ---- poll ----------------------------------------------------------------------------------

    @Override
    public JobStatus poll(JobHandle handle) throws ProviderException, InterruptedException {
        if (Delivery.SYNC.wire().equals(handle.data().get(DELIVERY))) {
            return new JobStatus.Succeeded();
        }
        requireKey();
        TaskAnswer a;
        try {
            a = answer(transport.execute(call(getResponse(handle.id()), HttpCall.Retry.SAFE, timeouts.poll(),
                    RunwareErrors.INSTANCE)), ErrorKind.TRANSIENT);
        } catch (ProviderException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
                return lost(handle, e.getMessage());
            }
            throw e;
        }
        List<TaskItem> items = itemsOf(a, handle.id());
        List<ApiError> errors = errorsOf(a, handle.id());
        int expected = expected(handle);
        int done = distinct(items.stream().filter(i -> isSuccess(i.status()) || i.status() == null && i.hasOutput())
                .toList()).size();
        long pending = items.stream().filter(i -> isPending(i.status())).count();
        Optional<TaskItem> failedItem = items.stream().filter(i -> "error".equalsIgnoreCase(i.status())).findFirst();
        if (done > 0 && (pending == 0 || done >= expected)) {
            return new JobStatus.Succeeded();
        }
        if (pending > 0) {
            return new JobStatus.Pending(expected > 1 ? (double) done / expected : -1,
                    "processing at Runware" + (expected > 1 ? " (" + done + " of " + expected + " done)" : ""), null);
        }
        if (failedItem.isPresent()) {
            ApiError e = failedItem.get().error();
            return new JobStatus.Failed(e == null ? ErrorKind.TRANSIENT : RunwareErrors.kindOf(e), mask("runware: task "
                    + handle.id() + " failed: " + (e == null ? "no reason given" : RunwareErrors.describe(e))));
        }
        if (!errors.isEmpty()) {
            if (RunwareErrors.isNotFound(errors)) {
                return lost(handle, RunwareErrors.describe(errors.get(0)));
            }
            ApiError e = errors.get(0);
            ErrorKind kind = RunwareErrors.kindOf(e);
            if (kind.retryable() || kind == ErrorKind.AUTH || kind == ErrorKind.QUOTA) {
                // A refusal of the poll itself, not a verdict on the task.
                throw new ProviderException(kind, mask("runware: polling task " + handle.id() + ": "
                        + RunwareErrors.describe(e)), null, handle.id(), null);
            }
            return new JobStatus.Failed(kind, mask("runware: task " + handle.id() + " failed: "
                    + RunwareErrors.describe(e)));
        }
        return new JobStatus.Pending(-1, "queued at Runware", null);
    }

    /**
     * {@code taskFailedOrNotFound}: Runware says in one code that the task failed or that it does
     * not know it. A task it accepted and then forgot cannot be collected either way, so the job
     * has failed, retryably: a new attempt submits under a new UUID.
     */
    private static JobStatus lost(JobHandle handle, @Nullable String why) {
        return new JobStatus.Failed(ErrorKind.TRANSIENT, "runware: task " + handle.id() + " failed or is unknown to"
                + " Runware (" + RunwareErrors.oneLine(String.valueOf(why)) + ")");
    }

    // ---- fetch ---------------------------------------------------------------------------------

    @Override
    public ProviderResult fetch(JobHandle handle, ProviderRequest request) throws ProviderException, InterruptedException {
        List<TaskItem> items;
        String stored = handle.data().get(RESULTS);
        if (stored != null) {
            try {
                items = Json.MAPPER.readValue(stored, new TypeReference<List<TaskItem>>() {});
            } catch (java.io.IOException e) {
                throw new ProviderException(ErrorKind.INTERNAL, "runware: the handle of task " + handle.id()
                        + " holds unreadable results", null, handle.id(), e);
            }
        } else {
            requireKey();
            TaskAnswer a = answer(transport.execute(call(getResponse(handle.id()), HttpCall.Retry.SAFE, timeouts.poll(),
                    RunwareErrors.INSTANCE)), ErrorKind.TRANSIENT);
            items = itemsOf(a, handle.id()).stream()
                    .filter(i -> isSuccess(i.status()) || i.status() == null && i.hasOutput()).toList();
        }
        items = distinct(items.stream().filter(TaskItem::hasOutput).toList());
        if (items.isEmpty()) {
            throw new ProviderException(ErrorKind.TRANSIENT, "runware: task " + handle.id() + " reported success but no"
                    + " result yet", null, handle.id(), null);
        }
        TaskItem first = items.get(0);
        if (Boolean.TRUE.equals(first.nsfwContent())) {
            throw new ProviderException(ErrorKind.CONTENT_POLICY, "runware: the safety check flagged the result of task "
                    + handle.id() + " (NSFWContent); change the prompt", null, handle.id(), null);
        }
        Capability capability = request.capability();
        long limit = capability.outputKind() == Capability.OutputKind.VIDEO ? MAX_VIDEO_BYTES : MAX_IMAGE_BYTES;
        List<String> accepted = MediaTypes.accepted(capability);
        long written;
        String sha256 = null;
        String location = first.location();
        if (location == null) {
            written = InlineMedia.writeBase64(String.valueOf(first.imageBase64Data()), request.outputFile(), limit,
                    accepted, "runware");
        } else if (InlineMedia.isDataUri(location)) {
            written = InlineMedia.writeDataUri(location, request.outputFile(), limit, accepted, "runware");
        } else {
            // Result URLs (im.runware.ai, vm.runware.ai) are public: the key is not sent there.
            Downloaded d = transport.downloadFile(HttpCall.get(uri(location), Map.of(), governor, ErrorMapper.STANDARD,
                    secrets).withTimeout(timeouts.download()), request.outputFile(), limit, accepted);
            written = d.bytes();
            sha256 = d.sha256();
        }
        BigDecimal cost = null;
        for (TaskItem i : items) {
            if (i.cost() != null) {
                cost = cost == null ? i.cost() : cost.add(i.cost());
            }
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("task_uuid", handle.id());
        metadata.put("task_type", handle.data().getOrDefault(TASK_TYPE, RunwareTasks.taskType(capability)));
        metadata.put("air", handle.data().getOrDefault(AIR, ""));
        Optional.ofNullable(handle.data().get(MODEL)).ifPresent(m -> metadata.put("model", m));
        metadata.put("delivery", handle.data().getOrDefault(DELIVERY, "async"));
        Optional.ofNullable(first.outputUUID()).ifPresent(u -> metadata.put("output_uuid", u));
        Optional.ofNullable(first.seed()).ifPresent(s -> metadata.put("seed", s));
        metadata.put("results_returned", items.size());
        if (items.size() > 1) {
            metadata.put("note", "Runware returned " + items.size() + " results; only the first is this step's output");
        }
        metadata.put("bytes", written);
        if (cost != null) {
            metadata.put("cost_usd", cost);
        }
        List<String> ids = new ArrayList<>(List.of(handle.id()));
        if (first.outputUUID() != null) {
            ids.add(first.outputUUID());
        }
        ProviderResult result = ProviderResult.file(metadata).withRequestIds(ids);
        result = sha256 == null ? result : result.withOutputSha256(sha256);
        if (cost != null) {
            return result.withActualCost(cost);
        }
        Usage delivered = delivered(capability, items.size(), request);
        return delivered == null ? result : result.withUsage(delivered);
    }

    /**
     * What a task delivered, for an answer without a cost: every image returned (each billed,
     * though the step keeps the first) at the size the task asked for, or the seconds of the
     * video, read from the file written, else those asked for. Null when a video's length is
     * unknown.
     */
    static @Nullable Usage delivered(Capability capability, int results, ProviderRequest request) {
        if (capability.outputKind() == Capability.OutputKind.VIDEO) {
            BigDecimal seconds = Mp4Duration.seconds(request.outputFile()).orElse(null);
            if (seconds == null) {
                // The duration build() sent, read the same way.
                seconds = RunwareTasks.number(request.parameters(), "duration").filter(d -> d >= 0 && !d.isInfinite())
                        .map(BigDecimal::valueOf).orElse(null);
            }
            return seconds == null ? null : new Usage.Video(seconds, null, null);
        }
        // The size build() sent: the step's, else Runware's 1024x1024.
        int[] size = RunwareTasks.size(request.parameters()).orElse(new int[] {1024, 1024});
        Usage.Size each = size[0] > 0 && size[1] > 0 ? new Usage.Size(size[0], size[1]) : new Usage.Size(0, 0);
        return new Usage.Images(Collections.nCopies(results, each));
    }

    // ---- cancel --------------------------------------------------------------------------------

    /** Runware documents no way to cancel a task (providers.md 4): it runs to its end and is billed. */
    @Override
    public void cancel(JobHandle handle) {
        // nothing to call
    }

    // ---- helpers -------------------------------------------------------------------------------

    /**
     * The task UUID of an idempotency key: a UUIDv4 (version and variant bits set) made from the
     * key's SHA-256, so the same step attempt always has the same task UUID.
     */
    static String taskUuid(String idempotencyKey) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
            h[6] = (byte) ((h[6] & 0x0f) | 0x40);
            h[8] = (byte) ((h[8] & 0x3f) | 0x80);
            long msb = 0;
            long lsb = 0;
            for (int i = 0; i < 8; i++) {
                msb = (msb << 8) | (h[i] & 0xff);
                lsb = (lsb << 8) | (h[i + 8] & 0xff);
            }
            return new UUID(msb, lsb).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static List<Map<String, Object>> getResponse(String uuid) {
        return List.of(Map.of("taskType", "getResponse", "taskUUID", uuid));
    }

    private HttpCall call(List<? extends Map<String, ?>> tasks, HttpCall.Retry retry, Duration timeout,
            ErrorMapper errors) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + key);
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json");
        return new HttpCall("POST", URI.create(base + "/v1"), headers, Json.body(tasks), timeout, retry, errors,
                governor, secrets);
    }

    private TaskAnswer answer(HttpResult r, ErrorKind ifMalformed) throws ProviderException {
        var json = Json.read(r, "runware", ifMalformed);
        if (!json.isObject()) {
            throw new ProviderException(ifMalformed, "runware: the answer (HTTP " + r.status()
                    + ") is not a JSON object: " + r.excerpt());
        }
        try {
            return Json.MAPPER.convertValue(json, TaskAnswer.class);
        } catch (IllegalArgumentException e) {
            throw new ProviderException(ifMalformed, "runware: the answer (HTTP " + r.status()
                    + ") has an unexpected form: " + r.excerpt());
        }
    }

    /** The items of one task; items without a UUID are taken as the task's (single-task requests). */
    private static List<TaskItem> itemsOf(TaskAnswer a, String uuid) {
        return a.data().stream().filter(i -> i.taskUUID() == null || uuid.equals(i.taskUUID())).toList();
    }

    private static List<ApiError> errorsOf(TaskAnswer a, String uuid) {
        return a.allErrors().stream().filter(e -> e.taskUUID() == null || uuid.equals(e.taskUUID())).toList();
    }

    /** Polling answers are cumulative: each generation once, by its output UUID (providers.md 4.4). */
    private static List<TaskItem> distinct(List<TaskItem> items) {
        Set<String> seen = new LinkedHashSet<>();
        List<TaskItem> out = new ArrayList<>();
        for (TaskItem i : items) {
            String id = i.outputUUID() != null ? i.outputUUID() : i.location();
            if (id == null || seen.add(id)) {
                out.add(i);
            }
        }
        return out;
    }

    private static String results(List<TaskItem> items) {
        List<Map<String, Object>> kept = new ArrayList<>();
        for (TaskItem i : distinct(items.stream().filter(TaskItem::hasOutput).toList())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("taskUUID", i.taskUUID());
            m.put("imageUUID", i.imageUUID());
            m.put("imageURL", i.imageURL());
            m.put("imageDataURI", i.imageDataURI());
            m.put("cost", i.cost());
            m.put("seed", i.seed());
            m.put("NSFWContent", i.nsfwContent());
            m.values().removeIf(java.util.Objects::isNull);
            kept.add(m);
        }
        try {
            return Json.MAPPER.writeValueAsString(kept);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot keep Runware's results", e);
        }
    }

    private static boolean isPending(@Nullable String status) {
        return status != null && PENDING.contains(status.toLowerCase(Locale.ROOT));
    }

    private static boolean isSuccess(@Nullable String status) {
        return status != null && ("success".equalsIgnoreCase(status) || "completed".equalsIgnoreCase(status));
    }

    private static int expected(JobHandle handle) {
        try {
            return Math.max(1, Integer.parseInt(handle.data().getOrDefault(EXPECTED, "1")));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private void requireKey() throws ProviderException {
        if (key == null || key.isBlank()) {
            throw new ProviderException(ErrorKind.AUTH, "runware: " + RunwareProviderFactory.KEY_VARIABLE
                    + " is not set (or providers.runware.api_key in ACP_HOME/config.yaml)");
        }
    }

    private static URI uri(String url) throws ProviderException {
        try {
            URI u = new URI(url);
            if (u.getHost() == null || !("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))) {
                throw new java.net.URISyntaxException(url, "not an absolute http(s) URL");
            }
            return u;
        } catch (java.net.URISyntaxException e) {
            throw new ProviderException(ErrorKind.TRANSIENT, "runware: the result URL is not an http(s) URL: "
                    + RunwareErrors.oneLine(url.length() > 200 ? url.substring(0, 200) + "..." : url));
        }
    }

    private String mask(String message) {
        return key == null || key.length() < 4 ? message : message.replace(key, "****");
    }

    @Override
    public String toString() {
        return "RunwareProvider[" + base + "]";
    }
}
