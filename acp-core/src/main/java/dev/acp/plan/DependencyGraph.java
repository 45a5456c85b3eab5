package dev.acp.plan;

import dev.acp.pipeline.ForEachStepSpec;
import dev.acp.pipeline.GroupStepSpec;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.SourceLocation;
import dev.acp.pipeline.StepSpec;
import dev.acp.pipeline.TaskStepSpec;
import dev.acp.template.Reference;
import dev.acp.template.Template;
import dev.acp.template.TemplateSyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The dependency pass: what each step waits for, from {@code depends_on}, the default order of
 * top-level steps, template references in its config and a for_each block's source. Checks
 * every reference on the way.
 */
final class DependencyGraph {
    /**
     * What each step waits for.
     *
     * @param of per step id, top-level and inner, the ids it waits for, in the order found
     */
    record Dependencies(Map<String, Set<String>> of) {
        List<String> of(String id) {
            return List.copyOf(of.get(id));
        }
    }

    private final PipelineSpec spec;
    private final StepIndex steps;
    private final References references;
    private final ForEachSources sources;
    private final Findings findings;

    DependencyGraph(PipelineSpec spec, StepIndex steps, References references, ForEachSources sources,
            Findings findings) {
        this.spec = spec;
        this.steps = steps;
        this.references = references;
        this.sources = sources;
        this.findings = findings;
    }

    Dependencies build() {
        Map<String, Set<String>> deps = new LinkedHashMap<>();
        String previous = null;
        for (StepSpec s : spec.steps()) {
            Set<String> d = new LinkedHashSet<>();
            if (s.dependsOn() != null) {
                d.addAll(explicit(s, null));
            } else if (previous != null) {
                d.add(previous);
            }
            deps.put(s.id(), d);
            switch (s) {
                case TaskStepSpec t -> d.addAll(templateDependencies(t, null, null));
                case GroupStepSpec g -> {
                    for (TaskStepSpec m : g.steps()) {
                        Set<String> md = new LinkedHashSet<>(d);
                        if (m.dependsOn() != null) {
                            md.addAll(explicit(m, g));
                        }
                        md.addAll(templateDependencies(m, g, null));
                        deps.put(m.id(), md);
                    }
                }
                case ForEachStepSpec f -> {
                    String source = steps.isDisabled(f.id()) ? null : sources.check(f);
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
                            if (steps.blockOf(w) == f) {
                                md.add(w);
                            } else if (!w.equals(f.id())) {
                                d.add(w);
                            }
                        }
                        deps.put(m.id(), md);
                    }
                }
            }
            previous = s.id();
        }
        return new Dependencies(deps);
    }

    private List<String> explicit(StepSpec s, @Nullable GroupStepSpec group) {
        List<String> out = new ArrayList<>();
        SourceLocation at = s.locations().at("depends_on");
        ForEachStepSpec ownBlock = steps.blockOf(s.id());
        for (String d : s.dependsOn()) {
            StepSpec target = steps.step(d);
            ForEachStepSpec targetBlock = steps.blockOf(d);
            if (target == null) {
                findings.error(at, s.id(), "depends_on names unknown step '" + d + "'", steps.suggestStep(d));
            } else if (d.equals(s.id())) {
                findings.error(at, s.id(), "a step cannot depend on itself", "remove '" + d + "' from depends_on");
            } else if (group != null && d.equals(group.id())) {
                findings.error(at, s.id(), "a member cannot depend on its own group '" + d + "'",
                        "remove it; members already start when the group starts");
            } else if (steps.firstSuccessGroup(d) != null) {
                String g = steps.firstSuccessGroup(d);
                findings.error(at, s.id(), "'" + d + "' is a member of first_success group '" + g
                        + "' and is cancelled when another member wins", "depend on the group '" + g + "' instead");
            } else if (group != null && group.id().equals(steps.groupOf(d))) {
                findings.error(at, s.id(), "members of a parallel_group run side by side and cannot depend on each"
                        + " other ('" + d + "')", "move '" + s.id() + "' out of the group and make it depend on '"
                        + d + "'");
            } else if (ownBlock != null && d.equals(ownBlock.id())) {
                findings.error(at, s.id(), "a step cannot depend on its own for_each block '" + d + "'",
                        "remove it; the block's steps start when the block starts");
            } else if (targetBlock != null && targetBlock != ownBlock) {
                // Outside the block a step waits for all items: the block as a whole.
                out.add(targetBlock.id());
            } else {
                out.add(d);
            }
        }
        return out;
    }

    /** Steps a task references in templates; also checks every reference. */
    private Set<String> templateDependencies(TaskStepSpec t, @Nullable GroupStepSpec group,
            @Nullable ForEachStepSpec block) {
        Set<String> out = new LinkedHashSet<>();
        if (steps.isDisabled(t.id())) {
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
                findings.error(at, t.id(), e.getMessage() + " in " + path, e.fix());
                return;
            }
            for (Reference ref : template.references()) {
                switch (ref) {
                    case Reference.StepRef sr -> {
                        String dependency = references.checkStep(t, group, block, sr, at);
                        if (dependency != null) {
                            out.add(dependency);
                        }
                    }
                    case Reference.InputRef ir -> references.checkInput(t, ir, at);
                    case Reference.EnvRef er -> references.checkEnv(t, er, at);
                    case Reference.ItemRef ir -> references.checkItem(t.id(), block, ir, at);
                    case Reference.IndexRef ir -> references.checkItem(t.id(), block, ir, at);
                }
            }
        });
        return out;
    }

    /** Calls {@code action} for every string in a config tree with its dotted path. */
    static void forEachString(Object value, String path, BiConsumer<String, String> action) {
        switch (value) {
            case String s -> action.accept(path, s);
            case Map<?, ?> m -> m.forEach((k, v) -> {
                if (v != null) {
                    forEachString(v, path + "." + k, action);
                }
            });
            case List<?> l -> {
                for (int i = 0; i < l.size(); i++) {
                    if (l.get(i) != null) {
                        forEachString(l.get(i), path + "." + i, action);
                    }
                }
            }
            default -> { }
        }
    }
}
