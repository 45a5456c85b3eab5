package dev.acp.pipeline;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** One entry of a pipeline's {@code steps}: a task for a provider, a parallel group of tasks, or a
 * for_each block of tasks run once per item. */
public sealed interface StepSpec permits TaskStepSpec, GroupStepSpec, ForEachStepSpec {

    /** The step's id: given with {@code id:} or derived as {@code <step_type>_<n>}. */
    String id();

    /** True when the id was written in the file (and can therefore be referenced stably). */
    boolean idExplicit();

    boolean enabled();

    /** The ids named by {@code depends_on}, or null when the default ordering applies. */
    @Nullable List<String> dependsOn();

    Locations locations();

    /** The type name as written in files. */
    String typeName();
}
