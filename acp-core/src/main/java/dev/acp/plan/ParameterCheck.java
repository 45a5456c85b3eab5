package dev.acp.plan;

import dev.acp.pipeline.Capability;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.SourceLocation;
import dev.acp.pipeline.TaskStepSpec;
import dev.acp.provider.CapabilitySchema;
import dev.acp.provider.ParamType;
import dev.acp.provider.Provider;
import dev.acp.provider.SpeechDirection;
import dev.acp.template.Reference;
import dev.acp.template.Template;
import dev.acp.template.TemplateSyntaxException;
import dev.acp.util.Suggestions;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The parameter pass: each enabled task's config against its capability's schema (required keys,
 * unknown keys with the nearest known one, value types, files that must exist), then against its
 * provider (keys it ignores, values it refuses).
 */
final class ParameterCheck {
    private final PipelineSpec spec;
    private final Findings findings;
    private final Map<String, Object> inputs;
    private final ReadPolicy reads;
    /** Typo suggestions per capability and key: large pipelines repeat the same keys. */
    private final Map<String, Optional<String>> keySuggestions = new HashMap<>();

    /**
     * @param inputs the input values, to check file parameters written as {@code {{inputs.x}}}
     * @param reads the files a step may read
     */
    ParameterCheck(PipelineSpec spec, Findings findings, Map<String, Object> inputs, ReadPolicy reads) {
        this.spec = spec;
        this.findings = findings;
        this.inputs = inputs;
        this.reads = reads;
    }

    void check(TaskStepSpec t, ProviderResolver.Resolved r, @Nullable Path output) {
        CapabilitySchema schema = CapabilitySchema.of(t.capability());
        Map<String, Object> config = t.config();
        for (List<String> anyOf : schema.requiredAnyOf()) {
            if (anyOf.stream().noneMatch(k -> config.get(k) != null && !"".equals(config.get(k)))) {
                String first = anyOf.get(0);
                findings.error(t.locations().at("config"), t.id(), "missing config." + first + " (" + t.typeName()
                        + " needs " + String.join(" or ", anyOf) + ")", "add '" + first + ": ...' under config");
            }
        }
        Set<String> read = r.installed() == null ? Set.of() : r.installed().parameters(t.capability());
        Set<String> mistyped = new HashSet<>();
        for (var e : config.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            SourceLocation at = t.locations().at("config." + key);
            var param = schema.param(key);
            if (value != null && param.isPresent() && readsFiles(param.get().type())
                    && refusedRead(t, key, value, at)) {
                continue;
            }
            if (param.isEmpty()) {
                var near = keySuggestions.computeIfAbsent(t.capability().wireName() + "/" + key,
                        k -> Suggestions.nearest(key, schema.params().keySet()));
                if (near.isPresent()) {
                    findings.error(at, t.id(), "unknown config key '" + key + "'", "did you mean '" + near.get() + "'?");
                    continue;
                }
            } else if (value != null && !(value instanceof String s && Template.hasReferences(s))) {
                ParamType type = param.get().type();
                if (!type.accepts(value)) {
                    findings.error(at, t.id(), "config." + key + " must be " + type.description() + ", found "
                            + describe(value), "write for example '" + key + ": " + example(type) + "'");
                    mistyped.add(key);
                    continue;
                }
                if (type == ParamType.FILE) {
                    checkFile(t, key, value.toString(), at);
                } else if (type == ParamType.FOLDER) {
                    checkFolder(t, key, value.toString(), at);
                }
            }
            if (!read.isEmpty() && !read.contains(key) && !key.equals("model")) {
                findings.warning(at, t.id(), "provider '" + r.providerId() + "' ignores config." + key,
                        "remove it, or choose a provider that uses it");
            }
        }
        if (t.capability() == Capability.TEXT_TO_SPEECH) {
            // Emotional speech is portable: the same values are refused whichever provider runs it.
            for (Provider.Issue issue : SpeechDirection.read(config, true).issues()) {
                if (!mistyped.contains(issue.parameter())) {
                    report(t, issue);
                }
            }
        }
        if (r.installed() != null && output != null) {
            for (Provider.Issue issue : r.installed().check(t.capability(), t.model(), config,
                    OutputFiles.extension(output.getFileName().toString()))) {
                report(t, issue);
            }
        }
    }

