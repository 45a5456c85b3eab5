package dev.acp.engine;

import dev.acp.error.ErrorKind;
import dev.acp.pipeline.MergeStrategy;
import dev.acp.plan.PlannedGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/** The admission and merge state of one parallel group during a run. */
final class GroupRun {
    final StepNode node;
    private final PlannedGroup group;
    private final Execution execution;
    private final PriorityQueue<StepNode> ready = new PriorityQueue<>(Comparator.comparingInt(x -> x.index));
    private final List<Map.Entry<StepNode, StepResult>> cancellations = new ArrayList<>();
    private final List<StepNode> members = new ArrayList<>();
    private int running;
    private int remaining;
    private boolean opened;
    private boolean decided;
    /** Set when the group's timeout fired: nothing more is admitted. */
    private boolean closed;
    private @Nullable StepNode winner;
    private StepTimers.@Nullable Timer timer;

    GroupRun(StepNode node, PlannedGroup group, Execution execution) {
        this.node = node;
        this.group = group;
        this.execution = execution;
        this.remaining = group.memberIds().size();
    }

    void open() {
        synchronized (this) {
            if (members.isEmpty()) {
                group.memberIds().forEach(id -> members.add(execution.node(id)));
            }
            opened = true;
            if (group.timeout() != null) {
                timer = execution.timers().schedule(this::timeOut, group.timeout().toNanos());
            }
        }
        dispatch();
        if (group.memberIds().isEmpty()) {
            execution.settle(node, merge());
        }
    }

    void offer(StepNode member) {
        synchronized (this) {
            ready.add(member);
        }
        dispatch();
    }

    private void dispatch() {
        List<StepNode> launch = new ArrayList<>();
        synchronized (this) {
            if (!opened || closed) {
                return;
            }
            while (running < group.maxWorkers() && !ready.isEmpty()) {
                StepNode m = ready.poll();
                if (m.settled.get() || decided && group.mergeStrategy() == MergeStrategy.FIRST_SUCCESS) {
                    continue;
                }
                running++;
                m.launched = true;
                launch.add(m);
            }
        }
        launch.forEach(execution::launch);
    }

    /** Returns the group's result when this was its last member, else null. */
    @Nullable StepResult memberSettled(StepNode member, StepResult r) {
        StepResult done = null;
        synchronized (this) {
            if (member.launched) {
                running--;
            }
            remaining--;
            if (!decided && group.mergeStrategy() == MergeStrategy.FIRST_SUCCESS && r.succeeded()) {
                decided = true;
                winner = member;
                String why = "'" + member.id() + "' succeeded first (first_success)";
                for (StepNode m : members) {
                    if (m == member || m.settled.get()) {
                        continue;
                    }
                    if (m.launched) {
                        m.cancel(why);
                    } else {
                        m.cancelReason = why;
                        cancellations.add(Map.entry(m, execution.notRun(m, StepStatus.CANCELLED, why)));
                    }
                }
            }
            if (remaining == 0 && !node.settled.get()) {
                if (timer != null) {
                    timer.cancel();
                }
                done = merge();
            }
        }
        if (done == null) {
            dispatch();
        }
        return done;
    }

    synchronized List<Map.Entry<StepNode, StepResult>> drainCancellations() {
        if (cancellations.isEmpty()) {
            return List.of();
        }
        List<Map.Entry<StepNode, StepResult>> out = List.copyOf(cancellations);
        cancellations.clear();
        return out;
    }

    private void timeOut() {
        List<Map.Entry<StepNode, StepResult>> skip = new ArrayList<>();
        synchronized (this) {
            // No member may start from now on, even when a running one frees its slot.
            closed = true;
            for (StepNode m : members) {
                if (m.settled.get()) {
                    continue;
                }
                if (m.launched) {
                    m.groupTimedOut = true;
                    m.cancel("the parallel group timed out");
                } else {
                    m.cancelReason = "the parallel group timed out before this member started";
                    skip.add(Map.entry(m, execution.notRun(m, StepStatus.SKIPPED, "the parallel group timed out after "
                            + Execution.seconds(group.timeout()) + " before this member started")));
                }
            }
        }
        skip.forEach(e -> execution.settle(e.getKey(), e.getValue()));
    }

