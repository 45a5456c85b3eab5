package dev.acp.providers.google;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Usage;
import dev.acp.providers.support.Json;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Veo's {@code predictLongRunning} request (providers.md 6.3) from a step's parameters, checked
 * before anything is paid for:
 *
 * <ul>
 *   <li>{@code prompt} (or {@code text}): required for text_to_video, optional with an image;
 *   <li>{@code image} (or {@code image_url}, {@code image_path}, {@code start_image}): the first
 *       frame, required for image_to_video; {@code last_frame}: the last frame (Veo 3.1);
 *   <li>{@code aspect_ratio} 16:9 | 9:16; {@code resolution} 720p | 1080p;
 *       {@code duration} (or {@code duration_seconds}) in whole seconds;
 *       {@code negative_prompt}; {@code person_generation} dont_allow | allow_adult | allow_all
 *       (allow_all is UNCONFIRMED, so it is passed on and Google decides);
 *       {@code enhance_prompt} true | false.
 * </ul>
 *
 * <p>The Developer API refuses what only Vertex AI takes ({@code seed}, {@code fps},
 * {@code generate_audio}, {@code output_gcs_uri}, {@code pubsub_topic}, {@code mask},
 * {@code compression_quality}; Google's SDK raises on them locally), so a step giving one is
 * refused at validation. One video per step: {@code sampleCount} is always 1.
 */
final class Veo {

    /**
     * What ACP knows of a Veo model. Duration ranges and resolutions follow Google's model
     * pages (not providers.md, hence ranges rather than exact sets: Google refuses a value it
     * does not take with a free 400); other model ids are sent as written with the common checks.
     */
    record Model(String id, int minSeconds, int maxSeconds, Set<String> resolutions, boolean lastFrame) {}

    static final String DEFAULT_MODEL = "veo-3.1-generate-preview";
    static final Map<String, Model> KNOWN = Map.of(
            "veo-3.1-generate-preview", new Model("veo-3.1-generate-preview", 4, 8, Set.of("720p", "1080p"), true),
            "veo-3.1-fast-generate-preview", new Model("veo-3.1-fast-generate-preview", 4, 8, Set.of("720p", "1080p"), true),
            "veo-3.0-generate-001", new Model("veo-3.0-generate-001", 4, 8, Set.of("720p", "1080p"), false),
            "veo-3.0-fast-generate-001", new Model("veo-3.0-fast-generate-001", 4, 8, Set.of("720p", "1080p"), false),
            "veo-2.0-generate-001", new Model("veo-2.0-generate-001", 5, 8, Set.of("720p"), false));

    static final List<String> ASPECT_RATIOS = List.of("16:9", "9:16");
    static final List<String> RESOLUTIONS = List.of("720p", "1080p");
    static final List<String> PERSON_GENERATION = List.of("dont_allow", "allow_adult", "allow_all");
    static final String[] IMAGE_KEYS = {"image", "image_url", "image_path", "start_image"};
    /** Vertex-only parameters, by the names a step would use. */
    static final Map<String, String> VERTEX_ONLY = Map.of(
            "seed", "seed", "fps", "fps", "generate_audio", "generateAudio", "output_gcs_uri", "outputGcsUri",
            "pubsub_topic", "pubsubTopic", "mask", "mask", "compression_quality", "compressionQuality");
    private static final Set<String> COMMON = Set.of("model", "prompt", "text", "negative_prompt", "aspect_ratio",
            "resolution", "duration", "duration_seconds", "person_generation", "enhance_prompt");

    /** Turns an image reference into Veo's image object; not called while checking. */
    @FunctionalInterface
    interface Images {
        ObjectNode image(String ref, String parameter) throws ProviderException, InterruptedException;
    }

    /** The request, and what the handle keeps for the report (duration, ratio, resolution). */
    record Prepared(ObjectNode body, Map<String, String> facts) {}

    private Veo() {}

    static Set<String> parameters(Capability capability) {
        Set<String> all = new TreeSet<>(COMMON);
        if (capability == Capability.IMAGE_TO_VIDEO) {
            all.addAll(List.of(IMAGE_KEYS));
            all.add("last_frame");
        }
        return Set.copyOf(all);
    }

    /**
     * Reads the step and builds the request body. While checking, problems go to {@code p} and
     * images are not read; at execution, {@code images} encodes them.
     */
    static Prepared prepare(Capability capability, String modelId, Params p, String outputExtension,
            @Nullable Images images) throws ProviderException, InterruptedException {
        @Nullable Model model = KNOWN.get(modelId);
        String what = model == null ? modelId : model.id();
        if (!outputExtension.isEmpty() && !"mp4".equals(outputExtension)) {
            p.issue(null, "Veo makes MP4 videos, which a ." + outputExtension + " file cannot hold",
                    "name the output .mp4");
        }
        if (modelId.startsWith("gemini")) {
            p.issue("model", modelId + " is a Gemini model, which does not make videos",
                    "use a Veo model such as " + DEFAULT_MODEL);
        }
        VERTEX_ONLY.keySet().stream().sorted().filter(p::has).forEach(k -> p.issue(k, k + " is taken only by Vertex"
                + " AI; the Gemini API (provider google) refuses it", "remove " + k));
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode instance = body.putArray("instances").addObject();
        Optional<String> prompt = p.text("prompt", "text");
        if (capability == Capability.TEXT_TO_VIDEO) {
            p.required("text_to_video needs a prompt", "set config.prompt", "prompt", "text");
        }
        prompt.ifPresent(t -> instance.put("prompt", t));
        if (capability == Capability.IMAGE_TO_VIDEO) {
            String image = p.required("image_to_video needs a first frame", "set config.image to an image file or URL",
                    IMAGE_KEYS);
            String key = p.presentKey(IMAGE_KEYS);
            imageIssue(p, image, key == null ? "image" : key);
            String last = p.text("last_frame").orElse(null);
            if (last != null) {
                imageIssue(p, last, "last_frame");
                if (model != null && !model.lastFrame()) {
                    p.issue("last_frame", model.id() + " takes no last frame", "remove last_frame or use veo-3.1-generate-preview");
                }
            }
            if (!p.checking() && p.issues().isEmpty() && images != null) {
                instance.set("image", images.image(image, key == null ? "image" : key));
                if (last != null) {
                    instance.set("lastFrame", images.image(last, "last_frame"));
                }
            }
        } else if (p.has("last_frame") || p.presentKey(IMAGE_KEYS) != null) {
            p.issue(p.has("last_frame") ? "last_frame" : p.presentKey(IMAGE_KEYS), "text_to_video takes no image",
                    "use step_type image_to_video for a video from an image");
        }
        ObjectNode parameters = body.putObject("parameters");
        parameters.put("sampleCount", 1);
        Map<String, String> facts = new java.util.LinkedHashMap<>();
        String durationKey = p.has("duration_seconds") ? "duration_seconds" : "duration";
        int min = model == null ? 1 : model.minSeconds();
        int max = model == null ? 60 : model.maxSeconds();
        OptionalInt duration = p.integer(durationKey, min, max);
        if (duration.isPresent()) {
            parameters.put("durationSeconds", duration.getAsInt());
            facts.put("duration_seconds", Integer.toString(duration.getAsInt()));
        }
        p.choice("aspect_ratio", ASPECT_RATIOS, what).ifPresent(a -> {
            parameters.put("aspectRatio", a);
            facts.put("aspect_ratio", a);
        });
        List<String> resolutions = model == null ? RESOLUTIONS
                : RESOLUTIONS.stream().filter(model.resolutions()::contains).toList();
        p.choice("resolution", resolutions, what).ifPresent(r -> {
            parameters.put("resolution", r);
            facts.put("resolution", r);
        });
        p.choice("person_generation", PERSON_GENERATION, what).ifPresent(g -> parameters.put("personGeneration", g));
        p.text("negative_prompt").ifPresent(n -> parameters.put("negativePrompt", n));
        p.bool("enhance_prompt").ifPresent(e -> parameters.put("enhancePrompt", e));
        return new Prepared(body, facts);
    }

    /**
     * The seconds of video a finished operation delivered, as Google bills them: those
     * {@code measured} in the MP4 itself ({@link dev.acp.providers.support.Mp4Duration}), else the
     * seconds the request asked for (kept in the handle); with the resolution asked for. Null
     * when neither is known (the model's default length): the estimate then settles the step.
     */
    static Usage.@Nullable Video delivered(@Nullable BigDecimal measured, Map<String, String> facts) {
        BigDecimal seconds = measured;
        String asked = facts.get("duration_seconds");
        if (seconds == null && asked != null) {
            try {
                seconds = new BigDecimal(asked);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return seconds == null || seconds.signum() < 0 ? null : new Usage.Video(seconds, facts.get("resolution"), null);
    }

    private static void imageIssue(Params p, String ref, String key) {
        if (ref.isEmpty() || p.deferred(key) || ref.startsWith("data:") || GeminiFiles.remote(ref)) {
            return;
        }
        Optional<String> type = GeminiFiles.mediaType(ref);
        if (type.isEmpty() || !type.get().startsWith("image/")) {
            p.issue(key, "'" + ref + "' is not an image Veo reads (png, jpg, webp)", "convert it to PNG or JPEG");
        }
    }
}
