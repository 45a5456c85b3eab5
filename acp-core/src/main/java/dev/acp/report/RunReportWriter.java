package dev.acp.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.engine.RunResult;
import dev.acp.engine.StepMetadata;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.env.Secrets;
import dev.acp.pipeline.Problem;
import dev.acp.plan.ExecutionPlan;
import dev.acp.util.AtomicFiles;
import dev.acp.util.JsonMappers;
import dev.acp.util.Version;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes {@code run.json}: the seed's PipelineResult fields (pipeline_name, success,
 * total_steps, successful_steps, failed_steps, total_execution_time, total_cost, step_results,
 * output_directory) and everything else a user needs to trust a run. Written atomically.
 */
public final class RunReportWriter {
    public static final String FILE_NAME = "run.json";

    // One mapper for all writers: a writer is made per run, and a new mapper would build its
    // serializers again for every run (0.25-0.7 ms of CPU per row of a batch on the benchmark VM,
    // against about 0.01 ms with one mapper: bench/RESULTS.md, "Batches"). Configured
    // here once and never changed after, so sharing it between threads is safe.
    private static final ObjectMapper MAPPER = JsonMappers.objectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    private final Secrets secrets;

    /** @param secrets values masked wherever they would appear in the report */
    public RunReportWriter(Secrets secrets) {
        this.secrets = secrets;
    }

    /**
     * What the report adds when the run has a folder under ACP_HOME.
     *
     * @param runDirectory the run's folder (journal, snapshot), or null
     * @param spent what the run has spent over all its sessions, or null when unknown
     * @param notes what a resume found and decided
     * @param costLimit the run's limit as applied (--cost-limit over global_config.cost_limit), or null
     */
    public record Extras(@org.jspecify.annotations.Nullable Path runDirectory,
            @org.jspecify.annotations.Nullable BigDecimal spent, List<String> notes,
            @org.jspecify.annotations.Nullable BigDecimal costLimit) {
        public static final Extras NONE = new Extras(null, null, List.of());

        public Extras(@org.jspecify.annotations.Nullable Path runDirectory,
                @org.jspecify.annotations.Nullable BigDecimal spent, List<String> notes) {
            this(runDirectory, spent, notes, null);
        }

        public Extras {
            notes = List.copyOf(notes);
        }
    }

    /** The report as plain values (also used for {@code --format json}). */
    public Map<String, Object> toMap(ExecutionPlan plan, RunResult run) {
        return toMap(plan, run, Extras.NONE);
    }

