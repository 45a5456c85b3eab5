package dev.acp.providers.fal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.acp.pipeline.Capability;
import dev.acp.providers.fal.internal.ModelsFile;
import dev.acp.util.Suggestions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The fal models ACP knows by name, read from {@code models.yaml} beside this class: each model's
 * capability, endpoint id and input mapping, and the default models per capability. Names that
 * are not listed but look like fal endpoint ids ({@code owner/app[/path]}) are sent as written.
 */
final class FalModels {

    /** How a model input field is made from ACP's parameters (the {@code as:} of models.yaml). */
    enum As {
        ANY, TEXT, STRING, INTEGER, NUMBER, BOOLEAN, FILE, IMAGE_SIZE, ASPECT_RATIO, OUTPUT_FORMAT;

        static As of(@Nullable String name) {
            if (name == null) {
                return ANY;
            }
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("models.yaml: unknown conversion 'as: " + name + "'");
            }
        }
    }

    /**
     * One input field of a model.
     *
     * @param name the model's input field
     * @param from the ACP parameters read, first present wins
     * @param values accepted values after conversion; empty for any
     */
    record Field(String name, List<String> from, As as, List<Object> values, @Nullable Object defaultValue,
            @Nullable Object value, boolean required, String suffix) {
        Field {
            from = List.copyOf(from);
            values = List.copyOf(values);
        }
    }

    /**
     * A model ACP knows by name.
     *
     * @param fixed ACP parameters whose value the model fixes (see models.yaml)
     */
    record Model(String name, Capability capability, String endpoint, String title, List<Field> input,
            Map<String, List<Object>> fixed) {
        Model {
            input = List.copyOf(input);
            fixed = Collections.unmodifiableMap(new LinkedHashMap<>(fixed));
        }

        /** The ACP parameters this model reads (or checks, for fixed ones). */
        Set<String> reads() {
            Set<String> out = new TreeSet<>(fixed.keySet());
            for (Field f : input) {
                if (f.value() == null) {
                    out.addAll(f.from());
                    if (f.as() == As.IMAGE_SIZE || f.as() == As.ASPECT_RATIO) {
                        out.addAll(List.of("image_size", "aspect_ratio", "width", "height"));
                    }
                }
            }
            return out;
        }
    }

    /**
     * What a step is sent to.
     *
     * @param model the catalog model, or null for an endpoint id named directly (parameters pass through)
     */
    record Target(String endpoint, @Nullable Model model) {}

    /** A model name that names nothing fal can run for the step. */
    static final class UnknownModel extends Exception {
        private final String fix;

        UnknownModel(String message, String fix) {
            super(message, null, false, false);
            this.fix = fix;
        }

        String fix() {
            return fix;
        }
    }

    /** owner/app[/path...]: letters, digits, '.', '_' and '-' in each segment; no "." or ".." segments. */
    private static final Pattern ENDPOINT_ID =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9._-]*[A-Za-z0-9_-][A-Za-z0-9._-]*)+");

    private static final FalModels BUILT_IN = load();

    private final Map<String, Model> models;
    private final Map<Capability, List<Model>> defaults;

    private FalModels(Map<String, Model> models, Map<Capability, List<Model>> defaults) {
        this.models = Collections.unmodifiableMap(models);
        this.defaults = Collections.unmodifiableMap(defaults);
    }

    static FalModels builtIn() {
        return BUILT_IN;
    }

    /** Every model by name, sorted. */
    Map<String, Model> models() {
        return new TreeMap<>(models);
    }

    Optional<Model> model(String name) {
        return Optional.ofNullable(models.get(name));
    }

    /** The default models of a capability, in order of preference. */
    List<Model> defaults(Capability capability) {
        return defaults.getOrDefault(capability, List.of());
    }

    /** Whether {@code name} has the form of a fal endpoint id, so that it may be sent as written. */
    static boolean isEndpointId(String name) {
        return ENDPOINT_ID.matcher(name).matches();
    }

    /** The union of the parameters read by the models of {@code capability}, plus {@code model}. */
    Set<String> parameters(Capability capability) {
        Set<String> out = new TreeSet<>(Set.of("model"));
        models.values().stream().filter(m -> m.capability() == capability).forEach(m -> out.addAll(m.reads()));
        return Collections.unmodifiableSet(out);
    }

    /**
     * Where a step goes: the named catalog model, an endpoint id as written, or the first default
     * model of the capability whose required inputs the parameters hold.
     *
     * @throws UnknownModel for a name that is neither, or a catalog model of another capability
     */
    Target resolve(Capability capability, @Nullable String name, Map<String, Object> parameters) throws UnknownModel {
        if (name == null || name.isBlank()) {
            List<Model> candidates = defaults(capability);
            if (candidates.isEmpty()) {
                throw new UnknownModel("fal has no default model for " + capability.wireName(),
                        "name a model with 'model:' (see 'acp info')");
            }
            for (Model m : candidates) {
                if (m.input().stream().filter(Field::required)
                        .allMatch(f -> f.from().stream().anyMatch(k -> present(parameters.get(k))))) {
                    return new Target(m.endpoint(), m);
                }
            }
            return new Target(candidates.get(0).endpoint(), candidates.get(0));
        }
        Model m = models.get(name);
        if (m != null) {
            if (m.capability() != capability) {
                throw new UnknownModel("fal model '" + name + "' is a " + m.capability().wireName()
                        + " model, not " + capability.wireName(), fix(capability, name));
            }
            return new Target(m.endpoint(), m);
        }
        if (isEndpointId(name)) {
            return new Target(name, null);
        }
        throw new UnknownModel("unknown fal model '" + name + "'", fix(capability, name));
    }

    private String fix(Capability capability, String name) {
        List<String> same = models.values().stream().filter(m -> m.capability() == capability).map(Model::name)
                .sorted().toList();
        return Suggestions.nearest(name, same).map(s -> "did you mean '" + s + "'? ").orElse("")
                + "use one of " + String.join(", ", same) + ", or a fal endpoint id such as "
                + (same.isEmpty() ? "fal-ai/flux/dev" : models.get(same.get(0)).endpoint());
    }

    static boolean present(@Nullable Object v) {
        return v != null && !(v instanceof String s && s.isBlank());
    }

    // ---- loading -------------------------------------------------------------------------------

    private static FalModels load() {
        try (InputStream in = FalModels.class.getResourceAsStream("models.yaml")) {
            if (in == null) {
                throw new IllegalStateException("dev/acp/providers/fal/models.yaml is missing from the ACP jar");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the fal model catalog", e);
        }
    }

    static FalModels parse(InputStream in) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
        ModelsFile file = yaml.readValue(in, ModelsFile.class);
        if (file.version() != 1) {
            throw new IllegalStateException("models.yaml: unsupported version " + file.version());
        }
        Map<String, Model> models = new LinkedHashMap<>();
        file.models().forEach((name, form) -> models.put(name, model(name, form)));
        Map<Capability, List<Model>> defaults = new EnumMap<>(Capability.class);
        file.defaults().forEach((cap, names) -> {
            Capability c = capability(cap);
            List<Model> list = new ArrayList<>();
            for (String n : names) {
                Model m = models.get(n);
                if (m == null || m.capability() != c) {
                    throw new IllegalStateException("models.yaml: default " + n + " is not a " + cap + " model");
                }
                list.add(m);
            }
            defaults.put(c, List.copyOf(list));
        });
        return new FalModels(models, defaults);
    }

    private static Model model(String name, ModelsFile.Model form) {
        if (!isEndpointId(form.endpoint())) {
            throw new IllegalStateException("models.yaml: " + name + " has a malformed endpoint id " + form.endpoint());
        }
        List<Field> fields = new ArrayList<>();
        form.input().forEach((field, f) -> {
            As as = As.of(f.as());
            List<String> from = f.from() == null || f.from().isEmpty() ? List.of(field) : f.from();
            fields.add(new Field(field, from, as, f.values() == null ? List.of() : f.values(), f.defaultValue(),
                    f.value(), Boolean.TRUE.equals(f.required()), f.suffix() == null ? "" : f.suffix()));
        });
        Map<String, List<Object>> fixed = new LinkedHashMap<>();
        if (form.fixed() != null) {
            form.fixed().forEach((k, v) -> fixed.put(k, v instanceof List<?> l ? List.copyOf(l) : List.of(v)));
        }
        return new Model(name, capability(form.capability()), form.endpoint(),
                form.title() == null ? name : form.title(), fields, fixed);
    }

    private static Capability capability(String wireName) {
        return Capability.fromWireName(wireName)
                .orElseThrow(() -> new IllegalStateException("models.yaml: unknown capability " + wireName));
    }
}
