package dev.acp.providers.fal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.CapabilitySchema;
import dev.acp.provider.Provider;
import dev.acp.providers.fal.FalModels.As;
import dev.acp.providers.fal.FalModels.Field;
import dev.acp.providers.fal.FalModels.Model;
import dev.acp.providers.fal.FalModels.Target;
import dev.acp.providers.support.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Turns a step's parameters into a fal model's input JSON, by the mapping of {@code models.yaml}
 * for catalog models and by pass-through for endpoint ids named directly; and checks them before
 * a run with the same rules, so that what validation accepts is what is sent.
 */
final class FalInput {

    /** Resolves a local input file to a URL fal can read (upload, or data URI). */
    @FunctionalInterface
    interface Files {
        String url(Path file) throws ProviderException, InterruptedException;
    }

    /**
     * A model input ready to submit.
     *
     * @param ignored step parameters the model does not read (catalog models only)
     */
    record Built(ObjectNode body, List<String> ignored) {}

    /** Sizes fal's image models take by name. */
    static final Map<String, int[]> IMAGE_SIZE_PRESETS = Map.of(
            "square_hd", new int[] {1, 1}, "square", new int[] {1, 1},
            "portrait_4_3", new int[] {3, 4}, "portrait_16_9", new int[] {9, 16},
            "landscape_4_3", new int[] {4, 3}, "landscape_16_9", new int[] {16, 9});

    /** Portable names of file inputs and the fal field they go to when an endpoint id is named directly. */
    private static final Map<String, String> PASS_THROUGH_NAMES = Map.of(
            "image", "image_url", "image_path", "image_url", "video", "video_url", "audio", "audio_url");

    /** A problem with one parameter (or the step, when {@code parameter} is null). */
    static final class Bad extends Exception {
        private final @Nullable String parameter;
        private final String fix;

        Bad(@Nullable String parameter, String message, String fix) {
            super(message, null, false, false);
            this.parameter = parameter;
            this.fix = fix;
        }

        Provider.Issue issue() {
            return new Provider.Issue(parameter, getMessage(), fix);
        }

        ProviderException exception() {
            return new ProviderException(ErrorKind.VALIDATION, "fal: " + getMessage() + " (" + fix + ")");
        }
    }

    /** A file input, resolved to a URL only when the input is built for sending. */
    private record FileRef(String parameter, String value) {}

    private FalInput() {}

    // ---- building ------------------------------------------------------------------------------

    static Built build(Target target, Capability capability, Map<String, Object> parameters, String outputExtension,
            Files files) throws ProviderException, InterruptedException {
        ObjectNode body = Json.MAPPER.createObjectNode();
        Model model = target.model();
        if (model == null) {
            passThrough(capability, parameters, body, files);
            return new Built(body, List.of());
        }
        try {
            checkFixed(model, parameters, false);
            for (Field f : model.input()) {
                Optional<Object> v = value(model, f, parameters, outputExtension, false);
                if (v.isPresent()) {
                    Object value = v.get() instanceof FileRef ref ? resolve(ref, files) : v.get();
                    body.set(f.name(), Json.MAPPER.valueToTree(value));
                }
            }
        } catch (Bad e) {
            throw e.exception();
        }
        Set<String> reads = model.reads();
        List<String> ignored = parameters.keySet().stream().filter(k -> !k.equals("model") && !reads.contains(k))
                .sorted().toList();
        return new Built(body, ignored);
    }

    /**
     * An endpoint id named directly: parameters go as written, except {@code model}, portable file
     * names ({@code image} → {@code image_url}, ...), local files (uploaded), and {@code text} as
     * the prompt of text-to-image and text-to-video steps that give no {@code prompt}.
     */
    private static void passThrough(Capability capability, Map<String, Object> parameters, ObjectNode body,
            Files files) throws ProviderException, InterruptedException {
        Set<String> fileParams = CapabilitySchema.of(capability).fileParameters();
        Map<String, Object> out = new LinkedHashMap<>();
        // Names as written first, so that an explicit image_url wins over image.
        for (var e : new java.util.TreeMap<>(parameters).entrySet()) {
            String key = e.getKey();
            if (key.equals("model") || PASS_THROUGH_NAMES.containsKey(key)) {
                continue;
            }
            Object v = e.getValue();
            if ((fileParams.contains(key) || key.endsWith("_url")) && v instanceof String s && isLocal(s)) {
                v = resolve(new FileRef(key, s), files);
            }
            out.put(key, v);
        }
        for (var e : new java.util.TreeMap<>(PASS_THROUGH_NAMES).entrySet()) {
            Object v = parameters.get(e.getKey());
            if (v != null && !out.containsKey(e.getValue())) {
                out.put(e.getValue(), v instanceof String s && isLocal(s) ? resolve(new FileRef(e.getKey(), s), files) : v);
            }
        }
        if ((capability == Capability.TEXT_TO_IMAGE || capability == Capability.TEXT_TO_VIDEO)
                && !out.containsKey("prompt") && out.get("text") != null) {
            out.put("prompt", out.remove("text"));
        }
        out.forEach((k, v) -> body.set(k, Json.MAPPER.valueToTree(v)));
    }