    /** The group's result from its members' results (called with the lock held). */
    private StepResult merge() {
        List<StepResult> rs = new ArrayList<>();
        for (String id : group.memberIds()) {
            StepResult r = execution.result(id);
            if (r != null && r.status() != StepStatus.DISABLED) {
                rs.add(r);
            }
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("merge_strategy", group.mergeStrategy().wireName());
        metadata.put("members", group.memberIds());
        metadata.put("max_workers", group.maxWorkers());
        List<StepResult> ok = rs.stream().filter(StepResult::succeeded).toList();
        Instant first = rs.stream().map(StepResult::startedAt).filter(Objects::nonNull).min(Instant::compareTo)
                .orElse(null);
        Duration time = first == null ? Duration.ZERO : execution.elapsed(first);
        if (rs.isEmpty()) {
            return result(StepStatus.DISABLED, null, metadata, null, "all members are disabled", first, time);
        }
        StepResult selected = switch (group.mergeStrategy()) {
            case COLLECT_ALL -> null;
            case FIRST_SUCCESS -> winner == null ? null : execution.result(winner.id());
            case BEST_QUALITY -> best(ok, metadata);
        };
        boolean success = group.mergeStrategy() == MergeStrategy.COLLECT_ALL ? ok.size() == rs.size() : selected != null;
        if (selected != null) {
            metadata.put("selected", selected.stepId());
        }
        metadata.put("succeeded_members", ok.size());
        if (success) {
            return result(StepStatus.SUCCEEDED, selected, metadata, null, null, first, time);
        }
        if (execution.cancelled()) {
            return result(StepStatus.CANCELLED, null, metadata, null, "the run was interrupted", first, time);
        }
        String message = group.mergeStrategy() == MergeStrategy.COLLECT_ALL
                ? (rs.size() - ok.size()) + " of " + rs.size() + " members did not succeed"
                : "no member succeeded";
        return result(StepStatus.FAILED, null, metadata, ErrorInfo.of(ErrorKind.LOCAL, message), null, first, time);
    }

    /**
     * The successful member with the highest quality score; members that report no score are
     * scored by the judge when one is installed (free: the content engines), else rank below those
     * that do, and ties go to the earlier member in the file.
     */
    private @Nullable StepResult best(List<StepResult> ok, Map<String, Object> metadata) {
        StepResult best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        Map<String, Object> scores = new LinkedHashMap<>();
        Map<String, Object> judged = new LinkedHashMap<>();
        for (StepResult r : ok) {
            Double score = r.qualityScore();
            if (score == null && r.outputPath() != null) {
                try {
                    OptionalDouble j = execution.judge().score(group.id(), r.outputPath());
                    if (j.isPresent()) {
                        score = j.getAsDouble();
                        judged.put(r.stepId(), score);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            scores.put(r.stepId(), score);
            double s = score == null ? -1 : score;
            if (s > bestScore) {
                best = r;
                bestScore = s;
            }
        }
        metadata.put("quality_scores", scores);
        if (!judged.isEmpty()) {
            metadata.put("quality_judged_by", "score_quality (content engines)");
            metadata.put("judged_members", List.copyOf(judged.keySet()));
        }
        if (best != null && bestScore < 0) {
            metadata.put("note", "no member reported a quality score and none could be judged; the first success"
                    + " was selected");
        }
        return best;
    }

    private StepResult result(StepStatus status, @Nullable StepResult selected, Map<String, Object> metadata,
            @Nullable ErrorInfo error, @Nullable String reason, @Nullable Instant startedAt, Duration time) {
        return new StepResult(group.id(), group.typeName(), null, selected == null ? null : selected.provider(),
                selected == null ? null : selected.model(), status, selected == null ? null : selected.outputPath(),
                selected == null ? null : selected.text(), metadata, error, reason, startedAt, time, 0, null, null, null,
                selected != null && selected.preview(), selected == null ? null : selected.qualityScore(), List.of());
    }
}
