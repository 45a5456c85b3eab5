package dev.acp.pipeline.load;

import dev.acp.env.Environment;
import dev.acp.env.TemplateVariables;
import dev.acp.pipeline.FallbackSpec;
import dev.acp.pipeline.ForEachStepSpec;
import dev.acp.pipeline.GlobalConfig;
import dev.acp.pipeline.GroupStepSpec;
import dev.acp.pipeline.InputSpec;
import dev.acp.pipeline.InputType;
import dev.acp.pipeline.Locations;
import dev.acp.pipeline.MergeStrategy;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.Problem;
import dev.acp.pipeline.SourceLocation;
import dev.acp.pipeline.StepSpec;
import dev.acp.pipeline.TaskStepSpec;
import dev.acp.pipeline.Capability;
import dev.acp.template.EnvSubstitution;
import dev.acp.util.Suggestions;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Loads a pipeline file (the seed format plus ACP's extensions) from YAML or JSON into a
 * {@link PipelineSpec}, checking its structure: known keys, value types, step types. Every
 * problem is collected with its location; nothing stops at the first one. Cross-step checks
 * (references, dependencies, providers) are done afterwards by the planner.
 */
public final class PipelineLoader {
    /** Pipeline files larger than this are refused before parsing. */
    public static final long MAX_FILE_BYTES = 10L * 1024 * 1024;

    // The keys each part of a pipeline accepts, and the patterns and limits below, are public for
    // the JSON Schema (dev.acp.pipeline.schema), which is built from them.
    public static final List<String> ROOT_KEYS =
            List.of("pipeline_name", "description", "output_directory", "global_config", "inputs", "steps");
    public static final List<String> GLOBAL_KEYS = List.of("parallel_enabled", "cost_limit", "confirm_above", "default_provider",
            "timeouts");
    public static final List<String> TASK_KEYS = List.of("step_type", "id", "description", "config", "output_filename",
            "enabled", "timeout", "retry_count", "depends_on", "provider", "max_cost", "fallback");
    /** The keys of one {@code fallback:} alternative. */
    public static final List<String> FALLBACK_KEYS = List.of("provider", "model");
    public static final List<String> GROUP_KEYS = List.of("step_type", "id", "description", "parallel_config", "steps",
            "output_directory", "enabled", "depends_on");
    public static final List<String> FOR_EACH_KEYS = List.of("for_each", "id", "description", "max_workers", "steps",
            "enabled", "depends_on");
    public static final List<String> PARALLEL_KEYS = List.of("merge_strategy", "max_workers", "timeout");
    public static final List<String> INPUT_KEYS = List.of("type", "default", "description", "enum");
    /** Keys of later ACP versions, refused with a clear message rather than silently ignored. */
    static final Map<String, String> FUTURE_KEYS = Map.of();
    /** The fix for a step without a type, made once rather than for every step read. */
    private static final String STEP_TYPE_FIX = "add 'step_type:' with one of " + stepTypeNames();
    /** Names people write from habit or other tools, mapped to ACP's key. */
    static final Map<String, String> KEY_ALIASES = Map.ofEntries(
            Map.entry("retries", "retry_count"), Map.entry("max_retries", "retry_count"),
            Map.entry("retry", "retry_count"), Map.entry("type", "step_type"), Map.entry("name", "pipeline_name"),
            Map.entry("params", "config"), Map.entry("parameters", "config"), Map.entry("options", "config"),
            Map.entry("output", "output_filename"), Map.entry("output_file", "output_filename"),
            Map.entry("filename", "output_filename"), Map.entry("needs", "depends_on"),
            Map.entry("after", "depends_on"), Map.entry("dependencies", "depends_on"),
            Map.entry("disabled", "enabled"), Map.entry("workers", "max_workers"),
            Map.entry("concurrency", "max_workers"), Map.entry("merge", "merge_strategy"),
            Map.entry("budget", "cost_limit"), Map.entry("max_cost", "cost_limit"),
            Map.entry("parallel", "parallel_enabled"), Map.entry("output_dir", "output_directory"));
    public static final int MAX_RETRY_COUNT = 10;
    public static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    public static final Pattern DURATION = Pattern.compile("(?:(\\d+(?:\\.\\d+)?)(ms|s|m|h))+");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private final Environment environment;
    private final TemplateVariables variables;
    private final NodeReader reader = new NodeReader();

    /** A loader that refuses {@code ${NAME}} of credential-like names (no providers known). */
    public PipelineLoader(Environment environment) {
        this(environment, TemplateVariables.defaults(environment));
    }

    /** @param variables which variables {@code ${NAME}} may read */
    public PipelineLoader(Environment environment, TemplateVariables variables) {
        this.environment = environment;
        this.variables = variables;
    }

    /** Loads {@code file}; its folder becomes the base for relative input paths. */
    public LoadResult load(Path file) {
        String label = file.toString();
        List<Problem> problems = new ArrayList<>();
        try {
            if (Files.isDirectory(file)) {
                problems.add(Problem.error(SourceLocation.unknown(label), null, "is a folder, not a pipeline file",
                        "pass a .yaml, .yml or .json file"));
                return new LoadResult(null, problems);
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                problems.add(Problem.error(SourceLocation.unknown(label), null,
                        "the file is " + size / (1024 * 1024) + " MB; pipeline files are limited to 10 MB",
                        "split the pipeline or move large text into files it references"));
                return new LoadResult(null, problems);
            }
            byte[] bytes = Files.readAllBytes(file);
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                problems.add(Problem.error(SourceLocation.unknown(label), null, "the file is not UTF-8 text",
                        "save it as UTF-8"));
                return new LoadResult(null, problems);
            }
            Path base = file.toAbsolutePath().getParent();
            return parse(text, label, base, NodeReader.Format.forFileName(file.getFileName().toString()));
        } catch (NoSuchFileException e) {
            problems.add(Problem.error(SourceLocation.unknown(label), null, "file not found",
                    "check the path given to --config"));
            return new LoadResult(null, problems);
        } catch (IOException e) {
            problems.add(Problem.error(SourceLocation.unknown(label), null, "cannot read the file: " + e.getMessage(),
                    "check the file's permissions"));
            return new LoadResult(null, problems);
        }
    }

    /** Parses pipeline text; {@code label} names it in messages. */
    public LoadResult parse(String text, String label, Path baseDirectory, NodeReader.Format format) {
        List<Problem> problems = new ArrayList<>();
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        Node root = reader.read(text, label, format, problems);
        if (root == null) {
            return new LoadResult(null, problems);
        }
        Binder binder = new Binder(label, problems);
        PipelineSpec spec = binder.pipeline(root, baseDirectory);
        return new LoadResult(spec, problems);
    }

    /** Turns located nodes into spec records, recording problems along the way. */
    private final class Binder {
        private final String file;
        private final List<Problem> problems;
        private final Set<String> explicitIds = new HashSet<>();
        private final Map<String, Integer> autoIdCounters = new HashMap<>();
        private final Set<String> assignedIds = new HashSet<>();

        Binder(String file, List<Problem> problems) {
            this.file = file;
            this.problems = problems;
        }

        private void error(SourceLocation at, @Nullable String step, String message, String fix) {
            problems.add(Problem.error(at, step, message, fix));
        }

        @Nullable PipelineSpec pipeline(Node root, Path baseDirectory) {
            if (!(root instanceof Node.MapNode map)) {
                error(root.location(), null, "a pipeline must be a map with pipeline_name and steps, found "
                        + root.describe(), "start the file with 'pipeline_name:' and 'steps:'");
                return null;
            }
            checkKeys(map, ROOT_KEYS, null, "pipeline");
            String name = requiredString(map, "pipeline_name", null, "add 'pipeline_name: my_pipeline' at the top");
            String description = optionalString(map, "description", null);
            String outputDirectory = optionalString(map, "output_directory", null);
            if (outputDirectory != null && outputDirectory.isBlank()) {
                error(locationOf(map, "output_directory"), null, "output_directory is empty",
                        "name a folder, for example 'output'");
                outputDirectory = null;
            }
            GlobalConfig global = globalConfig(map.get("global_config"));
            Map<String, InputSpec> inputs = inputs(map.get("inputs"));
            collectExplicitIds(map.get("steps"));
            List<StepSpec> steps = steps(map, map.get("steps"));
            Map<String, SourceLocation> where = new HashMap<>();
            map.entries().values().forEach(e -> where.put(e.key(), e.value().location()));
            return new PipelineSpec(name == null ? "unnamed" : name, description,
                    outputDirectory == null ? "output" : outputDirectory, global, inputs, steps, baseDirectory, file,
                    new Locations(new SourceLocation(file, 1, 1), where));
        }

        private GlobalConfig globalConfig(@Nullable Node node) {
            if (node == null || node instanceof Node.ScalarNode s && s.isNull()) {
                return GlobalConfig.defaults();
            }
            if (!(node instanceof Node.MapNode map)) {
                error(node.location(), null, "global_config must be a map, found " + node.describe(),
                        "write for example 'global_config: { parallel_enabled: true, cost_limit: 5.0 }'");
                return GlobalConfig.defaults();
            }
            checkKeys(map, GLOBAL_KEYS, null, "global_config");
            Boolean parallel = optionalBoolean(map, "parallel_enabled", null);
            BigDecimal limit = money(map, "cost_limit");
            BigDecimal confirm = money(map, "confirm_above");
            String provider = optionalString(map, "default_provider", null);
            return new GlobalConfig(parallel != null && parallel, limit, confirm, provider, timeouts(map.get("timeouts")));
        }

        /** {@code timeouts: { text_to_video: 1800, text_to_image: 5m }}: the default time limit by kind of step. */
        private java.util.Map<Capability, Duration> timeouts(@Nullable Node node) {
            java.util.Map<Capability, Duration> out = new java.util.EnumMap<>(Capability.class);
            if (node == null || node instanceof Node.ScalarNode s && s.isNull()) {
                return out;
            }
            if (!(node instanceof Node.MapNode map)) {
                error(node.location(), null, "global_config.timeouts must be a map of step types to seconds, found "
                        + node.describe(), "write for example 'timeouts: { text_to_video: 1800 }'");
                return out;
            }
            for (Node.Entry e : map.entries().values()) {
                java.util.Optional<Capability> c = Capability.fromWireName(e.key());
                if (c.isEmpty()) {
                    error(e.keyLocation(), null, "unknown step type '" + e.key() + "' in global_config.timeouts",
                            dev.acp.util.Suggestions.nearest(e.key(), Capability.wireNames())
                                    .map(x -> "did you mean '" + x + "'?").orElse("use a step type such as text_to_video"));
                    continue;
                }
                Duration d = duration(map, e.key(), null);
                if (d != null) {
                    out.put(c.get(), d);
                }
            }
            return out;
        }

        private @Nullable BigDecimal money(Node.MapNode map, String key) {
            return money(map, key, null);
        }

        private @Nullable BigDecimal money(Node.MapNode map, String key, @Nullable String step) {
            Node n = map.get(key);
            if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
                return null;
            }
            if (n instanceof Node.ScalarNode s && s.value() instanceof Number num
                    && !(num instanceof Double d && !Double.isFinite(d))) {
                BigDecimal v = new BigDecimal(num.toString());
                if (v.signum() < 0) {
                    error(n.location(), step, key + " is negative (" + v.toPlainString() + ")",
                            "give an amount in US dollars of 0 or more");
                    return null;
                }
                return v;
            }
            error(n.location(), step, key + " must be a number of US dollars, found " + n.describe(),
                    "write for example '" + key + ": 5.0'");
            return null;
        }

        private Map<String, InputSpec> inputs(@Nullable Node node) {
            Map<String, InputSpec> out = new LinkedHashMap<>();
            if (node == null || node instanceof Node.ScalarNode s && s.isNull()) {
                return out;
            }
            if (!(node instanceof Node.MapNode map)) {
                error(node.location(), null, "inputs must be a map of input names, found " + node.describe(),
                        "write for example 'inputs: { topic: { type: string, default: \"mountains\" } }'");
                return out;
            }
            for (Node.Entry e : map.entries().values()) {
                String name = e.key();
                if (!ID.matcher(name).matches()) {
                    error(e.keyLocation(), null, "input name '" + name + "' is not a valid name",
                            "use letters, digits, '_' and '-', starting with a letter");
                    continue;
                }
                InputSpec spec = input(name, e);
                if (spec != null) {
                    out.put(name, spec);
                }
            }
            return out;
        }

        private @Nullable InputSpec input(String name, Node.Entry e) {
            Node v = e.value();
            if (v instanceof Node.ListNode) {
                // Shorthand: 'topics: [a, b]' declares a list input with that default.
                return new InputSpec(name, InputType.LIST, v.toPlain(), null, List.of(), e.keyLocation());
            }
            if (v instanceof Node.ScalarNode s) {
                // Shorthand: 'topic: mountains' declares an input with that default; its type follows the value.
                if (s.isNull()) {
                    return new InputSpec(name, InputType.STRING, null, null, List.of(), e.keyLocation());
                }
                Object value = substitute(s.value(), s.location(), null);
                InputType type = value instanceof Boolean ? InputType.BOOLEAN
                        : value instanceof Long || value instanceof java.math.BigInteger ? InputType.INTEGER
                        : value instanceof Number ? InputType.NUMBER : InputType.STRING;
                return new InputSpec(name, type, value, null, List.of(), e.keyLocation());
            }
            if (!(v instanceof Node.MapNode map)) {
                error(v.location(), null, "input '" + name + "' must be a map or a default value, found " + v.describe(),
                        "write for example '" + name + ": { type: string, default: \"...\" }'");
                return null;
            }
            checkKeys(map, INPUT_KEYS, null, "input '" + name + "'");
            InputType type = InputType.STRING;
            String typeName = optionalString(map, "type", null);
            if (typeName != null) {
                var t = InputType.fromWireName(typeName);
                if (t.isEmpty()) {
                    List<String> names = java.util.Arrays.stream(InputType.values()).map(InputType::wireName).toList();
                    error(locationOf(map, "type"), null, "unknown input type '" + typeName + "'",
                            Suggestions.nearest(typeName, names).map(x -> "did you mean '" + x + "'?")
                                    .orElse("use one of " + String.join(", ", names)));
                } else {
                    type = t.get();
                }
            }
            Object def = null;
            Node defNode = map.get("default");
            if (defNode != null && !(defNode instanceof Node.ScalarNode ds && ds.isNull())) {
                Object raw = defNode.toPlain();
                def = raw instanceof String str ? substitute(str, defNode.location(), null) : raw;
                if (type == InputType.NUMBER && def instanceof Number) {
                    // an integer default is a valid number
                } else if (!type.accepts(def)) {
                    error(defNode.location(), null, "default of input '" + name + "' is " + defNode.describe()
                            + " but the input's type is " + type.wireName(), "give a " + type.wireName() + " default");
                    def = null;
                }
            }
            List<Object> allowed = new ArrayList<>();
            Node en = map.get("enum");
            if (en != null) {
                if (en instanceof Node.ListNode list && !list.items().isEmpty()) {
                    for (Node item : list.items()) {
                        Object val = item.toPlain();
                        if (!type.accepts(val) && !(type == InputType.NUMBER && val instanceof Number)) {
                            error(item.location(), null, "enum value " + item.describe() + " of input '" + name
                                    + "' is not a " + type.wireName(), "list " + type.wireName() + " values only");
                        } else {
                            allowed.add(val);
                        }
                    }
                    if (def != null && !allowed.isEmpty() && !allowed.contains(def)) {
                        error(locationOf(map, "default"), null, "default of input '" + name
                                + "' is not one of its enum values", "pick one of " + allowed);
                    }
                } else {
                    error(en.location(), null, "enum of input '" + name + "' must be a non-empty list",
                            "write for example 'enum: [cinematic, cartoon]'");
                }
            }
            String description = optionalString(map, "description", null);
            return new InputSpec(name, type, def, description, allowed, e.keyLocation());
        }

        private void collectExplicitIds(@Nullable Node stepsNode) {
            if (!(stepsNode instanceof Node.ListNode list)) {
                return;
            }
            for (Node item : list.items()) {
                if (item instanceof Node.MapNode m) {
                    if (m.get("id") instanceof Node.ScalarNode s && s.value() instanceof String id) {
                        explicitIds.add(id);
                    }
                    collectExplicitIds(m.get("steps"));
                }
            }
        }

        private List<StepSpec> steps(Node.MapNode root, @Nullable Node node) {
            List<StepSpec> out = new ArrayList<>();
            if (node == null) {
                error(root.location(), null, "the pipeline has no 'steps'", "add a 'steps:' list with at least one step");
                return out;
            }
            if (!(node instanceof Node.ListNode list)) {
                error(node.location(), null, "steps must be a list, found " + node.describe(),
                        "write each step as a list item starting with '- step_type: ...'");
                return out;
            }
            if (list.items().isEmpty()) {
                error(node.location(), null, "the pipeline has no steps", "add at least one step");
            }
            for (int i = 0; i < list.items().size(); i++) {
                StepSpec s = step(list.items().get(i), "steps[" + (i + 1) + "]", null);
                if (s != null) {
                    out.add(s);
                }
            }
            return out;
        }

        /** @param container the kind of block the step is inside (parallel_group, for_each), or null */
        private @Nullable StepSpec step(Node node, String position, @Nullable String container) {
            if (!(node instanceof Node.MapNode map)) {
                error(node.location(), position, "a step must be a map with step_type, found " + node.describe(),
                        "write '- step_type: text_to_image' followed by its keys");
                return null;
            }
            boolean inGroup = container != null;
            String label = position;
            if (map.get("id") instanceof Node.ScalarNode s && s.value() instanceof String id) {
                label = id;
            }
            if (map.has("for_each")) {
                if (container != null) {
                    error(map.entries().get("for_each").keyLocation(), label, "a for_each block cannot be inside a "
                            + container, "move the block to the top level of 'steps:'");
                    return null;
                }
                if (map.has("step_type")) {
                    error(locationOf(map, "step_type"), label, "a for_each block has no step_type; its steps do",
                            "remove 'step_type' and list the steps to repeat under 'steps:'");
                    return null;
                }
                return forEach(map, label);
            }
            String type = requiredString(map, "step_type", label, STEP_TYPE_FIX);
            if (type == null) {
                return null;
            }
            if (type.equals(GroupStepSpec.TYPE_NAME)) {
                if (inGroup) {
                    error(locationOf(map, "step_type"), label, GroupStepSpec.TYPE_NAME.equals(container)
                                    ? "parallel groups cannot be nested" : "a parallel_group cannot be inside a " + container,
                            GroupStepSpec.TYPE_NAME.equals(container)
                                    ? "move the inner group's steps into the outer group, or the group out of it"
                                    : "list the steps directly in the for_each block; max_workers there limits how"
                                            + " many run at once");
                    return null;
                }
                return group(map, label);
            }
            var capability = Capability.fromWireName(type);
            if (capability.isEmpty()) {
                error(locationOf(map, "step_type"), label, "unknown step_type '" + type + "'",
                        Suggestions.nearest(type, stepTypeNames()).map(x -> "did you mean '" + x + "'?")
                                .orElse("use one of " + String.join(", ", stepTypeNames())));
                return null;
            }
            return task(map, label, capability.get());
        }

        private @Nullable TaskStepSpec task(Node.MapNode map, String position, Capability capability) {
            String id = id(map, position, capability.wireName());
            String label = id;
            checkKeys(map, TASK_KEYS, label, "a " + capability.wireName() + " step");
            Map<String, SourceLocation> where = new HashMap<>();
            map.entries().values().forEach(e -> where.put(e.key(), e.value().location()));
            Map<String, Object> config = new LinkedHashMap<>();
            Node configNode = map.get("config");
            if (configNode != null && !(configNode instanceof Node.ScalarNode cs && cs.isNull())) {
                if (configNode instanceof Node.MapNode cm) {
                    for (Node.Entry e : cm.entries().values()) {
                        recordLocations("config." + e.key(), e, where);
                        config.put(e.key(), substituteTree(e.value(), label));
                    }
                } else {
                    error(configNode.location(), label, "config must be a map, found " + configNode.describe(),
                            "write the step's parameters under 'config:' as 'key: value' lines");
                }
            }
            String outputFilename = optionalString(map, "output_filename", label);
            if (outputFilename != null && outputFilename.isBlank()) {
                error(locationOf(map, "output_filename"), label, "output_filename is empty",
                        "give a file name such as 'result." + capability.defaultExtension() + "'");
                outputFilename = null;
            }
            Boolean enabled = optionalBoolean(map, "enabled", label);
            Duration timeout = duration(map, "timeout", label);
            int retries = retryCount(map, label);
            List<String> dependsOn = dependsOn(map, label);
            String provider = optionalString(map, "provider", label);
            String description = optionalString(map, "description", label);
            BigDecimal maxCost = money(map, "max_cost", label);
            List<FallbackSpec> fallback = fallback(map, label);
            return new TaskStepSpec(id, map.has("id"), capability, config, outputFilename, enabled == null || enabled,
                    timeout, retries, dependsOn, provider, description, new Locations(map.location(), where), maxCost,
                    fallback);
        }

        /** The step's {@code fallback:} list: maps of provider and/or model, in the order they are tried. */
        private List<FallbackSpec> fallback(Node.MapNode map, String label) {
            Node n = map.get("fallback");
            if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
                return List.of();
            }
            String example = "write for example 'fallback: [ { model: imagen-4 }, { provider: local } ]'";
            if (!(n instanceof Node.ListNode list)) {
                error(n.location(), label, "fallback must be a list of alternatives, found " + n.describe(), example);
                return List.of();
            }
            if (list.items().isEmpty()) {
                error(n.location(), label, "fallback is empty", "list at least one alternative, or remove 'fallback:'");
            }
            List<FallbackSpec> out = new ArrayList<>();
            for (int i = 0; i < list.items().size(); i++) {
                Node item = list.items().get(i);
                if (!(item instanceof Node.MapNode alt)) {
                    error(item.location(), label, "fallback " + (i + 1) + " must be a map with provider and/or model,"
                            + " found " + item.describe(), example);
                    continue;
                }
                checkKeys(alt, FALLBACK_KEYS, label, "a fallback alternative");
                String provider = optionalString(alt, "provider", label);
                String model = optionalString(alt, "model", label);
                if (provider == null && model == null) {
                    error(alt.location(), label, "fallback " + (i + 1) + " names neither a provider nor a model",
                            "write '{ model: imagen-4 }', '{ provider: runware, model: \"runware:101@1\" }' or"
                                    + " '{ provider: local }'");
                    continue;
                }
                Map<String, SourceLocation> where = new HashMap<>();
                alt.entries().values().forEach(e -> where.put(e.key(), e.value().location()));
                out.add(new FallbackSpec(provider, model, i + 1, new Locations(alt.location(), where)));
            }
            return out;
        }

        private @Nullable GroupStepSpec group(Node.MapNode map, String position) {
            String id = id(map, position, GroupStepSpec.TYPE_NAME);
            String label = id;
            checkKeys(map, GROUP_KEYS, label, "a parallel_group");
            Map<String, SourceLocation> where = new HashMap<>();
            map.entries().values().forEach(e -> where.put(e.key(), e.value().location()));
            MergeStrategy merge = MergeStrategy.COLLECT_ALL;
            Integer maxWorkers = null;
            Duration timeout = null;
            Node pc = map.get("parallel_config");
            if (pc instanceof Node.MapNode pcm) {
                pcm.entries().values().forEach(e -> where.put("parallel_config." + e.key(), e.value().location()));
                checkKeys(pcm, PARALLEL_KEYS, label, "parallel_config");
                String m = optionalString(pcm, "merge_strategy", label);
                if (m != null) {
                    var ms = MergeStrategy.fromWireName(m);
                    if (ms.isEmpty()) {
                        List<String> names = java.util.Arrays.stream(MergeStrategy.values())
                                .map(MergeStrategy::wireName).toList();
                        error(locationOf(pcm, "merge_strategy"), label, "unknown merge_strategy '" + m + "'",
                                Suggestions.nearest(m, names).map(x -> "did you mean '" + x + "'?")
                                        .orElse("use one of " + String.join(", ", names)));
                    } else {
                        merge = ms.get();
                    }
                }
                Node mw = pcm.get("max_workers");
                if (mw != null && !(mw instanceof Node.ScalarNode mws && mws.isNull())) {
                    if (mw instanceof Node.ScalarNode s && s.value() instanceof Long l && l >= 1 && l <= 100_000) {
                        maxWorkers = l.intValue();
                    } else {
                        error(mw.location(), label, "max_workers must be a whole number from 1 to 100000, found "
                                + mw.describe(), "write for example 'max_workers: 4', or remove it for no limit");
                    }
                }
                timeout = duration(pcm, "timeout", label);
            } else if (pc != null && !(pc instanceof Node.ScalarNode ps && ps.isNull())) {
                error(pc.location(), label, "parallel_config must be a map, found " + pc.describe(),
                        "write for example 'parallel_config: { merge_strategy: collect_all, max_workers: 4 }'");
            }
            List<TaskStepSpec> members = new ArrayList<>();
            Node stepsNode = map.get("steps");
            if (stepsNode == null) {
                error(map.location(), label, "the parallel_group has no 'steps'", "list its member steps under 'steps:'");
            } else if (!(stepsNode instanceof Node.ListNode list)) {
                error(stepsNode.location(), label, "steps of a parallel_group must be a list, found " + stepsNode.describe(),
                        "write each member as a list item '- step_type: ...'");
            } else {
                if (list.items().isEmpty()) {
                    error(stepsNode.location(), label, "the parallel_group has no steps", "add at least one member step");
                }
                for (int i = 0; i < list.items().size(); i++) {
                    StepSpec s = step(list.items().get(i), label + ".steps[" + (i + 1) + "]", GroupStepSpec.TYPE_NAME);
                    if (s instanceof TaskStepSpec t) {
                        members.add(t);
                    }
                }
            }
            Boolean enabled = optionalBoolean(map, "enabled", label);
            List<String> dependsOn = dependsOn(map, label);
            String outputDirectory = optionalString(map, "output_directory", label);
            return new GroupStepSpec(id, map.has("id"), merge, maxWorkers, timeout, members, enabled == null || enabled,
                    dependsOn, outputDirectory, new Locations(map.location(), where));
        }

        private @Nullable ForEachStepSpec forEach(Node.MapNode map, String position) {
            String id = id(map, position, ForEachStepSpec.TYPE_NAME);
            String label = id;
            checkKeys(map, FOR_EACH_KEYS, label, "a for_each block");
            Map<String, SourceLocation> where = new HashMap<>();
            map.entries().values().forEach(e -> where.put(e.key(), e.value().location()));
            String source = optionalString(map, "for_each", label);
            if (source != null && source.isBlank() || source == null && map.get("for_each") instanceof Node.ScalarNode fs
                    && fs.isNull()) {
                error(locationOf(map, "for_each"), label, "for_each is empty",
                        "name the list to run over, for example 'for_each: \"{{steps.scenes.items}}\"'");
                source = null;
            }
            Integer maxWorkers = null;
            Node mw = map.get("max_workers");
            if (mw != null && !(mw instanceof Node.ScalarNode mws && mws.isNull())) {
                if (mw instanceof Node.ScalarNode s && s.value() instanceof Long l && l >= 1 && l <= 100_000) {
                    maxWorkers = l.intValue();
                } else {
                    error(mw.location(), label, "max_workers must be a whole number from 1 to 100000, found "
                            + mw.describe(), "write for example 'max_workers: 4', or remove it for no limit");
                }
            }
            List<TaskStepSpec> inner = new ArrayList<>();
            Node stepsNode = map.get("steps");
            if (stepsNode == null) {
                error(map.location(), label, "the for_each block has no 'steps'",
                        "list the steps to run for each item under 'steps:'");
            } else if (!(stepsNode instanceof Node.ListNode list)) {
                error(stepsNode.location(), label, "steps of a for_each block must be a list, found "
                        + stepsNode.describe(), "write each step as a list item '- step_type: ...'");
            } else {
                if (list.items().isEmpty()) {
                    error(stepsNode.location(), label, "the for_each block has no steps", "add at least one step");
                }
                for (int i = 0; i < list.items().size(); i++) {
                    StepSpec s = step(list.items().get(i), label + ".steps[" + (i + 1) + "]", ForEachStepSpec.TYPE_NAME);
                    if (s instanceof TaskStepSpec t) {
                        inner.add(t);
                    }
                }
            }
            Boolean enabled = optionalBoolean(map, "enabled", label);
            List<String> dependsOn = dependsOn(map, label);
            return new ForEachStepSpec(id, map.has("id"), source == null ? "" : source, maxWorkers, inner,
                    enabled == null || enabled, dependsOn, new Locations(map.location(), where));
        }

        private String id(Node.MapNode map, String label, String typeName) {
            Node n = map.get("id");
            if (n != null) {
                if (n instanceof Node.ScalarNode s && s.value() instanceof String id) {
                    if (!ID.matcher(id).matches()) {
                        error(n.location(), label, "id '" + id + "' is not a valid id",
                                "use letters, digits, '_' and '-', starting with a letter");
                    } else if (!assignedIds.add(id)) {
                        error(n.location(), label, "duplicate id '" + id + "'", "give every step its own id");
                    }
                    return id;
                }
                error(n.location(), label, "id must be text, found " + n.describe(), "write for example 'id: hero_image'");
            }
            // Derived ids are <step_type>_<n>, skipping names that explicit ids already use.
            String candidate;
            do {
                int next = autoIdCounters.merge(typeName, 1, Integer::sum);
                candidate = typeName + "_" + next;
            } while (explicitIds.contains(candidate) || assignedIds.contains(candidate));
            assignedIds.add(candidate);
            return candidate;
        }

        private int retryCount(Node.MapNode map, String label) {
            Node n = map.get("retry_count");
            if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
                return 0;
            }
            if (n instanceof Node.ScalarNode s && s.value() instanceof Long l && l >= 0 && l <= MAX_RETRY_COUNT) {
                return l.intValue();
            }
            error(n.location(), label, "retry_count must be a whole number from 0 to " + MAX_RETRY_COUNT + ", found "
                    + n.describe(), "write for example 'retry_count: 2'");
            return 0;
        }

        private @Nullable List<String> dependsOn(Node.MapNode map, String label) {
            Node n = map.get("depends_on");
            if (n == null) {
                return null;
            }
            if (n instanceof Node.ScalarNode s && s.value() instanceof String str) {
                return List.of(str);
            }
            if (n instanceof Node.ListNode list) {
                List<String> out = new ArrayList<>();
                for (Node item : list.items()) {
                    if (item instanceof Node.ScalarNode s && s.value() instanceof String str) {
                        out.add(str);
                    } else {
                        error(item.location(), label, "depends_on must list step ids, found " + item.describe(),
                                "write for example 'depends_on: [hero_image, narration]'");
                    }
                }
                return out;
            }
            if (n instanceof Node.ScalarNode s && s.isNull()) {
                return List.of();
            }
            error(n.location(), label, "depends_on must be a step id or a list of ids, found " + n.describe(),
                    "write for example 'depends_on: [hero_image]'");
            return null;
        }

        private @Nullable Duration duration(Node.MapNode map, String key, @Nullable String label) {
            Node n = map.get(key);
            if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
                return null;
            }
            if (n instanceof Node.ScalarNode s) {
                if (s.value() instanceof Number num && num.doubleValue() > 0 && num.doubleValue() <= 7 * 24 * 3600) {
                    return Duration.ofMillis(Math.round(num.doubleValue() * 1000));
                }
                if (s.value() instanceof String str) {
                    Duration d = parseDuration(str.trim());
                    if (d != null && !d.isZero()) {
                        return d;
                    }
                }
            }
            error(n.location(), label, key + " must be a positive number of seconds or a duration such as '90s' or '5m',"
                    + " found " + n.describe(), "write for example '" + key + ": 120'");
            return null;
        }

        private void checkKeys(Node.MapNode map, List<String> known, @Nullable String step, String where) {
            for (Node.Entry e : map.entries().values()) {
                if (known.contains(e.key())) {
                    continue;
                }
                if (e.key().equals("fallback")) {
                    // Alternatives are per provider call: a block's steps each choose their own.
                    error(e.keyLocation(), step, "fallback is not allowed on " + where + ": its steps choose their"
                            + " own providers", "move 'fallback:' onto the steps inside it that should have alternatives");
                    continue;
                }
                String future = FUTURE_KEYS.get(e.key());
                if (future != null) {
                    error(e.keyLocation(), step, future, "remove '" + e.key() + "'");
                    continue;
                }
                String alias = KEY_ALIASES.get(e.key());
                var suggestion = alias != null && known.contains(alias) ? java.util.Optional.of(alias)
                        : Suggestions.nearest(e.key(), known);
                String fix = suggestion.map(x -> "did you mean '" + x + "'?")
                        .orElse("remove it; " + where + " accepts " + String.join(", ", known));
                error(e.keyLocation(), step, "unknown key '" + e.key() + "' in " + where, fix);
            }
        }

        private @Nullable String requiredString(Node.MapNode map, String key, @Nullable String step, String fix) {
            Node n = map.get(key);
            if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
                error(map.location(), step, "missing '" + key + "'", fix);
                return null;
            }
            return string(n, key, step);
        }

        private @Nullable String optionalString(Node.MapNode map, String key, @Nullable String step) {
            Node n = map.get(key);
            if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
                return null;
            }
            return string(n, key, step);
        }

        private @Nullable String string(Node n, String key, @Nullable String step) {
            if (n instanceof Node.ScalarNode s && s.value() instanceof String str) {
                Object v = substitute(str, n.location(), step);
                return v.toString();
            }
            if (n instanceof Node.ScalarNode s && (s.isNumber() || s.isBoolean())) {
                // The seeds quote everything; an unquoted number where text is expected is still clear enough.
                return String.valueOf(s.value());
            }
            error(n.location(), step, key + " must be text, found " + n.describe(), "write '" + key + ": \"...\"'");
            return null;
        }

        private @Nullable Boolean optionalBoolean(Node.MapNode map, String key, @Nullable String step) {
            Node n = map.get(key);
            if (n == null || n instanceof Node.ScalarNode s && s.isNull()) {
                return null;
            }
            if (n instanceof Node.ScalarNode s && s.value() instanceof Boolean b) {
                return b;
            }
            if (n instanceof Node.ScalarNode s && s.value() instanceof String str) {
                Object parsed = InputType.BOOLEAN.parse(substitute(str, n.location(), step).toString());
                if (parsed instanceof Boolean b) {
                    return b;
                }
            }
            error(n.location(), step, key + " must be true or false, found " + n.describe(), "write '" + key + ": true'");
            return null;
        }

        private SourceLocation locationOf(Node.MapNode map, String key) {
            Node.Entry e = map.entries().get(key);
            return e == null ? map.location() : e.value().location();
        }

        private void recordLocations(String path, Node.Entry entry, Map<String, SourceLocation> where) {
            where.put(path, entry.value().location());
            if (entry.value() instanceof Node.MapNode m) {
                m.entries().values().forEach(e -> recordLocations(path + "." + e.key(), e, where));
            } else if (entry.value() instanceof Node.ListNode l) {
                for (int i = 0; i < l.items().size(); i++) {
                    where.put(path + "." + i, l.items().get(i).location());
                }
            }
        }

        /** Plain values of a config subtree with ${NAME} substituted in every string. */
        private @Nullable Object substituteTree(Node node, @Nullable String step) {
            return switch (node) {
                case Node.ScalarNode s -> s.value() instanceof String str ? substitute(str, s.location(), step) : s.value();
                case Node.ListNode l -> {
                    List<@Nullable Object> out = new ArrayList<>();
                    l.items().forEach(i -> out.add(substituteTree(i, step)));
                    yield out;
                }
                case Node.MapNode m -> {
                    Map<String, @Nullable Object> out = new LinkedHashMap<>();
                    m.entries().values().forEach(e -> out.put(e.key(), substituteTree(e.value(), step)));
                    yield out;
                }
            };
        }

        private Object substitute(@Nullable Object value, SourceLocation at, @Nullable String step) {
            if (!(value instanceof String text)) {
                return value == null ? "" : value;
            }
            EnvSubstitution.Result r = EnvSubstitution.apply(text, environment, variables::allows);
            for (String name : r.refused()) {
                // The value's own location: substitution happens per value, after parsing.
                variables.refusal(name).ifPresent(why -> error(at, step, why.message() + " (used as ${" + name + "})",
                        why.fix()));
            }
            for (String missing : r.missing()) {
                error(at, step, "environment variable " + missing + " is not set (used as ${" + missing + "})",
                        "set " + missing + ", or give a default as ${" + missing + ":-value}");
            }
            for (String bad : r.malformed()) {
                error(at, step, "malformed variable '" + bad + "'",
                        "write ${NAME} or ${NAME:-default}, or $${ for a literal '${'");
            }
            return r.text();
        }
    }

    static List<String> stepTypeNames() {
        List<String> names = new ArrayList<>();
        for (Capability c : Capability.values()) {
            names.add(c.wireName());
        }
        names.add(GroupStepSpec.TYPE_NAME);
        return names;
    }

    /** Parses '90s', '5m', '1h30m', '500ms'; null when the text is not a duration. */
    static @Nullable Duration parseDuration(String text) {
        if (!DURATION.matcher(text).matches()) {
            return null;
        }
        Matcher m = DURATION_PART.matcher(text);
        double millis = 0;
        while (m.find()) {
            double v = Double.parseDouble(m.group(1));
            millis += switch (m.group(2)) {
                case "ms" -> v;
                case "s" -> v * 1000;
                case "m" -> v * 60_000;
                default -> v * 3_600_000;
            };
        }
        return Duration.ofMillis(Math.round(millis));
    }
}
