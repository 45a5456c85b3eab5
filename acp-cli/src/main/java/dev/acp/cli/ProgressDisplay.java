package dev.acp.cli;

import dev.acp.engine.ErrorInfo;
import dev.acp.engine.RunListener;
import dev.acp.engine.StepResult;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.PlannedTask;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Shows a run as it happens, on stderr. On an interactive terminal one line per running step
 * is redrawn in place with its elapsed time and progress, and finished steps scroll above; when
 * output is redirected, plain timestamped log lines are written instead.
 */
abstract sealed class ProgressDisplay implements RunListener, AutoCloseable
        permits ProgressDisplay.Live, ProgressDisplay.Plain, ProgressDisplay.JsonLines {

    protected final PrintWriter out;
    protected final Terminal terminal;
    protected final Path workingDirectory;

    ProgressDisplay(PrintWriter out, Terminal terminal, Path workingDirectory) {
        this.out = out;
        this.terminal = terminal;
        this.workingDirectory = workingDirectory;
    }

    static ProgressDisplay create(PrintWriter out, Terminal terminal, Path workingDirectory) {
        return terminal.interactive() ? new Live(out, terminal, workingDirectory) : new Plain(out, terminal, workingDirectory);
    }

    /** One JSON object per event and line ({@code --log-format json}), whatever the terminal. */
    static ProgressDisplay jsonLines(PrintWriter out, Path workingDirectory) {
        return new JsonLines(out, workingDirectory);
    }

    @Override
    public void close() {}

    /** One line describing a finished step. */
    protected String finishedLine(StepResult r) {
        String time = seconds(r.executionTime());
        String where = r.provider() == null ? "" : " " + terminal.dim(r.provider());
        return switch (r.status()) {
            case SUCCEEDED -> terminal.green("✓") + " " + r.stepId() + where + " " + time
                    + (r.outputPath() == null ? "" : " → " + display(r.outputPath()))
                    + (r.preview() ? terminal.dim(" (preview)") : "");
            case FAILED -> terminal.red("✗") + " " + r.stepId() + where + " " + time + " "
                    + terminal.red(errorText(r.error()));
            case SKIPPED -> terminal.yellow("-") + " " + r.stepId() + " skipped: " + r.reason();
            case CANCELLED -> terminal.yellow("■") + " " + r.stepId() + " cancelled: " + r.reason();
            case DISABLED -> terminal.dim("- " + r.stepId() + " disabled");
        };
    }

    protected String display(Path p) {
        return relative(workingDirectory, p);
    }

    /**
     * How much the run holds, for its first line: the steps known now, and per for_each block the
     * steps it runs for each item (their number waits for the list): {@code 2 steps, plus 2 per
     * item of 'scene'}.
     */
    static String stepCount(ExecutionPlan plan) {
        int tasks = plan.tasks().size();
        StringBuilder out = new StringBuilder(tasks + (tasks == 1 ? " step" : " steps"));
        for (var step : plan.steps()) {
            if (step instanceof dev.acp.plan.PlannedForEach block && block.enabled()) {
                out.append(", plus ").append(block.templates().size()).append(" per item of '").append(block.id())
                        .append('\'');
            }
        }
        return out.toString();
    }

    /** {@code p} relative to {@code workingDirectory} when inside it, else absolute: how paths are shown. */
    static String relative(Path workingDirectory, Path p) {
        Path abs = p.toAbsolutePath();
        return abs.startsWith(workingDirectory) ? workingDirectory.relativize(abs).toString() : abs.toString();
    }

    /**
     * {@code line} cut to at most {@code width - 1} visible characters (escape codes take no room;
     * the last column is left free, as writing into it makes some terminals wrap), ending in "…"
     * when cut, and in a colour reset when colours are on.
     */
    static String fit(String line, int width, boolean color) {
        int room = Math.max(1, width - 1);
        if (visibleLength(line) <= room) {
            return line;
        }
        StringBuilder out = new StringBuilder();
        int visible = 0;
        for (int i = 0; i < line.length(); ) {
            int end = escapeEnd(line, i);
            if (end > i) {
                out.append(line, i, end);
                i = end;
                continue;
            }
            if (visible == room - 1) {
                break;
            }
            int cp = line.codePointAt(i);
            out.appendCodePoint(cp);
            visible++;
            i += Character.charCount(cp);
        }
        out.append('…');
        return color ? out.append("\u001b[0m").toString() : out.toString();
    }

    /** Characters a line takes on screen: code points, not counting escape sequences. */
    static int visibleLength(String line) {
        int visible = 0;
        for (int i = 0; i < line.length(); ) {
            int end = escapeEnd(line, i);
            if (end > i) {
                i = end;
            } else {
                i += Character.charCount(line.codePointAt(i));
                visible++;
            }
        }
        return visible;
    }

    /** The end of a CSI escape sequence ({@code ESC [ ... final byte}) starting at {@code i}, or i. */
    private static int escapeEnd(String s, int i) {
        if (s.charAt(i) != '\u001b' || i + 1 >= s.length() || s.charAt(i + 1) != '[') {
            return i;
        }
        int j = i + 2;
        while (j < s.length() && (s.charAt(j) < 0x40 || s.charAt(j) > 0x7e)) {
            j++;
        }
        return Math.min(j + 1, s.length());
    }

    static String errorText(ErrorInfo e) {
        return e == null ? "failed" : e.kind().wireName() + ": " + e.message();
    }

    static String seconds(Duration d) {
        double s = d.toMillis() / 1000.0;
        return s < 10 ? String.format(Locale.ROOT, "%.1f s", s) : String.format(Locale.ROOT, "%.0f s", s);
    }

    /** Redraws running steps in place on an interactive terminal. */
    static final class Live extends ProgressDisplay {
        private static final String[] SPINNER = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
        private static final int MAX_RUNNING_LINES = 15;

        private record Running(PlannedTask task, long startNanos, int attempt, String status) {}

        private final Map<String, Running> running = new LinkedHashMap<>();
        private final List<String> finished = new ArrayList<>();
        /** The visible length of each line of the last frame, to clear it whatever the width is now. */
        private final List<Integer> drawn = new ArrayList<>();
        private final Thread painter;
        private int frame;
        private volatile boolean closed;

        Live(PrintWriter out, Terminal terminal, Path workingDirectory) {
            super(out, terminal, workingDirectory);
            painter = Thread.ofPlatform().daemon().name("acp-progress").unstarted(this::paintLoop);
            painter.start();
        }

        @Override
        public synchronized void runStarted(ExecutionPlan plan, String runId) {
            finished.add(terminal.bold("Running " + plan.spec().name()) + terminal.dim(" (" + stepCount(plan)
                    + ", run " + runId + ", output " + display(plan.outputDirectory()) + ")"));
        }

        @Override
        public synchronized void stepStarted(PlannedTask task, int attempt) {
            Running previous = running.get(task.id());
            long start = previous == null ? System.nanoTime() : previous.startNanos();
            running.put(task.id(), new Running(task, start, attempt, ""));
        }

        @Override
        public synchronized void stepProgress(PlannedTask task, double fraction, String message) {
            Running r = running.get(task.id());
            if (r != null) {
                String pct = fraction >= 0 ? Math.round(fraction * 100) + "% " : "";
                running.put(task.id(), new Running(task, r.startNanos(), r.attempt(), pct + message));
            }
        }

        @Override
        public synchronized void stepRetrying(PlannedTask task, int nextAttempt, Duration delay, ErrorInfo error) {
            Running r = running.get(task.id());
            if (r != null) {
                running.put(task.id(), new Running(task, r.startNanos(), r.attempt(),
                        "retry " + nextAttempt + " in " + seconds(delay) + " after " + errorText(error)));
            }
        }

        @Override
        public synchronized void stepFinished(StepResult result) {
            running.remove(result.stepId());
            finished.add("  " + finishedLine(result));
        }

        private void paintLoop() {
            while (!closed) {
                paint();
                try {
                    Thread.sleep(120);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private synchronized void paint() {
            int width = terminal.width();
            StringBuilder sb = new StringBuilder();
            int up = rowsDrawn(width);
            if (up > 0) {
                sb.append("\u001b[").append(up).append("F\u001b[J");
            }
            for (String line : finished) {
                sb.append(line).append('\n');
            }
            finished.clear();
            drawn.clear();
            frame++;
            long now = System.nanoTime();
            int shown = 0;
            for (Running r : running.values()) {
                if (shown == MAX_RUNNING_LINES) {
                    draw(sb, terminal.dim("  … and " + (running.size() - shown) + " more running"), width);
                    break;
                }
                String line = "  " + terminal.yellow(SPINNER[(frame + shown) % SPINNER.length]) + " " + r.task().id() + " "
                        + terminal.dim(r.task().typeName() + " via " + r.task().providerId()) + " "
                        + seconds(Duration.ofNanos(now - r.startNanos()))
                        + (r.attempt() > 1 ? " (attempt " + r.attempt() + ")" : "")
                        + (r.status().isEmpty() ? "" : " " + terminal.dim(r.status()));
                draw(sb, line, width);
                shown++;
            }
            out.print(sb);
            out.flush();
        }

        /** Appends one redrawn line, cut to the width so that it never wraps onto a second row. */
        private void draw(StringBuilder sb, String line, int width) {
            String cut = fit(line, width, terminal.color());
            sb.append(cut).append('\n');
            drawn.add(visibleLength(cut));
        }

        /**
         * The rows the last frame takes now. Each line was one row when drawn; after the window
         * narrowed, a terminal that re-wraps (tmux, VTE, iTerm, Windows Terminal) shows a longer
         * line on several rows, all of which must be cleared or they stay behind as stale lines.
         */
        private int rowsDrawn(int width) {
            int rows = 0;
            for (int length : drawn) {
                rows += Math.max(1, (length + width - 1) / width);
            }
            return rows;
        }

        @Override
        public void close() {
            closed = true;
            painter.interrupt();
            try {
                painter.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                running.clear();
                paint();
            }
        }
    }

    /** Log lines, one per event, for redirected output and CI logs. */
    static final class Plain extends ProgressDisplay {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

        Plain(PrintWriter out, Terminal terminal, Path workingDirectory) {
            super(out, terminal, workingDirectory);
        }

        private void log(String message) {
            synchronized (out) {
                out.println(TIME.format(LocalTime.now()) + " " + message);
                out.flush();
            }
        }

        @Override
        public void runStarted(ExecutionPlan plan, String runId) {
            log("running " + plan.spec().name() + " (" + stepCount(plan) + ", run " + runId + ", output "
                    + display(plan.outputDirectory()) + ")");
        }

        @Override
        public void stepStarted(PlannedTask task, int attempt) {
            log("started " + task.id() + " (" + task.typeName() + " via " + task.providerId() + ")"
                    + (attempt > 1 ? " attempt " + attempt : ""));
        }

        @Override
        public void stepRetrying(PlannedTask task, int nextAttempt, Duration delay, ErrorInfo error) {
            log("retrying " + task.id() + " in " + seconds(delay) + " (attempt " + nextAttempt + ") after "
                    + errorText(error));
        }

        @Override
        public void stepFinished(StepResult result) {
            log(finishedLine(result));
        }
    }

    /**
     * The run's events as JSON lines ({@code --log-format json}) for scripts and CI: {@code
     * run_started}, {@code step_started}, {@code step_progress}, {@code step_retrying}, {@code
     * step_finished}, {@code cost_settled} (a step's actual cost, when its provider reported or the
     * catalog priced one), {@code run_finished}, and ACP's {@code estimate} and {@code notice}
     * lines. Every object has {@code event} and {@code time}; the names of the other fields are
     * those of run.json.
     */
    static final class JsonLines extends ProgressDisplay {
        JsonLines(PrintWriter out, Path workingDirectory) {
            super(out, Terminal.plain(), workingDirectory);
        }

        /** Writes one event; a line is written whole, also when steps finish at the same moment. */
        void event(String name, Map<String, Object> fields) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("event", name);
            m.put("time", java.time.Instant.now().toString());
            m.putAll(fields);
            String line;
            try {
                line = CliJson.compact().writeValueAsString(m);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        }

        private static Map<String, Object> fields(Object... keysAndValues) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                m.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
            return m;
        }

        private static Map<String, Object> error(ErrorInfo e) {
            return fields("kind", e.kind().wireName(), "message", e.message());
        }

        private static Double money(java.math.BigDecimal v) {
            return v == null ? null : v.doubleValue();
        }

        @Override
        public void runStarted(ExecutionPlan plan, String runId) {
            event("run_started", fields("run_id", runId, "pipeline_name", plan.spec().name(), "steps",
                    plan.tasks().size(), "output_directory", plan.outputDirectory().toString()));
        }

        @Override
        public void stepStarted(PlannedTask task, int attempt) {
            event("step_started", fields("step_id", task.id(), "step_type", task.typeName(), "provider",
                    task.providerId(), "attempt", attempt));
        }

        @Override
        public void stepProgress(PlannedTask task, double fraction, String message) {
            event("step_progress", fields("step_id", task.id(), "fraction", fraction >= 0 ? fraction : null,
                    "message", message));
        }

        @Override
        public void stepRetrying(PlannedTask task, int nextAttempt, Duration delay, ErrorInfo error) {
            event("step_retrying", fields("step_id", task.id(), "attempt", nextAttempt, "delay_seconds",
                    delay.toMillis() / 1000.0, "error", error(error)));
        }

        @Override
        public void stepFinished(StepResult r) {
            event("step_finished", fields("step_id", r.stepId(), "step_type", r.stepType(), "status",
                    r.status().wireName(), "provider", r.provider(), "model", r.model(), "output_path",
                    r.outputPath() == null ? null : r.outputPath().toString(), "execution_time",
                    r.executionTime().toMillis() / 1000.0, "attempts", r.attempts(), "cache_hit", r.cacheHit(),
                    "preview", r.preview(), "estimated_cost", money(r.estimatedCost()), "actual_cost",
                    money(r.actualCost()), "reason", r.reason(), "error", r.error() == null ? null : error(r.error())));
            if (r.actualCost() != null) {
                event("cost_settled", fields("step_id", r.stepId(), "provider", r.provider(), "model", r.model(),
                        "actual_cost", money(r.actualCost()), "cache_hit", r.cacheHit()));
            }
        }

        @Override
        public void runFinished(dev.acp.engine.RunResult result) {
            event("run_finished", fields("run_id", result.runId(), "status", result.status().wireName(),
                    "total_time", result.totalTime().toMillis() / 1000.0, "failed_steps", result.failedStepIds(),
                    "actual_cost", money(result.totalActualCost())));
        }
    }
}