    static boolean isLocal(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        return !(v.startsWith("http://") || v.startsWith("https://") || v.startsWith("data:"));
    }

    private static String resolve(FileRef ref, Files files) throws ProviderException, InterruptedException {
        if (!isLocal(ref.value())) {
            return ref.value();
        }
        Path p;
        try {
            p = Path.of(ref.value());
        } catch (java.nio.file.InvalidPathException e) {
            throw new ProviderException(ErrorKind.VALIDATION, "fal: " + ref.parameter() + " is neither a URL nor a file"
                    + " path: " + ref.value());
        }
        if (!java.nio.file.Files.isRegularFile(p)) {
            throw new ProviderException(ErrorKind.VALIDATION, "fal: the input file of " + ref.parameter()
                    + " does not exist: " + p);
        }
        return files.url(p);
    }

    // ---- checking ------------------------------------------------------------------------------

    /** Validation of a step's parameters as written (values holding {@code {{...}}} are known only at run time). */
    static List<Provider.Issue> check(Target target, Map<String, Object> parameters, String outputExtension) {
        List<Provider.Issue> issues = new ArrayList<>();
        Model model = target.model();
        if (model == null) {
            return issues;
        }
        try {
            checkFixed(model, parameters, true);
        } catch (Bad e) {
            issues.add(e.issue());
        }
        for (Field f : model.input()) {
            try {
                value(model, f, parameters, outputExtension, true);
            } catch (Bad e) {
                issues.add(e.issue());
            }
        }
        return issues;
    }

    private static void checkFixed(Model model, Map<String, Object> parameters, boolean lenient) throws Bad {
        for (var e : model.fixed().entrySet()) {
            Object v = parameters.get(e.getKey());
            if (v == null || lenient && templated(v)) {
                continue;
            }
            boolean fits = e.getValue().stream().anyMatch(allowed -> same(allowed, v));
            if (!fits) {
                throw new Bad(e.getKey(), model.name() + " always makes " + e.getKey() + " "
                        + join(e.getValue(), "") + ", not " + v, "remove " + e.getKey() + ", or choose a model that"
                        + " takes it (see 'acp info')");
            }
        }
    }

    // ---- one field -----------------------------------------------------------------------------

    /**
     * The value of a field, or empty to leave it out.
     *
     * @param lenient validation before the run: values still holding templates are accepted
     */
    private static Optional<Object> value(Model model, Field f, Map<String, Object> p, String ext, boolean lenient)
            throws Bad {
        if (f.value() != null) {
            return Optional.of(f.value());
        }
        if (f.as() == As.OUTPUT_FORMAT) {
            return Optional.of(outputFormat(model, f, ext));
        }
        if (f.as() == As.IMAGE_SIZE) {
            return orDefault(f, imageSize(model, p, lenient));
        }
        if (f.as() == As.ASPECT_RATIO) {
            return orDefault(f, aspectRatio(model, f, p, lenient));
        }
        String source = f.from().stream().filter(k -> FalModels.present(p.get(k))).findFirst().orElse(null);
        if (source == null) {
            if (f.defaultValue() != null) {
                return Optional.of(f.defaultValue());
            }
            if (f.required()) {
                String first = f.from().get(0);
                throw new Bad(first, model.name() + " needs " + String.join(" or ", f.from()),
                        "add '" + first + ": ...' under config");
            }
            return Optional.empty();
        }
        Object raw = p.get(source);
        if (lenient && templated(raw)) {
            return Optional.empty();
        }
        Object v = convert(model, f, source, raw);
        if (!f.values().isEmpty() && f.values().stream().noneMatch(a -> same(a, v))) {
            throw new Bad(source, model.name() + " takes " + source + " " + join(f.values(), f.suffix()) + ", not "
                    + raw, "write one of them, or choose another model");
        }
        return Optional.of(v);
    }

