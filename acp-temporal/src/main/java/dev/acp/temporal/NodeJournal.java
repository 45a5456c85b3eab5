package dev.acp.temporal;

import dev.acp.engine.ResumeState;
import dev.acp.engine.StepResult;
import dev.acp.run.JournalReader;
import dev.acp.run.RunHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an earlier attempt of a node's activity (on this worker or on one that was lost) left in
 * the node's journal on the shared folder: steps it finished, jobs whose handle it recorded
 * (re-attached, never submitted again), submissions and paid calls whose answer it never saw.
 * The engine resumes from these exactly as {@code acp pipeline run --resume} does.
 */
final class NodeJournal {
    private NodeJournal() {}

    static Map<String, ResumeState.Prior> priors(Path journal) throws IOException {
        Map<String, ResumeState.Prior> priors = new LinkedHashMap<>();
        if (!Files.exists(journal)) {
            return priors;
        }
        RunHistory history = RunHistory.of(JournalReader.read(journal).records());
        history.steps().forEach((id, st) -> {
            StepResult done = st.inFlight() ? null : st.result();
            if (done != null && (done.succeeded() || st.paidOutputPlaced())) {
                priors.put(id, new ResumeState.Done(done, st.outputSha256(), st.fingerprint()));
            } else if (st.handle() != null
                    && (st.unansweredSubmission() == null || st.handleAttempt() >= st.submittingAttempt())) {
                priors.put(id, new ResumeState.Attached(st.handleAttempt(), st.handleKey(), st.handle()));
            } else if (st.unansweredSubmission() != null) {
                priors.put(id, new ResumeState.Submitting(st.submittingAttempt(), st.unansweredSubmission()));
            } else if (st.unansweredCall() != null) {
                var call = st.unansweredCall();
                priors.put(id, new ResumeState.CallUnanswered(call.attempt(), call.key(), call.provider(), call.at()));
            }
        });
        return priors;
    }
}
