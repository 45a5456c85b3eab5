package dev.acp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.management.GarbageCollectionNotificationInfo;
import dev.acp.Acp;
import dev.acp.batch.BatchOutcome;
import dev.acp.batch.BatchRunner;
import dev.acp.batch.RowStatus;
import dev.acp.cache.CacheMode;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.env.Environment;
import dev.acp.plan.RunSettings;
import dev.acp.run.RunService;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Measures batch runs (issue 16) on free steps: 1,000 rows of a 3-step pipeline of local
 * {@code prompt_generation} steps (rule-based text, a few microseconds of work and a small file
 * each), run
 *
 * <ol>
 *   <li>(a) as one batch in this JVM ({@link BatchRunner}, cache off), at concurrency 1 (each row
 *       after the other, as (c) runs its steps) and at the default concurrency;
 *   <li>(b) as separate {@code ./acp pipeline run} processes, one per row: a sample of them is run
 *       one after the other and the mean is extrapolated to all rows;
 *   <li>(c) as one durable run of a pipeline of 3 × rows steps (the same steps, one chain);
 * </ol>
 *
 * and, in a JVM of its own with {@code -Xmx256m}, the heap of a batch of 100,000 rows at the
 * default concurrency: the largest heap left after a collection (GC notifications) and the pools'
 * peak use. Usage: {@code java -cp bench/target/acp-bench.jar dev.acp.bench.BatchBenchmark
 * --acp ./acp [--rows N] [--processes N] [--iterations N] [--heap-rows N] [--work DIR] [--out FILE]};
 * {@code --heap-only} is the child's mode.
 */
public final class BatchBenchmark {
    private static final int STEPS_PER_ROW = 3;

