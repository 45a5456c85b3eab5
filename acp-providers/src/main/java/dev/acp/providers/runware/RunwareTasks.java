package dev.acp.providers.runware;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider.Issue;
import dev.acp.providers.support.DataUris;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How a step becomes a Runware task object (providers.md 4.2, 4.4): ACP's portable parameters
 * mapped onto {@code imageInference} / {@code videoInference} fields, plus Runware's own
 * advanced fields passed through under their Runware names.
 */
final class RunwareTasks {
    static final String IMAGE_TASK = "imageInference";
    static final String VIDEO_TASK = "videoInference";

    /** Inline inputs above this are refused: the whole request is one JSON body. */
    static final long MAX_INLINE_BYTES = 20L * 1024 * 1024;

    /** ACP parameters read for images; the rest of {@link #parameters} adds to these. */
    private static final Set<String> IMAGE_PARAMS = Set.of("prompt", "text", "negative_prompt", "image_size", "width",
            "height", "aspect_ratio", "num_images", "num_inference_steps", "guidance_scale", "seed",
            "enable_safety_checker", "delivery", "model");
    private static final Set<String> IMAGE_INPUT_PARAMS = Set.of("image", "image_url", "image_path", "strength");
    private static final Set<String> VIDEO_PARAMS = Set.of("prompt", "text", "negative_prompt", "duration", "width",
            "height", "aspect_ratio", "seed", "model", "delivery");
    /** Runware's own fields, sent as written (providers.md 4.2 "advanced" and 4.4). */
    static final Set<String> IMAGE_PASS_THROUGH = Set.of("scheduler", "clipSkip", "outputQuality", "ttl", "lora",
            "controlNet", "referenceImages", "providerSettings", "maskImage", "steps", "CFGScale");
    static final Set<String> VIDEO_PASS_THROUGH = Set.of("providerSettings", "frameImages", "referenceImages", "fps",
            "ttl");

    /** fal-style size presets, so a pipeline written for fal runs here unchanged. */
    private static final Map<String, int[]> PRESETS = Map.of(
            "square_hd", new int[] {1024, 1024}, "square", new int[] {512, 512},
            "portrait_4_3", new int[] {768, 1024}, "portrait_16_9", new int[] {576, 1024},
            "landscape_4_3", new int[] {1024, 768}, "landscape_16_9", new int[] {1024, 576});

    private RunwareTasks() {}

    static String taskType(Capability capability) {
        return capability.outputKind() == Capability.OutputKind.VIDEO ? VIDEO_TASK : IMAGE_TASK;
    }

    static Set<String> parameters(Capability capability) {
        Set<String> all = new java.util.TreeSet<>();
        switch (capability) {
            case TEXT_TO_IMAGE -> {
                all.addAll(IMAGE_PARAMS);
                all.addAll(IMAGE_PASS_THROUGH);
            }
            case IMAGE_TO_IMAGE -> {
                all.addAll(IMAGE_PARAMS);
                all.addAll(IMAGE_INPUT_PARAMS);
                all.addAll(IMAGE_PASS_THROUGH);
            }
            case TEXT_TO_VIDEO -> {
                all.addAll(VIDEO_PARAMS);
                all.addAll(VIDEO_PASS_THROUGH);
            }
            case IMAGE_TO_VIDEO -> {
                all.addAll(VIDEO_PARAMS);
                all.addAll(VIDEO_PASS_THROUGH);
                all.addAll(Set.of("image", "image_url", "image_path"));
            }
            default -> {
                // not served
            }
        }
        return Set.copyOf(all);
    }

    /** Whether the task is delivered in the answer ({@code sync}) or polled for ({@code async}, the default). */
    enum Delivery {
        SYNC,
        ASYNC;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static Delivery delivery(Capability capability, Map<String, Object> parameters) {
        Object d = parameters.get("delivery");
        return d != null && "sync".equalsIgnoreCase(d.toString().trim()) && taskType(capability).equals(IMAGE_TASK)
                ? Delivery.SYNC : Delivery.ASYNC;
    }

