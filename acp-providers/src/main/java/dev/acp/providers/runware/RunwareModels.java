package dev.acp.providers.runware;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.acp.pipeline.Capability;
import dev.acp.providers.runware.internal.ModelsFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The Runware models ACP knows by name ({@code models.yaml}), and how a step's {@code model}
 * becomes an AIR id: a catalog name, else an AIR id as written, else the capability's default.
 */
final class RunwareModels {
    /** Runware's AIR ids: {@code source:number@version}, for example {@code runware:101@1} or {@code klingai:5@3}. */
    static final Pattern AIR = Pattern.compile("[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+");

    /** A model as resolved for one step. */
    record Target(String air, @Nullable String name) {}

    /** A known model. */
    record Known(String name, Capability capability, String air, String title, @Nullable String note) {}

    /** A model name that is neither known nor an AIR id. */
    static final class UnknownModel extends Exception {
        UnknownModel(String message) {
            super(message);
        }
    }

    private final Map<String, Known> models;
    private final Map<Capability, String> defaults;

    private RunwareModels(Map<String, Known> models, Map<Capability, String> defaults) {
        this.models = Map.copyOf(models);
        this.defaults = Map.copyOf(defaults);
    }

    static RunwareModels builtIn() {
        try (InputStream in = RunwareModels.class.getResourceAsStream("models.yaml")) {
            if (in == null) {
                throw new IllegalStateException("dev/acp/providers/runware/models.yaml is missing from the jar");
            }
            ModelsFile f = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(in, ModelsFile.class);
            Map<String, Known> models = new LinkedHashMap<>();
            f.models().forEach((name, m) -> models.put(name, new Known(name, capability(m.capability()), m.air(),
                    m.title(), m.note())));
            Map<Capability, String> defaults = new LinkedHashMap<>();
            f.defaults().forEach((cap, names) -> defaults.put(capability(cap), names.get(0)));
            return new RunwareModels(models, defaults);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Runware's models.yaml", e);
        }
    }

    private static Capability capability(String name) {
        return Capability.fromWireName(name)
                .orElseThrow(() -> new IllegalStateException("runware models.yaml names unknown capability " + name));
    }

    Map<String, Known> known() {
        return models;
    }

    Target resolve(Capability capability, @Nullable String model) throws UnknownModel {
        if (model == null || model.isBlank()) {
            String name = defaults.get(capability);
            if (name == null) {
                throw new UnknownModel("Runware has no default model for " + capability.wireName());
            }
            return new Target(models.get(name).air(), name);
        }
        Known k = models.get(model);
        if (k != null) {
            if (k.capability() != capability) {
                throw new UnknownModel("Runware model '" + model + "' does " + k.capability().wireName() + ", not "
                        + capability.wireName() + "; use " + namesFor(capability));
            }
            return new Target(k.air(), model);
        }
        if (AIR.matcher(model).matches()) {
            return new Target(model, null);
        }
        throw new UnknownModel("unknown Runware model '" + model + "': use " + namesFor(capability)
                + ", or an AIR id such as runware:101@1");
    }

    private String namesFor(Capability capability) {
        List<String> names = models.values().stream().filter(k -> k.capability() == capability).map(Known::name)
                .toList();
        return names.isEmpty() ? "an AIR id" : String.join(", ", names);
    }
}
