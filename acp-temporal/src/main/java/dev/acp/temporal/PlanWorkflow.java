package dev.acp.temporal;

import dev.acp.engine.ErrorInfo;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.error.ErrorKind;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Interprets a run's plan: a node starts as soon as every node it depends on succeeded (or was
 * disabled); a node after a failure is skipped, as in the local engine. The workflow is the run's
 * single ledger: before a node is dispatched its estimate is reserved out of the limit; a node
 * whose estimate is unknown is dispatched alone, with everything that is left. The activity may
 * spend up to its reservation and no more (the local engine enforces that per step), so workers
 * running side by side can never together pass the limit; when the node ends, its reservation
 * becomes what it actually spent.
 */
public final class PlanWorkflow implements RunWorkflow {
    /**
     * Nodes dispatched and not yet settled, at most. The activities a workflow task schedules
     * travel in one gRPC message of at most 4 MiB: when every input carried the pipeline's text,
     * 200 standalone steps dispatched at once (a 30 KB pipeline, 6 MB) made the task fail on every
     * retry and the run hang. Inputs now name the text on the shared folder ({@link
     * SharedPipeline}), but each still carries the results of every node it depends on, which
     * grow with the pipeline: the window keeps one task's commands bounded all the same.
     */
    static final int MAX_RUNNING = 64;

