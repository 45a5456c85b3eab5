package dev.acp.providers.replicate;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.acp.pipeline.Capability;
import dev.acp.providers.replicate.internal.ModelsFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The Replicate models ACP knows by name ({@code models.yaml}), and how a step's {@code model}
 * becomes a prediction target: a catalog name, {@code owner/name}, {@code owner/name:version} or
 * a bare 64-hex version id (providers.md 7.2).
 */
final class ReplicateModels {
    private static final Pattern REF = Pattern.compile(
            "([A-Za-z0-9][A-Za-z0-9._-]*)/([A-Za-z0-9][A-Za-z0-9._-]*)(?::([0-9a-fA-F]{64}))?");
    private static final Pattern VERSION = Pattern.compile("[0-9a-fA-F]{64}");

    /**
     * Where a step's prediction is created.
     *
     * @param owner the model's owner, or null for a bare version id
     * @param version the version id, or null to run the model's current version (official models)
     * @param known the catalog entry, or null for a model named directly
     */
    record Target(@Nullable String owner, @Nullable String name, @Nullable String version, @Nullable Known known) {
        /** {@code owner/name[:version]} or the bare version, for reports. */
        String ref() {
            String model = owner == null ? "" : owner + "/" + name;
            return version == null ? model : model.isEmpty() ? version : model + ":" + version;
        }
    }

    /** A model of the catalog. */
    record Known(String name, Capability capability, String ref, String title, @Nullable Integer waitSeconds,
            Map<String, List<String>> input, ModelsFile.@Nullable OutputFormat outputFormat, List<String> required,
            @Nullable String note) {}

    /** A model name that is neither known nor a Replicate model reference. */
    static final class UnknownModel extends Exception {
        UnknownModel(String message) {
            super(message);
        }
    }

    private final Map<String, Known> models;
    private final Map<Capability, String> defaults;

    private ReplicateModels(Map<String, Known> models, Map<Capability, String> defaults) {
        this.models = Map.copyOf(models);
        this.defaults = Map.copyOf(defaults);
    }

    static ReplicateModels builtIn() {
        try (InputStream in = ReplicateModels.class.getResourceAsStream("models.yaml")) {
            if (in == null) {
                throw new IllegalStateException("dev/acp/providers/replicate/models.yaml is missing from the jar");
            }
            ModelsFile f = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(in, ModelsFile.class);
            Map<String, Known> models = new LinkedHashMap<>();
            f.models().forEach((name, m) -> {
                if (!REF.matcher(m.ref()).matches()) {
                    throw new IllegalStateException("replicate models.yaml: " + name + " has a bad ref " + m.ref());
                }
                models.put(name, new Known(name, capability(m.capability()), m.ref(), m.title(), m.waitSeconds(),
                        Map.copyOf(m.input()), m.outputFormat(), m.required() == null ? List.of() : m.required(),
                        m.note()));
            });
            Map<Capability, String> defaults = new LinkedHashMap<>();
            f.defaults().forEach((cap, name) -> {
                if (!models.containsKey(name)) {
                    throw new IllegalStateException("replicate models.yaml: default " + name + " is not a model");
                }
                defaults.put(capability(cap), name);
            });
            return new ReplicateModels(models, defaults);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Replicate's models.yaml", e);
        }
    }

    private static Capability capability(String name) {
        return Capability.fromWireName(name)
                .orElseThrow(() -> new IllegalStateException("replicate models.yaml names unknown capability " + name));
    }

    Map<String, Known> known() {
        return models;
    }

    Target resolve(Capability capability, @Nullable String model) throws UnknownModel {
        String name = model == null || model.isBlank() ? defaults.get(capability) : model.trim();
        if (name == null) {
            throw new UnknownModel("Replicate has no default model for " + capability.wireName()
                    + "; name one with model: owner/name");
        }
        Known k = models.get(name);
        if (k != null) {
            if (k.capability() != capability) {
                throw new UnknownModel("Replicate model '" + name + "' does " + k.capability().wireName() + ", not "
                        + capability.wireName() + "; use " + namesFor(capability) + " or model: owner/name");
            }
            Target t = parse(k.ref());
            return new Target(t.owner(), t.name(), t.version(), k);
        }
        if (VERSION.matcher(name).matches()) {
            return new Target(null, null, name.toLowerCase(Locale.ROOT), null);
        }
        Matcher m = REF.matcher(name);
        if (m.matches()) {
            return parse(name);
        }
        throw new UnknownModel("'" + name + "' is not a Replicate model: write owner/name or owner/name:<64-hex"
                + " version>, or use " + namesFor(capability));
    }

    private static Target parse(String ref) {
        Matcher m = REF.matcher(ref);
        if (!m.matches()) {
            throw new IllegalArgumentException(ref);
        }
        return new Target(m.group(1), m.group(2), m.group(3) == null ? null : m.group(3).toLowerCase(Locale.ROOT), null);
    }

    private String namesFor(Capability capability) {
        List<String> names = models.values().stream().filter(k -> k.capability() == capability).map(Known::name).toList();
        return names.isEmpty() ? "owner/name" : String.join(", ", names);
    }
}
