package dev.acp.plan;

import dev.acp.pipeline.Capability;
import dev.acp.pipeline.ForEachStepSpec;
import dev.acp.pipeline.InputSpec;
import dev.acp.pipeline.InputType;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.SourceLocation;
import dev.acp.pipeline.StepSpec;
import dev.acp.pipeline.TaskStepSpec;
import dev.acp.template.Reference;
import dev.acp.template.Template;
import dev.acp.template.TemplateSyntaxException;
import dev.acp.util.Suggestions;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The {@code for_each:} of each block: checked, and read as the one reference it must be. */
final class ForEachSources {
    /** The fields of every item of a story_to_scenes step's list (see SceneSchema in acp-providers). */
    static final List<String> SCENE_FIELDS = List.of("title", "description", "image_prompt", "narration",
            "duration");
    private static final String FIX = "write for_each: \"{{steps.<id>.items}}\" (a step's JSON list) or"
            + " \"{{inputs.<name>}}\" (a list input)";
    private final PipelineSpec spec;
    private final StepIndex steps;
    private final Findings findings;

    ForEachSources(PipelineSpec spec, StepIndex steps, Findings findings) {
        this.spec = spec;
        this.steps = steps;
        this.findings = findings;
    }

    /** The block's source reference, or null when it does not parse (reported elsewhere). */
    static @Nullable Reference parseQuietly(ForEachStepSpec f) {
        try {
            Template t = Template.parse(f.source());
            return t.isSingleReference() ? t.references().get(0) : null;
        } catch (TemplateSyntaxException e) {
            return null;
        }
    }

    static Reference parse(ForEachStepSpec f) {
        Reference r = parseQuietly(f);
        if (r == null) {
            throw new IllegalStateException("for_each source of '" + f.id() + "' was validated");
        }
        return r;
    }

    /** The fields every item has, when the source says (a story_to_scenes step), else null. */
    @Nullable List<String> itemFields(ForEachStepSpec f) {
        if (parseQuietly(f) instanceof Reference.StepRef sr && sr.field() == Reference.StepField.ITEMS
                && steps.step(sr.stepId()) instanceof TaskStepSpec t && t.capability() == Capability.STORY_TO_SCENES) {
            return SCENE_FIELDS;
        }
        return null;
    }

    /** Checks a block's for_each expression; returns the step it reads, or null. */
    @Nullable String check(ForEachStepSpec f) {
        if (f.source().isBlank()) {
            return null; // the loader reported it
        }
        SourceLocation at = f.locations().at("for_each");
        Template template;
        try {
            template = Template.parse(f.source());
        } catch (TemplateSyntaxException e) {
            findings.error(at, f.id(), e.getMessage() + " in for_each", e.fix());
            return null;
        }
        if (!template.isSingleReference()) {
            findings.error(at, f.id(), "for_each must be one reference to a list, found '" + f.source() + "'", FIX);
            return null;
        }
        Reference ref = template.references().get(0);
        String expr = "{{" + ref.expression() + "}}";
        return switch (ref) {
            case Reference.StepRef sr -> checkStep(f, sr, expr, at);
            case Reference.InputRef ir -> {
                InputSpec in = spec.inputs().get(ir.name());
                if (in == null) {
                    findings.error(at, f.id(), expr + " names an undeclared input", Suggestions.nearest(ir.name(),
                            spec.inputs().keySet()).map(x -> "did you mean '" + x + "'?")
                            .orElse("declare it under 'inputs:' with 'type: list'"));
                } else if (in.type() != InputType.LIST) {
                    findings.error(at, f.id(), expr + ": input '" + in.name() + "' is a " + in.type().wireName()
                            + ", not a list", "declare it with 'type: list'");
                }
                yield null;
            }
            case Reference.EnvRef er -> cannotRunOver(f, expr, at);
            case Reference.ItemRef ir -> cannotRunOver(f, expr, at);
            case Reference.IndexRef ir -> cannotRunOver(f, expr, at);
        };
    }

    private @Nullable String checkStep(ForEachStepSpec f, Reference.StepRef sr, String expr, SourceLocation at) {
        StepSpec target = steps.step(sr.stepId());
        if (target == null) {
            findings.error(at, f.id(), expr + " names unknown step '" + sr.stepId() + "'",
                    steps.suggestStep(sr.stepId()));
            return null;
        }
        if (target == f || steps.blockOf(target.id()) != null) {
            findings.error(at, f.id(), expr + ": a for_each block cannot run over a list made inside a for_each"
                    + " block", "run over a step before the block");
            return null;
        }
        if (!(target instanceof TaskStepSpec tt) || !tt.capability().producesText()) {
            findings.error(at, f.id(), expr + ": '" + target.id() + "' (" + target.typeName()
                    + ") does not produce a list", "run over a text step whose result is a JSON list, such"
                    + " as story_to_scenes");
            return null;
        }
        if (sr.field() != Reference.StepField.ITEMS) {
            findings.error(at, f.id(), expr + " is " + (sr.field() == Reference.StepField.TEXT ? "text" : "a file")
                    + ", not a list", "use {{steps." + target.id() + ".items}}, the JSON list in its result");
            return null;
        }
        if (steps.isDisabled(target.id())) {
            findings.error(at, f.id(), expr + " refers to step '" + target.id() + "', which is disabled",
                    "enable '" + target.id() + "' or disable the block");
            return null;
        }
        return target.id();
    }

    private @Nullable String cannotRunOver(ForEachStepSpec f, String expr, SourceLocation at) {
        findings.error(at, f.id(), "for_each cannot run over " + expr, FIX);
        return null;
    }

    /**
     * A disabled block is not checked like the others, but its for_each must still be a
     * readable reference: the plan keeps it.
     */
    void checkDisabled() {
        for (StepSpec s : spec.steps()) {
            if (s instanceof ForEachStepSpec f && steps.isDisabled(f.id()) && !f.source().isBlank()
                    && parseQuietly(f) == null) {
                findings.error(f.locations().at("for_each"), f.id(), "for_each must be one reference to a list,"
                        + " found '" + f.source() + "'", FIX);
            }
        }
    }

    /** Whether some block's for_each could not be read (a list, a map: the loader said so). */
    boolean anyUnreadable() {
        return spec.steps().stream().anyMatch(s -> s instanceof ForEachStepSpec f && parseQuietly(f) == null);
    }
}
