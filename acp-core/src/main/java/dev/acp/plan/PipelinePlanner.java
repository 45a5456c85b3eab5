package dev.acp.plan;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.env.Environment;
import dev.acp.env.TemplateVariables;
import dev.acp.pipeline.FallbackSpec;
import dev.acp.pipeline.ForEachStepSpec;
import dev.acp.pipeline.GroupStepSpec;
import dev.acp.pipeline.InputSpec;
import dev.acp.pipeline.InputType;
import dev.acp.pipeline.MergeStrategy;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.Problem;
import dev.acp.pipeline.SourceLocation;
import dev.acp.pipeline.StepSpec;
import dev.acp.pipeline.TaskStepSpec;
import dev.acp.pipeline.Capability;
import dev.acp.provider.CapabilitySchema;
import dev.acp.provider.ParamType;
import dev.acp.provider.Provider;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import dev.acp.provider.SpeechDirection;
import dev.acp.template.Reference;
import dev.acp.template.Template;
import dev.acp.template.TemplateSyntaxException;
import dev.acp.util.SafePaths;
import dev.acp.util.Suggestions;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Validates a loaded pipeline as a whole and turns it into an {@link ExecutionPlan}: input
 * values, dependencies (explicit, default ordering and template references), cycles, output
 * paths, providers and their capabilities, and each step's parameters. All problems are
 * reported together, sorted by position in the file.
 */
public final class PipelinePlanner {
    /** The fields of every item of a story_to_scenes step's list (see SceneSchema in acp-providers). */
    public static final List<String> SCENE_FIELDS = List.of("title", "description", "image_prompt", "narration",
            "duration");
    /** The largest text_file input: far above a 100,000-word story, far below a video mistaken for one. */
    static final long MAX_TEXT_INPUT_BYTES = 4L * 1024 * 1024;
    private static final java.util.regex.Pattern DRIVE_LETTER = java.util.regex.Pattern.compile("^[A-Za-z]:.*");
    private final ProviderRegistry registry;
    private final ProviderCatalog catalog;
    private final Environment environment;
    private final TemplateVariables variables;

    public PipelinePlanner(ProviderRegistry registry, ProviderCatalog catalog, Environment environment) {
        this.registry = registry;
        this.catalog = catalog;
        this.environment = environment;
        this.variables = registry.templateVariables(environment);
    }

    public PlanResult plan(PipelineSpec spec, RunSettings settings) {
        return new Run(spec, settings).plan();
    }

    /** The state of planning one pipeline. */
    private final class Run {
        private final PipelineSpec spec;
        private final RunSettings settings;
        private final List<Problem> problems = new ArrayList<>();
        private final Map<String, StepSpec> byId = new LinkedHashMap<>();
        private final Map<String, String> groupOf = new HashMap<>();
        /** The for_each block of each inner step. */
        private final Map<String, ForEachStepSpec> blockOf = new HashMap<>();
        /** Per inner step, its output file name with item references still in it. */
        private final Map<String, String> outputNames = new HashMap<>();
        private final Set<String> disabled = new HashSet<>();
        private final Map<String, Set<String>> deps = new LinkedHashMap<>();
        /** The validated alternatives of each enabled task. */
        private final Map<String, List<PlannedTask.Fallback>> fallbacks = new HashMap<>();
        /** Typo suggestions per capability and key: large pipelines repeat the same keys. */
        private final Map<String, Optional<String>> keySuggestions = new HashMap<>();

        Run(PipelineSpec spec, RunSettings settings) {
            this.spec = spec;
            this.settings = settings;
        }

        private void error(SourceLocation at, @Nullable String step, String message, String fix) {
            problems.add(Problem.error(at, step, message, fix));
        }

        private void warning(SourceLocation at, @Nullable String step, String message, String fix) {
            problems.add(Problem.warning(at, step, message, fix));
        }

        PlanResult plan() {
            for (StepSpec s : spec.allSteps()) {
                byId.putIfAbsent(s.id(), s);
                if (!s.enabled()) {
                    disabled.add(s.id());
                }
                if (s instanceof GroupStepSpec g) {
                    for (TaskStepSpec m : g.steps()) {
                        groupOf.put(m.id(), g.id());
                        if (!g.enabled()) {
                            disabled.add(m.id());
                        }
                    }
                }
                if (s instanceof ForEachStepSpec f) {
                    for (TaskStepSpec m : f.steps()) {
                        blockOf.put(m.id(), f);
                        if (!f.enabled()) {
                            disabled.add(m.id());
                        }
                    }
                }
            }
            for (StepSpec s : spec.steps()) {
                if (s instanceof GroupStepSpec g && !g.steps().isEmpty()
                        && g.steps().stream().allMatch(m -> disabled.contains(m.id()))) {
                    disabled.add(g.id());
                }
                if (s instanceof ForEachStepSpec f && !f.steps().isEmpty()
                        && f.steps().stream().allMatch(m -> disabled.contains(m.id()))) {
                    disabled.add(f.id());
                }
            }
            Map<String, Object> inputs = resolveInputs();
            Path outputDirectory = outputDirectory();
            dependencies();
            checkCycles();
            Map<String, Path> outputs = outputs(outputDirectory, inputs);
            Map<String, Resolved> providers = new HashMap<>();
            for (TaskStepSpec t : spec.tasks()) {
                Resolved r = resolveProvider(t);
                if (r != null) {
                    providers.put(t.id(), r);
                    if (!disabled.contains(t.id())) {
                        checkParameters(t, r, outputs.get(t.id()));
                        fallbacks.put(t.id(), resolveFallbacks(t, r, outputs.get(t.id())));
                    }
                }
            }
            problems.sort(Comparator.comparing((Problem p) -> p.location().line())
                    .thenComparing(p -> p.location().column()));
            checkDisabledSources();
            // A block whose for_each could not be read (a list, a map: the loader said so) has no plan.
            boolean failed = problems.stream().anyMatch(Problem::isError)
                    || spec.steps().stream().anyMatch(s -> s instanceof ForEachStepSpec f && parseSourceQuietly(f) == null);
            if (failed) {
                return new PlanResult(null, problems);
            }
            boolean parallel = settings.parallel() || spec.global().parallelEnabled();
            List<PlannedStep> nodes = new ArrayList<>();
            for (StepSpec s : spec.steps()) {
                switch (s) {
                    case TaskStepSpec t -> nodes.add(task(t, (String) null, providers, outputs));
                    case GroupStepSpec g -> {
                        int workers = !parallel ? 1
                                : g.maxWorkers() != null ? g.maxWorkers() : Math.max(1, g.steps().size());
                        nodes.add(new PlannedGroup(g, g.steps().stream().map(TaskStepSpec::id).toList(),
                                List.copyOf(deps.get(g.id())), workers, g.enabled()));
                        for (TaskStepSpec m : g.steps()) {
                            nodes.add(task(m, g.id(), providers, outputs));
                        }
                    }
                    case ForEachStepSpec f -> {
                        int workers = !parallel ? 1 : f.maxWorkers() != null ? f.maxWorkers() : Integer.MAX_VALUE;
                        List<PlannedTask> templates = new ArrayList<>();
                        Map<String, String> names = new LinkedHashMap<>();
                        for (TaskStepSpec m : f.steps()) {
                            templates.add(task(m, f.id(), providers, outputs));
                            names.put(m.id(), outputNames.get(m.id()));
                        }
                        nodes.add(new PlannedForEach(f, parseSource(f), templates, names, outputDirectory,
                                List.copyOf(deps.get(f.id())), workers, !disabled.contains(f.id()), itemFields(f)));
                    }
                }
            }
            List<Problem> warnings = problems.stream().filter(p -> !p.isError()).toList();
            return new PlanResult(new ExecutionPlan(spec, outputDirectory, parallel, inputs, nodes, warnings), problems);
        }

