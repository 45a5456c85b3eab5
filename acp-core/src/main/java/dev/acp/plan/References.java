package dev.acp.plan;

import dev.acp.env.Environment;
import dev.acp.env.TemplateVariables;
import dev.acp.pipeline.ForEachStepSpec;
import dev.acp.pipeline.GroupStepSpec;
import dev.acp.pipeline.MergeStrategy;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.SourceLocation;
import dev.acp.pipeline.StepSpec;
import dev.acp.pipeline.TaskStepSpec;
import dev.acp.template.Reference;
import dev.acp.util.Suggestions;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The checks of one template reference in a step's config or file name: the step, input,
 * environment variable or item it names exists and may be read from where it is written.
 * Used by the dependency pass (config values) and the output path pass (file names).
 */
final class References {
    private final PipelineSpec spec;
    private final StepIndex steps;
    private final ForEachSources sources;
    private final Environment environment;
    private final TemplateVariables variables;
    private final Findings findings;

    References(PipelineSpec spec, StepIndex steps, ForEachSources sources, Environment environment,
            TemplateVariables variables, Findings findings) {
        this.spec = spec;
        this.steps = steps;
        this.sources = sources;
        this.environment = environment;
        this.variables = variables;
        this.findings = findings;
    }

    /** Checks a step reference; returns the step the referring step must wait for, or null. */
    @Nullable String checkStep(TaskStepSpec t, @Nullable GroupStepSpec group, @Nullable ForEachStepSpec block,
            Reference.StepRef ref, SourceLocation at) {
        StepSpec target = steps.step(ref.stepId());
        String expr = "{{" + ref.expression() + "}}";
        if (target == null) {
            findings.error(at, t.id(), expr + " names unknown step '" + ref.stepId() + "'",
                    steps.suggestStep(ref.stepId()));
            return null;
        }
        if (target.id().equals(t.id())) {
            findings.error(at, t.id(), expr + " refers to the step itself", "refer to an earlier step");
            return null;
        }
        if (!checkBlock(t.id(), block, target, ref, at)) {
            return null;
        }
        if (group != null && (target.id().equals(group.id()) || group.id().equals(steps.groupOf(target.id())))) {
            findings.error(at, t.id(), expr + " refers to its own parallel group; members run side by side",
                    "move '" + t.id() + "' after the group and refer to it from there");
            return null;
        }
        String firstSuccess = steps.firstSuccessGroup(target.id());
        if (firstSuccess != null) {
            findings.error(at, t.id(), expr + ": '" + target.id() + "' is a member of first_success group '"
                    + firstSuccess + "' and is cancelled when another member wins", "use {{steps." + firstSuccess + "."
                    + ref.field().wireName() + "}}, the winner's result");
            return null;
        }
        if (steps.isDisabled(target.id())) {
            findings.error(at, t.id(), expr + " refers to step '" + target.id() + "', which is disabled",
                    "enable '" + target.id() + "' or stop referring to it");
            return null;
        }
        if (!checkField(t, target, ref, expr, at)) {
            return null;
        }
        ForEachStepSpec targetBlock = steps.blockOf(target.id());
        // Outside its block an inner step's outputs are ready when the whole block is.
        return targetBlock != null && targetBlock != block ? targetBlock.id() : target.id();
    }

    /** Checks that the target has the field read (a list, text, one output); false after reporting. */
    private boolean checkField(TaskStepSpec t, StepSpec target, Reference.StepRef ref, String expr,
            SourceLocation at) {
        switch (ref.field()) {
            case ITEMS -> {
                if (!(target instanceof TaskStepSpec tt) || !tt.capability().producesText()) {
                    findings.error(at, t.id(), expr + ": step '" + target.id() + "' (" + target.typeName()
                            + ") produces a file, not a JSON list", "refer to a text step such as story_to_scenes");
                    return false;
                }
            }
            case OUTPUTS, TEXTS -> {
                if (ref.field() == Reference.StepField.TEXTS && target instanceof TaskStepSpec tt
                        && !tt.capability().producesText()) {
                    findings.error(at, t.id(), expr + ": step '" + target.id() + "' (" + target.typeName()
                            + ") produces files, not text", "use {{steps." + target.id() + ".outputs}}");
                    return false;
                }
            }
            case OUTPUT -> {
                if (target instanceof GroupStepSpec g && g.mergeStrategy() == MergeStrategy.COLLECT_ALL) {
                    findings.error(at, t.id(), expr + ": group '" + g.id() + "' collects all members' outputs, so it"
                            + " has no single output", "refer to one member, e.g. {{steps."
                            + (g.steps().isEmpty() ? "<member>" : g.steps().get(0).id())
                            + ".output}}, or use merge_strategy first_success or best_quality");
                    return false;
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
                    findings.error(at, t.id(), expr + ": step '" + target.id() + "' (" + target.typeName()
                            + ") produces a file, not text", "use {{steps." + target.id() + ".output}} for its file");
                    return false;
                }
            }
        }
        return true;
    }