    public static void main(String[] args) throws Exception {
        int rows = 1_000;
        int processes = 30;
        int iterations = 3;
        long heapRows = 100_000;
        boolean heapOnly = false;
        Path work = Path.of("bench/target/batch-bench");
        Path out = null;
        Path acpLauncher = Path.of("acp");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(args[++i]);
                case "--processes" -> processes = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--heap-rows" -> heapRows = Long.parseLong(args[++i]);
                case "--heap-only" -> heapOnly = true;
                case "--work" -> work = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--acp" -> acpLauncher = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        work = work.toAbsolutePath();
        Files.createDirectories(work);
        if (heapOnly) {
            System.out.println(json(heapRun(work, heapRows)));
            return;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("java", Runtime.version().toString());
        result.put("cores", Runtime.getRuntime().availableProcessors());
        result.put("load_average_at_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        result.put("rows", rows);
        result.put("steps_per_row", STEPS_PER_ROW);
        result.put("iterations", iterations);
        result.putAll(inProcess(work.resolve("in-process"), rows, iterations));
        result.putAll(processes(work.resolve("processes"), acpLauncher.toAbsolutePath(), processes, rows));
        double a1 = (double) result.get("a_batch_concurrency1_s_median");
        double aDefault = (double) result.get("a_batch_default_concurrency_s_median");
        double c = (double) result.get("c_one_pipeline_s_median");
        double b = (double) result.get("b_processes_extrapolated_s");
        result.put("per_row_overhead_ms_a1_vs_c", round((a1 - c) / rows * 1e3, 3));
        result.put("per_row_overhead_ms_a_default_vs_c", round((aDefault - c) / rows * 1e3, 3));
        result.put("per_row_saving_ms_a1_vs_b", round((b - a1) / rows * 1e3, 1));
        result.put("b_over_a1_times", round(b / a1, 1));
        result.put("goal_per_row_overhead_ms", 2);
        result.putAll(heapChild(work.resolve("heap"), heapRows));
        result.put("load_average_at_end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        String text = json(result);
        System.out.println(text);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, text + "\n");
        }
    }

    /** (a) and (c) in this JVM, after one warm-up of each. */
    private static Map<String, Object> inProcess(Path dir, int rows, int iterations) throws IOException {
        Acp acp = acp(dir);
        Path pipeline = dir.resolve("row.yaml");
        Files.writeString(pipeline, rowPipeline());
        Path inputs = dir.resolve("rows.csv");
        writeRows(inputs, rows);
        Path chain = dir.resolve("chain.yaml");
        Files.writeString(chain, chainPipeline(rows));
        RunService service = new RunService(acp);
        List<Double> batch1 = new ArrayList<>();
        List<Double> batchDefault = new ArrayList<>();
        List<Double> oneRun = new ArrayList<>();
        List<Double> cpuBatch1 = new ArrayList<>();
        List<Double> cpuBatchDefault = new ArrayList<>();
        List<Double> cpuOneRun = new ArrayList<>();
        int defaultConcurrency = -1;
        for (int i = 0; i < 1 + iterations; i++) {
            double u0 = cpu();
            double t1 = batch(acp, pipeline, inputs, dir.resolve("out-a1-" + i), 1, rows);
            double u1 = cpu();
            double[] td = new double[1];
            defaultConcurrency = concurrencyOf(acp, pipeline, inputs, dir.resolve("out-a-" + i), rows, td);
            double u2 = cpu();
            long c0 = System.nanoTime();
            RunResult r;
            try (var session = service.start(chain, RunSettings.run(dir).withOffline(true), CacheMode.OFF)) {
                r = session.run(RunListener.NONE, new RunControl());
            }
            double tc = (System.nanoTime() - c0) / 1e9;
            double u3 = cpu();
            if (r.status() != RunStatus.SUCCEEDED || r.taskResults().size() != rows * STEPS_PER_ROW) {
                throw new IllegalStateException("the 3,000-step run did not succeed: " + r.status());
            }
            if (i > 0) {
                batch1.add(t1);
                batchDefault.add(td[0]);
                oneRun.add(tc);
                cpuBatch1.add(u1 - u0);
                cpuBatchDefault.add(u2 - u1);
                cpuOneRun.add(u3 - u2);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a_batch_concurrency1_s_median", round(median(batch1), 3));
        m.put("a_batch_concurrency1_s_all", batch1.stream().map(v -> round(v, 3)).toList());
        m.put("a_default_concurrency", defaultConcurrency);
        m.put("a_batch_default_concurrency_s_median", round(median(batchDefault), 3));
        m.put("a_batch_default_concurrency_s_all", batchDefault.stream().map(v -> round(v, 3)).toList());
        m.put("c_one_pipeline_s_median", round(median(oneRun), 3));
        m.put("c_one_pipeline_s_all", oneRun.stream().map(v -> round(v, 3)).toList());
        m.put("cpu_a_batch_concurrency1_s_median", round(median(cpuBatch1), 3));
        m.put("cpu_a_batch_default_concurrency_s_median", round(median(cpuBatchDefault), 3));
        m.put("cpu_c_one_pipeline_s_median", round(median(cpuOneRun), 3));
        m.put("cpu_per_row_overhead_ms_a1_vs_c", round((median(cpuBatch1) - median(cpuOneRun)) / rows * 1e3, 3));
        m.put("cpu_per_row_overhead_ms_a_default_vs_c", round((median(cpuBatchDefault) - median(cpuOneRun)) / rows
                * 1e3, 3));
        return m;
    }

    /** A batch at the default concurrency; returns that concurrency, its time in {@code time[0]}. */
    private static int concurrencyOf(Acp acp, Path pipeline, Path inputs, Path out, int rows, double[] time)
            throws IOException {
        long t0 = System.nanoTime();
        var handle = BatchRunner.newBatch(acp, pipeline, inputs, pipeline.getParent()).offline(true)
                .cacheMode(CacheMode.OFF).outputDirectory(out).start();
        BatchOutcome o = await(handle);
        time[0] = (System.nanoTime() - t0) / 1e9;
        require(o, rows);
        return localDefault();
    }

    private static double batch(Acp acp, Path pipeline, Path inputs, Path out, int concurrency, long rows)
            throws IOException {
        long t0 = System.nanoTime();
        var handle = BatchRunner.newBatch(acp, pipeline, inputs, pipeline.getParent()).offline(true)
                .cacheMode(CacheMode.OFF).outputDirectory(out).concurrency(concurrency).start();
        BatchOutcome o = await(handle);
        double t = (System.nanoTime() - t0) / 1e9;
        require(o, rows);
        return t;
    }

    private static BatchOutcome await(dev.acp.batch.BatchHandle handle) throws IOException {
        try {
            return handle.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void require(BatchOutcome o, long rows) {
        if (!o.clean() || o.count(RowStatus.SUCCEEDED) != rows) {
            throw new IllegalStateException("the batch did not succeed: " + o.summary());
        }
    }

    /**
     * (b): the first {@code sample} rows, each as {@code ./acp pipeline run} in a process of its own,
     * one after the other (JVM start, class-data archive as the launcher uses it, plan, run, journal).
     */
    private static Map<String, Object> processes(Path dir, Path acpLauncher, int sample, int rows)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path pipeline = dir.resolve("row.yaml");
        Files.writeString(pipeline, rowPipeline());
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 2 + sample; i++) { // two warm-ups: page cache, launcher checks
            ProcessBuilder pb = new ProcessBuilder(acpLauncher.toString(), "pipeline", "run", "--config",
                    pipeline.toString(), "--offline", "--no-cache", "--set", "topic=" + topic(i + 1),
                    "--output-dir", dir.resolve("out/" + (i + 1)).toString())
                    .directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("process-" + i + ".log").toFile());
            pb.environment().put("ACP_HOME", dir.resolve("home").toString());
            pb.environment().put("ACP_NO_BUILD", "1");
            long t0 = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("./acp pipeline run failed; see " + dir.resolve("process-" + i + ".log"));
            }
            if (i >= 2) {
                times.add((System.nanoTime() - t0) / 1e9);
            }
        }
        double mean = times.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b_processes_sampled", sample);
        m.put("b_process_s_mean", round(mean, 3));
        m.put("b_process_s_median", round(median(times), 3));
        m.put("b_process_s_min", round(Collections.min(times), 3));
        m.put("b_process_s_max", round(Collections.max(times), 3));
        m.put("b_processes_extrapolated_s", round(mean * rows, 1));
        return m;
    }

    /** Runs {@link #heapRun} in a JVM of its own with a 256 MB heap and returns what it printed. */
    private static Map<String, Object> heapChild(Path dir, long rows) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", cp, BatchBenchmark.class.getName(), "--heap-only",
                "--heap-rows", Long.toString(rows), "--work", dir.toString())
                .redirectError(dir.resolve("heap-stderr.log").toFile()).start();
        byte[] stdout = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("the 100,000-row heap run failed; see " + dir.resolve("heap-stderr.log"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new ObjectMapper().readValue(stdout, LinkedHashMap.class);
        return m;
    }

    /** The child: one batch of {@code rows} rows at the default concurrency, its heap watched. */
    private static Map<String, Object> heapRun(Path dir, long rows) throws IOException {
        AtomicLong maxLive = new AtomicLong();
        AtomicLong collections = new AtomicLong();
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                            .mapToLong(MemoryUsage::getUsed).sum();
                    maxLive.accumulateAndGet(used, Math::max);
                    collections.incrementAndGet();
                }
            }, null, null);
        }
        Acp acp = acp(dir);
        Path pipeline = dir.resolve("row.yaml");
        Files.writeString(pipeline, rowPipeline());
        Path inputs = dir.resolve("rows-" + rows + ".csv");
        writeRows(inputs, rows);
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long t0 = System.nanoTime();
        var handle = BatchRunner.newBatch(acp, pipeline, inputs, dir).offline(true).cacheMode(CacheMode.OFF)
                .outputDirectory(dir.resolve("out")).start();
        BatchOutcome o = await(handle);
        double t = (System.nanoTime() - t0) / 1e9;
        require(o, rows);
        long peakPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("heap_rows", rows);
        m.put("heap_max_mb", Runtime.getRuntime().maxMemory() / (1 << 20));
        m.put("heap_concurrency", localDefault());
        m.put("heap_batch_s", round(t, 1));
        m.put("heap_rows_per_s", round(rows / t, 1));
        m.put("heap_peak_live_after_gc_mb", round(maxLive.get() / 1048576.0, 1));
        m.put("heap_peak_used_pools_sum_mb", round(peakPools / 1048576.0, 1));
        m.put("heap_collections", collections.get());
        m.put("heap_goal_mb", 256);
        return m;
    }

    /** The default concurrency of a batch of local steps only (what the batches here run at). */
    private static int localDefault() {
        return dev.acp.batch.BatchConcurrency.of(null, p -> java.util.Optional.empty(),
                Runtime.getRuntime().availableProcessors()).rows();
    }

    /** CPU time of this process (all its threads, JIT and GC included), in seconds: less swayed by a busy machine. */
    private static double cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    private static Acp acp(Path dir) throws IOException {
        Files.createDirectories(dir);
        Environment env = Environment.of(Map.of("ACP_HOME", dir.resolve("home").toString()));
        return Acp.create(env);
    }

    /** Three free steps, one after the other, each a little text made from the row's topic. */
    static String rowPipeline() {
        return """
                pipeline_name: batch_bench
                output_directory: out
                inputs:
                  topic: { type: string }
                steps:
                  - { id: one, step_type: prompt_generation, provider: local, config: { prompt: "{{inputs.topic}} one" } }
                  - { id: two, step_type: prompt_generation, provider: local, config: { prompt: "{{inputs.topic}} two" } }
                  - { id: three, step_type: prompt_generation, provider: local, config: { prompt: "{{inputs.topic}} three" } }
                """;
    }

    /** The same steps for {@code rows} rows in one pipeline: one chain of 3 × rows steps. */
    static String chainPipeline(int rows) {
        StringBuilder sb = new StringBuilder("pipeline_name: batch_bench_chain\noutput_directory: out-chain\nsteps:\n");
        String[] names = {"one", "two", "three"};
        for (int i = 1; i <= rows; i++) {
            for (String n : names) {
                sb.append("  - { step_type: prompt_generation, provider: local, config: { prompt: \"").append(topic(i))
                        .append(' ').append(n).append("\" } }\n");
            }
        }
        return sb.toString();
    }

    private static String topic(long i) {
        return "a lamp of model " + i;
    }

    /** A CSV of {@code rows} rows (id, topic), written as a stream. */
    static void writeRows(Path file, long rows) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("id,topic\n");
            for (long i = 1; i <= rows; i++) {
                w.write("r" + i + "," + topic(i) + "\n");
            }
        }
    }

    private static String json(Map<String, Object> m) throws IOException {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
