package dev.acp.pipeline.load;

import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.Problem;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of loading a pipeline file: the spec when its structure could be read (even if
 * some steps had problems), and every problem found.
 */
public record LoadResult(@Nullable PipelineSpec spec, List<Problem> problems) {
    public LoadResult {
        problems = List.copyOf(problems);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }
}
