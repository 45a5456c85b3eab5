package dev.acp.plan;

import dev.acp.env.Environment;
import dev.acp.env.TemplateVariables;
import dev.acp.pipeline.Capability;
import dev.acp.pipeline.ForEachStepSpec;
import dev.acp.pipeline.GroupStepSpec;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.SourceLocation;
import dev.acp.pipeline.StepSpec;
import dev.acp.pipeline.TaskStepSpec;
import dev.acp.template.Reference;
import dev.acp.template.Template;
import dev.acp.template.TemplateSyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The output path pass: each task's file, inside the output folder, with an extension that fits
 * what it makes, through no link, and written by no other step.
 */
final class OutputPaths {
    /**
     * Where each task writes.
     *
     * @param paths per task, its file (for an inner step of a for_each block, the first item's)
     * @param itemNames per inner step of a for_each block, its file name with item references in it
     */
    record Outputs(Map<String, Path> paths, Map<String, String> itemNames) {
        @Nullable Path of(String id) {
            return paths.get(id);
        }
    }

    private static final Pattern DRIVE_LETTER = Pattern.compile("^[A-Za-z]:.*");
    private final PipelineSpec spec;
    private final StepIndex steps;
    private final References references;
    private final Environment environment;
    private final TemplateVariables variables;
    private final Findings findings;
    private final Map<String, String> itemNames = new HashMap<>();

    OutputPaths(PipelineSpec spec, StepIndex steps, References references, Environment environment,
            TemplateVariables variables, Findings findings) {
        this.spec = spec;
        this.steps = steps;
        this.references = references;
        this.environment = environment;
        this.variables = variables;
        this.findings = findings;
    }

    Outputs place(Path outputDirectory, Map<String, Object> inputs) {
        Map<String, Path> out = new HashMap<>();
        Map<Path, String> owners = new HashMap<>();
        OutputTree tree = new OutputTree(outputDirectory);
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
                if (steps.isDisabled(t.id())) {
                    continue; // writes nothing, so clashes with nothing
                }
                SourceLocation at = t.locations().at("output_filename");
                var unwritable = tree.check(p);
                if (unwritable.isPresent()) {
                    findings.error(at, t.id(), unwritable.get().message(), unwritable.get().fix());
                    continue;
                }
                if (p.equals(outputDirectory.resolve("run.json"))) {
                    findings.error(at, t.id(), "run.json is the name of the run's report",
                            "choose another output_filename");
                    continue;
                }
                String other = owners.putIfAbsent(p, t.id());
                if (other != null) {
                    findings.error(at, t.id(), "writes the same file as step '" + other
                            + "' (" + outputDirectory.relativize(p) + ")", "give each step its own output_filename");
                }
            }
        }
        return new Outputs(out, itemNames);
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
                name = t.id() + "_{{index}}." + t.capability().defaultExtension();
            } else if (!perItem(name)) {
                findings.error(at, t.id(), "output_filename '" + name + "' is the same for every item of for_each"
                        + " block '" + block.id() + "', so each item would overwrite the last",
                        "put {{index}} in it, for example '" + withIndex(name) + "'");
                return null;
            }
            itemNames.put(t.id(), name);
        } else if (name == null) {
            name = t.id() + "." + t.capability().defaultExtension();
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
            findings.error(at, t.id(), "output_filename '" + name + "' has no extension",
                    "add one such as ." + t.capability().defaultExtension());
            return null;
        }
        if (!OutputFiles.extensions(kind).contains(ext)) {
            findings.error(at, t.id(), "output_filename '" + name + "': ." + ext + " does not fit step type "
                    + t.typeName() + ", which produces " + kind.name().toLowerCase(Locale.ROOT),
                    "use one of ." + String.join(", .", OutputFiles.extensions(kind)));
            return null;
        }
        return base.resolve(rel).normalize();
    }

    /** Whether a file name differs per item: it uses {{index}}, {{index0}} or {{item...}}. */
    private static boolean perItem(String name) {
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
                boolean rendered = switch (r) {
                    case Reference.ItemRef ir -> itemScope || notInBlock(t, r, at);
                    case Reference.IndexRef ir -> itemScope || notInBlock(t, r, at);
                    case Reference.StepRef sr -> {
                        findings.error(at, t.id(), "output_filename cannot refer to other steps' results",
                                "use {{inputs.<name>}} or {{env.NAME}} in file names");
                        yield false;
                    }
                    case Reference.InputRef ir -> {
                        if (inputs.containsKey(ir.name())) {
                            yield true;
                        }
                        references.checkInput(t, ir, at);
                        yield false;
                    }
                    case Reference.EnvRef er -> {
                        if (environment.get(er.name()).isPresent() && variables.allows(er.name())) {
                            yield true;
                        }
                        references.checkEnv(t, er, at);
                        yield false;
                    }
                };
                if (!rendered) {
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
            findings.error(at, t.id(), e.getMessage() + " in output_filename", e.fix());
            return null;
        }
    }

    /** Reports an item reference in a file name outside a for_each block; always false. */
    private boolean notInBlock(TaskStepSpec t, Reference r, SourceLocation at) {
        findings.error(at, t.id(), "output_filename uses {{" + r.expression() + "}}, which is only valid inside"
                + " a for_each block", "use {{inputs.<name>}} or {{env.NAME}} in file names");
        return false;
    }

    /** A relative path that stays inside its folder, or null after reporting why not. */
    private @Nullable Path safeRelative(String name, SourceLocation at, String step, String key) {
        Path p;
        try {
            p = Path.of(name);
        } catch (InvalidPathException e) {
            findings.error(at, step, key + " '" + name + "' is not a valid path", "use a plain relative file name");
            return null;
        }
        if (p.isAbsolute() || name.startsWith("/") || name.startsWith("\\") || name.startsWith("~")
                || DRIVE_LETTER.matcher(name).matches()) {
            findings.error(at, step, key + " '" + name + "' is absolute; outputs stay inside the output folder",
                    "use a relative name such as '" + p.getFileName() + "', or change output_directory");
            return null;
        }
        Path n = p.normalize();
        if (n.toString().isEmpty() || n.startsWith("..")) {
            findings.error(at, step, key + " '" + name + "' leaves the output folder", "remove the '..' parts");
            return null;
        }
        return n;
    }
}
