package dev.acp.plan;

import dev.acp.pipeline.ForEachStepSpec;
import dev.acp.template.Reference;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A for_each block ready to run. Its steps are templates: the engine expands them once the
 * source list is known, into tasks with ids {@code <inner>[<index>]}.
 *
 * @param source the list the block runs over: {@code steps.<id>.items} or {@code inputs.<name>}
 * @param templates the inner steps in file order; each one's dependencies are the siblings it
 *     waits for within the same item (everything outside the block is a dependency of the block)
 *     and its output path is the one of the first item, for messages
 * @param outputNames per inner step, its output file name relative to the output folder, still
 *     with its {{index}}/{{item...}} references
 * @param maxWorkers how many inner steps may run at once: 1 when parallel execution is off
 * @param itemFields the fields every item is known to have (a story_to_scenes source), or null
 */
public record PlannedForEach(
        ForEachStepSpec spec,
        Reference source,
        List<PlannedTask> templates,
        Map<String, String> outputNames,
        Path outputDirectory,
        List<String> dependencies,
        int maxWorkers,
        boolean enabled,
        @Nullable List<String> itemFields)
        implements PlannedStep {

    public PlannedForEach {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(source, "source");
        templates = List.copyOf(templates);
        outputNames = Collections.unmodifiableMap(new LinkedHashMap<>(outputNames));
        dependencies = List.copyOf(dependencies);
        itemFields = itemFields == null ? null : List.copyOf(itemFields);
        if (maxWorkers < 1) {
            throw new IllegalArgumentException("maxWorkers must be >= 1");
        }
    }

    @Override
    public String id() {
        return spec.id();
    }

    @Override
    public String typeName() {
        return ForEachStepSpec.TYPE_NAME;
    }

    /** The id of an inner step's expansion for one item (1-based), for example {@code image[2]}. */
    public static String expandedId(String innerId, int index) {
        return innerId + "[" + index + "]";
    }
}
