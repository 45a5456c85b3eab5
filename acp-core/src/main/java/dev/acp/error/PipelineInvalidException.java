package dev.acp.error;

import dev.acp.pipeline.Problem;
import java.util.List;

/** A pipeline failed validation; carries every problem found, not only the first. Exit code 2. */
public final class PipelineInvalidException extends AcpException {
    private final List<Problem> problems;

    public PipelineInvalidException(List<Problem> problems) {
        super(summary(problems));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    /** True when every error is a missing or unusable credential (exit code 3, not 2). */
    public boolean onlyCredentials() {
        List<Problem> errors = problems.stream().filter(Problem::isError).toList();
        return !errors.isEmpty() && errors.stream().allMatch(p -> p.category() == Problem.Category.CREDENTIALS);
    }

    private static String summary(List<Problem> problems) {
        long errors = problems.stream().filter(Problem::isError).count();
        return errors == 1
                ? problems.stream().filter(Problem::isError).findFirst().orElseThrow().render()
                : errors + " problems in the pipeline";
    }
}
