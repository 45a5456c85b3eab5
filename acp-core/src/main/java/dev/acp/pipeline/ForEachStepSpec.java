package dev.acp.pipeline;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@code for_each} block: its steps run once per item of a list known only at run time (an
 * earlier step's JSON list, or a list input). Inside, {@code {{item...}}}, {@code {{index}}} and
 * {@code {{index0}}} name the current item, and {@code {{steps.<inner>.output}}} the same item's
 * sibling; outside, {@code {{steps.<inner>.outputs}}} is the list of results in item order.
 *
 * @param source the {@code for_each} expression as written, a single reference such as
 *     {@code {{steps.scenes.items}}}
 * @param maxWorkers at most this many inner steps at once, or null for no limit
 */
public record ForEachStepSpec(
        String id,
        boolean idExplicit,
        String source,
        @Nullable Integer maxWorkers,
        List<TaskStepSpec> steps,
        boolean enabled,
        @Nullable List<String> dependsOn,
        Locations locations)
        implements StepSpec {

    public static final String TYPE_NAME = "for_each";
    /** More items than this is refused: a runaway list should not become thousands of paid calls. */
    public static final int MAX_ITEMS = 1000;

    public ForEachStepSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        steps = List.copyOf(steps);
        dependsOn = dependsOn == null ? null : List.copyOf(dependsOn);
    }

    @Override
    public String typeName() {
        return TYPE_NAME;
    }
}
