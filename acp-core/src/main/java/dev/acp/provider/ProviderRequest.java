package dev.acp.provider;

import dev.acp.pipeline.Capability;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One call of a provider for one step attempt. Parameters are already rendered (templates
 * resolved, input file references turned into absolute paths).
 *
 * @param stepId the step's id, for logs and provider metadata
 * @param model the model named in the pipeline or chosen by the catalog, or null for the default
 * @param parameters the step's {@code config} after templating; values are String, Number,
 *     Boolean, List or Map
 * @param outputFile where the provider writes its main file: a temporary name in the output
 *     folder with the final extension; the engine renames it atomically once the step succeeds.
 *     Text-producing capabilities may leave it unwritten and return text instead.
 * @param finalOutputFile the name {@code outputFile} gets once the step succeeds, for what a
 *     provider reports about its output and to name side files (see {@link #sideFile}); equal to
 *     {@code outputFile} when a provider is called outside the engine
 * @param context services of the running step (progress, scratch folder, cancellation)
 */
public record ProviderRequest(
        String stepId,
        Capability capability,
        @Nullable String model,
        Map<String, Object> parameters,
        Path outputFile,
        Path finalOutputFile,
        StepContext context) {

    public ProviderRequest {
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(capability, "capability");
        parameters = Map.copyOf(parameters);
        Objects.requireNonNull(outputFile, "outputFile");
        Objects.requireNonNull(finalOutputFile, "finalOutputFile");
        Objects.requireNonNull(context, "context");
    }

    /** A request whose output file is already its final name: a provider called outside the engine. */
    public ProviderRequest(String stepId, Capability capability, @Nullable String model, Map<String, Object> parameters,
            Path outputFile, StepContext context) {
        this(stepId, capability, model, parameters, outputFile, outputFile, context);
    }

    /**
     * Where to write a file or folder that belongs beside the main output, named after it: the
     * main output's base name followed by {@code suffix} ({@code .srt}, {@code _keyframes}). Write
     * it completely at {@link SideFile#written()}, report {@link SideFile#target()}, and list it in
     * {@link ProviderResult#sideFiles()}; the engine moves it into place with the main output.
     *
     * @throws IllegalArgumentException for a suffix with a folder separator, or one that would
     *     name the main output itself
     */
    public SideFile sideFile(String suffix) {
        SideFile file = SideFile.of(outputFile, finalOutputFile, suffix);
        context.sideFileHandedOut(file);
        return file;
    }

    public Optional<String> modelName() {
        return Optional.ofNullable(model);
    }

    /** A string parameter, if present. Numbers and booleans are rendered with {@code toString}. */
    public Optional<String> string(String name) {
        Object v = parameters.get(name);
        return v == null ? Optional.empty() : Optional.of(v.toString());
    }

    /** A numeric parameter, if present and numeric (strings holding a number are accepted). */
    public Optional<Double> number(String name) {
        Object v = parameters.get(name);
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

    /** The file extension of {@link #outputFile()}, lower case, without the dot. */
    public String outputExtension() {
        String name = outputFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
    }
}
