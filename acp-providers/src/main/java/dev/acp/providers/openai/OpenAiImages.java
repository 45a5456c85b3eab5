package dev.acp.providers.openai;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.ErrorMapper;
import dev.acp.http.Governor;
import dev.acp.http.HttpCall;
import dev.acp.http.HttpResult;
import dev.acp.http.HttpTransport;
import dev.acp.http.MediaSniffer;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider.Issue;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.Usage;
import dev.acp.providers.openai.internal.ApiError;
import dev.acp.providers.openai.internal.ImageRequest;
import dev.acp.providers.openai.internal.ImageResponse;
import dev.acp.providers.support.InlineMedia;
import dev.acp.providers.support.Json;
import dev.acp.providers.support.MediaTypes;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code text_to_image} on an OpenAI-compatible server: one {@code POST /images/generations}
 * with {@code n: 1}. GPT image models always answer with base64; DALL-E and compatible servers
 * are asked for {@code b64_json} too, so the image arrives in the answer of the paid call, and
 * an answer with a URL instead (some servers ignore the field) is downloaded at once, since
 * OpenAI's URLs expire after an hour.
 *
 * <p>Sizes, qualities and styles are checked against what each OpenAI model family accepts
 * (a size is mapped onto the nearest offered aspect ratio and reported); for a compatible
 * server's own models they are sent as written. The answer names no price: the images it holds
 * are reported as the call's usage, with their size (the answer's, else the one asked for), and
 * the pricing catalog prices them (per image, by quality and size); prices live there, not here.
 * On a local server the cost is zero.
 */
final class OpenAiImages {
    /** The config keys read for {@code text_to_image}. */
    static final Set<String> PARAMETERS = Set.of("prompt", "text", "model", "image_size", "width", "height",
            "aspect_ratio", "quality", "style", "num_images", "background");

    /** A generous limit for one downloaded image (GPT image models' largest PNGs are a few MB). */
    static final long MAX_IMAGE_BYTES = 50L * 1024 * 1024;

    /** The model families whose parameters OpenAI documents; anything else is sent as written. */
    enum Family {
        GPT_IMAGE(List.of("1024x1024", "1536x1024", "1024x1536"), List.of("low", "medium", "high", "auto")),
        DALL_E_3(List.of("1024x1024", "1792x1024", "1024x1792"), List.of("standard", "hd")),
        DALL_E_2(List.of("256x256", "512x512", "1024x1024"), List.of()),
        OTHER(List.of(), List.of());

        final List<String> sizes;
        final List<String> qualities;

        Family(List<String> sizes, List<String> qualities) {
            this.sizes = sizes;
            this.qualities = qualities;
        }

        static Family of(String model) {
            String m = model.toLowerCase(Locale.ROOT);
            if (m.startsWith("gpt-image") || m.startsWith("chatgpt-image")) {
                return GPT_IMAGE;
            }
            return m.equals("dall-e-3") ? DALL_E_3 : m.equals("dall-e-2") ? DALL_E_2 : OTHER;
        }
    }

    /** Fal-style size presets, which the seed pipelines use. */
    private static final Map<String, int[]> PRESETS = Map.of(
            "square_hd", new int[] {1024, 1024}, "square", new int[] {512, 512},
            "portrait_4_3", new int[] {768, 1024}, "portrait_16_9", new int[] {576, 1024},
            "landscape_4_3", new int[] {1024, 768}, "landscape_16_9", new int[] {1024, 576});

    private final ChatEndpoint endpoint;
    private final HttpTransport transport;
    private final Governor governor;
    private final ProviderCatalog catalog;
    private final String defaultModel;

    OpenAiImages(ChatEndpoint endpoint, HttpTransport transport, Governor governor, ProviderCatalog catalog,
            String defaultModel) {
        this.endpoint = endpoint;
        this.transport = transport;
        this.governor = governor;
        this.catalog = catalog;
        this.defaultModel = defaultModel;
    }

    /** The request and what the report says about how it was made. */
    record Plan(ImageRequest body, Family family, @Nullable String requestedSize) {}

    String model(@Nullable String requested) {
        return requested == null || requested.isBlank() ? defaultModel
                : ChatEndpoint.resolve(catalog, endpoint.provider(), requested.strip());
    }

