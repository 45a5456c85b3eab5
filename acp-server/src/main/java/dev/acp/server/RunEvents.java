package dev.acp.server;

import dev.acp.cost.PipelineEstimate;
import dev.acp.engine.ErrorInfo;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.StepResult;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedTask;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events of one run, numbered, kept in memory up to a bound for the event stream: a client
 * that reconnects with {@code Last-Event-ID} gets every event after that one. When the oldest
 * events have been dropped, {@link #after} says so, and the stream tells the client to read the
 * run's state instead. The names and fields are those of {@code acp pipeline run --log-format
 * json}. A resumed run continues the numbering of its log.
 */
final class RunEvents implements RunListener {
    /** One event; {@code id} grows by one per event of the run. */
    record Event(long id, String name, Map<String, Object> data) {}

    /** Events after an id; {@code gap} when some of them were dropped; {@code ended} when no more will come. */
    record Batch(List<Event> events, boolean gap, boolean ended) {}

    private final int capacity;
    private final Clock clock;
    private final ArrayDeque<Event> log = new ArrayDeque<>();
    private long lastId;
    private boolean ended;
    /** Set when the run starts; output paths are given relative to it, as the file route takes them. */
    private volatile java.nio.file.@org.jspecify.annotations.Nullable Path outputDirectory;

    RunEvents(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    void add(String name, Map<String, Object> fields) {
        add(name, fields, clock.instant());
    }

    /** An event that happened at {@code time} (one replayed from a journal). */
    synchronized void add(String name, Map<String, Object> fields, java.time.Instant time) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("event", name);
        data.put("time", time.toString());
        data.putAll(fields);
        log.addLast(new Event(++lastId, name, data));
        while (log.size() > capacity) {
            log.removeFirst();
        }
        notifyAll();
    }

    /** No more events until {@link #reopen} (the run ended, or never started). */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** A resume: more events come, numbered on from the last. */
    synchronized void reopen() {
        ended = false;
    }

    synchronized long lastId() {
        return lastId;
    }

    /** Waits up to {@code wait} for events after {@code afterId}. */
    synchronized Batch after(long afterId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (lastId <= afterId && !ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        List<Event> out = new ArrayList<>();
        for (Event e : log) {
            if (e.id() > afterId) {
                out.add(e);
            }
        }
        boolean gap = !log.isEmpty() && log.peekFirst().id() > afterId + 1;
        return new Batch(out, gap, ended && (out.isEmpty() || out.get(out.size() - 1).id() == lastId));
    }

    private static Map<String, Object> fields(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    static Map<String, Object> error(ErrorInfo e) {
        return fields("kind", e.kind().wireName(), "message", e.message());
    }

    static Double money(BigDecimal v) {
        return v == null ? null : v.doubleValue();
    }

    void estimate(PipelineEstimate estimate) {
        add("estimate", fields("low", money(estimate.low()), "expected", money(estimate.expected()), "high",
                money(estimate.high()), "unknown_steps", estimate.unknownSteps(), "limit", estimate.limitSummary()));
    }

    void notice(String message) {
        add("notice", fields("message", message));
    }

    @Override
    public void runStarted(ExecutionPlan plan, String runId) {
        outputDirectory = plan.outputDirectory();
        add("run_started", fields("run_id", runId, "pipeline_name", plan.spec().name(), "steps", plan.tasks().size()));
    }

    @Override
    public void stepStarted(PlannedTask task, int attempt) {
        add("step_started", fields("step_id", task.id(), "step_type", task.typeName(), "provider", task.providerId(),
                "attempt", attempt));
    }

    @Override
    public void stepProgress(PlannedTask task, double fraction, String message) {
        add("step_progress", fields("step_id", task.id(), "fraction", fraction >= 0 ? fraction : null, "message",
                message));
    }

    @Override
    public void stepRetrying(PlannedTask task, int nextAttempt, Duration delay, ErrorInfo error) {
        add("step_retrying", fields("step_id", task.id(), "attempt", nextAttempt, "delay_seconds",
                delay.toMillis() / 1000.0, "error", error(error)));
    }

    @Override
    public void stepFinished(StepResult r) {
        add("step_finished", stepFields(r, outputDirectory));
        if (r.actualCost() != null) {
            add("cost_settled", fields("step_id", r.stepId(), "provider", r.provider(), "model", r.model(),
                    "actual_cost", money(r.actualCost()), "cache_hit", r.cacheHit()));
        }
    }

    /** A finished step as events and the run's state show it; output paths are relative to the output folder. */
    static Map<String, Object> stepFields(StepResult r, java.nio.file.@org.jspecify.annotations.Nullable Path outputDirectory) {
        return fields("step_id", r.stepId(), "step_type", r.stepType(), "status", r.status().wireName(), "provider",
                r.provider(), "model", r.model(), "output_path", relative(r.outputPath(), outputDirectory), "execution_time",
                r.executionTime().toMillis() / 1000.0, "attempts", r.attempts(), "cache_hit", r.cacheHit(),
                "preview", r.preview(), "estimated_cost", money(r.estimatedCost()), "actual_cost",
                money(r.actualCost()), "reason", r.reason(), "error", r.error() == null ? null : error(r.error()));
    }

    /** {@code file} relative to the output folder, with '/' between names; the absolute path when outside it. */
    static String relative(java.nio.file.@org.jspecify.annotations.Nullable Path file,
            java.nio.file.@org.jspecify.annotations.Nullable Path outputDirectory) {
        if (file == null) {
            return null;
        }
        if (outputDirectory != null && file.toAbsolutePath().startsWith(outputDirectory)) {
            return outputDirectory.relativize(file.toAbsolutePath()).toString().replace(java.io.File.separatorChar, '/');
        }
        return file.getFileName().toString();
    }

    @Override
    public void runFinished(RunResult result) {
        add("run_finished", fields("run_id", result.runId(), "status", result.status().wireName(), "total_time",
                result.totalTime().toMillis() / 1000.0, "failed_steps", result.failedStepIds(), "actual_cost",
                money(result.totalActualCost())));
    }
}
