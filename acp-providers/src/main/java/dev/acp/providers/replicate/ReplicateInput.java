package dev.acp.providers.replicate;

import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.CapabilitySchema;
import dev.acp.provider.Provider.Issue;
import dev.acp.providers.replicate.ReplicateModels.Known;
import dev.acp.providers.replicate.ReplicateModels.Target;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a step becomes a prediction's {@code input}. A catalog model's fields are filled from ACP's
 * portable parameters as {@code models.yaml} says; a model named directly gets the capability's
 * usual fields ({@code prompt}, {@code image}, {@code video}, {@code audio}, {@code text}). Then
 * every parameter that is not one of ACP's own passes through under its own name (Replicate
 * models take arbitrary inputs; the model validates them), and {@code input:} adds raw fields
 * last. Local files become URLs of Replicate's files API.
 */
final class ReplicateInput {
    /**
     * Parameters ACP reads itself and never sends as model inputs. {@code hardware} names the
     * machine a model runs on, for pricing its seconds: the predictions API does not choose it.
     */
    static final Set<String> RESERVED = Set.of("model", "input", "prefer_wait", "hardware");

    /** Resolves a file parameter's value to what the model is given (uploads local files). */
    @FunctionalInterface
    interface Files {
        String url(String pathOrUrl) throws ProviderException, InterruptedException;
    }

    /**
     * A built input.
     *
     * @param ignored ACP parameters the catalog model does not take
     */
    record Built(Map<String, Object> input, List<String> ignored) {}

    private ReplicateInput() {}

    static Map<String, List<String>> mapping(Target target, Capability capability) {
        Known k = target.known();
        if (k != null) {
            return k.input();
        }
        Map<String, List<String>> m = new LinkedHashMap<>();
        switch (capability) {
            case TEXT_TO_IMAGE, TEXT_TO_VIDEO -> m.put("prompt", List.of("prompt", "text"));
            case IMAGE_TO_IMAGE, IMAGE_TO_VIDEO -> {
                m.put("prompt", List.of("prompt"));
                m.put("image", List.of("image", "image_url", "image_path"));
            }
            case VIDEO_TO_VIDEO -> {
                m.put("prompt", List.of("prompt"));
                m.put("video", List.of("video", "video_url"));
            }
            case AVATAR_GENERATION -> {
                m.put("image", List.of("image", "image_url"));
                m.put("audio", List.of("audio", "audio_url"));
            }
            case TEXT_TO_SPEECH -> {
                m.put("text", List.of("text"));
                m.put("voice", List.of("voice"));
            }
            default -> {
                // not served by Replicate through ACP
            }
        }
        return m;
    }

    static Built build(Target target, Capability capability, Map<String, Object> p, String outputExtension, Files files)
            throws ProviderException, InterruptedException {
        Set<String> fileParams = CapabilitySchema.of(capability).fileParameters();
        Map<String, Object> input = new LinkedHashMap<>();
        Set<String> consumed = new HashSet<>(RESERVED);
        for (Map.Entry<String, List<String>> e : mapping(target, capability).entrySet()) {
            consumed.addAll(e.getValue());
            for (String source : e.getValue()) {
                Object v = p.get(source);
                if (v != null && !(v instanceof String s && s.isBlank())) {
                    input.put(e.getKey(), fileParams.contains(source) ? files.url(v.toString()) : v);
                    break;
                }
            }
        }
        Known k = target.known();
        if (k != null && k.outputFormat() != null) {
            outputFormat(outputExtension, k.outputFormat().values()).ifPresent(f -> input.put(k.outputFormat().field(), f));
        }
        CapabilitySchema schema = CapabilitySchema.of(capability);
        List<String> ignored = new ArrayList<>();
        for (Map.Entry<String, Object> e : new java.util.TreeMap<>(p).entrySet()) {
            String name = e.getKey();
            if (consumed.contains(name) || e.getValue() == null) {
                continue;
            }
            if (k != null && schema.param(name).isPresent()) {
                // A portable parameter this model has no field for.
                ignored.add(name);
                continue;
            }
            input.put(name, fileParams.contains(name) ? files.url(e.getValue().toString()) : e.getValue());
        }
        if (p.get("input") instanceof Map<?, ?> raw) {
            raw.forEach((key, value) -> input.put(String.valueOf(key), value));
        }
        return new Built(input, ignored);
    }

    /** The model's value for the output file's extension, if it takes it. */
    static java.util.Optional<String> outputFormat(String extension, List<String> values) {
        String ext = extension.toLowerCase(Locale.ROOT);
        if (ext.equals("jpeg") && values.contains("jpg")) {
            ext = "jpg";
        } else if (ext.equals("jpg") && !values.contains("jpg") && values.contains("jpeg")) {
            ext = "jpeg";
        }
        return values.contains(ext) ? java.util.Optional.of(ext) : java.util.Optional.empty();
    }

    /** What a step must give for a model, and what its output file must be, before anything is sent. */
    static List<Issue> check(Target target, Capability capability, Map<String, Object> p, String outputExtension) {
        List<Issue> issues = new ArrayList<>();
        Object wait = p.get("prefer_wait");
        if (wait != null && !(wait instanceof String s && s.contains("{{"))) {
            Integer seconds = wait instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                    ? n.intValue() : null;
            if (seconds == null || seconds < 0 || seconds > 60) {
                issues.add(new Issue("prefer_wait", "prefer_wait is " + wait + "; Replicate holds a request 1 to 60"
                        + " seconds", "set prefer_wait to a whole number from 0 (poll only) to 60"));
            }
        }
        Object raw = p.get("input");
        if (raw != null && !(raw instanceof Map<?, ?>)) {
            issues.add(new Issue("input", "input must be a map of model input fields",
                    "write input: {field: value, ...}"));
        }
        Known k = target.known();
        if (k == null) {
            return issues;
        }
        Map<?, ?> rawInput = raw instanceof Map<?, ?> m ? m : Map.of();
        for (String field : k.required()) {
            List<String> sources = k.input().getOrDefault(field, List.of(field));
            boolean given = rawInput.containsKey(field) || sources.stream().anyMatch(s -> p.get(s) != null);
            if (!given) {
                issues.add(new Issue(sources.get(0), k.name() + " needs " + field + " (from " + String.join(" or ",
                        sources) + ")", "set " + sources.get(0) + " in the step's config"));
            }
        }
        if (k.outputFormat() != null && outputFormat(outputExtension, k.outputFormat().values()).isEmpty()) {
            issues.add(new Issue(null, k.name() + " makes " + String.join(", ", k.outputFormat().values())
                    + " files, which a ." + outputExtension + " file cannot hold", "name the output ."
                    + k.outputFormat().values().get(k.outputFormat().values().size() - 1)));
        }
        return issues;
    }
}
