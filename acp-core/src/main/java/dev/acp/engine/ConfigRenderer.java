package dev.acp.engine;

import dev.acp.env.Environment;
import dev.acp.plan.PlannedTask;
import dev.acp.provider.CapabilitySchema;
import dev.acp.template.Reference;
import dev.acp.template.Template;
import dev.acp.template.TemplateSyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Turns a task's {@code config} into the parameters a provider sees: templates rendered with
 * the results of earlier steps, inputs and environment; null values dropped; local file
 * parameters made absolute (relative to the pipeline file's folder).
 */
final class ConfigRenderer {
    private final Map<String, Object> inputs;
    private final Environment environment;
    private final Path baseDirectory;
    private final Function<String, @Nullable StepResult> results;

    ConfigRenderer(Map<String, Object> inputs, Environment environment, Path baseDirectory,
            Function<String, @Nullable StepResult> results) {
        this.inputs = inputs;
        this.environment = environment;
        this.baseDirectory = baseDirectory;
        this.results = results;
    }

    Map<String, Object> render(PlannedTask task) throws TemplateSyntaxException {
        java.util.Set<String> files = CapabilitySchema.of(task.capability()).fileParameters();
        Map<String, Object> out = new LinkedHashMap<>();
        for (var e : task.spec().config().entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            Object v = renderValue(e.getValue());
            if (v instanceof String s && files.contains(e.getKey())) {
                v = resolveFile(s);
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    private Object renderValue(Object value) throws TemplateSyntaxException {
        if (value instanceof String s) {
            return Template.hasReferences(s) ? Template.parse(s).render(this::resolve) : s;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (var e : m.entrySet()) {
                if (e.getValue() != null) {
                    out.put(String.valueOf(e.getKey()), renderValue(e.getValue()));
                }
            }
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                if (o != null) {
                    out.add(renderValue(o));
                }
            }
            return out;
        }
        return value;
    }

    private String resolveFile(String value) {
        if (value.startsWith("http://") || value.startsWith("https://") || value.startsWith("data:")) {
            return value;
        }
        return baseDirectory.resolve(value).toAbsolutePath().normalize().toString();
    }

    private Object resolve(Reference reference) {
        return switch (reference) {
            case Reference.InputRef in -> require(inputs.get(in.name()), reference);
            case Reference.EnvRef env -> environment.get(env.name())
                    .orElseThrow(() -> new IllegalStateException("environment variable " + env.name() + " is not set"));
            case Reference.StepRef step -> {
                StepResult r = results.apply(step.stepId());
                if (r == null || !r.succeeded()) {
                    throw new IllegalStateException("step '" + step.stepId() + "' has no result");
                }
                yield switch (step.field()) {
                    case OUTPUT -> require(r.outputPath() == null ? null : r.outputPath().toString(), reference);
                    case TEXT -> require(r.text(), reference);
                };
            }
        };
    }

    private static Object require(@Nullable Object value, Reference reference) {
        if (value == null) {
            throw new IllegalStateException("{{" + reference.expression() + "}} has no value");
        }
        return value;
    }
}
