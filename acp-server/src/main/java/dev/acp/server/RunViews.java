package dev.acp.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.engine.StepResult;
import dev.acp.run.JournalReader;
import dev.acp.run.RunHistory;
import dev.acp.run.RunMeta;
import dev.acp.run.RunStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs as the API shows them: those of {@code ACP_HOME/runs} (what {@code acp runs list} shows,
 * whoever started them) together with the ones this server holds that have no folder yet
 * (queued) or never will (refused, cancelled while queued).
 */
final class RunViews {
    private final RunStore store;
    private final ServerRuns runs;
    private final ObjectMapper json;
    private final Clock clock;
    /**
     * What {@link #show} read from each run folder, by the stamps of its journal, report and
     * meta file and whether a session holds it: unchanged files are not parsed again.
     */
    // A view's maps and strings take about three times the bytes of its JSON: 64 MB of JSON at most.
    private final FolderCache<Shown> shown = new FolderCache<>(64, 192L * 1024 * 1024, s -> 4L * s.json().length);

    /**
     * The summary of each run folder, by the same stamps as {@link #shown}: the run list reads
     * only the journals that changed since it was last asked for, not every run's.
     */
    private final FolderCache<RunStore.Summary> summaries = new FolderCache<>(16_384, 64L * 1024 * 1024,
            s -> 1024L + s.warnings().stream().mapToLong(w -> 2L * w.length()).sum());

    RunViews(RunStore store, ServerRuns runs, ObjectMapper json, Clock clock) {
        this.store = store;
        this.runs = runs;
        this.json = json;
        this.clock = clock;
    }

    RunStore store() {
        return store;
    }

    /** Every run, newest first, as rows of {@code acp runs list --format json} (status queued/refused/cancelled too). */
    List<Map<String, Object>> list() throws IOException {
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        for (Path d : store.folders()) {
            RunStore.Summary s = summary(d);
            rows.put(s.runId(), row(s));
        }
        for (ServerRuns.Entry e : runs.entries()) {
            Map<String, Object> row = rows.get(e.id);
            if (row == null) {
                rows.put(e.id, memoryRow(e));
            } else if (e.active() && !e.status().equals("running")) {
                row.put("status", e.status()); // a resume waiting for a free slot
            }
        }
        List<Map<String, Object>> out = new ArrayList<>(rows.values());
        out.sort((a, b) -> ((String) b.get("created_at")).compareTo((String) a.get("created_at")));
        return out;
    }

    private RunStore.Summary summary(Path d) throws IOException {
        List<FolderCache.Stamp> stamps = stamps(d);
        RunStore.Summary s = summaries.get(d, stamps).orElse(null);
        if (s == null) {
            s = store.summary(d);
            summaries.put(d, stamps, s);
        }
        return s;
    }

    /**
     * What a run folder's views are read from: its journal, report and meta file, and whether a
     * session holds it. Stamped before reading: what is read is then at least as new as its stamps.
     */
    private List<FolderCache.Stamp> stamps(Path d) throws IOException {
        List<FolderCache.Stamp> stamps = new ArrayList<>(FolderCache.stamps(List.of(d.resolve("journal.jsonl"),
                d.resolve("run.json"), d.resolve("meta.json"))));
        stamps.add(new FolderCache.Stamp(store.inUse(d) ? 1 : 0, java.time.Instant.EPOCH, true));
        return stamps;
    }

    private static Map<String, Object> row(RunStore.Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", s.runId());
        m.put("pipeline_name", s.pipelineName());
        m.put("created_at", s.createdAt().toString());
        m.put("status", s.status());
        m.put("steps", s.steps());
        m.put("succeeded", s.succeeded());
        m.put("failed", s.failed());
        m.put("spent", s.spent().doubleValue());
        m.put("resumable", s.resumable());
        m.put("warnings", s.warnings());
        return m;
    }

    private static Map<String, Object> memoryRow(ServerRuns.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", e.id);
        m.put("pipeline_name", null);
        m.put("created_at", e.submittedAt.toString());
        m.put("status", e.status());
        m.put("steps", 0);
        m.put("succeeded", 0);
        m.put("failed", 0);
        m.put("spent", 0.0);
        m.put("resumable", false);
        m.put("warnings", List.of());
        if (e.error() != null) {
            m.put("error", e.error());
        }
        return m;
    }

    /** One run: its state from the journal while it runs, with {@code run.json} as {@code report} once written. */
    Optional<Map<String, Object>> show(String id) throws IOException {
        return shown(id).map(Shown::view);
    }

    /**
     * {@link #show} as the JSON {@code GET /api/runs/{id}} answers: for a run the server adds
     * nothing to (no resume waiting, no error of its own), the bytes made when its folder was
     * read, since writing out a long run's steps costs as much as reading them.
     */
    Optional<byte[]> showJson(String id) throws IOException {
        return shown(id).map(Shown::json);
    }

    /** A run's view and its JSON. */
    private record Shown(Map<String, Object> view, byte[] json) {}

    private Shown shown(Map<String, Object> view) throws IOException {
        return new Shown(view, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(view));
    }

