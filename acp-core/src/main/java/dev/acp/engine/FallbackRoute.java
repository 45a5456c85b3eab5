package dev.acp.engine;

import dev.acp.cost.CostControl;
import dev.acp.error.ErrorKind;
import dev.acp.plan.PlannedTask;
import dev.acp.provider.Provider;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where a task is on its fallback list: the primary provider or an alternative switched to, the
 * attempt its own retries count from, the switches made (journaled before the alternative is
 * called, so that a resume continues there) and what the abandoned providers' failed calls cost.
 */
final class FallbackRoute {
    /**
     * Error kinds after which a step moves on to its next fallback alternative: failures that
     * belong to one provider (an outage, a rate limit beyond the wait budget, a call that timed
     * out, exhausted credits or quota at that account, a model that provider does not (or no
     * longer) serve). Never for what another provider would refuse too or what could pay twice:
     * invalid requests, content policy, credentials, an unknown submission outcome, local failures.
     */
    static final Set<ErrorKind> FALLBACK_KINDS = EnumSet.of(ErrorKind.TRANSIENT, ErrorKind.RATE_LIMIT,
            ErrorKind.TIMEOUT, ErrorKind.QUOTA, ErrorKind.NOT_FOUND);

    private final StepRun s;
    private final BudgetTicket money;
    /** Alternatives already switched to (0 while on the primary). */
    private int route;
    /** The attempts made before the provider in use: its own retries count from here. */
    private int routeStart;
    private final List<FallbackSwitch> switches = new ArrayList<>();
    /** What the abandoned providers' failed calls were settled at. */
    private BigDecimal fallbackCost = BigDecimal.ZERO;

    FallbackRoute(StepRun s, BudgetTicket money) {
        this.s = s;
        this.money = money;
        ResumeState resume = s.x.request.resume();
        // A finished step reaches here only when what it was made from changed: it starts anew.
        ResumeState.Route r = resume.steps().get(s.base.id()) instanceof ResumeState.Done ? null
                : resume.routes().get(s.base.id());
        List<PlannedTask.Fallback> alts = s.base.fallbacks();
        if (r != null && r.index() >= 1 && r.index() <= alts.size()
                && alts.get(r.index() - 1).providerId().equals(r.provider())) {
            // An earlier session switched to this alternative: continue there (re-attaching its
            // job), never calling the providers before it again.
            moveTo(r.index());
            routeStart = r.firstAttempt() - 1;
            s.attempt = Math.max(s.attempt, routeStart);
            switches.addAll(r.switches());
            fallbackCost = r.cost();
        }
    }

    /** The attempts made with the provider in use, its own retries (refusals not counted by the caller). */
    int attemptsHere() {
        return s.attempt - routeStart;
    }

    private void moveTo(int index) {
        PlannedTask.Fallback alt = s.base.fallbacks().get(index - 1);
        route = index;
        s.serveWith(s.base.on(alt), s.x.registry.provider(alt.providerId()));
    }

    /**
     * After the provider in use gave up (retries spent, or no time for another): moves on to the
     * next alternative when the error is one another provider can fix, the step's time is not up,
     * and the alternative's reservation fits the limits. Returns null when it switched, else the
     * step's failure ({@code reported}, with a refused alternative named in it).
     */
    @Nullable StepResult fallBack(ErrorInfo error, ErrorInfo reported) {
        if (route >= s.base.fallbacks().size() || !FALLBACK_KINDS.contains(error.kind()) || s.n.stopRequested()
                || s.timeIsUp()) {
            return s.failed(reported);
        }
        PlannedTask.Fallback alt = s.base.fallbacks().get(route);
        String fromProvider = s.provider.id();
        String fromModel = s.modelOf();
        // Money first: the abandoned provider's failed calls are settled (if it bills them) or its
        // reservation released, and only then is the alternative's reserved.
        BigDecimal spent = money.leaveProvider();
        if (spent != null) {
            fallbackCost = fallbackCost.add(spent);
        }
        PlannedTask next = s.base.on(alt);
        Provider nextProvider = s.x.registry.provider(alt.providerId());
        CostControl.Refused refused = money.reserveFor(next, nextProvider.costsMoney());
        if (refused != null) {
            String why = StepRun.oneLine(refused.reason());
            return s.failed(new ErrorInfo(reported.kind(), reported.message() + "; fallback to " + alt.label()
                    + " refused: would exceed the limit (" + why + ")", reported.requestId()))
                    .withMetadata("fallback_refused", Map.of("provider", alt.providerId(), "model",
                            alt.model() == null ? "" : alt.model(), "reason", why));
        }
        FallbackSwitch change = new FallbackSwitch(alt.index(), fromProvider, fromModel, alt.providerId(),
                nextProvider.preview() ? null : alt.model(), error.kind(), error.message(), spent,
                s.x.options.clock().instant());
        // On record before the alternative is called: a resume continues there.
        s.x.request.recorder().fallbackSwitched(s.base, s.attempt + 1, change);
        switches.add(change);
        moveTo(alt.index());
        routeStart = s.attempt;
        s.x.listener.stepProgress(s.t, -1, "falling back to " + alt.label() + " after " + error.kind().wireName()
                + " from " + fromProvider);
        return null;
    }

    /** The step's result with its fallback switches and what the abandoned providers cost. */
    StepResult report(StepResult r) {
        if (switches.isEmpty()) {
            return r;
        }
        StepResult out = r.withMetadata(FallbackSwitch.METADATA_KEY, switches.stream()
                .map(FallbackSwitch::toMetadata).toList());
        if (fallbackCost.signum() > 0) {
            out = out.withMetadata(FallbackSwitch.COST_KEY, fallbackCost)
                    .withActualCost(r.actualCost() == null ? fallbackCost : r.actualCost().add(fallbackCost));
        }
        return out;
    }
}