    public Map<String, Object> toMap(ExecutionPlan plan, RunResult run, Extras extras) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("acp_version", Version.current());
        m.put("run_id", run.runId());
        m.put("pipeline_name", run.pipelineName());
        m.put("pipeline_file", plan.spec().source());
        m.put("success", run.success());
        m.put("status", run.status().wireName());
        m.put("output_directory", run.outputDirectory().toString());
        m.put("started_at", run.startedAt().toString());
        m.put("total_execution_time", seconds(run.totalTime()));
        List<StepResult> tasks = run.taskResults();
        m.put("total_steps", tasks.size());
        m.put("successful_steps", run.count(StepStatus.SUCCEEDED));
        m.put("failed_steps", run.count(StepStatus.FAILED));
        m.put("skipped_steps", run.count(StepStatus.SKIPPED));
        m.put("cancelled_steps", run.count(StepStatus.CANCELLED));
        m.put("disabled_steps", run.count(StepStatus.DISABLED));
        m.put("failed_step_ids", run.failedStepIds());
        m.put("total_cost", money(run.totalActualCost()));
        m.put("estimated_cost", money(run.totalEstimatedCost()));
        if (extras.spent() != null) {
            m.put("total_spent", money(extras.spent()));
        }
        m.put("cost_by_provider", costByProvider(tasks));
        BigDecimal savings = tasks.stream().filter(StepResult::cacheHit).map(RunReportWriter::saving)
                .filter(java.util.Objects::nonNull).reduce(BigDecimal.ZERO, BigDecimal::add);
        m.put("cache_hits", tasks.stream().filter(StepResult::cacheHit).count());
        m.put("cache_savings", money(savings));
        m.put("cost", costSummary(run, extras));
        if (extras.runDirectory() != null) {
            m.put("run_directory", extras.runDirectory().toString());
        }
        if (!extras.notes().isEmpty()) {
            m.put("resume_notes", extras.notes());
        }
        m.put("parallel", plan.parallel());
        TreeSet<String> previewProviders = new TreeSet<>();
        run.steps().stream().filter(StepResult::preview).forEach(s -> previewProviders.add(String.valueOf(s.provider())));
        m.put("preview", !previewProviders.isEmpty());
        if (!previewProviders.isEmpty()) {
            m.put("preview_note", "outputs of " + String.join(", ", previewProviders)
                    + " are offline previews rendered locally, not AI-generated media");
        }
        m.put("inputs", plan.inputs());
        List<String> warnings = new ArrayList<>();
        for (Problem p : plan.warnings()) {
            warnings.add(p.render());
        }
        m.put("warnings", warnings);
        List<Map<String, Object>> steps = new ArrayList<>();
        for (StepResult s : run.steps()) {
            steps.add(step(s));
        }
        m.put("step_results", steps);
        return m;
    }

    private static Map<String, Object> step(StepResult s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step_id", s.stepId());
        m.put("step_type", s.stepType());
        if (s.groupId() != null) {
            m.put("group_id", s.groupId());
        }
        m.put("provider", s.provider());
        m.put("model", s.model());
        m.put("success", s.succeeded());
        m.put("status", s.status().wireName());
        m.put("output_path", s.outputPath() == null ? null : s.outputPath().toString());
        if (!s.sideFiles().isEmpty()) {
            // Files and folders the step wrote beside its output (subtitles, keyframes): restored
            // with it from the cache and checked with it on resume.
            m.put("side_files", s.sideFiles().stream().map(Path::toString).toList());
        }
        if (s.text() != null) {
            m.put("text", s.text());
        }
        m.put("metadata", s.metadata());
        if (s.metadata().get(dev.acp.engine.FallbackSwitch.METADATA_KEY) instanceof List<?> switches) {
            // Also at the step's top level: provider and model above say what produced the output,
            // this says which providers were given up on first, and why.
            m.put("fallbacks", switches);
        }
        if (s.error() != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("kind", s.error().kind().wireName());
            e.put("message", s.error().message());
            if (s.error().requestId() != null) {
                e.put("request_id", s.error().requestId());
            }
            m.put("error", e);
        } else {
            m.put("error", null);
        }
        if (s.reason() != null) {
            m.put("reason", s.reason());
        }
        m.put("started_at", s.startedAt() == null ? null : s.startedAt().toString());
        m.put("execution_time", seconds(s.executionTime()));
        m.put("attempts", s.attempts());
        m.put("estimated_cost", s.estimatedCost() == null ? null : money(s.estimatedCost()));
        m.put("actual_cost", s.actualCost() == null ? null : money(s.actualCost()));
        m.put("cost", s.actualCost() == null ? null : money(s.actualCost()));
        if (s.metadata().get(StepMetadata.COST_SOURCE) instanceof String source) {
            // reported (the provider's amount), computed (its units at the catalog's prices),
            // catalog (the estimate: the provider reported nothing), unknown, cache.
            m.put("cost_source", source);
        }
        if (s.metadata().get(StepMetadata.COST_DETAIL) instanceof String detail) {
            m.put("cost_detail", detail);
        }
        BigDecimal drift = drift(s);
        if (drift != null) {
            m.put("cost_drift", money(drift));
        }
        m.put("cache_hit", s.cacheHit());
        if (s.cache() != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("status", s.cache().status().wireName());
            c.put("reason", s.cache().reason());
            c.put("saving", s.cache().saving() == null ? null : money(s.cache().saving()));
            c.put("deterministic", s.cache().deterministic());
            c.put("key", s.cache().key());
            m.put("cache", c);
        }
        m.put("preview", s.preview());
        m.put("quality_score", s.qualityScore());
        m.put("provider_request_ids", s.requestIds());
        return m;
    }

    /**
     * How far a step's settled cost is from its estimate (settled minus estimated), for steps that
     * called a paid provider and have both; null otherwise.
     */
    static @org.jspecify.annotations.Nullable BigDecimal drift(StepResult s) {
        if (s.cacheHit() || s.preview() || s.estimatedCost() == null || s.actualCost() == null
                || !(s.metadata().get(StepMetadata.COST_SOURCE) instanceof String)) {
            return null;
        }
        return s.actualCost().subtract(s.estimatedCost());
    }

    /** What a cache hit saved: the cost recorded with the cached result, else the step's estimate. */
    static @org.jspecify.annotations.Nullable BigDecimal saving(StepResult s) {
        return s.cache() != null && s.cache().saving() != null ? s.cache().saving() : s.estimatedCost();
    }

    /**
     * The money of the run in one place: estimated and actual totals and per provider, the limit,
     * cache savings, what retries cost, budget-skipped steps and overruns (a provider billing
     * more than the step reserved).
     */
    public static Map<String, Object> costSummary(RunResult run, Extras extras) {
        List<StepResult> tasks = run.taskResults();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("estimated", money(run.totalEstimatedCost()));
        m.put("actual", money(run.totalActualCost()));
        if (extras.spent() != null) {
            m.put("spent_all_sessions", money(extras.spent()));
        }
        m.put("limit", extras.costLimit() == null ? null : money(extras.costLimit()));
        Map<String, Map<String, Object>> byProvider = new java.util.TreeMap<>();
        for (StepResult s : tasks) {
            if (s.provider() == null) {
                continue;
            }
            Map<String, Object> p = byProvider.computeIfAbsent(s.provider(), k -> new LinkedHashMap<>(Map.of(
                    "estimated", 0.0, "actual", 0.0)));
            if (s.estimatedCost() != null && !s.cacheHit()) {
                p.put("estimated", money(BigDecimal.valueOf((Double) p.get("estimated")).add(s.estimatedCost())));
            }
            if (s.actualCost() != null) {
                p.put("actual", money(BigDecimal.valueOf((Double) p.get("actual")).add(s.actualCost())));
            }
        }
        m.put("by_provider", byProvider);
        // Estimate against settlement, over the steps that have both: how well the prices held.
        BigDecimal estimatedSettled = BigDecimal.ZERO;
        BigDecimal settled = BigDecimal.ZERO;
        Map<String, BigDecimal> bySource = new java.util.TreeMap<>();
        List<String> unknownCost = new ArrayList<>();
        for (StepResult s : tasks) {
            if (s.metadata().get(StepMetadata.COST_SOURCE) instanceof String source && s.actualCost() != null) {
                bySource.merge(source, s.actualCost(), BigDecimal::add);
                if ("unknown".equals(source)) {
                    unknownCost.add(s.stepId());
                }
            }
            BigDecimal d = drift(s);
            if (d != null) {
                estimatedSettled = estimatedSettled.add(s.estimatedCost());
                settled = settled.add(s.actualCost());
            }
        }
        Map<String, Object> drift = new LinkedHashMap<>();
        drift.put("estimated", money(estimatedSettled));
        drift.put("settled", money(settled));
        drift.put("difference", money(settled.subtract(estimatedSettled)));
        drift.put("percent", estimatedSettled.signum() == 0 ? null : settled.subtract(estimatedSettled)
                .multiply(BigDecimal.valueOf(100)).divide(estimatedSettled, 1, RoundingMode.HALF_UP).doubleValue());
        m.put("drift", drift);
        Map<String, Object> sources = new LinkedHashMap<>();
        bySource.forEach((k, v) -> sources.put(k, money(v)));
        m.put("by_source", sources);
        m.put("unknown_cost_steps", unknownCost);
        m.put("cache_savings", money(tasks.stream().filter(StepResult::cacheHit).map(RunReportWriter::saving)
                .filter(java.util.Objects::nonNull).reduce(BigDecimal.ZERO, BigDecimal::add)));
        // Failed calls of providers a step fell back from are counted under fallback_spend, not twice.
        BigDecimal fallbackSpend = tasks.stream().map(RunReportWriter::fallbackCost).reduce(BigDecimal.ZERO,
                BigDecimal::add);
        m.put("retry_spend", money(tasks.stream().map(s -> s.metadata().get(StepMetadata.RETRY_COST))
                .filter(v -> v instanceof BigDecimal).map(v -> (BigDecimal) v).reduce(BigDecimal.ZERO, BigDecimal::add)
                .add(tasks.stream().filter(s -> !s.succeeded() && s.actualCost() != null)
                        .map(s -> s.actualCost().subtract(fallbackCost(s))).reduce(BigDecimal.ZERO, BigDecimal::add))));
        m.put("fallback_spend", money(fallbackSpend));
        List<Map<String, Object>> fallbacks = new ArrayList<>();
        for (StepResult s : tasks) {
            if (s.metadata().get(dev.acp.engine.FallbackSwitch.METADATA_KEY) instanceof List<?> switches) {
                for (Object o : switches) {
                    if (o instanceof Map<?, ?> sw) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("step_id", s.stepId());
                        sw.forEach((k, v) -> row.put(String.valueOf(k), v));
                        fallbacks.add(row);
                    }
                }
            }
            if (s.metadata().get("fallback_refused") instanceof Map<?, ?> refused) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("step_id", s.stepId());
                row.put("refused", true);
                refused.forEach((k, v) -> row.put(String.valueOf(k), v));
                fallbacks.add(row);
            }
        }
        m.put("fallbacks", fallbacks);
        List<Map<String, Object>> skipped = new ArrayList<>();
        for (StepResult s : tasks) {
            if ("budget".equals(s.metadata().get("skipped_for"))) {
                skipped.add(Map.of("step_id", s.stepId(), "reason", String.valueOf(s.reason())));
            }
        }
        m.put("budget_skipped", skipped);
        List<Map<String, Object>> overruns = new ArrayList<>();
        for (StepResult s : tasks) {
            if (s.metadata().get(StepMetadata.COST_OVERRUN) instanceof String o) {
                overruns.add(Map.of("step_id", s.stepId(), "overrun", o));
            }
        }
        m.put("overruns", overruns);
        return m;
    }

    /** What a step's abandoned providers billed before it fell back (zero when it did not). */
    static BigDecimal fallbackCost(StepResult s) {
        Object v = s.metadata().get(dev.acp.engine.FallbackSwitch.COST_KEY);
        // A number read back from a journal of an earlier session is a plain Number.
        return v instanceof BigDecimal d ? d : v instanceof Number n ? new BigDecimal(n.toString()) : BigDecimal.ZERO;
    }

    private static Map<String, Object> costByProvider(List<StepResult> tasks) {
        Map<String, BigDecimal> sums = new java.util.TreeMap<>();
        for (StepResult s : tasks) {
            if (s.actualCost() != null && s.provider() != null) {
                sums.merge(s.provider(), s.actualCost(), BigDecimal::add);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        sums.forEach((k, v) -> out.put(k, money(v)));
        return out;
    }

    /** Writes run.json into the run's output folder, atomically; returns its path. */
    public Path write(ExecutionPlan plan, RunResult run) throws IOException {
        return write(plan, run, Extras.NONE);
    }

    public Path write(ExecutionPlan plan, RunResult run, Extras extras) throws IOException {
        return write(run, toJson(plan, run, extras));
    }

    /**
     * Writes a report already made by {@link #toJson(ExecutionPlan, RunResult, Extras)} for
     * {@code run}: a caller that keeps the text too (a run keeps a copy in its folder) builds it
     * once.
     */
    public Path write(RunResult run, String json) throws IOException {
        Path target = run.outputDirectory().resolve(FILE_NAME);
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + FILE_NAME + ".partial-" + ProcessHandle.current().pid());
        try {
            Files.writeString(tmp, json, java.nio.charset.StandardCharsets.UTF_8);
            AtomicFiles.moveIntoPlace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp); // nothing left behind when writing or renaming failed
        }
        return target;
    }

    /** The report as JSON text, with secrets masked. */
    public String toJson(ExecutionPlan plan, RunResult run) throws IOException {
        return toJson(plan, run, Extras.NONE);
    }

    public String toJson(ExecutionPlan plan, RunResult run, Extras extras) throws IOException {
        return secrets.redact(MAPPER.writeValueAsString(toMap(plan, run, extras)));
    }

    private static double seconds(Duration d) {
        return Math.round(d.toNanos() / 1_000_000.0) / 1000.0;
    }

    private static double money(BigDecimal v) {
        return v.setScale(6, RoundingMode.HALF_UP).doubleValue();
    }
}