    /** Validation findings about the step's parameters, before anything is sent. */
    static List<Issue> check(Capability capability, Map<String, Object> p) {
        List<Issue> issues = new ArrayList<>();
        Object delivery = p.get("delivery");
        if (delivery != null && !known(delivery)) {
            String d = delivery.toString().trim().toLowerCase(Locale.ROOT);
            if (!d.equals("sync") && !d.equals("async")) {
                issues.add(new Issue("delivery", "delivery is '" + delivery + "'; Runware delivers sync or async",
                        "write delivery: async (polled, the default) or delivery: sync (images only)"));
            } else if (d.equals("sync") && taskType(capability).equals(VIDEO_TASK)) {
                issues.add(new Issue("delivery", "Runware delivers videos only async", "remove delivery: sync"));
            }
        }
        if (p.containsKey("width") != p.containsKey("height")) {
            String given = p.containsKey("width") ? "width" : "height";
            issues.add(new Issue(given, "Runware needs width and height together; only " + given + " is set",
                    "set both width and height, or use image_size or aspect_ratio"));
        }
        positive(p, "num_images", issues);
        positive(p, "width", issues);
        positive(p, "height", issues);
        Object q = p.get("outputQuality");
        if (q instanceof Number n && (n.intValue() < 20 || n.intValue() > 99)) {
            issues.add(new Issue("outputQuality", "outputQuality is " + q + "; Runware takes 20 to 99",
                    "choose an outputQuality between 20 and 99"));
        }
        Object size = p.get("image_size");
        if (size instanceof String s && !known(s) && !PRESETS.containsKey(s)) {
            issues.add(new Issue("image_size", "image_size '" + s + "' is not a preset Runware can be given",
                    "use one of " + String.join(", ", new java.util.TreeSet<>(PRESETS.keySet()))
                            + ", or width and height"));
        }
        Object ratio = p.get("aspect_ratio");
        if (ratio != null && !known(ratio) && ratio(ratio.toString()).isEmpty()) {
            issues.add(new Issue("aspect_ratio", "aspect_ratio '" + ratio + "' is not W:H", "write it like 16:9"));
        }
        return issues;
    }

    private static void positive(Map<String, Object> p, String name, List<Issue> issues) {
        Object v = p.get(name);
        if (v instanceof Number n && n.longValue() < 1) {
            issues.add(new Issue(name, name + " is " + v + "; it must be at least 1", "set " + name + " to 1 or more"));
        }
    }

    /** A value only known at run time ({{...}}). */
    private static boolean known(Object v) {
        return v instanceof String s && s.contains("{{");
    }

    /** The task object, with {@code taskUUID} set to {@code uuid}. */
    static Map<String, Object> build(Capability capability, String air, String uuid, Map<String, Object> p,
            String outputExtension, Delivery delivery) throws ProviderException {
        Map<String, Object> t = new LinkedHashMap<>();
        String taskType = taskType(capability);
        t.put("taskType", taskType);
        t.put("taskUUID", uuid);
        t.put("model", air);
        text(p, "prompt", "text").ifPresent(v -> t.put("positivePrompt", v));
        text(p, "negative_prompt").ifPresent(v -> t.put("negativePrompt", v));
        integer(p, "seed").ifPresent(v -> t.put("seed", v));
        if (taskType.equals(IMAGE_TASK)) {
            int[] size = size(p).orElse(new int[] {1024, 1024});
            t.put("width", size[0]);
            t.put("height", size[1]);
            integer(p, "num_images").ifPresent(v -> t.put("numberResults", v));
            integer(p, "num_inference_steps").ifPresent(v -> t.put("steps", v));
            number(p, "guidance_scale").ifPresent(v -> t.put("CFGScale", v));
            if (p.get("enable_safety_checker") instanceof Boolean b) {
                t.put("safety", Map.of("checkContent", b));
            }
            if (capability == Capability.IMAGE_TO_IMAGE) {
                t.put("seedImage", input(p).orElseThrow(() -> new ProviderException(ErrorKind.VALIDATION,
                        "runware: image_to_image needs an image (image, image_url or image_path)")));
                number(p, "strength").ifPresent(v -> t.put("strength", v));
            }
            t.put("outputType", "URL");
            t.put("outputFormat", switch (outputExtension) {
                case "jpg", "jpeg" -> "JPG";
                case "webp" -> "WEBP";
                default -> "PNG";
            });
            passThrough(p, IMAGE_PASS_THROUGH, t);
        } else {
            size(p).ifPresent(s -> {
                t.put("width", s[0]);
                t.put("height", s[1]);
            });
            number(p, "duration").ifPresent(v -> t.put("duration", v == Math.rint(v) ? (Object) (long) (double) v : v));
            t.put("outputFormat", "webm".equals(outputExtension) ? "WEBM" : "MP4");
            if (capability == Capability.IMAGE_TO_VIDEO && !p.containsKey("frameImages")) {
                // providers.md 4.4 shows frameImages:[...]; the item form {inputImage, frame} is UNCONFIRMED.
                String image = input(p).orElseThrow(() -> new ProviderException(ErrorKind.VALIDATION,
                        "runware: image_to_video needs an image (image, image_url or image_path)"));
                t.put("frameImages", List.of(Map.of("inputImage", image, "frame", "first")));
            }
            passThrough(p, VIDEO_PASS_THROUGH, t);
        }
        t.put("includeCost", true);
        t.put("deliveryMethod", delivery.wire());
        return t;
    }