    Plan plan(StepParams p, @Nullable String requestedModel, String extension) {
        String prompt = p.required("text_to_image needs a prompt", "set config.prompt to what should be drawn",
                "prompt", "text");
        String model = model(requestedModel);
        Family family = Family.of(model);
        p.integer("num_images", 1, 1_000).ifPresent(n -> {
            if (n > 1) {
                p.issue("num_images", "an OpenAI-style image step makes one image, not " + n,
                        "use one step per image (a parallel_group or for_each makes several)");
            }
        });
        int[] wanted = requestedSize(p);
        String requested = wanted == null ? null : wanted[0] + "x" + wanted[1];
        String size = wanted == null ? null : size(family, wanted);
        String quality = choice(p, "quality", family.qualities, model, family != Family.OTHER);
        if (family == Family.DALL_E_2 && p.raw("quality") != null) {
            p.warn("quality", "dall-e-2 has no quality setting; config.quality is not sent", "remove it");
            quality = null;
        }
        String style = null;
        if (p.raw("style") != null && !p.deferred("style")) {
            if (family == Family.DALL_E_3) {
                style = choice(p, "style", List.of("vivid", "natural"), model, true);
            } else {
                p.warn("style", "model " + model + " has no style setting; config.style is not sent",
                        "describe the style in the prompt instead");
            }
        }
        if (p.raw("background") != null && family != Family.GPT_IMAGE && family != Family.OTHER) {
            p.warn("background", "model " + model + " has no background setting; config.background is not sent",
                    "use a GPT image model for transparent backgrounds");
        }
        String outputFormat = null;
        switch (family) {
            case GPT_IMAGE -> {
                outputFormat = switch (extension) {
                    case "png" -> "png";
                    case "jpg", "jpeg" -> "jpeg";
                    case "webp" -> "webp";
                    default -> null;
                };
                if (outputFormat == null) {
                    p.issue(null, model + " cannot write ." + extension + " images", "name the output file .png,"
                            + " .jpg or .webp");
                }
            }
            case DALL_E_3, DALL_E_2 -> {
                if (!extension.equals("png")) {
                    p.issue(null, model + " makes PNG images, not ." + extension, "name the output file .png");
                }
            }
            case OTHER -> { }
        }
        String background = family == Family.GPT_IMAGE || family == Family.OTHER
                ? p.text("background").orElse(null) : null;
        ImageRequest body = new ImageRequest(model, prompt, 1, size, quality, style,
                family == Family.GPT_IMAGE ? null : "b64_json", outputFormat, background);
        return new Plan(body, family, requested != null && !requested.equals(size) ? requested : null);
    }

    /** A value of {@code name} among {@code allowed} (any value when not {@code checked}). */
    private static @Nullable String choice(StepParams p, String name, List<String> allowed, String model,
            boolean checked) {
        if (p.deferred(name)) {
            return null;
        }
        String v = p.text(name).map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
        if (v != null && checked && !allowed.isEmpty() && !allowed.contains(v)) {
            p.issue(name, "config." + name + " '" + v + "' is not one of " + String.join(", ", allowed) + " for "
                    + model, "write one of " + String.join(", ", allowed));
            return null;
        }
        return v;
    }

