package dev.acp.engine;

import dev.acp.env.Environment;
import dev.acp.plan.PlannedTask;
import dev.acp.plan.ReadPolicy;
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
    private final Function<String, @Nullable ItemScope> scopes;
    private final Function<String, @Nullable List<StepResult>> expansions;
    private final ReadPolicy reads;

    /** A file a template rendered that the run's read policy refuses: the step's own error, nothing is sent. */
    static final class ReadRefused extends IllegalStateException {
        ReadRefused(String message) {
            super(message);
        }
    }

    /**
     * The item an expanded step of a for_each block runs for.
     *
     * @param index the item's position, from 1
     * @param siblings the ids of the same item's expanded steps, by inner step id
     */
    record ItemScope(String blockId, int index, Object item, Map<String, String> siblings) {}

    /**
     * @param scopes the item scope of an expanded step, by its id; null for other steps
     * @param expansions the results of an inner step's expansions in item order, by inner id;
     *     null while its block has not expanded
     * @param reads the files the plan may read; what templates render is checked here, since the
     *     planner could check only what was known before the run
     */
    ConfigRenderer(Map<String, Object> inputs, Environment environment, Path baseDirectory,
            Function<String, @Nullable StepResult> results, Function<String, @Nullable ItemScope> scopes,
            Function<String, @Nullable List<StepResult>> expansions, ReadPolicy reads) {
        this.reads = reads;
        this.inputs = inputs;
        this.environment = environment;
        this.baseDirectory = baseDirectory;
        this.results = results;
        this.scopes = scopes;
        this.expansions = expansions;
    }

    Map<String, Object> render(PlannedTask task) throws TemplateSyntaxException {
        CapabilitySchema schema = CapabilitySchema.of(task.capability());
        java.util.Set<String> files = schema.fileParameters();
        java.util.Set<String> fileLists = schema.fileListParameters();
        java.util.Set<String> folders = schema.folderParameters();
        ItemScope scope = scopes.apply(task.id());
        Map<String, Object> out = new LinkedHashMap<>();
        for (var e : task.spec().config().entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            Object raw = fileLists.contains(e.getKey()) ? typedPathsResolved(e.getValue()) : e.getValue();
            Object v = renderValue(raw, scope);
            if (v instanceof String s && (files.contains(e.getKey()) || folders.contains(e.getKey()))) {
                v = resolveFile(s);
            }
            if (reads.confines() && (files.contains(e.getKey()) || folders.contains(e.getKey())
                    || fileLists.contains(e.getKey()))) {
                for (ReadPolicy.Named f : ReadPolicy.namedFiles(v, baseDirectory)) {
                    var refusal = reads.refusal(f.written(), f.resolved());
                    if (refusal.isPresent()) {
                        throw new ReadRefused("config." + e.getKey() + ": " + refusal.get() + "; " + reads.fix());
                    }
                }
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /** Renders a file name of an expanded step: inputs, environment, item and index. */
    String renderName(String name, ItemScope scope) throws TemplateSyntaxException {
        return ItemLists.text(renderValue(name, scope));
    }

    private Object renderValue(Object value, @Nullable ItemScope scope) throws TemplateSyntaxException {
        if (value instanceof String s) {
            if (!Template.hasReferences(s)) {
                return s;
            }
            Template template = Template.parse(s);
            if (template.isSingleReference()) {
                return resolve(template.references().get(0), scope);
            }
            // Lists and maps read as JSON inside text.
            return template.render(r -> ItemLists.text(resolve(r, scope)));
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (var e : m.entrySet()) {
                if (e.getValue() != null) {
                    out.put(String.valueOf(e.getKey()), renderValue(e.getValue(), scope));
                }
            }
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                if (o != null) {
                    out.add(renderValue(o, scope));
                }
            }
            return out;
        }
        return value;
    }

    /**
     * A file list as typed in the pipeline, with each path typed there made absolute against the
     * pipeline's folder. Templates are left to render: what they give is another step's output,
     * already absolute, or an input's value. Text that holds a whole list (JSON, one per line) is
     * left as it is.
     */
    private Object typedPathsResolved(Object value) {
        if (value instanceof String s) {
            String t = s.strip();
            boolean wholeList = t.startsWith("[") || t.startsWith("{") || t.contains("\n");
            return t.isEmpty() || wholeList || Template.hasReferences(s) ? s : resolveFile(t);
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object item : l) {
                out.add(item instanceof String s && !s.isBlank() && !Template.hasReferences(s) ? resolveFile(s.strip())
                        : item instanceof Map<?, ?> m ? pathKeysResolved(m) : item);
            }
            return out;
        }
        return value instanceof Map<?, ?> m ? pathKeysResolved(m) : value;
    }

    private Map<Object, Object> pathKeysResolved(Map<?, ?> m) {
        Map<Object, Object> out = new LinkedHashMap<>(m);
        for (String key : dev.acp.provider.ParamType.FILE_KEYS) {
            if (out.get(key) instanceof String s && !s.isBlank() && !Template.hasReferences(s)) {
                out.put(key, resolveFile(s.strip()));
            }
        }
        return out;
    }

    private String resolveFile(String value) {
        if (value.startsWith("http://") || value.startsWith("https://") || value.startsWith("data:")
                || value.startsWith("file:")) {
            return value;
        }
        return baseDirectory.resolve(value).toAbsolutePath().normalize().toString();
    }

    private Object resolve(Reference reference, @Nullable ItemScope scope) {
        return switch (reference) {
            case Reference.InputRef in -> require(inputs.get(in.name()), reference);
            case Reference.EnvRef env -> environment.get(env.name())
                    .orElseThrow(() -> new IllegalStateException("environment variable " + env.name() + " is not set"));
            case Reference.IndexRef index -> {
                if (scope == null) {
                    throw new IllegalStateException("{{" + reference.expression() + "}} is used outside a for_each block");
                }
                yield (long) (index.zeroBased() ? scope.index() - 1 : scope.index());
            }
            case Reference.ItemRef item -> {
                if (scope == null) {
                    throw new IllegalStateException("{{" + reference.expression() + "}} is used outside a for_each block");
                }
                Object v = scope.item();
                for (String field : item.path()) {
                    if (!(v instanceof Map<?, ?> m) || !m.containsKey(field) || m.get(field) == null) {
                        String has = v instanceof Map<?, ?> m2 && !m2.isEmpty()
                                ? "; it has " + String.join(", ", m2.keySet().stream().map(String::valueOf).toList())
                                : v instanceof Map<?, ?> ? "; it is an empty object" : "; it is " + ItemLists.text(v);
                        throw new ItemLists.ItemListException("{{" + reference.expression() + "}}: item " + scope.index()
                                + " of for_each block '" + scope.blockId() + "' has no field '" + field + "'" + has);
                    }
                    v = m.get(field);
                }
                yield v;
            }
            case Reference.StepRef step -> {
                if (step.field() == Reference.StepField.OUTPUTS || step.field() == Reference.StepField.TEXTS) {
                    List<StepResult> each = expansions.apply(step.stepId());
                    if (each == null) {
                        throw new IllegalStateException("the for_each block of '" + step.stepId() + "' has not run");
                    }
                    List<Object> values = new ArrayList<>(each.size());
                    for (StepResult r : each) {
                        if (!r.succeeded()) {
                            throw new IllegalStateException("step '" + r.stepId() + "' has no result");
                        }
                        Object v = step.field() == Reference.StepField.OUTPUTS
                                ? (r.outputPath() == null ? null : r.outputPath().toString()) : r.text();
                        values.add(require(v, reference));
                    }
                    yield values;
                }
                // Inside a for_each block a sibling's name means the same item's expansion.
                String id = scope != null && scope.siblings().containsKey(step.stepId())
                        ? scope.siblings().get(step.stepId()) : step.stepId();
                StepResult r = results.apply(id);
                if (r == null || !r.succeeded()) {
                    throw new IllegalStateException("step '" + id + "' has no result");
                }
                yield switch (step.field()) {
                    case OUTPUT -> require(r.outputPath() == null ? null : r.outputPath().toString(), reference);
                    case TEXT -> require(r.text(), reference);
                    case ITEMS -> ItemLists.parse(id, (String) require(r.text(), reference));
                    case OUTPUTS, TEXTS -> throw new IllegalStateException("handled above");
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
