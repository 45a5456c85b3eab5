package dev.acp.run;

import dev.acp.engine.RunResult;
import dev.acp.plan.ExecutionPlan;
import dev.acp.report.RunReportWriter;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * How a run ended: its result, where its report went, and what went wrong beside the steps.
 *
 * @param report where {@code run.json} was written, or null when it could not be (see {@code reportError})
 * @param reportError why the report could not be written, or null
 * @param journalError why the journal stopped (the disk), or null; the run then stopped early
 * @param extras what the report adds: the run's folder, what it spent over all sessions, resume notes, the limit
 * @param reportJson the report as written (secrets masked), for {@code --format json} and servers
 */
public record RunOutcome(String runId, ExecutionPlan plan, RunResult result, @Nullable Path report,
        @Nullable String reportError, @Nullable String journalError, RunReportWriter.Extras extras, String reportJson) {

    /** Whether everything went right: every step succeeded and the report and journal were written. */
    public boolean clean() {
        return result.success() && reportError == null && journalError == null;
    }
}