    /** The size the step asks for, in pixels, or null when it names none. */
    private static int @Nullable [] requestedSize(StepParams p) {
        Object size = p.raw("image_size");
        if (size instanceof Map<?, ?> m && m.get("width") instanceof Number w && m.get("height") instanceof Number h) {
            return new int[] {w.intValue(), h.intValue()};
        }
        if (size instanceof String s && !p.deferred("image_size")) {
            String k = s.strip().toLowerCase(Locale.ROOT);
            if (PRESETS.containsKey(k)) {
                return PRESETS.get(k).clone();
            }
            if (k.matches("\\d{2,5}x\\d{2,5}")) {
                String[] parts = k.split("x");
                return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
            }
            if (!k.equals("auto")) {
                p.issue("image_size", "config.image_size '" + s + "' is not a size", "write a preset such as"
                        + " landscape_16_9, WIDTHxHEIGHT such as 1024x1024, or { width: 1024, height: 1024 }");
            }
            return null;
        }
        var w = p.integer("width", 64, 8192);
        var h = p.integer("height", 64, 8192);
        if (w.isPresent() && h.isPresent()) {
            return new int[] {w.getAsInt(), h.getAsInt()};
        }
        String ratio = p.deferred("aspect_ratio") ? null : p.text("aspect_ratio").orElse(null);
        if (ratio != null) {
            String[] parts = ratio.split(":");
            try {
                double r = Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]);
                if (parts.length == 2 && r > 0 && r < 10) {
                    return r >= 1 ? new int[] {1024, (int) Math.round(1024 / r)} : new int[] {(int) Math.round(1024 * r), 1024};
                }
            } catch (RuntimeException e) {
                // reported below
            }
            p.issue("aspect_ratio", "config.aspect_ratio '" + ratio + "' is not a ratio", "write for example 16:9");
        }
        return null;
    }

    /** The size to send: the offered size nearest in aspect ratio, or the request as written. */
    static String size(Family family, int[] wanted) {
        if (family.sizes.isEmpty()) {
            return wanted[0] + "x" + wanted[1];
        }
        double ratio = Math.log((double) wanted[0] / wanted[1]);
        String best = family.sizes.getFirst();
        double bestScore = Double.MAX_VALUE;
        for (String s : family.sizes) {
            String[] p = s.split("x");
            int w = Integer.parseInt(p[0]);
            int h = Integer.parseInt(p[1]);
            // Aspect ratio first; among equal ratios (DALL-E 2's squares) the nearest width.
            double score = Math.abs(Math.log((double) w / h) - ratio) * 1e6 + Math.abs(w - wanted[0]);
            if (score < bestScore) {
                bestScore = score;
                best = s;
            }
        }
        return best;
    }

    List<Issue> check(@Nullable String model, Map<String, Object> parameters, String extension) {
        StepParams p = StepParams.forCheck(parameters);
        plan(p, model, extension);
        return p.issues();
    }

    ProviderResult execute(ProviderRequest request) throws ProviderException, InterruptedException {
        StepParams p = StepParams.forExecute(request.parameters());
        Plan plan = plan(p, request.model(), request.outputExtension());
        p.throwIfInvalid(endpoint.provider());
        endpoint.requireKey();
        ImageRequest body = plan.body();
        request.context().checkCancelled();
        request.context().progress(-1, "generating the image");
        ChatErrors errors = new ChatErrors(endpoint.provider(), body.model(), false, endpoint.keyVariable());
        HttpCall call = new HttpCall("POST", endpoint.uri("/images/generations"), endpoint.headers("application/json"),
                Json.body(body), endpoint.timeout(), HttpCall.Retry.ONCE, errors, governor, endpoint.secrets());
        HttpResult r = transport.execute(call);
        String requestId = r.header("x-request-id").orElse(null);
        String paid = endpoint.free() ? "" : "; not sent again: the image may have been generated and billed (run"
                + " the step again to retry)";
        ImageResponse answer;
        try {
            answer = Json.MAPPER.readValue(r.body(), ImageResponse.class);
        } catch (IOException e) {
            throw failure(ErrorKind.UNKNOWN_OUTCOME, "the answer (HTTP " + r.status() + ") is not an image answer: "
                    + r.excerpt() + paid, requestId);
        }
        if (answer.error() != null) {
            ApiError error = answer.error();
            var c = errors.classifyInBody(error, "the answer carries an error");
            throw failure(c.kind(), "the answer carries an error: " + c.message(), requestId);
        }
        if (answer.data() == null || answer.data().isEmpty()) {
            throw failure(ErrorKind.UNKNOWN_OUTCOME, "the answer has no image: " + r.excerpt() + paid, requestId);
        }
        ImageResponse.Image image = answer.data().getFirst();
        long bytes;
        String delivery;
        if (image.b64Json() != null && !image.b64Json().isBlank()) {
            delivery = "b64_json";
            bytes = writeBase64(image.b64Json(), request, requestId, paid);
        } else if (image.url() != null && !image.url().isBlank()) {
            delivery = "url";
            bytes = download(image.url(), request, requestId);
        } else {
            throw failure(ErrorKind.UNKNOWN_OUTCOME, "the answer's image has neither b64_json nor url" + paid,
                    requestId);
        }

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("provider", endpoint.provider());
        m.put("model", body.model());
        if (request.model() != null && !request.model().strip().equals(body.model())) {
            m.put("requested_model", request.model());
        }
        put(m, "size", answer.size() != null ? answer.size() : body.size());
        put(m, "requested_size", plan.requestedSize());
        put(m, "quality", answer.quality() != null ? answer.quality() : body.quality());
        put(m, "style", body.style());
        put(m, "output_format", answer.outputFormat() != null ? answer.outputFormat() : body.outputFormat());
        put(m, "revised_prompt", image.revisedPrompt());
        m.put("delivery", delivery);
        ImageResponse.ImageUsage usage = answer.usage();
        if (usage != null) {
            put(m, "input_tokens", usage.inputTokens());
            put(m, "output_tokens", usage.outputTokens());
            put(m, "total_tokens", usage.totalTokens());
        }
        put(m, "request_id", requestId);
        m.put("file_bytes", bytes);
        m.put("cost_source", endpoint.free() ? "local server (free)" : "not reported by the server; priced from the"
                + " images returned");
        request.context().progress(1, "image written");
        ProviderResult result = ProviderResult.file(m).withRequestIds(requestId == null ? List.of() : List.of(requestId))
                .withUsage(images(answer, body));
        return endpoint.free() ? result.withActualCost(BigDecimal.ZERO) : result;
    }

    /**
     * The images the answer holds (each is billed, though the step keeps the first), each of the
     * size the answer states, else of the size asked for; unknown ({@code auto}, or a server that
     * says nothing) leaves the pricing to the step's parameters.
     */
    static Usage.Images images(ImageResponse answer, ImageRequest body) {
        Usage.Size size = size(answer.size()).or(() -> size(body.size())).orElse(new Usage.Size(0, 0));
        int count = answer.data() == null ? 0 : answer.data().size();
        return new Usage.Images(Collections.nCopies(count, size));
    }

    /** {@code 1536x1024} as a size; empty for {@code auto}, null or anything else. */
    static Optional<Usage.Size> size(@Nullable String wxh) {
        if (wxh == null || !wxh.strip().matches("\\d{1,5}x\\d{1,5}")) {
            return Optional.empty();
        }
        String[] parts = wxh.strip().split("x");
        return Optional.of(new Usage.Size(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
    }

    private long writeBase64(String b64, ProviderRequest request, @Nullable String requestId, String paid)
            throws ProviderException {
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(b64.strip());
        } catch (IllegalArgumentException e) {
            throw failure(ErrorKind.UNKNOWN_OUTCOME, "the answer's b64_json is not base64" + paid, requestId);
        }
        List<MediaSniffer.Kind> image = List.of(MediaSniffer.Kind.IMAGE);
        String misfit = MediaSniffer.misfit(bytes, Math.min(bytes.length, MediaSniffer.HEAD_BYTES), image);
        if (misfit != null) {
            throw failure(ErrorKind.UNKNOWN_OUTCOME, "the answer's b64_json is " + misfit + ", not an image ("
                    + bytes.length + " bytes)" + paid, requestId);
        }
        InlineMedia.write(bytes, request.outputFile(), endpoint.provider());
        return bytes.length;
    }

    /**
     * Downloads an image the answer names by URL: a plain GET, retried safely, without the key
     * (the URL is signed, and it may be another host), within the endpoint's time limit of one
     * call like every other call ({@code ACP_OPENAI_TIMEOUT}): a fixed two minutes here let a
     * stalled download hang past the limit the user set (found by the provider contract suite).
     */
    private long download(String url, ProviderRequest request, @Nullable String requestId)
            throws ProviderException, InterruptedException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw failure(ErrorKind.UNKNOWN_OUTCOME, "the answer's image URL is not usable: " + url, requestId);
        }
        request.context().progress(-1, "downloading the image");
        try {
            return transport.download(HttpCall.get(uri, Map.of(), governor, ErrorMapper.STANDARD, endpoint.secrets())
                    .withTimeout(endpoint.timeout()), request.outputFile(), MAX_IMAGE_BYTES,
                    MediaTypes.accepted(Capability.TEXT_TO_IMAGE));
        } catch (ProviderException e) {
            throw failure(e.kind(), "the image was generated but its download failed: " + e.getMessage()
                    + "; it stays at " + url + " for about an hour", requestId);
        }
    }


    private ProviderException failure(ErrorKind kind, String message, @Nullable String requestId) {
        String traced = endpoint.provider() + ": " + message + (requestId == null ? "" : " [request " + requestId + "]");
        return new ProviderException(kind, endpoint.mask(traced), null, requestId, null);
    }

    private static void put(Map<String, Object> m, String key, @Nullable Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