    /** Checks the for_each block rules of a step reference; false after reporting a problem. */
    private boolean checkBlock(String stepId, @Nullable ForEachStepSpec block, StepSpec target,
            Reference.StepRef ref, SourceLocation at) {
        String expr = "{{" + ref.expression() + "}}";
        if (target instanceof ForEachStepSpec f) {
            String first = f.steps().isEmpty() ? "<step>" : f.steps().get(0).id();
            findings.error(at, stepId, expr + " refers to for_each block '" + f.id()
                    + "', which has no result of its own", "refer to one of its steps, for example {{steps." + first
                    + ".outputs}}");
            return false;
        }
        ForEachStepSpec targetBlock = steps.blockOf(target.id());
        Reference.StepField field = ref.field();
        boolean perItem = field == Reference.StepField.OUTPUTS || field == Reference.StepField.TEXTS;
        if (targetBlock != null && targetBlock == block) {
            if (perItem) {
                String single = field == Reference.StepField.OUTPUTS ? "output" : "text";
                findings.error(at, stepId, expr + ": inside for_each block '" + block.id() + "' a step sees only its"
                        + " own item's results", "use {{steps." + target.id() + "." + single + "}}, the same item's "
                        + single);
                return false;
            }
            return true;
        }
        if (targetBlock != null) {
            if (!perItem) {
                String list = field == Reference.StepField.OUTPUT ? "outputs" : "texts";
                findings.error(at, stepId, expr + ": '" + target.id() + "' runs once per item of for_each block '"
                        + targetBlock.id() + "', so it has no single " + field.wireName() + " outside the block",
                        "use {{steps." + target.id() + "." + list + "}}, the list in item order");
                return false;
            }
            return true;
        }
        if (perItem) {
            String single = field == Reference.StepField.OUTPUTS ? "output" : "text";
            findings.error(at, stepId, expr + ": only steps inside a for_each block have ." + field.wireName(),
                    "use {{steps." + target.id() + "." + single + "}}");
            return false;
        }
        return true;
    }

    /** Checks an {@code {{item...}}} or {@code {{index}}} reference against the step's block. */
    void checkItem(String stepId, @Nullable ForEachStepSpec block, Reference ref, SourceLocation at) {
        String expr = "{{" + ref.expression() + "}}";
        if (block == null) {
            findings.error(at, stepId, expr + " is only valid inside a for_each block",
                    "move '" + stepId + "' into a for_each block's steps, or refer to a list with"
                            + " {{steps.<id>.items}}");
            return;
        }
        List<String> fields = sources.itemFields(block);
        if (ref instanceof Reference.ItemRef ir && !ir.path().isEmpty() && fields != null
                && !fields.contains(ir.path().get(0))) {
            String field = ir.path().get(0);
            findings.error(at, stepId, expr + ": the items of for_each block '" + block.id() + "' have no field '"
                    + field + "'", Suggestions.nearest(field, fields).map(x -> "did you mean 'item." + x + "'?")
                            .orElse("items have " + String.join(", ", fields)));
        }
    }

    void checkInput(TaskStepSpec t, Reference.InputRef ref, SourceLocation at) {
        if (!spec.inputs().containsKey(ref.name())) {
            String fix = Suggestions.nearest(ref.name(), spec.inputs().keySet()).map(x -> "did you mean '" + x + "'?")
                    .orElse("declare it under 'inputs:'");
            findings.error(at, t.id(), "{{" + ref.expression() + "}} names an undeclared input", fix);
        }
    }

    void checkEnv(TaskStepSpec t, Reference.EnvRef ref, SourceLocation at) {
        var refused = variables.refusal(ref.name());
        if (refused.isPresent()) {
            findings.error(at, t.id(), "{{" + ref.expression() + "}}: " + refused.get().message(),
                    refused.get().fix());
            return;
        }
        if (environment.get(ref.name()).isEmpty()) {
            findings.error(at, t.id(), "{{" + ref.expression() + "}}: environment variable " + ref.name()
                    + " is not set", "set " + ref.name() + " before running");
        }
    }
}
