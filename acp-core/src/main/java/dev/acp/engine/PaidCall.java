package dev.acp.engine;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.CallRecovery;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One synchronous call. A paid one is journaled before it is sent and its failure after, so that
 * a process stopped while the answer was on its way leaves an unknown outcome behind, never a
 * silent second charge: the resume asks the provider ({@code Provider.recoverCall}) and sends
 * again only when the provider says it never got the request, or when asked to
 * ({@code --resend-unknown}, the possible first charge counted against the limits).
 */
final class PaidCall {
    private final StepRun s;
    private final BudgetTicket money;

    PaidCall(StepRun s, BudgetTicket money) {
        this.s = s;
        this.money = money;
    }

    ProviderResult call(ProviderRequest request) throws ProviderException, InterruptedException {
        if (!s.costsMoney) {
            return s.provider.execute(request);
        }
        if (s.prior instanceof ResumeState.CallUnanswered lost && lost.attempt() == s.attempt) {
            s.prior = null;
            ProviderResult recovered = recover(request, lost);
            if (recovered != null) {
                return recovered;
            }
        }
        String key = s.requestKey();
        s.x.request.recorder().callSending(s.t, s.attempt, key, s.provider.id());
        s.submitting = key;
        try {
            ProviderResult result = s.provider.execute(request);
            s.submitting = null; // answered: the output (or cost) record that follows says so
            return result;
        } catch (ProviderException e) {
            if (e.kind() != ErrorKind.UNKNOWN_OUTCOME) {
                s.x.request.recorder().callAnswered(s.t, s.attempt, key);
                s.submitting = null;
            }
            throw e;
        }
    }

    /**
     * The lost answer of an earlier session's request: the provider's own copy, or null when the
     * request may be sent (the provider never got it, or {@code --resend-unknown}); throws the
     * unknown outcome otherwise.
     */
    private @Nullable ProviderResult recover(ProviderRequest request, ResumeState.CallUnanswered lost)
            throws ProviderException, InterruptedException {
        String p = s.provider.id();
        s.x.listener.stepProgress(s.t, -1, "asking " + p + " about the request sent before the run stopped");
        CallRecovery found;
        try {
            found = s.provider.recoverCall(request, lost.sentAt());
        } catch (ProviderException e) {
            s.submitting = lost.key(); // still unknown: a later resume asks again
            throw new ProviderException(ErrorKind.UNKNOWN_OUTCOME, "the run stopped while " + p + " was answering"
                    + " this step's request, and looking the answer up failed: " + StepRun.oneLine(e.getMessage())
                    + "; resume again to look again");
        }
        return switch (found) {
            case CallRecovery.Found f -> f.result().withMetadata(Map.of(StepMetadata.RECOVERED, true));
            case CallRecovery.NotReceived n -> {
                s.x.listener.stepProgress(s.t, -1, p + " never got it (" + n.why() + "): sending it now");
                yield null;
            }
            case CallRecovery.Unknown u -> {
                if (!s.x.request.resume().resendUnknown()) {
                    s.submitting = lost.key(); // stays unknown on later resumes too, until resent or a new run
                    throw new ProviderException(ErrorKind.UNKNOWN_OUTCOME, "the run stopped while " + p
                            + " was answering this step's request (sent " + lost.sentAt() + "), which may have been"
                            + " billed; " + u.why() + ". Check " + p + "'s usage page, then resume with"
                            + " --resend-unknown to send it again (a possible second charge, counted against the"
                            + " limits), or run the pipeline again without --resume");
                }
                money.chargePossibleDuplicate(request.parameters(), "a request whose answer was lost");
                yield null;
            }
        };
    }
}
