package dev.acp.plan;

import dev.acp.pipeline.Problem;
import dev.acp.pipeline.SourceLocation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The problems the planner's passes find, in the order they find them. The order matters: the
 * problems are sorted by position with a stable sort, so two at the same place keep the order of
 * the passes that found them.
 */
final class Findings {
    private final List<Problem> problems = new ArrayList<>();

    void error(SourceLocation at, @Nullable String step, String message, String fix) {
        problems.add(Problem.error(at, step, message, fix));
    }

    void warning(SourceLocation at, @Nullable String step, String message, String fix) {
        problems.add(Problem.warning(at, step, message, fix));
    }

    void add(Problem problem) {
        problems.add(problem);
    }

    /** Sorts what was found so far by line and column (stable: ties keep their order). */
    void sortByPosition() {
        problems.sort(Comparator.comparing((Problem p) -> p.location().line())
                .thenComparing(p -> p.location().column()));
    }

    boolean hasErrors() {
        for (Problem p : problems) {
            if (p.isError()) {
                return true;
            }
        }
        return false;
    }

    List<Problem> all() {
        return problems;
    }

    List<Problem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }
}