    /**
     * Activities are retried on another worker when one is lost (its heartbeat stops) or fails;
     * no schedule-to-start limit, so a run waits for a worker to come back when all are gone.
     */
    static final ActivityOptions NODE_OPTIONS = ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofHours(12))
            .setHeartbeatTimeout(Duration.ofSeconds(20))
            .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
            .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(1))
                    .setMaximumInterval(Duration.ofSeconds(30)).setMaximumAttempts(10)
                    .setDoNotRetry(NodeWorker.INVALID).build())
            .build();

    private final NodeActivities activities = Workflow.newActivityStub(NodeActivities.class, NODE_OPTIONS);
    private final List<StepResult> settled = new ArrayList<>();
    private final Map<String, NodeOutcome> outcomes = new LinkedHashMap<>();
    private final Map<String, BigDecimal> reserved = new LinkedHashMap<>();
    private final Set<String> running = new LinkedHashSet<>();
    /** A node with an unknown estimate holds the whole remaining budget: nothing else starts meanwhile. */
    private boolean exclusive;
    private BigDecimal spent = BigDecimal.ZERO;

    @Override
    public List<StepResult> settled() {
        return List.copyOf(settled);
    }

    @Override
    public RunSummary run(RunInput input) {
        Map<String, NodeSpec> nodes = new LinkedHashMap<>();
        input.nodes().forEach(n -> nodes.put(n.id(), n));
        boolean cancelled = false;
        try {
            while (outcomes.size() < nodes.size()) {
                for (NodeSpec n : nodes.values()) {
                    if (running.size() >= MAX_RUNNING) {
                        break; // the rest are dispatched as running nodes settle
                    }
                    if (!outcomes.containsKey(n.id()) && !running.contains(n.id()) && ready(n)) {
                        dispatch(input, nodes, n);
                    }
                }
                if (outcomes.size() == nodes.size()) {
                    break;
                }
                int before = outcomes.size();
                Workflow.await(() -> outcomes.size() != before);
            }
        } catch (CanceledFailure e) {
            cancelled = true;
            // Running nodes were asked to stop (their activities see it at their next heartbeat)
            // and report what they did; the rest never start.
            Workflow.newDetachedCancellationScope(() -> Workflow.await(running::isEmpty)).run();
            for (NodeSpec n : nodes.values()) {
                if (!outcomes.containsKey(n.id())) {
                    settle(n, notRun(n, StepStatus.CANCELLED, "the run was interrupted before this step started"));
                }
            }
        }
        List<StepResult> ordered = new ArrayList<>();
        nodes.keySet().forEach(id -> ordered.addAll(outcomes.get(id).results()));
        return new RunSummary(ordered, spent, cancelled);
    }

    private boolean ready(NodeSpec n) {
        return n.dependencies().stream().allMatch(outcomes::containsKey);
    }

    private void dispatch(RunInput input, Map<String, NodeSpec> nodes, NodeSpec n) {
        for (String d : n.dependencies()) {
            StepResult head = outcomes.get(d).results().getFirst();
            if (head.status() != StepStatus.SUCCEEDED && head.status() != StepStatus.DISABLED) {
                String why = switch (head.status()) {
                    case CANCELLED -> "'" + d + "' was cancelled";
                    case SKIPPED -> "'" + d + "' was skipped";
                    default -> "'" + d + "' failed";
                };
                settle(n, notRun(n, StepStatus.SKIPPED, "depends on " + why));
                return;
            }
        }
        BigDecimal allowance = null;
        if (input.limit() != null) {
            if (exclusive) {
                return; // waits for the node that holds the rest of the budget
            }
            BigDecimal free = input.limit().subtract(spent).subtract(sum(reserved.values()));
            if (n.estimate() == null) {
                if (!running.isEmpty()) {
                    return; // dispatched alone once the others have settled what they spent
                }
                exclusive = true;
                allowance = free.max(BigDecimal.ZERO);
            } else if (n.estimate().compareTo(free) <= 0) {
                allowance = n.estimate();
            } else if (!running.isEmpty()) {
                return; // may fit once running nodes settle below their reservations
            } else {
                settle(n, refused(n, input.limit(), free));
                return;
            }
            reserved.put(n.id(), allowance);
        }
        List<StepResult> upstream = new ArrayList<>();
        for (String id : upstreamOf(n, nodes)) {
            upstream.addAll(outcomes.get(id).results());
        }
        running.add(n.id());
        NodeTask task = new NodeTask(input.runId(), input.source(), n.id(), upstream, allowance);
        Promise<NodeOutcome> p = Async.function(activities::runNode, task);
        p.handle((outcome, failure) -> {
            running.remove(n.id());
            reserved.remove(n.id());
            if (n.estimate() == null) {
                exclusive = false;
            }
            if (failure != null) {
                settle(n, failed(n, failure));
            } else {
                spent = spent.add(outcome.spent());
                settle(n, outcome);
            }
            return null;
        });
    }

    /** Every node {@code n} depends on, transitively, in file order. */
    private static List<String> upstreamOf(NodeSpec n, Map<String, NodeSpec> nodes) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(n.dependencies());
        while (!todo.isEmpty()) {
            String id = todo.removeLast();
            if (seen.add(id)) {
                todo.addAll(nodes.get(id).dependencies());
            }
        }
        return nodes.keySet().stream().filter(seen::contains).toList();
    }

    private void settle(NodeSpec n, NodeOutcome outcome) {
        outcomes.put(n.id(), outcome);
        settled.addAll(outcome.results());
    }

    private static NodeOutcome notRun(NodeSpec n, StepStatus status, String reason) {
        List<StepResult> results = new ArrayList<>();
        for (NodeSpec.StepStub s : n.steps()) {
            results.add(new StepResult(s.id(), s.typeName(), s.groupId(), s.provider(), s.model(), status, null, null,
                    Map.of(), null, reason, null, Duration.ZERO, 0, null, null, null, false, null, List.of()));
        }
        return new NodeOutcome(results, BigDecimal.ZERO);
    }

    private static NodeOutcome refused(NodeSpec n, BigDecimal limit, BigDecimal free) {
        return withError(n, StepStatus.FAILED, new ErrorInfo(ErrorKind.QUOTA, "not started: its estimate of $"
                + n.estimate().toPlainString() + " does not fit the $" + free.max(BigDecimal.ZERO).toPlainString()
                + " left of the run's limit of $" + limit.toPlainString() + " (raise --cost-limit)", null));
    }

    /** A node whose activity failed for good (out of retries, or a pipeline a worker cannot plan). */
    private static NodeOutcome failed(NodeSpec n, Throwable failure) {
        Throwable cause = failure instanceof ActivityFailure a && a.getCause() != null ? a.getCause() : failure;
        String message = cause.getMessage() == null ? "the worker failed" : cause.getMessage();
        if (cause instanceof io.temporal.failure.ApplicationFailure af) {
            message = af.getOriginalMessage();
        }
        return withError(n, StepStatus.FAILED, new ErrorInfo(ErrorKind.INTERNAL, "no worker could run it: " + message,
                null));
    }

    private static NodeOutcome withError(NodeSpec n, StepStatus status, ErrorInfo error) {
        List<StepResult> results = new ArrayList<>();
        for (NodeSpec.StepStub s : n.steps()) {
            results.add(new StepResult(s.id(), s.typeName(), s.groupId(), s.provider(), s.model(), status, null, null,
                    Map.of(), error, null, null, Duration.ZERO, 0, null, null, null, false, null, List.of()));
        }
        return new NodeOutcome(results, BigDecimal.ZERO);
    }

    private static BigDecimal sum(Iterable<BigDecimal> values) {
        BigDecimal s = BigDecimal.ZERO;
        for (BigDecimal v : values) {
            s = s.add(v);
        }
        return s;
    }
}
