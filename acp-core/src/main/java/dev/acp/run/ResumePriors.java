package dev.acp.run;

import dev.acp.engine.ResumeState;
import dev.acp.engine.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a journal says each step left behind, as the engine's resume state: a finished step to
 * reuse, a job to re-attach by its handle (never submitted again), a submission or paid call
 * whose answer was never seen. {@code acp pipeline run --resume} ({@link RunService}) and the
 * distributed engine's node activities (which retry on another worker) both resume from here,
 * so that a lost answer is treated the same way by both.
 */
public final class ResumePriors {
    private ResumePriors() {}

    /**
     * The priors of every step in a journal file, for a caller that has no plan or outputs to
     * check them against (a node of a distributed run, whose steps ran moments ago): a step that
     * succeeded, or whose paid output was placed before it failed, is reused as it is. A missing
     * file means nothing ran yet.
     */
    public static Map<String, ResumeState.Prior> of(Path journal) throws IOException {
        Map<String, ResumeState.Prior> priors = new LinkedHashMap<>();
        if (!Files.exists(journal)) {
            return priors;
        }
        RunHistory history = RunHistory.of(JournalReader.read(journal).records());
        history.steps().forEach((id, st) -> {
            StepResult done = st.inFlight() ? null : st.result();
            ResumeState.Prior prior = done != null && (done.succeeded() || st.paidOutputPlaced())
                    ? new ResumeState.Done(done, st.outputSha256(), st.fingerprint())
                    : unfinished(st);
            if (prior != null) {
                priors.put(id, prior);
            }
        });
        return priors;
    }

    /**
     * A step that did not finish: the job of its latest attempt to re-attach, else the
     * submission or paid call whose answer was never seen; null when it sent nothing that costs.
     */
    static ResumeState.@Nullable Prior unfinished(RunHistory.StepState st) {
        if (st.handle() != null
                && (st.unansweredSubmission() == null || st.handleAttempt() >= st.submittingAttempt())) {
            // The latest attempt's job; the history drops a job once a later attempt submits.
            return new ResumeState.Attached(st.handleAttempt(), st.handleKey(), st.handle());
        }
        if (st.unansweredSubmission() != null) {
            return new ResumeState.Submitting(st.submittingAttempt(), st.unansweredSubmission());
        }
        var call = st.unansweredCall();
        return call == null ? null : new ResumeState.CallUnanswered(call.attempt(), call.key(), call.provider(), call.at());
    }
}