    private static Optional<Object> orDefault(Field f, Optional<Object> v) {
        return v.isPresent() || f.defaultValue() == null ? v : Optional.of(f.defaultValue());
    }

    private static Object convert(Model model, Field f, String source, Object raw) throws Bad {
        return switch (f.as()) {
            case ANY -> raw;
            case TEXT -> raw.toString();
            case FILE -> new FileRef(source, raw.toString());
            case STRING -> {
                String s = raw instanceof Number n ? plain(n) : raw.toString().trim();
                yield f.suffix().isEmpty() || s.endsWith(f.suffix()) ? s : s + f.suffix();
            }
            case INTEGER -> {
                Optional<Double> d = number(raw);
                if (d.isEmpty() || d.get() != Math.rint(d.get())) {
                    throw new Bad(source, source + " must be a whole number for " + model.name() + ", not " + raw,
                            "write for example '" + source + ": 1'");
                }
                yield d.get().longValue();
            }
            case NUMBER -> {
                if (raw instanceof Number n) {
                    yield n;
                }
                yield number(raw).orElseThrow(() -> new Bad(source, source + " must be a number, not " + raw,
                        "write for example '" + source + ": 0.5'"));
            }
            case BOOLEAN -> {
                if (raw instanceof Boolean b) {
                    yield b;
                }
                String s = raw.toString().trim().toLowerCase(Locale.ROOT);
                if (s.equals("true") || s.equals("false")) {
                    yield Boolean.parseBoolean(s);
                }
                throw new Bad(source, source + " must be true or false, not " + raw, "write '" + source + ": true'");
            }
            case IMAGE_SIZE, ASPECT_RATIO, OUTPUT_FORMAT -> throw new IllegalStateException("handled by the caller");
        };
    }

    private static String outputFormat(Model model, Field f, String ext) throws Bad {
        String format = switch (ext) {
            case "jpg", "jpeg" -> "jpeg";
            case "png" -> "png";
            case "webp" -> "webp";
            default -> ext;
        };
        if (!f.values().isEmpty() && !f.values().contains(format)) {
            String exts = f.values().stream().map(v -> "jpeg".equals(v) ? ".jpg" : "." + v).collect(Collectors.joining(" or "));
            throw new Bad(null, model.name() + " cannot write a ." + ext + " file; it makes " + join(f.values(), ""),
                    "name the output " + exts);
        }
        return format;
    }

    /** {@code image_size} as a preset or {width, height}; else from width/height; else from aspect_ratio. */
    private static Optional<Object> imageSize(Model model, Map<String, Object> p, boolean lenient) throws Bad {
        Object size = p.get("image_size");
        if (size != null) {
            if (lenient && templated(size)) {
                return Optional.empty();
            }
            if (size instanceof String s) {
                if (!IMAGE_SIZE_PRESETS.containsKey(s)) {
                    throw new Bad("image_size", model.name() + " has no image size '" + s + "'", "use one of "
                            + String.join(", ", new TreeSet<>(IMAGE_SIZE_PRESETS.keySet())) + ", or {width, height}");
                }
                return Optional.of(s);
            }
            if (size instanceof Map<?, ?> m) {
                return Optional.of(dimensions(model, "image_size", m.get("width"), m.get("height")));
            }
            throw new Bad("image_size", "image_size must be a preset name or {width, height}", "write 'image_size: landscape_16_9'");
        }
        Object w = p.get("width");
        Object h = p.get("height");
        if (w != null && h != null) {
            if (lenient && (templated(w) || templated(h))) {
                return Optional.empty();
            }
            return Optional.of(dimensions(model, "width", w, h));
        }
        Object ratio = p.get("aspect_ratio");
        if (ratio != null && !(lenient && templated(ratio))) {
            double[] r = ratio(ratio.toString()).orElseThrow(() -> new Bad("aspect_ratio",
                    "aspect_ratio must look like 16:9, not " + ratio, "write 'aspect_ratio: \"16:9\"'"));
            for (var e : new java.util.TreeMap<>(IMAGE_SIZE_PRESETS).entrySet()) {
                if (!e.getKey().equals("square") && e.getValue()[0] * r[1] == e.getValue()[1] * r[0]) {
                    return Optional.of(e.getKey());
                }
            }
            // About one megapixel in the asked shape, in multiples of 16 as diffusion models like.
            double scale = Math.sqrt(1024.0 * 1024.0 / (r[0] * r[1]));
            return Optional.of(Map.of("width", round16(r[0] * scale), "height", round16(r[1] * scale)));
        }
        return Optional.empty();
    }