        private PlannedTask task(TaskStepSpec t, @Nullable String groupId, Map<String, Resolved> providers,
                Map<String, Path> outputs) {
            Resolved r = providers.get(t.id());
            return new PlannedTask(t, r.providerId(), r.reason(), t.model(), outputs.get(t.id()), groupId,
                    List.copyOf(deps.get(t.id())), !disabled.contains(t.id()), fallbacks.getOrDefault(t.id(), List.of()));
        }

        // ---- inputs ------------------------------------------------------------------------

        private Map<String, Object> resolveInputs() {
            Map<String, Object> values = new LinkedHashMap<>();
            SourceLocation setFlag = SourceLocation.unknown("--set");
            for (var e : settings.inputValues().entrySet()) {
                InputSpec in = spec.inputs().get(e.getKey());
                if (in == null) {
                    String fix = Suggestions.nearest(e.getKey(), spec.inputs().keySet())
                            .map(x -> "did you mean '" + x + "'?")
                            .orElse(spec.inputs().isEmpty() ? "the pipeline declares no inputs; add an 'inputs:' section"
                                    : "declared inputs: " + String.join(", ", spec.inputs().keySet()));
                    error(setFlag, null, "unknown input '" + e.getKey() + "'", fix);
                    continue;
                }
                Object v = in.type().parse(e.getValue());
                if (v == null) {
                    error(setFlag, null, "input '" + in.name() + "' is " + in.type().wireName() + " but got '"
                            + e.getValue() + "'", "pass a " + in.type().wireName() + " value with --set " + in.name() + "=...");
                    continue;
                }
                if (in.type() == InputType.FILE || in.type() == InputType.TEXT_FILE) {
                    Path p = settings.workingDirectory().resolve(e.getValue()).normalize();
                    if (!Files.isRegularFile(p)) {
                        error(setFlag, null, "input '" + in.name() + "': file not found: " + p, "pass an existing file");
                        continue;
                    }
                    v = in.type() == InputType.TEXT_FILE ? readTextInput(in, p, setFlag) : p.toString();
                    if (v == null) {
                        continue;
                    }
                }
                values.put(in.name(), v);
            }
            for (InputSpec in : spec.inputs().values()) {
                Object v = values.get(in.name());
                if (v == null && !settings.inputValues().containsKey(in.name())) {
                    if (in.defaultValue() == null) {
                        error(in.location(), null, "input '" + in.name() + "' has no value",
                                "pass --set " + in.name() + "=... or give it a default");
                        continue;
                    }
                    v = in.defaultValue();
                    if (in.type() == InputType.FILE) {
                        v = spec.baseDirectory().resolve(v.toString()).normalize().toString();
                    } else if (in.type() == InputType.TEXT_FILE) {
                        Path p = spec.baseDirectory().resolve(v.toString()).normalize();
                        if (!Files.isRegularFile(p)) {
                            error(in.location(), null, "input '" + in.name() + "': file not found: " + p,
                                    "create the file, or pass another with --set " + in.name() + "=FILE");
                            continue;
                        }
                        v = readTextInput(in, p, in.location());
                        if (v == null) {
                            continue;
                        }
                    }
                    values.put(in.name(), v);
                }
                if (v != null && !in.allowed().isEmpty() && !containsValue(in.allowed(), v)) {
                    error(in.location(), null, "input '" + in.name() + "' is '" + v + "', not one of its allowed values",
                            "use one of " + in.allowed());
                }
            }
            return values;
        }

