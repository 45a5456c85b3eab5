package dev.acp.plan;

import dev.acp.pipeline.GroupStepSpec;
import dev.acp.pipeline.MergeStrategy;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A parallel group ready to run.
 *
 * @param maxWorkers how many members may run at once: 1 when parallel execution is off, else
 *     {@code max_workers} or the number of members
 */
public record PlannedGroup(
        GroupStepSpec spec, List<String> memberIds, List<String> dependencies, int maxWorkers, boolean enabled)
        implements PlannedStep {

    public PlannedGroup {
        memberIds = List.copyOf(memberIds);
        dependencies = List.copyOf(dependencies);
        if (maxWorkers < 1) {
            throw new IllegalArgumentException("maxWorkers must be >= 1");
        }
    }

    @Override
    public String id() {
        return spec.id();
    }

    public MergeStrategy mergeStrategy() {
        return spec.mergeStrategy();
    }

    public @Nullable Duration timeout() {
        return spec.timeout();
    }

    @Override
    public String typeName() {
        return GroupStepSpec.TYPE_NAME;
    }
}