    private static Map<String, Object> dimensions(Model model, String parameter, @Nullable Object w, @Nullable Object h)
            throws Bad {
        Optional<Double> width = w == null ? Optional.empty() : number(w);
        Optional<Double> height = h == null ? Optional.empty() : number(h);
        if (width.isEmpty() || height.isEmpty() || width.get() < 1 || height.get() < 1) {
            throw new Bad(parameter, model.name() + " needs a positive width and height", "write 'width: 1024' and"
                    + " 'height: 768'");
        }
        return Map.of("width", width.get().longValue(), "height", height.get().longValue());
    }

    /** aspect_ratio as given (it must be one the model takes); else the nearest to image_size or width/height. */
    private static Optional<Object> aspectRatio(Model model, Field f, Map<String, Object> p, boolean lenient) throws Bad {
        Object given = p.get("aspect_ratio");
        if (given != null) {
            if (lenient && templated(given)) {
                return Optional.empty();
            }
            String s = given.toString().trim().replace('/', ':');
            if (ratio(s).isEmpty()) {
                throw new Bad("aspect_ratio", "aspect_ratio must look like 16:9, not " + given, "write 'aspect_ratio: \"16:9\"'");
            }
            if (!f.values().isEmpty() && !f.values().contains(s)) {
                throw new Bad("aspect_ratio", model.name() + " takes aspect_ratio " + join(f.values(), "") + ", not " + s,
                        "write one of them, or choose another model");
            }
            return Optional.of(s);
        }
        double[] r = null;
        Object size = p.get("image_size");
        if (size instanceof String s && IMAGE_SIZE_PRESETS.containsKey(s)) {
            int[] preset = IMAGE_SIZE_PRESETS.get(s);
            r = new double[] {preset[0], preset[1]};
        } else if (size instanceof Map<?, ?> m && m.get("width") instanceof Number w && m.get("height") instanceof Number h) {
            r = new double[] {w.doubleValue(), h.doubleValue()};
        } else if (p.get("width") != null && p.get("height") != null) {
            Optional<Double> w = number(p.get("width"));
            Optional<Double> h = number(p.get("height"));
            if (w.isPresent() && h.isPresent()) {
                r = new double[] {w.get(), h.get()};
            }
        }
        if (r == null || r[0] <= 0 || r[1] <= 0) {
            return Optional.empty();
        }
        if (f.values().isEmpty()) {
            long g = gcd(Math.round(r[0]), Math.round(r[1]));
            return Optional.of(Math.round(r[0]) / g + ":" + Math.round(r[1]) / g);
        }
        double want = Math.log(r[0] / r[1]);
        Object best = null;
        double bestDistance = Double.MAX_VALUE;
        for (Object v : f.values()) {
            Optional<double[]> vr = ratio(v.toString());
            if (vr.isPresent()) {
                double d = Math.abs(Math.log(vr.get()[0] / vr.get()[1]) - want);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = v;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static Optional<double[]> ratio(String s) {
        String[] parts = s.trim().split("[:/]");
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

    private static long gcd(long a, long b) {
        return b == 0 ? Math.max(1, a) : gcd(b, a % b);
    }

    private static long round16(double v) {
        return Math.max(16, Math.round(v / 16) * 16);
    }

    static Optional<Double> number(@Nullable Object v) {
        if (v instanceof Number n) {
            return Optional.of(n.doubleValue());
        }
        if (v instanceof String s) {
            try {
                return Optional.of(Double.parseDouble(s.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** 5, 5.0 and "5" are the same value; "5s" only equals "5s". */
    private static boolean same(Object allowed, Object v) {
        if (allowed.equals(v) || allowed.toString().equals(v.toString())) {
            return true;
        }
        Optional<Double> a = number(allowed);
        Optional<Double> b = number(v);
        return a.isPresent() && b.isPresent() && a.get().doubleValue() == b.get().doubleValue();
    }

    private static String plain(Number n) {
        double d = n.doubleValue();
        return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : n.toString();
    }

    private static String join(List<Object> values, String suffix) {
        List<String> shown = values.stream().map(v -> {
            String s = v.toString();
            return !suffix.isEmpty() && s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
        }).toList();
        if (shown.size() == 1) {
            return shown.get(0);
        }
        return String.join(", ", shown.subList(0, shown.size() - 1)) + " or " + shown.get(shown.size() - 1);
    }

    private static boolean templated(Object v) {
        return v instanceof String s && s.contains("{{");
    }
}