    private static boolean readsFiles(ParamType type) {
        return type == ParamType.FILE || type == ParamType.FOLDER || type == ParamType.FILE_LIST;
    }

    /**
     * Reports the first file a parameter names that the read policy refuses; checked before
     * whether it exists, so that a refused path tells nothing about the file system. A template
     * of inputs alone is checked with their values; one that needs a step's result or an item is
     * checked by the engine when it renders.
     */
    private boolean refusedRead(TaskStepSpec t, String key, Object value, SourceLocation at) {
        if (!reads.confines()) {
            return false;
        }
        Object planned = value;
        if (value instanceof String s && Template.hasReferences(s)) {
            try {
                Template template = Template.parse(s);
                if (!template.references().stream().allMatch(r -> r instanceof Reference.InputRef in
                        && inputs.containsKey(in.name()))) {
                    return false;
                }
                planned = template.render(r -> inputs.get(((Reference.InputRef) r).name()));
            } catch (TemplateSyntaxException e) {
                return false; // reported by the reference pass
            }
        }
        for (ReadPolicy.Named f : ReadPolicy.namedFiles(planned, spec.baseDirectory())) {
            var refusal = reads.refusal(f.written(), f.resolved());
            if (refusal.isPresent()) {
                findings.error(at, t.id(), "config." + key + ": " + refusal.get(), reads.fix());
                return true;
            }
        }
        return false;
    }

    private void report(TaskStepSpec t, Provider.Issue issue) {
        SourceLocation at = issue.parameter() == null ? t.locations().at("output_filename")
                : t.locations().at("config." + issue.parameter());
        if (issue.isWarning()) {
            findings.warning(at, t.id(), issue.message(), issue.fix());
        } else {
            findings.error(at, t.id(), issue.message(), issue.fix());
        }
    }

    private void checkFile(TaskStepSpec t, String key, String value, SourceLocation at) {
        if (value.startsWith("http://") || value.startsWith("https://") || value.startsWith("data:")) {
            return;
        }
        Path p;
        try {
            p = spec.baseDirectory().resolve(value).normalize();
        } catch (InvalidPathException e) {
            findings.error(at, t.id(), "config." + key + " '" + value + "' is not a valid path",
                    "give a file path or URL");
            return;
        }
        if (!Files.isRegularFile(p)) {
            findings.error(at, t.id(), "config." + key + ": file not found: " + p,
                    "check the path (relative paths start at the pipeline file's folder)");
        }
    }

    private void checkFolder(TaskStepSpec t, String key, String value, SourceLocation at) {
        Path p;
        try {
            p = spec.baseDirectory().resolve(value).normalize();
        } catch (InvalidPathException e) {
            findings.error(at, t.id(), "config." + key + " '" + value + "' is not a valid path", "give a folder path");
            return;
        }
        if (!Files.isDirectory(p)) {
            findings.error(at, t.id(), "config." + key + ": folder not found: " + p,
                    "check the path (relative paths start at the pipeline file's folder)"
                            + (key.equals("index") ? ", or build it with 'acp content index build'" : ""));
        }
    }

    private static String describe(Object value) {
        return switch (value) {
            case String s -> "text \"" + (s.length() > 30 ? s.substring(0, 27) + "..." : s) + "\"";
            case Map<?, ?> m -> "a map";
            case List<?> l -> "a list";
            case Boolean b -> "a boolean";
            case Double d when !Double.isFinite(d) ->
                    d.isNaN() ? "not a number (.nan)" : "a number too large to use (" + value + ")";
            default -> "a number (" + value + ")";
        };
    }

    private static String example(ParamType type) {
        return switch (type) {
            case TEXT -> "\"...\"";
            case INTEGER -> "3";
            case NUMBER -> "1.5";
            case BOOLEAN -> "true";
            case FILE -> "images/input.png";
            case FOLDER -> "songs-index";
            case FILE_LIST -> "[images/one.png, images/two.png]";
            case TEXT_OR_LIST -> "[a, b]";
            case SIZE -> "landscape_16_9";
            case MAP -> "{ key: value }";
            case LIST -> "[a, b]";
            case ANY -> "...";
        };
    }
}