    private static void passThrough(Map<String, Object> p, Set<String> names, Map<String, Object> t) {
        for (String n : names) {
            Object v = p.get(n);
            if (v != null) {
                t.put(n, v);
            }
        }
    }

    /** The input image as Runware takes it: a URL as given, a local file as a data URI. */
    private static Optional<String> input(Map<String, Object> p) throws ProviderException {
        Optional<String> ref = text(p, "image", "image_url", "image_path");
        if (ref.isEmpty()) {
            return Optional.empty();
        }
        String v = ref.get().trim();
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("data:")) {
            return Optional.of(v);
        }
        Path file = Path.of(v);
        if (!Files.isRegularFile(file)) {
            throw new ProviderException(ErrorKind.VALIDATION, "runware: the input image " + v + " does not exist");
        }
        return Optional.of(DataUris.of(file, MAX_INLINE_BYTES, "runware"));
    }

    /** Width and height from width/height, an image_size preset or map, or an aspect_ratio (long side 1024). */
    static Optional<int[]> size(Map<String, Object> p) {
        Optional<Long> w = integer(p, "width");
        Optional<Long> h = integer(p, "height");
        if (w.isPresent() && h.isPresent()) {
            return Optional.of(new int[] {w.get().intValue(), h.get().intValue()});
        }
        Object size = p.get("image_size");
        if (size instanceof Map<?, ?> m && m.get("width") instanceof Number mw && m.get("height") instanceof Number mh) {
            return Optional.of(new int[] {mw.intValue(), mh.intValue()});
        }
        if (size instanceof String s && PRESETS.containsKey(s)) {
            return Optional.of(PRESETS.get(s).clone());
        }
        Object ratio = p.get("aspect_ratio");
        if (ratio != null) {
            return ratio(ratio.toString()).map(r -> {
                double a = r[0];
                double b = r[1];
                // The long side 1024, the other rounded to a multiple of 64 (commonly required; UNCONFIRMED).
                int shortSide = (int) Math.max(64, Math.round(1024 * Math.min(a, b) / Math.max(a, b) / 64) * 64);
                return a >= b ? new int[] {1024, shortSide} : new int[] {shortSide, 1024};
            });
        }
        return Optional.empty();
    }

    private static Optional<double[]> ratio(String s) {
        String[] parts = s.trim().split(":");
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            double a = Double.parseDouble(parts[0].trim());
            double b = Double.parseDouble(parts[1].trim());
            return a > 0 && b > 0 ? Optional.of(new double[] {a, b}) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(Map<String, Object> p, String... names) {
        for (String n : names) {
            Object v = p.get(n);
            if (v != null && !v.toString().isBlank()) {
                return Optional.of(v.toString());
            }
        }
        return Optional.empty();
    }

    static Optional<Long> integer(Map<String, Object> p, String name) {
        return number(p, name).map(Math::round);
    }

    static Optional<Double> number(Map<String, Object> p, String name) {
        Object v = p.get(name);
        if (v instanceof Number n) {
            return Optional.of(n.doubleValue());
        }
        if (v instanceof String s) {
            try {
                return Optional.of(Double.parseDouble(s.trim().replaceAll("[sS]$", "")));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

}
