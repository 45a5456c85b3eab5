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
        private final Findings findings = new Findings();
        private final List<Problem> problems = findings.all();
        private final StepIndex steps;
        private final Map<String, StepSpec> byId;
        private final Map<String, String> groupOf;
        /** The for_each block of each inner step. */
        private final Map<String, ForEachStepSpec> blockOf;
        /** Per inner step, its output file name with item references still in it. */
        private final Map<String, String> outputNames = new HashMap<>();
        private final Set<String> disabled;
        private final Map<String, Set<String>> deps = new LinkedHashMap<>();
        /** The validated alternatives of each enabled task. */
        private final Map<String, List<PlannedTask.Fallback>> fallbacks = new HashMap<>();
        /** Typo suggestions per capability and key: large pipelines repeat the same keys. */
        private final Map<String, Optional<String>> keySuggestions = new HashMap<>();

        Run(PipelineSpec spec, RunSettings settings) {
            this.spec = spec;
            this.settings = settings;
            this.steps = StepIndex.of(spec);
            this.byId = steps.byId();
            this.groupOf = steps.groupOf();
            this.blockOf = steps.blockOf();
            this.disabled = steps.disabled();
        }

        private void error(SourceLocation at, @Nullable String step, String message, String fix) {
            findings.error(at, step, message, fix);
        }

        private void warning(SourceLocation at, @Nullable String step, String message, String fix) {
            findings.warning(at, step, message, fix);
        }

        PlanResult plan() {
            Map<String, Object> inputs = new InputValues(spec, settings, findings).resolve();
            Path outputDirectory = new OutputFolder(spec, settings, environment, registry.context().acpHome(),
                    findings).resolve();
            ForEachSources sources = new ForEachSources(spec, steps, findings);
            References references = new References(spec, steps, sources, environment, variables, findings);
            DependencyGraph.Dependencies graph = new DependencyGraph(spec, steps, references, sources, findings).build();
            deps.putAll(graph.of());
            new CycleCheck(spec, steps, findings).check(graph);
            OutputPaths.Outputs placed = new OutputPaths(spec, steps, references, environment, variables, findings)
                    .place(outputDirectory, inputs);
            outputNames.putAll(placed.itemNames());
            Map<String, Path> outputs = placed.paths();
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
            sources.checkDisabled();
            // A block whose for_each could not be read (a list, a map: the loader said so) has no plan.
            boolean failed = problems.stream().anyMatch(Problem::isError)
                    || spec.steps().stream().anyMatch(s -> s instanceof ForEachStepSpec f && ForEachSources.parseQuietly(f) == null);
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
                        nodes.add(new PlannedForEach(f, ForEachSources.parse(f), templates, names, outputDirectory,
                                List.copyOf(deps.get(f.id())), workers, !disabled.contains(f.id()), sources.itemFields(f)));
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
}