    private Optional<Shown> shown(String id) throws IOException {
        Optional<ServerRuns.Entry> entry = runs.get(id);
        Optional<Path> dir = store.exact(id);
        if (dir.isEmpty()) {
            return entry.isEmpty() ? Optional.empty() : Optional.of(shown(memoryRow(entry.get())));
        }
        Path d = dir.get();
        List<FolderCache.Stamp> stamps = stamps(d);
        Shown read = shown.get(d, stamps).orElse(null);
        if (read == null) {
            read = shown(Collections.unmodifiableMap(fromFolder(d)));
            shown.put(d, stamps, read);
        }
        Optional<String> waiting = entry.filter(ServerRuns.Entry::active).filter(e -> !e.status().equals("running"))
                .map(ServerRuns.Entry::status);
        Optional<String> error = entry.map(ServerRuns.Entry::error);
        if (waiting.isEmpty() && error.isEmpty()) {
            return Optional.of(read);
        }
        Map<String, Object> m = new LinkedHashMap<>(read.view());
        waiting.ifPresent(status -> m.put("status", status));
        error.ifPresent(err -> m.put("error", err));
        return Optional.of(shown(m));
    }

    /** A run as its folder has it: the journal parsed once for both its summary and its steps. */
    private Map<String, Object> fromFolder(Path dir) throws IOException {
        JournalReader.Contents journal = JournalReader.read(dir.resolve("journal.jsonl"));
        RunHistory history = RunHistory.of(journal.records());
        RunStore.Summary summary = store.summary(dir, history, journal.warnings());
        Map<String, Object> m = row(summary);
        Path out = null;
        try {
            RunMeta meta = store.meta(dir);
            out = Path.of(meta.outputDirectory());
            m.put("offline", meta.offline());
            m.put("parallel", meta.parallel());
            m.put("inputs", meta.inputs());
        } catch (IOException | RuntimeException e) {
            // A damaged folder: the summary already says so.
        }
        List<Map<String, Object>> steps = new ArrayList<>();
        for (RunHistory.StepState s : history.steps().values()) {
            steps.add(step(s, out));
        }
        m.put("steps", steps);
        m.put("files", "/api/runs/" + summary.runId() + "/files/");
        Path report = dir.resolve("run.json");
        m.put("report", Files.isRegularFile(report) ? json.readValue(report.toFile(), Map.class) : null);
        return m;
    }

    private static Map<String, Object> step(RunHistory.StepState s, Path outputDirectory) {
        StepResult r = s.result();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step_id", s.step());
        m.put("attempt", s.attempt());
        m.put("status", r != null ? r.status().wireName() : s.handle() != null ? "job_in_flight" : "started");
        m.put("cost", s.cost().doubleValue());
        m.put("output_path", s.outputPath() == null ? null : RunEvents.relative(Path.of(s.outputPath()),
                outputDirectory));
        if (r != null) {
            m.putAll(RunEvents.stepFields(r, outputDirectory));
            m.put("step_id", s.step());
        }
        return m;
    }

    /** A run's events rebuilt from its journal, for a run this server no longer holds in memory. */
    RunEvents replay(String id) throws IOException {
        Path dir = store.exact(id).orElseThrow(() -> ApiException.notFound("no run '" + id + "'; GET /api/runs lists"
                + " the runs"));
        RunStore.Summary summary = store.summary(dir);
        Path out = null;
        try {
            out = Path.of(store.meta(dir).outputDirectory());
        } catch (IOException | RuntimeException e) {
            // Without it, output paths are given by file name.
        }
        RunHistory history = RunHistory.of(JournalReader.read(dir.resolve("journal.jsonl")).records());
        RunEvents events = new RunEvents(Integer.MAX_VALUE, clock);
        // Each at the time the journal gives it, so that a replay reads the same every time.
        java.time.Instant at = summary.createdAt();
        events.add("run_started", Map.of("run_id", id, "pipeline_name", summary.pipelineName(), "steps",
                summary.steps(), "replayed", true), at);
        for (RunHistory.StepState s : history.steps().values()) {
            StepResult r = s.result();
            if (r == null) {
                continue;
            }
            java.time.Instant finished = r.startedAt() == null ? at : r.startedAt().plus(r.executionTime());
            at = finished.isAfter(at) ? finished : at;
            events.add("step_finished", RunEvents.stepFields(r, out), finished);
            if (r.actualCost() != null) {
                Map<String, Object> cost = new LinkedHashMap<>();
                cost.put("step_id", r.stepId());
                cost.put("provider", r.provider());
                cost.put("model", r.model());
                cost.put("actual_cost", RunEvents.money(r.actualCost()));
                cost.put("cache_hit", r.cacheHit());
                events.add("cost_settled", cost, finished);
            }
        }
        if (history.finishedStatus() != null) {
            events.add("run_finished", Map.of("run_id", id, "status", history.finishedStatus(), "actual_cost",
                    history.spent().doubleValue()), at);
        } else {
            events.add("run_state", Map.of("run_id", id, "status", summary.status(), "message", "the run is not held"
                    + " by this server; these are the steps its journal has so far"), at);
        }
        events.end();
        return events;
    }
}