        /**
         * The contents of a {@code text_file} input, or null after reporting why not. Bounded so that
         * a wrong path (a video, a log) fails fast instead of filling memory; blank text is refused
         * because every step that reads a story or script needs some.
         */
        private @Nullable String readTextInput(InputSpec in, Path p, SourceLocation at) {
            try {
                long size = Files.size(p);
                if (size > MAX_TEXT_INPUT_BYTES) {
                    error(at, null, "input '" + in.name() + "': " + p + " is " + size / 1024 + " KiB, more than the "
                            + MAX_TEXT_INPUT_BYTES / (1024 * 1024) + " MiB a text_file input may hold",
                            "pass a shorter text file");
                    return null;
                }
                String text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(p))).toString();
                if (text.isBlank()) {
                    error(at, null, "input '" + in.name() + "': " + p + " is empty",
                            "write the text into the file, or pass another with --set " + in.name() + "=FILE");
                    return null;
                }
                return text.startsWith("\uFEFF") ? text.substring(1) : text;
            } catch (java.nio.charset.CharacterCodingException e) {
                error(at, null, "input '" + in.name() + "': " + p + " is not UTF-8 text",
                        "save it as UTF-8 plain text");
                return null;
            } catch (java.io.IOException e) {
                error(at, null, "input '" + in.name() + "': cannot read " + p + ": " + e.getMessage(),
                        "check the file's permissions");
                return null;
            }
        }

        private static boolean containsValue(List<Object> allowed, Object v) {
            for (Object a : allowed) {
                if (a.equals(v) || a instanceof Number an && v instanceof Number vn
                        && an.doubleValue() == vn.doubleValue()) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The output folder at its real location (links above it resolved, so that none can be
         * followed later); a folder outputs must not go to is reported.
         */
        private Path outputDirectory() {
            boolean flag = settings.outputDirectory() != null;
            SourceLocation at = flag ? SourceLocation.unknown("--output-dir") : spec.locations().at("output_directory");
            Path resolved;
            try {
                Path dir = flag ? settings.outputDirectory() : Path.of(spec.outputDirectory());
                resolved = settings.workingDirectory().resolve(dir).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                error(at, null, "output_directory '" + spec.outputDirectory() + "' is not a valid path",
                        "name a folder, for example 'output'");
                resolved = settings.workingDirectory().resolve("output").toAbsolutePath().normalize();
            }
            OutputFolders.checkRoot(resolved, settings.workingDirectory(), homes(), registry.context().acpHome())
                    .ifPresent(f -> error(at, null, f.message(), f.fix()));
            return SafePaths.real(resolved);
        }

        /** The user's home folder, as Java and as the environment name it. */
        private List<Path> homes() {
            List<Path> out = new ArrayList<>();
            String property = System.getProperty("user.home");
            if (property != null && !property.isBlank()) {
                out.add(Path.of(property));
            }
            environment.get("HOME").filter(h -> h.startsWith("/")).ifPresent(h -> out.add(Path.of(h)));
            return out;
        }

        // ---- dependencies --------------------------------------------------------------------

        private void dependencies() {
            String previous = null;
            for (StepSpec s : spec.steps()) {
                Set<String> d = new LinkedHashSet<>();
                if (s.dependsOn() != null) {
                    d.addAll(explicit(s, null));
                } else if (previous != null) {
                    d.add(previous);
                }
                if (s instanceof TaskStepSpec t) {
                    d.addAll(templateDependencies(t, null, null));
                }
                deps.put(s.id(), d);
                if (s instanceof GroupStepSpec g) {
                    for (TaskStepSpec m : g.steps()) {
                        Set<String> md = new LinkedHashSet<>(d);
                        if (m.dependsOn() != null) {
                            md.addAll(explicit(m, g));
                        }
                        md.addAll(templateDependencies(m, g, null));
                        deps.put(m.id(), md);
                    }
                }
                if (s instanceof ForEachStepSpec f) {
                    String source = disabled.contains(f.id()) ? null : checkSource(f);
                    if (source != null) {
                        d.add(source);
                    }
                    for (TaskStepSpec m : f.steps()) {
                        // Within an item an inner step waits for its siblings; whatever it needs from
                        // outside the block, the whole block waits for, so that items start together.
                        Set<String> md = new LinkedHashSet<>();
                        List<String> wanted = new ArrayList<>();
                        if (m.dependsOn() != null) {
                            wanted.addAll(explicit(m, null));
                        }
                        wanted.addAll(templateDependencies(m, null, f));
                        for (String w : wanted) {
                            if (blockOf.get(w) == f) {
                                md.add(w);
                            } else if (!w.equals(f.id())) {
                                d.add(w);
                            }
                        }
                        deps.put(m.id(), md);
                    }
                }
                previous = s.id();
            }
        }

        private List<String> explicit(StepSpec s, @Nullable GroupStepSpec group) {
            List<String> out = new ArrayList<>();
            SourceLocation at = s.locations().at("depends_on");
            for (String d : s.dependsOn()) {
                StepSpec target = byId.get(d);
                if (target == null) {
                    error(at, s.id(), "depends_on names unknown step '" + d + "'", suggestStep(d));
                } else if (d.equals(s.id())) {
                    error(at, s.id(), "a step cannot depend on itself", "remove '" + d + "' from depends_on");
                } else if (group != null && d.equals(group.id())) {
                    error(at, s.id(), "a member cannot depend on its own group '" + d + "'",
                            "remove it; members already start when the group starts");
                } else if (firstSuccessMember(d) != null) {
                    error(at, s.id(), "'" + d + "' is a member of first_success group '" + firstSuccessMember(d)
                            + "' and is cancelled when another member wins", "depend on the group '"
                            + firstSuccessMember(d) + "' instead");
                } else if (group != null && group.id().equals(groupOf.get(d))) {
                    error(at, s.id(), "members of a parallel_group run side by side and cannot depend on each other ('"
                            + d + "')", "move '" + s.id() + "' out of the group and make it depend on '" + d + "'");
                } else if (blockOf.get(s.id()) != null && d.equals(blockOf.get(s.id()).id())) {
                    error(at, s.id(), "a step cannot depend on its own for_each block '" + d + "'",
                            "remove it; the block's steps start when the block starts");
                } else if (blockOf.get(d) != null && blockOf.get(d) != blockOf.get(s.id())) {
                    // Outside the block a step waits for all items: the block as a whole.
                    out.add(blockOf.get(d).id());
                } else {
                    out.add(d);
                }
            }
            return out;
        }

        /** The first_success group {@code id} belongs to, or null. */
        private @Nullable String firstSuccessMember(String id) {
            String g = groupOf.get(id);
            return g != null && byId.get(g) instanceof GroupStepSpec gs && gs.mergeStrategy() == MergeStrategy.FIRST_SUCCESS
                    ? g : null;
        }

        private String suggestStep(String id) {
            return Suggestions.nearest(id, byId.keySet()).map(x -> "did you mean '" + x + "'?")
                    .orElse("step ids in this pipeline: " + String.join(", ", byId.keySet()));
        }

        /** Steps a task references in templates; also checks every reference. */
        private Set<String> templateDependencies(TaskStepSpec t, @Nullable GroupStepSpec group,
                @Nullable ForEachStepSpec block) {
            Set<String> out = new LinkedHashSet<>();
            if (disabled.contains(t.id())) {
                return out; // a disabled step never runs, so what it refers to does not matter
            }
            forEachString(t.config(), "config", (path, text) -> {
                if (!Template.hasReferences(text)) {
                    return;
                }
                SourceLocation at = t.locations().at(path);
                Template template;
                try {
                    template = Template.parse(text);
                } catch (TemplateSyntaxException e) {
                    error(at, t.id(), e.getMessage() + " in " + path, e.fix());
                    return;
                }
                for (Reference ref : template.references()) {
                    switch (ref) {
                        case Reference.StepRef sr -> {
                            String dependency = checkStepReference(t, group, block, sr, at);
                            if (dependency != null) {
                                out.add(dependency);
                            }
                        }
                        case Reference.InputRef ir -> checkInputReference(t, ir, at);
                        case Reference.EnvRef er -> checkEnvReference(t, er, at);
                        case Reference.ItemRef ir -> checkItemReference(t.id(), block, ir, at);
                        case Reference.IndexRef ir -> checkItemReference(t.id(), block, ir, at);
                    }
                }
            });
            return out;
        }

        /** Checks a step reference; returns the step the referring step must wait for, or null. */
        private @Nullable String checkStepReference(TaskStepSpec t, @Nullable GroupStepSpec group,
                @Nullable ForEachStepSpec block, Reference.StepRef ref, SourceLocation at) {
            StepSpec target = byId.get(ref.stepId());
            String expr = "{{" + ref.expression() + "}}";
            if (target == null) {
                error(at, t.id(), expr + " names unknown step '" + ref.stepId() + "'", suggestStep(ref.stepId()));
                return null;
            }
            if (target.id().equals(t.id())) {
                error(at, t.id(), expr + " refers to the step itself", "refer to an earlier step");
                return null;
            }
            if (!checkBlockReference(t.id(), block, target, ref, at)) {
                return null;
            }
            if (group != null && (target.id().equals(group.id()) || group.id().equals(groupOf.get(target.id())))) {
                error(at, t.id(), expr + " refers to its own parallel group; members run side by side",
                        "move '" + t.id() + "' after the group and refer to it from there");
                return null;
            }
            if (firstSuccessMember(target.id()) != null) {
                String g = firstSuccessMember(target.id());
                error(at, t.id(), expr + ": '" + target.id() + "' is a member of first_success group '" + g
                        + "' and is cancelled when another member wins", "use {{steps." + g + "." + ref.field().wireName()
                        + "}}, the winner's result");
                return null;
            }
            if (disabled.contains(target.id())) {
                error(at, t.id(), expr + " refers to step '" + target.id() + "', which is disabled",
                        "enable '" + target.id() + "' or stop referring to it");
                return null;
            }
            switch (ref.field()) {
                case ITEMS -> {
                    if (!(target instanceof TaskStepSpec tt) || !tt.capability().producesText()) {
                        error(at, t.id(), expr + ": step '" + target.id() + "' (" + target.typeName()
                                + ") produces a file, not a JSON list", "refer to a text step such as story_to_scenes");
                        return null;
                    }
                }
                case OUTPUTS, TEXTS -> {
                    if (ref.field() == Reference.StepField.TEXTS && target instanceof TaskStepSpec tt
                            && !tt.capability().producesText()) {
                        error(at, t.id(), expr + ": step '" + target.id() + "' (" + target.typeName()
                                + ") produces files, not text", "use {{steps." + target.id() + ".outputs}}");
                        return null;
                    }
                }
                case OUTPUT -> {
                    if (target instanceof GroupStepSpec g && g.mergeStrategy() == MergeStrategy.COLLECT_ALL) {
                        error(at, t.id(), expr + ": group '" + g.id() + "' collects all members' outputs, so it has no"
                                + " single output", "refer to one member, e.g. {{steps."
                                + (g.steps().isEmpty() ? "<member>" : g.steps().get(0).id())
                                + ".output}}, or use merge_strategy first_success or best_quality");
                        return null;
                    }
                }
                case TEXT -> {
                    boolean text = switch (target) {
                        case TaskStepSpec tt -> tt.capability().producesText();
                        case GroupStepSpec g -> g.mergeStrategy() != MergeStrategy.COLLECT_ALL
                                && g.steps().stream().allMatch(m -> m.capability().producesText());
                        case ForEachStepSpec f -> false;
                    };
                    if (!text) {
                        error(at, t.id(), expr + ": step '" + target.id() + "' (" + target.typeName()
                                + ") produces a file, not text", "use {{steps." + target.id() + ".output}} for its file");
                        return null;
                    }
                }
            }
            ForEachStepSpec targetBlock = blockOf.get(target.id());
            // Outside its block an inner step's outputs are ready when the whole block is.
            return targetBlock != null && targetBlock != block ? targetBlock.id() : target.id();
        }

        /** Checks the for_each block rules of a step reference; false after reporting a problem. */
        private boolean checkBlockReference(String stepId, @Nullable ForEachStepSpec block, StepSpec target,
                Reference.StepRef ref, SourceLocation at) {
            String expr = "{{" + ref.expression() + "}}";
            if (target instanceof ForEachStepSpec f) {
                String first = f.steps().isEmpty() ? "<step>" : f.steps().get(0).id();
                error(at, stepId, expr + " refers to for_each block '" + f.id() + "', which has no result of its own",
                        "refer to one of its steps, for example {{steps." + first + ".outputs}}");
                return false;
            }
            ForEachStepSpec targetBlock = blockOf.get(target.id());
            Reference.StepField field = ref.field();
            boolean perItem = field == Reference.StepField.OUTPUTS || field == Reference.StepField.TEXTS;
            if (targetBlock != null && targetBlock == block) {
                if (perItem) {
                    String single = field == Reference.StepField.OUTPUTS ? "output" : "text";
                    error(at, stepId, expr + ": inside for_each block '" + block.id() + "' a step sees only its own"
                            + " item's results", "use {{steps." + target.id() + "." + single + "}}, the same item's "
                            + single);
                    return false;
                }
                return true;
            }
            if (targetBlock != null) {
                if (!perItem) {
                    String list = field == Reference.StepField.OUTPUT ? "outputs" : "texts";
                    error(at, stepId, expr + ": '" + target.id() + "' runs once per item of for_each block '"
                            + targetBlock.id() + "', so it has no single " + field.wireName() + " outside the block",
                            "use {{steps." + target.id() + "." + list + "}}, the list in item order");
                    return false;
                }
                return true;
            }
            if (perItem) {
                String single = field == Reference.StepField.OUTPUTS ? "output" : "text";
                error(at, stepId, expr + ": only steps inside a for_each block have ." + field.wireName(),
                        "use {{steps." + target.id() + "." + single + "}}");
                return false;
            }
            return true;
        }

        /** Checks an {@code {{item...}}} or {@code {{index}}} reference against the step's block. */
        private void checkItemReference(String stepId, @Nullable ForEachStepSpec block, Reference ref,
                SourceLocation at) {
            String expr = "{{" + ref.expression() + "}}";
            if (block == null) {
                error(at, stepId, expr + " is only valid inside a for_each block",
                        "move '" + stepId + "' into a for_each block's steps, or refer to a list with"
                                + " {{steps.<id>.items}}");
                return;
            }
            List<String> fields = itemFields(block);
            if (ref instanceof Reference.ItemRef ir && !ir.path().isEmpty() && fields != null
                    && !fields.contains(ir.path().get(0))) {
                String field = ir.path().get(0);
                error(at, stepId, expr + ": the items of for_each block '" + block.id() + "' have no field '" + field
                        + "'", Suggestions.nearest(field, fields).map(x -> "did you mean 'item." + x + "'?")
                                .orElse("items have " + String.join(", ", fields)));
            }
        }

        /** The block's source reference, or null when it does not parse (reported elsewhere). */
        private @Nullable Reference parseSourceQuietly(ForEachStepSpec f) {
            try {
                Template t = Template.parse(f.source());
                return t.isSingleReference() ? t.references().get(0) : null;
            } catch (TemplateSyntaxException e) {
                return null;
            }
        }

        private Reference parseSource(ForEachStepSpec f) {
            Reference r = parseSourceQuietly(f);
            if (r == null) {
                throw new IllegalStateException("for_each source of '" + f.id() + "' was validated");
            }
            return r;
        }

        /**
         * A disabled block is not checked like the others, but its for_each must still be a
         * readable reference: the plan keeps it.
         */
        private void checkDisabledSources() {
            for (StepSpec s : spec.steps()) {
                if (s instanceof ForEachStepSpec f && disabled.contains(f.id()) && !f.source().isBlank()
                        && parseSourceQuietly(f) == null) {
                    error(f.locations().at("for_each"), f.id(), "for_each must be one reference to a list, found '"
                            + f.source() + "'", "write for_each: \"{{steps.<id>.items}}\" (a step's JSON list) or"
                            + " \"{{inputs.<name>}}\" (a list input)");
                }
            }
        }

        /** The fields every item has, when the source says (a story_to_scenes step), else null. */
        private @Nullable List<String> itemFields(ForEachStepSpec f) {
            if (parseSourceQuietly(f) instanceof Reference.StepRef sr && sr.field() == Reference.StepField.ITEMS
                    && byId.get(sr.stepId()) instanceof TaskStepSpec t && t.capability() == Capability.STORY_TO_SCENES) {
                return SCENE_FIELDS;
            }
            return null;
        }

        /** Checks a block's for_each expression; returns the step it reads, or null. */
        private @Nullable String checkSource(ForEachStepSpec f) {
            if (f.source().isBlank()) {
                return null; // the loader reported it
            }
            SourceLocation at = f.locations().at("for_each");
            String fix = "write for_each: \"{{steps.<id>.items}}\" (a step's JSON list) or \"{{inputs.<name>}}\""
                    + " (a list input)";
            Template template;
            try {
                template = Template.parse(f.source());
            } catch (TemplateSyntaxException e) {
                error(at, f.id(), e.getMessage() + " in for_each", e.fix());
                return null;
            }
            if (!template.isSingleReference()) {
                error(at, f.id(), "for_each must be one reference to a list, found '" + f.source() + "'", fix);
                return null;
            }
            Reference ref = template.references().get(0);
            String expr = "{{" + ref.expression() + "}}";
            switch (ref) {
                case Reference.StepRef sr -> {
                    StepSpec target = byId.get(sr.stepId());
                    if (target == null) {
                        error(at, f.id(), expr + " names unknown step '" + sr.stepId() + "'", suggestStep(sr.stepId()));
                        return null;
                    }
                    if (target == f || blockOf.get(target.id()) != null) {
                        error(at, f.id(), expr + ": a for_each block cannot run over a list made inside a for_each"
                                + " block", "run over a step before the block");
                        return null;
                    }
                    if (!(target instanceof TaskStepSpec tt) || !tt.capability().producesText()) {
                        error(at, f.id(), expr + ": '" + target.id() + "' (" + target.typeName()
                                + ") does not produce a list", "run over a text step whose result is a JSON list, such"
                                + " as story_to_scenes");
                        return null;
                    }
                    if (sr.field() != Reference.StepField.ITEMS) {
                        error(at, f.id(), expr + " is " + (sr.field() == Reference.StepField.TEXT ? "text" : "a file")
                                + ", not a list", "use {{steps." + target.id() + ".items}}, the JSON list in its result");
                        return null;
                    }
                    if (disabled.contains(target.id())) {
                        error(at, f.id(), expr + " refers to step '" + target.id() + "', which is disabled",
                                "enable '" + target.id() + "' or disable the block");
                        return null;
                    }
                    return target.id();
                }
                case Reference.InputRef ir -> {
                    InputSpec in = spec.inputs().get(ir.name());
                    if (in == null) {
                        error(at, f.id(), expr + " names an undeclared input", Suggestions.nearest(ir.name(),
                                spec.inputs().keySet()).map(x -> "did you mean '" + x + "'?")
                                .orElse("declare it under 'inputs:' with 'type: list'"));
                    } else if (in.type() != InputType.LIST) {
                        error(at, f.id(), expr + ": input '" + in.name() + "' is a " + in.type().wireName()
                                + ", not a list", "declare it with 'type: list'");
                    }
                    return null;
                }
                default -> {
                    error(at, f.id(), "for_each cannot run over " + expr, fix);
                    return null;
                }
            }
        }

        private void checkInputReference(TaskStepSpec t, Reference.InputRef ref, SourceLocation at) {
            if (!spec.inputs().containsKey(ref.name())) {
                String fix = Suggestions.nearest(ref.name(), spec.inputs().keySet()).map(x -> "did you mean '" + x + "'?")
                        .orElse("declare it under 'inputs:'");
                error(at, t.id(), "{{" + ref.expression() + "}} names an undeclared input", fix);
            }
        }

        private void checkEnvReference(TaskStepSpec t, Reference.EnvRef ref, SourceLocation at) {
            var refused = variables.refusal(ref.name());
            if (refused.isPresent()) {
                error(at, t.id(), "{{" + ref.expression() + "}}: " + refused.get().message(), refused.get().fix());
                return;
            }
            if (environment.get(ref.name()).isEmpty()) {
                error(at, t.id(), "{{" + ref.expression() + "}}: environment variable " + ref.name() + " is not set",
                        "set " + ref.name() + " before running");
            }
        }

        private void checkCycles() {
            // Edges: node -> what it waits for. A group also waits for its members to finish.
            Map<String, List<String>> edges = new LinkedHashMap<>();
            deps.forEach((id, d) -> edges.put(id, new ArrayList<>(d)));
            for (StepSpec s : spec.steps()) {
                if (s instanceof GroupStepSpec g) {
                    g.steps().forEach(m -> edges.get(g.id()).add(m.id()));
                }
                if (s instanceof ForEachStepSpec f) {
                    f.steps().forEach(m -> edges.get(f.id()).add(m.id()));
                }
            }
            Map<String, Integer> state = new HashMap<>();
            Set<String> reported = new HashSet<>();
            for (String start : edges.keySet()) {
                if (state.getOrDefault(start, 0) == 0) {
                    findCycle(start, edges, state, new ArrayList<>(), reported);
                }
            }
        }

        /** Iterative depth-first search; reports each cycle once. 0 = new, 1 = on stack, 2 = done. */
        private void findCycle(String start, Map<String, List<String>> edges, Map<String, Integer> state,
                List<String> stack, Set<String> reported) {
            record Frame(String id, int next) {}
            List<Frame> frames = new ArrayList<>();
            frames.add(new Frame(start, 0));
            state.put(start, 1);
            stack.add(start);
            while (!frames.isEmpty()) {
                Frame f = frames.remove(frames.size() - 1);
                List<String> out = edges.getOrDefault(f.id(), List.of());
                if (f.next() < out.size()) {
                    frames.add(new Frame(f.id(), f.next() + 1));
                    String n = out.get(f.next());
                    int st = state.getOrDefault(n, 0);
                    if (st == 0) {
                        state.put(n, 1);
                        stack.add(n);
                        frames.add(new Frame(n, 0));
                    } else if (st == 1) {
                        List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(n), stack.size()));
                        if (reported.add(String.join(",", new TreeSet<>(cycle)))) {
                            List<String> waits = new ArrayList<>(cycle);
                            waits.add(n);
                            StepSpec s = byId.get(n);
                            error(s.locations().self(), n, "dependency cycle: " + String.join(" waits for ", waits),
                                    "remove one of these dependencies (depends_on, a {{steps...}} reference, or the"
                                            + " default order of steps)");
                        }
                    }
                } else {
                    state.put(f.id(), 2);
                    stack.remove(stack.size() - 1);
                }
            }
        }

        // ---- outputs -------------------------------------------------------------------------

        private Map<String, Path> outputs(Path outputDirectory, Map<String, Object> inputs) {
            Map<String, Path> out = new HashMap<>();
            Map<Path, String> owners = new HashMap<>();
            for (StepSpec s : spec.steps()) {
                Path base = outputDirectory;
                if (s instanceof GroupStepSpec g && g.outputDirectory() != null) {
                    Path sub = safeRelative(g.outputDirectory(), g.locations().at("output_directory"), g.id(),
                            "output_directory");
                    if (sub != null) {
                        base = outputDirectory.resolve(sub).normalize();
                    }
                }
                List<TaskStepSpec> tasks = switch (s) {
                    case TaskStepSpec t -> List.of(t);
                    case GroupStepSpec g -> g.steps();
                    case ForEachStepSpec f -> f.steps();
                };
                for (TaskStepSpec t : tasks) {
                    Path p = outputPath(t, base, inputs, s instanceof ForEachStepSpec f ? f : null);
                    if (p == null) {
                        continue;
                    }
                    out.put(t.id(), p);
                    if (disabled.contains(t.id())) {
                        continue; // writes nothing, so clashes with nothing
                    }
                    SourceLocation at = t.locations().at("output_filename");
                    var link = OutputFolders.checkOutput(outputDirectory, p);
                    if (link.isPresent()) {
                        error(at, t.id(), link.get().message(), link.get().fix());
                        continue;
                    }
                    if (p.equals(outputDirectory.resolve("run.json"))) {
                        error(at, t.id(), "run.json is the name of the run's report", "choose another output_filename");
                        continue;
                    }
                    if (Files.isDirectory(p)) {
                        error(at, t.id(), "a folder already exists where the output goes (" + p + ")",
                                "choose another output_filename or move the folder");
                        continue;
                    }
                    String other = owners.putIfAbsent(p, t.id());
                    if (other != null) {
                        error(at, t.id(), "writes the same file as step '" + other
                                + "' (" + outputDirectory.relativize(p) + ")", "give each step its own output_filename");
                    }
                }
            }
            return out;
        }

        /**
         * The step's output path; for a step inside a for_each block, the path of the first item,
         * after checking that every item gets its own file name.
         */
        private @Nullable Path outputPath(TaskStepSpec t, Path base, Map<String, Object> inputs,
                @Nullable ForEachStepSpec block) {
            String name = t.outputFilename();
            SourceLocation at = t.locations().at("output_filename");
            Capability.OutputKind kind = t.capability().outputKind();
            if (block != null) {
                if (name == null) {
                    name = t.id() + "_{{index}}." + kind.defaultExtension();
                } else if (!perItem(t, name, at)) {
                    error(at, t.id(), "output_filename '" + name + "' is the same for every item of for_each block '"
                            + block.id() + "', so each item would overwrite the last",
                            "put {{index}} in it, for example '" + withIndex(name) + "'");
                    return null;
                }
                outputNames.put(t.id(), name);
            } else if (name == null) {
                name = t.id() + "." + kind.defaultExtension();
                if (safeRelative(name, t.locations().at("id"), t.id(), "the output file name") == null) {
                    return null; // an id no file can be named after (the loader said why)
                }
                return base.resolve(name);
            }
            if (Template.hasReferences(name)) {
                name = renderStatic(t, name, at, inputs, block != null);
                if (name == null) {
                    return null;
                }
            }
            Path rel = safeRelative(name, at, t.id(), "output_filename");
            if (rel == null) {
                return null;
            }
            String ext = OutputFiles.extension(name);
            if (ext.isEmpty()) {
                error(at, t.id(), "output_filename '" + name + "' has no extension",
                        "add one such as ." + kind.defaultExtension());
                return null;
            }
            if (!OutputFiles.extensions(kind).contains(ext)) {
                error(at, t.id(), "output_filename '" + name + "': ." + ext + " does not fit step type " + t.typeName()
                        + ", which produces " + kind.name().toLowerCase(java.util.Locale.ROOT),
                        "use one of ." + String.join(", .", OutputFiles.extensions(kind)));
                return null;
            }
            return base.resolve(rel).normalize();
        }

        /** Whether a file name differs per item: it uses {{index}}, {{index0}} or {{item...}}. */
        private boolean perItem(TaskStepSpec t, String name, SourceLocation at) {
            if (!Template.hasReferences(name)) {
                return false;
            }
            try {
                return Template.parse(name).references().stream()
                        .anyMatch(r -> r instanceof Reference.ItemRef || r instanceof Reference.IndexRef);
            } catch (TemplateSyntaxException e) {
                return true; // reported when the name is rendered
            }
        }

        private static String withIndex(String name) {
            int dot = name.lastIndexOf('.');
            return dot <= 0 ? name + "_{{index}}" : name.substring(0, dot) + "_{{index}}" + name.substring(dot);
        }

        /**
         * Renders input and environment references, which are known before the run. In a for_each
         * block item references render as the first item's placeholders, for checking the name.
         */
        private @Nullable String renderStatic(TaskStepSpec t, String text, SourceLocation at, Map<String, Object> inputs,
                boolean itemScope) {
            try {
                Template template = Template.parse(text);
                for (Reference r : template.references()) {
                    if ((r instanceof Reference.ItemRef || r instanceof Reference.IndexRef) && !itemScope) {
                        error(at, t.id(), "output_filename uses {{" + r.expression() + "}}, which is only valid inside"
                                + " a for_each block", "use {{inputs.<name>}} or {{env.NAME}} in file names");
                        return null;
                    }
                    if (r instanceof Reference.StepRef) {
                        error(at, t.id(), "output_filename cannot refer to other steps' results",
                                "use {{inputs.<name>}} or {{env.NAME}} in file names");
                        return null;
                    }
                    if (r instanceof Reference.InputRef ir && !inputs.containsKey(ir.name())) {
                        checkInputReference(t, ir, at);
                        return null;
                    }
                    if (r instanceof Reference.EnvRef er && (environment.get(er.name()).isEmpty()
                            || !variables.allows(er.name()))) {
                        checkEnvReference(t, er, at);
                        return null;
                    }
                }
                return template.render(r -> switch (r) {
                    case Reference.InputRef ir -> inputs.get(ir.name());
                    case Reference.EnvRef er -> environment.get(er.name()).orElseThrow();
                    case Reference.StepRef sr -> throw new IllegalStateException("checked above");
                    case Reference.ItemRef ir -> "item";
                    case Reference.IndexRef ir -> ir.zeroBased() ? 0 : 1;
                }).toString();
            } catch (TemplateSyntaxException e) {
                error(at, t.id(), e.getMessage() + " in output_filename", e.fix());
                return null;
            }
        }

        /** A relative path that stays inside its folder, or null after reporting why not. */
        private @Nullable Path safeRelative(String name, SourceLocation at, String step, String key) {
            Path p;
            try {
                p = Path.of(name);
            } catch (InvalidPathException e) {
                error(at, step, key + " '" + name + "' is not a valid path", "use a plain relative file name");
                return null;
            }
            if (p.isAbsolute() || name.startsWith("/") || name.startsWith("\\") || name.startsWith("~")
                    || DRIVE_LETTER.matcher(name).matches()) {
                error(at, step, key + " '" + name + "' is absolute; outputs stay inside the output folder",
                        "use a relative name such as '" + p.getFileName() + "', or change output_directory");
                return null;
            }
            Path n = p.normalize();
            if (n.toString().isEmpty() || n.startsWith("..")) {
                error(at, step, key + " '" + name + "' leaves the output folder", "remove the '..' parts");
                return null;
            }
            return n;
        }

        // ---- providers -----------------------------------------------------------------------

        /**
         * A warning for a model its provider no longer serves (OpenAI's dall-e-3): the call will
         * fail there, except on a compatible server that still has a model of that name.
         */
        private void warnIfRetired(SourceLocation at, String step, String prefix, String provider, String model) {
            catalog.retiredModel(provider, model).ifPresent(m -> warning(at, step, prefix + "model '" + model
                    + "' was retired by " + catalog.provider(provider).map(ProviderCatalog.ProviderEntry::name)
                            .orElse(provider) + " on " + m.retired() + "; calls to it fail there",
                    m.replacement() == null ? "choose a current " + m.capability().wireName() + " model (see 'acp models')"
                            : "use a current model such as '" + m.replacement() + "' (see 'acp models')"));
        }

        /** The provider chosen for a step and why. */
        private record Resolved(String providerId, String reason, @Nullable Provider installed) {}

        private @Nullable Resolved resolveProvider(TaskStepSpec t) {
            Capability cap = t.capability();
            String model = t.model();
            String id;
            String reason;
            SourceLocation at;
            if (settings.offline()) {
                id = "local";
                reason = "--offline";
                at = t.locations().self();
            } else if (t.provider() != null) {
                id = t.provider();
                reason = "provider: " + id;
                at = t.locations().at("provider");
            } else if (model != null && catalog.model(model).isPresent()) {
                id = catalog.model(model).get().provider();
                reason = "model " + model;
                at = t.locations().at("config.model");
            } else if (spec.global().defaultProvider() != null) {
                id = spec.global().defaultProvider();
                reason = "global_config.default_provider";
                at = t.locations().self();
            } else {
                id = catalog.defaultProvider(cap);
                reason = "default for " + cap.wireName();
                at = t.locations().self();
                if (id == null) {
                    error(at, t.id(), "no provider is configured for " + cap.wireName(), "set 'provider:' on the step");
                    return null;
                }
            }
            if (model != null && !settings.offline()) {
                var m = catalog.model(model);
                if (m.isPresent() && m.get().capability() != cap) {
                    error(t.locations().at("config.model"), t.id(), "model '" + model + "' is a "
                            + m.get().capability().wireName() + " model, but this is a " + cap.wireName() + " step",
                            "pick a " + cap.wireName() + " model (see 'acp info')");
                    return null;
                }
            }
            String retired = catalog.retired().get(id);
            if (retired != null) {
                error(at, t.id(), "provider '" + id + "' is retired: " + retired, "choose another provider");
                return null;
            }
            if (model != null && !settings.offline()) {
                warnIfRetired(t.locations().at("config.model"), t.id(), "", id, model);
            }
            Optional<ProviderFactory> factory = registry.factory(id);
            var entry = catalog.provider(id);
            if (factory.isEmpty() && entry.isEmpty()) {
                Set<String> known = new TreeSet<>(catalog.providers().keySet());
                registry.factories().forEach(f -> known.add(f.id()));
                error(at, t.id(), "unknown provider '" + id + "'", Suggestions.nearest(id, known)
                        .map(x -> "did you mean '" + x + "'?").orElse("known providers: " + String.join(", ", known)));
                return null;
            }
            if (disabled.contains(t.id())) {
                // Never runs: whether the provider can serve it does not matter now.
                return new Resolved(id, reason, factory.isPresent() ? registry.provider(id) : null);
            }
            Set<Capability> caps = factory.map(ProviderFactory::capabilities)
                    .orElseGet(() -> entry.get().capabilities());
            if (!caps.contains(cap)) {
                if (settings.offline()) {
                    error(at, t.id(), "there is no offline engine for " + cap.wireName() + " in this version of ACP",
                            "run without --offline, or disable this step with 'enabled: false'");
                } else {
                    error(at, t.id(), "provider '" + id + "' cannot do " + cap.wireName() + " (chosen by " + reason + ")",
                            "use a provider that can: " + String.join(", ", providersFor(cap)));
                }
                return null;
            }
            if (factory.isEmpty()) {
                String message = "provider '" + id + "' (chosen by " + reason + ") is not available in this build of ACP";
                String fix = "run with --offline to render local previews, or set 'provider: local'";
                if (settings.mode() == RunSettings.Mode.RUN && !disabled.contains(t.id())) {
                    error(at, t.id(), message, fix);
                    return null;
                }
                warning(at, t.id(), message, fix);
                return new Resolved(id, reason, null);
            }
            if (settings.mode() == RunSettings.Mode.RUN) {
                var missing = factory.get().missingCredentials(registry.context());
                if (missing.isPresent()) {
                    problems.add(Problem.credentials(at, t.id(), missing.get(), "set it (see 'acp doctor'), or run with"
                            + " --offline to render local previews"));
                    return null;
                }
            }
            return new Resolved(id, reason, registry.provider(id));
        }

        /**
         * Checks a step's {@code fallback:} alternatives as strictly as its own provider (installed,
         * able to do the capability, model known for it or passed through, credentials, parameters
         * it ignores), each problem located at the alternative. Offline, every step is served by
         * the local engines and the alternatives do not apply.
         */
        private List<PlannedTask.Fallback> resolveFallbacks(TaskStepSpec t, Resolved primary, @Nullable Path output) {
            if (t.fallback().isEmpty() || settings.offline()) {
                return List.of();
            }
            Capability cap = t.capability();
            List<PlannedTask.Fallback> out = new ArrayList<>();
            java.util.Set<String> seen = new HashSet<>();
            seen.add(primary.providerId() + "/" + t.model());
            for (FallbackSpec f : t.fallback()) {
                String label = f.label();
                SourceLocation at = f.locations().at(f.provider() != null ? "provider" : "model");
                SourceLocation modelAt = f.locations().at("model");
                String model = f.model();
                var known = model == null ? Optional.<ProviderCatalog.ModelEntry>empty() : catalog.model(model);
                if (known.isPresent() && known.get().capability() != cap) {
                    error(modelAt, t.id(), label + ": model '" + model + "' is a " + known.get().capability().wireName()
                            + " model, but this is a " + cap.wireName() + " step",
                            "pick a " + cap.wireName() + " model (see 'acp models')");
                    continue;
                }
                String id = f.provider() != null ? f.provider() : known.map(ProviderCatalog.ModelEntry::provider).orElse(null);
                if (id == null) {
                    error(modelAt, t.id(), label + ": model '" + model + "' is not in the model catalog, so its provider"
                            + " is unknown", "name the provider: '{ provider: ..., model: \"" + model + "\" }' (see"
                            + " 'acp models')");
                    continue;
                }
                String reason = label + (f.provider() != null ? " (provider: " + id + ")" : " (model " + model + ")");
                String retired = catalog.retired().get(id);
                if (retired != null) {
                    error(at, t.id(), label + ": provider '" + id + "' is retired: " + retired, "choose another provider");
                    continue;
                }
                if (model != null) {
                    warnIfRetired(modelAt, t.id(), label + ": ", id, model);
                }
                Optional<ProviderFactory> factory = registry.factory(id);
                var entry = catalog.provider(id);
                if (factory.isEmpty() && entry.isEmpty()) {
                    Set<String> names = new TreeSet<>(catalog.providers().keySet());
                    registry.factories().forEach(x -> names.add(x.id()));
                    error(at, t.id(), label + ": unknown provider '" + id + "'", Suggestions.nearest(id, names)
                            .map(x -> "did you mean '" + x + "'?").orElse("known providers: " + String.join(", ", names)));
                    continue;
                }
                Set<Capability> caps = factory.map(ProviderFactory::capabilities)
                        .orElseGet(() -> entry.get().capabilities());
                if (!caps.contains(cap)) {
                    error(at, t.id(), label + ": provider '" + id + "' cannot do " + cap.wireName(),
                            "use a provider that can: " + String.join(", ", providersFor(cap)));
                    continue;
                }
                if (!seen.add(id + "/" + model)) {
                    warning(f.locations().self(), t.id(), label + " repeats " + id + (model == null ? "" : "/" + model)
                            + ", which the step already tries", "remove it; retry_count retries a provider");
                    continue;
                }
                if (factory.isEmpty()) {
                    String message = label + ": provider '" + id + "' is not available in this build of ACP";
                    if (settings.mode() == RunSettings.Mode.RUN) {
                        error(at, t.id(), message, "choose an installed provider, or remove this alternative");
                        continue;
                    }
                    warning(at, t.id(), message, "choose an installed provider, or remove this alternative");
                    out.add(new PlannedTask.Fallback(f.index(), id, model, reason));
                    continue;
                }
                if (settings.mode() == RunSettings.Mode.RUN) {
                    var missing = factory.get().missingCredentials(registry.context());
                    if (missing.isPresent()) {
                        problems.add(Problem.credentials(at, t.id(), label + ": " + missing.get(), "set it (see 'acp"
                                + " doctor'), or remove this alternative"));
                        continue;
                    }
                }
                Provider installed = registry.provider(id);
                Map<String, Object> config = new LinkedHashMap<>(t.config());
                if (model == null) {
                    config.remove("model");
                } else {
                    config.put("model", model);
                }
                Set<String> read = installed.parameters(cap);
                for (String key : config.keySet()) {
                    if (!read.isEmpty() && !read.contains(key) && !key.equals("model")) {
                        warning(t.locations().at("config." + key), t.id(), "provider '" + id + "' (" + label
                                + ") ignores config." + key, "remove it, or choose an alternative that uses it");
                    }
                }
                boolean valid = true;
                if (output != null) {
                    for (Provider.Issue issue : installed.check(cap, model, config,
                            OutputFiles.extension(output.getFileName().toString()))) {
                        SourceLocation where = issue.parameter() == null ? f.locations().self()
                                : issue.parameter().equals("model") ? modelAt
                                : t.locations().at("config." + issue.parameter());
                        error(where, t.id(), label + " (" + id + "): " + issue.message(), issue.fix());
                        valid = false;
                    }
                }
                if (valid) {
                    out.add(new PlannedTask.Fallback(f.index(), id, model, reason));
                }
            }
            return List.copyOf(out);
        }

        private List<String> providersFor(Capability cap) {
            Set<String> out = new TreeSet<>();
            registry.factories().stream().filter(f -> f.capabilities().contains(cap)).forEach(f -> out.add(f.id()));
            catalog.providers().values().stream().filter(p -> p.capabilities().contains(cap)).forEach(p -> out.add(p.id()));
            return List.copyOf(out);
        }

        // ---- parameters ----------------------------------------------------------------------

        private void checkParameters(TaskStepSpec t, Resolved r, @Nullable Path output) {
            CapabilitySchema schema = CapabilitySchema.of(t.capability());
            Map<String, Object> config = t.config();
            for (List<String> anyOf : schema.requiredAnyOf()) {
                if (anyOf.stream().noneMatch(k -> config.get(k) != null && !"".equals(config.get(k)))) {
                    String first = anyOf.get(0);
                    error(t.locations().at("config"), t.id(), "missing config." + first + " (" + t.typeName()
                            + " needs " + String.join(" or ", anyOf) + ")",
                            "add '" + first + ": ...' under config");
                }
            }
            Set<String> read = r.installed() == null ? Set.of() : r.installed().parameters(t.capability());
            Set<String> mistyped = new HashSet<>();
            for (var e : config.entrySet()) {
                String key = e.getKey();
                Object value = e.getValue();
                SourceLocation at = t.locations().at("config." + key);
                var param = schema.param(key);
                if (param.isEmpty()) {
                    var near = keySuggestions.computeIfAbsent(t.capability().wireName() + "/" + key,
                            k -> Suggestions.nearest(key, schema.params().keySet()));
                    if (near.isPresent()) {
                        error(t.locations().at("config." + key), t.id(), "unknown config key '" + key + "'",
                                "did you mean '" + near.get() + "'?");
                        continue;
                    }
                } else if (value != null && !(value instanceof String s && Template.hasReferences(s))) {
                    ParamType type = param.get().type();
                    if (!type.accepts(value)) {
                        error(at, t.id(), "config." + key + " must be " + type.description() + ", found "
                                + describe(value), "write for example '" + key + ": " + example(type) + "'");
                        mistyped.add(key);
                        continue;
                    }
                    if (type == ParamType.FILE) {
                        checkFile(t, key, value.toString(), at);
                    }
                }
                if (!read.isEmpty() && !read.contains(key) && !key.equals("model")) {
                    warning(at, t.id(), "provider '" + r.providerId() + "' ignores config." + key,
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

        private void report(TaskStepSpec t, Provider.Issue issue) {
            SourceLocation at = issue.parameter() == null ? t.locations().at("output_filename")
                    : t.locations().at("config." + issue.parameter());
            if (issue.isWarning()) {
                warning(at, t.id(), issue.message(), issue.fix());
            } else {
                error(at, t.id(), issue.message(), issue.fix());
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
                error(at, t.id(), "config." + key + " '" + value + "' is not a valid path", "give a file path or URL");
                return;
            }
            if (!Files.isRegularFile(p)) {
                error(at, t.id(), "config." + key + ": file not found: " + p,
                        "check the path (relative paths start at the pipeline file's folder)");
            }
        }

        private static String describe(Object value) {
            if (value instanceof String s) {
                return "text \"" + (s.length() > 30 ? s.substring(0, 27) + "..." : s) + "\"";
            }
            if (value instanceof Map<?, ?>) {
                return "a map";
            }
            if (value instanceof List<?>) {
                return "a list";
            }
            if (value instanceof Boolean) {
                return "a boolean";
            }
            if (value instanceof Double d && !Double.isFinite(d)) {
                return d.isNaN() ? "not a number (.nan)" : "a number too large to use (" + value + ")";
            }
            return "a number (" + value + ")";
        }

        private static String example(ParamType type) {
            return switch (type) {
                case TEXT -> "\"...\"";
                case INTEGER -> "3";
                case NUMBER -> "1.5";
                case BOOLEAN -> "true";
                case FILE -> "images/input.png";
                case FILE_LIST -> "[images/one.png, images/two.png]";
                case TEXT_OR_LIST -> "[a, b]";
                case SIZE -> "landscape_16_9";
                case MAP -> "{ key: value }";
                case LIST -> "[a, b]";
                case ANY -> "...";
            };
        }
    }

    /** Calls {@code action} for every string in a config tree with its dotted path. */
    static void forEachString(Object value, String path, java.util.function.BiConsumer<String, String> action) {
        if (value instanceof String s) {
            action.accept(path, s);
        } else if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (v != null) {
                    forEachString(v, path + "." + k, action);
                }
            });
        } else if (value instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i) != null) {
                    forEachString(l.get(i), path + "." + i, action);
                }
            }
        }
    }
}
