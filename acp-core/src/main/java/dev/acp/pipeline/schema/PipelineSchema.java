package dev.acp.pipeline.schema;

import dev.acp.pipeline.Capability;
import dev.acp.pipeline.ForEachStepSpec;
import dev.acp.pipeline.GroupStepSpec;
import dev.acp.pipeline.InputType;
import dev.acp.pipeline.MergeStrategy;
import dev.acp.pipeline.load.PipelineLoader;
import dev.acp.provider.CapabilitySchema;
import dev.acp.provider.ParamType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schema (draft-07, which editors' YAML support reads best) of the pipeline format, built
 * from what the loader and the planner check: the loader's key lists, patterns and limits, and each
 * capability's {@link CapabilitySchema}. Nothing here is typed twice, so a key or parameter added to
 * the validator appears in the schema too.
 *
 * <p>The schema is a little wider than the validator where JSON Schema cannot follow it: any string
 * holding a {@code {{...}}} template or a {@code ${NAME}} variable is accepted for a typed value
 * (the validator checks it once rendered), and model-specific {@code config:} keys pass, as they do
 * in the validator unless they look like a typo of a known one. And a whole number written as a
 * decimal ({@code 2.0}) is an integer to JSON Schema, which cannot tell it from {@code 2}; the
 * validator asks for {@code 2}.
 */
public final class PipelineSchema {

    /** A string the loader or planner fills in later: a {{...}} template or a ${NAME} variable. */
    private static final String TEMPLATE_PATTERN = "\\{\\{|\\$\\{";
    private static final String NUMBER_TEXT = "^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$";
    private static final int MAX_WORKERS = 100_000;
    private static final int MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;

    private PipelineSchema() {}

    /** The schema as plain maps and lists, ready to be written as JSON. */
    public static Map<String, Object> jsonSchema(String version) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("$schema", "http://json-schema.org/draft-07/schema#");
        root.put("title", "ACP pipeline " + version);
        root.put("description", "A pipeline of generative-media steps for 'acp pipeline run'.");
        root.put("type", "object");
        root.put("required", List.of("pipeline_name", "steps"));
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("pipeline_name", described(text(), "the pipeline's name, shown in reports"));
        props.put("description", nullable(text()));
        props.put("output_directory", described(nonEmptyText(), "where outputs and run.json go, relative to the"
                + " folder the run starts in"));
        props.put("global_config", nullable(globalConfig()));
        props.put("inputs", nullable(inputs()));
        props.put("steps", described(nonEmptyList(ref("step")), "the steps, run in order unless depends_on says"
                + " otherwise"));
        root.put("properties", only(props, PipelineLoader.ROOT_KEYS));
        root.put("additionalProperties", false);

        Map<String, Object> defs = new LinkedHashMap<>();
        defs.put("step", step());
        defs.put("task", task());
        defs.put(GroupStepSpec.TYPE_NAME, group());
        defs.put(ForEachStepSpec.TYPE_NAME, forEach());
        defs.put("fallback", fallback());
        for (Capability c : Capability.values()) {
            defs.put("config_" + c.wireName(), config(CapabilitySchema.of(c)));
        }
        defs.put("template", Map.of("type", "string", "pattern", TEMPLATE_PATTERN));
        root.put("definitions", defs);
        return root;
    }

    // ---- structure ----------------------------------------------------------------------------

    /** A top-level step: a for_each block (it has 'for_each'), a parallel_group, or a single task. */
    private static Map<String, Object> step() {
        return Map.of("type", "object",
                "if", Map.of("required", List.of("for_each")),
                "then", ref(ForEachStepSpec.TYPE_NAME),
                "else", Map.of(
                        "if", Map.of("required", List.of("step_type"),
                                "properties", Map.of("step_type", Map.of("const", GroupStepSpec.TYPE_NAME))),
                        "then", ref(GroupStepSpec.TYPE_NAME),
                        "else", ref("task")));
    }

    private static Map<String, Object> task() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("step_type", described(Map.of("enum", Capability.wireNames()), "what the step does"));
        props.put("id", id());
        props.put("description", nullable(text()));
        props.put("config", described(Map.of("type", List.of("object", "null")), "the step's parameters"));
        props.put("output_filename", nullable(nonEmptyText()));
        props.put("enabled", flag());
        props.put("timeout", duration());
        props.put("retry_count", nullable(Map.of("type", "integer", "minimum", 0,
                "maximum", PipelineLoader.MAX_RETRY_COUNT)));
        props.put("depends_on", dependsOn());
        props.put("provider", nullable(text()));
        props.put("max_cost", money());
        props.put("fallback", nullable(nonEmptyList(ref("fallback"))));
        List<Object> byType = new ArrayList<>();
        for (Capability c : Capability.values()) {
            // Each step type's parameters apply to its config only.
            byType.add(Map.of(
                    "if", Map.of("required", List.of("step_type"),
                            "properties", Map.of("step_type", Map.of("const", c.wireName()))),
                    "then", CapabilitySchema.of(c).requiredAnyOf().isEmpty()
                            ? Map.of("properties", Map.of("config", ref("config_" + c.wireName())))
                            : Map.of("required", List.of("config"),
                                    "properties", Map.of("config", ref("config_" + c.wireName())))));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", "object");
        out.put("required", List.of("step_type"));
        out.put("properties", only(props, PipelineLoader.TASK_KEYS));
        out.put("additionalProperties", false);
        out.put("allOf", byType);
        return out;
    }

    private static Map<String, Object> group() {
        Map<String, Object> parallel = new LinkedHashMap<>();
        parallel.put("merge_strategy", nullable(Map.of("enum",
                Arrays.stream(MergeStrategy.values()).map(MergeStrategy::wireName).toList())));
        parallel.put("max_workers", workers());
        parallel.put("timeout", duration());
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("step_type", Map.of("const", GroupStepSpec.TYPE_NAME));
        props.put("id", id());
        props.put("description", nullable(text()));
        props.put("parallel_config", nullable(closed(parallel, PipelineLoader.PARALLEL_KEYS)));
        props.put("steps", described(nonEmptyList(ref("task")), "the members, run side by side"));
        props.put("output_directory", nullable(nonEmptyText()));
        props.put("enabled", flag());
        props.put("depends_on", dependsOn());
        Map<String, Object> out = closed(props, PipelineLoader.GROUP_KEYS);
        out.put("required", List.of("step_type", "steps"));
        return out;
    }

    private static Map<String, Object> forEach() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(ForEachStepSpec.TYPE_NAME, described(Map.of("type", "string", "minLength", 1, "pattern", "\\S"),
                "the list to run over, for example \"{{steps.scenes.items}}\""));
        props.put("id", id());
        props.put("description", nullable(text()));
        props.put("max_workers", workers());
        props.put("steps", described(nonEmptyList(ref("task")), "the steps run once per item"));
        props.put("enabled", flag());
        props.put("depends_on", dependsOn());
        Map<String, Object> out = closed(props, PipelineLoader.FOR_EACH_KEYS);
        out.put("required", List.of(ForEachStepSpec.TYPE_NAME, "steps"));
        out.put("not", Map.of("required", List.of("step_type")));
        return out;
    }

    private static Map<String, Object> fallback() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("provider", nullable(text()));
        props.put("model", nullable(text()));
        Map<String, Object> out = closed(props, PipelineLoader.FALLBACK_KEYS);
        out.put("anyOf", List.of(Map.of("required", List.of("provider")), Map.of("required", List.of("model"))));
        return out;
    }

    private static Map<String, Object> globalConfig() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("parallel_enabled", flag());
        props.put("cost_limit", described(money(), "US dollars the run may spend at most"));
        props.put("confirm_above", described(money(), "ask before a run estimated above this many US dollars"));
        props.put("default_provider", nullable(text()));
        Map<String, Object> timeouts = new LinkedHashMap<>();
        for (Capability c : Capability.values()) {
            timeouts.put(c.wireName(), duration());
        }
        props.put("timeouts", nullable(closed(timeouts, Capability.wireNames())));
        return closed(props, PipelineLoader.GLOBAL_KEYS);
    }

    private static Map<String, Object> inputs() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("type", Map.of("enum", Arrays.stream(InputType.values()).map(InputType::wireName).toList()));
        props.put("default", Map.of());
        props.put("description", nullable(text()));
        props.put("enum", Map.of("type", "array"));
        Map<String, Object> declared = closed(props, PipelineLoader.INPUT_KEYS);
        // 'name: value' and 'name: [a, b]' are shorthands declaring an input by its default.
        Map<String, Object> input = Map.of("anyOf", List.of(declared,
                Map.of("type", List.of("string", "number", "boolean", "array", "null"))));
        return Map.of("type", "object",
                "propertyNames", Map.of("pattern", PipelineLoader.ID.pattern()),
                "additionalProperties", input);
    }

    // ---- a capability's parameters ------------------------------------------------------------

    private static Map<String, Object> config(CapabilitySchema schema) {
        Map<String, Object> props = new LinkedHashMap<>();
        for (CapabilitySchema.Param p : schema.params().values()) {
            Map<String, Object> s = new LinkedHashMap<>(param(p.type()));
            s.put("description", p.description());
            props.put(p.name(), s);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        // A step type with required parameters needs its config; one without may leave it empty.
        out.put("type", schema.requiredAnyOf().isEmpty() ? List.of("object", "null") : "object");
        out.put("properties", props);
        List<Object> required = new ArrayList<>();
        for (List<String> anyOf : schema.requiredAnyOf()) {
            required.add(Map.of("anyOf", anyOf.stream().map(k -> Map.of("required", List.of(k))).toList()));
        }
        if (!required.isEmpty()) {
            out.put("allOf", required);
        }
        return out;
    }

    /**
     * What a parameter of each type accepts, as {@link ParamType#accepts} does, plus templates; its
     * {@code $ref}s point into {@link #jsonSchema}'s definitions.
     */
    public static Map<String, Object> param(ParamType type) {
        return switch (type) {
            case TEXT, FILE, FOLDER -> Map.of("type", List.of("string", "number", "null"));
            case INTEGER -> orTemplate(Map.of("type", "integer"), Map.of("type", "string", "pattern", "^\\s*-?\\d+\\s*$"));
            case NUMBER -> orTemplate(Map.of("type", "number"), Map.of("type", "string", "pattern", NUMBER_TEXT));
            case BOOLEAN -> orTemplate(Map.of("type", "boolean"));
            case TEXT_OR_LIST -> Map.of("anyOf", List.of(Map.of("type", "string"),
                    Map.of("type", "array", "items", Map.of("type", "string")), Map.of("type", "null")));
            case SIZE -> Map.of("anyOf", List.of(Map.of("type", List.of("string", "null")),
                    Map.of("type", "object", "required", List.of("width", "height"),
                            "properties", Map.of("width", Map.of("type", "number"),
                                    "height", Map.of("type", "number")))));
            case MAP -> orTemplate(Map.of("type", "object"));
            case LIST -> orTemplate(Map.of("type", "array"));
            case FILE_LIST, ANY -> Map.of();
        };
    }

    // ---- small pieces -------------------------------------------------------------------------

    @SafeVarargs
    private static Map<String, Object> orTemplate(Map<String, Object>... shapes) {
        List<Object> any = new ArrayList<>(List.of(shapes));
        any.add(ref("template"));
        any.add(Map.of("type", "null")); // an empty value counts as not given
        return Map.of("anyOf", any);
    }

    private static Map<String, Object> id() {
        return described(Map.of("type", "string", "pattern", "^" + PipelineLoader.ID.pattern() + "$"),
                "the step's name in {{steps.<id>...}} and depends_on");
    }

    private static Map<String, Object> dependsOn() {
        return described(Map.of("type", List.of("string", "array", "null"), "items", Map.of("type", "string")),
                "ids of the steps this one waits for; [] for none");
    }

    private static Map<String, Object> flag() {
        // Text such as "yes" or "${FLAG}" is read as true or false once substituted.
        return Map.of("type", List.of("boolean", "string", "null"));
    }

    private static Map<String, Object> money() {
        return Map.of("type", List.of("number", "null"), "minimum", 0);
    }

    private static Map<String, Object> workers() {
        return Map.of("type", List.of("integer", "null"), "minimum", 1, "maximum", MAX_WORKERS);
    }

    private static Map<String, Object> duration() {
        return described(Map.of("anyOf", List.of(
                        Map.of("type", "number", "exclusiveMinimum", 0, "maximum", MAX_TIMEOUT_SECONDS),
                        Map.of("type", "string", "pattern", "^\\s*" + PipelineLoader.DURATION.pattern() + "\\s*$"),
                        ref("template"), Map.of("type", "null"))),
                "seconds, or a duration such as 90s, 5m or 1h30m");
    }

    private static Map<String, Object> text() {
        return Map.of("type", List.of("string", "number", "boolean"));
    }

    private static Map<String, Object> nonEmptyText() {
        return Map.of("type", List.of("string", "number"), "minLength", 1);
    }

    private static Map<String, Object> nonEmptyList(Map<String, Object> items) {
        return Map.of("type", "array", "minItems", 1, "items", items);
    }

    private static Map<String, Object> nullable(Map<String, Object> schema) {
        return Map.of("anyOf", List.of(schema, Map.of("type", "null")));
    }

    private static Map<String, Object> described(Map<String, Object> schema, String description) {
        Map<String, Object> out = new LinkedHashMap<>(schema);
        out.put("description", description);
        return out;
    }

    private static Map<String, Object> ref(String definition) {
        return Map.of("$ref", "#/definitions/" + definition);
    }

    private static Map<String, Object> closed(Map<String, Object> props, List<String> keys) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", "object");
        out.put("properties", only(props, keys));
        out.put("additionalProperties", false);
        return out;
    }

    /**
     * The properties in the loader's order, failing when the two lists differ: a key the loader
     * accepts must be described here, and nothing the loader refuses may be offered.
     */
    private static Map<String, Object> only(Map<String, Object> props, List<String> keys) {
        if (!props.keySet().equals(new java.util.HashSet<>(keys))) {
            throw new IllegalStateException("pipeline schema out of step with the loader: " + props.keySet()
                    + " against " + keys);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        keys.forEach(k -> out.put(k, props.get(k)));
        return out;
    }
}
