package dev.acp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.Acp;
import dev.acp.engine.LocalEngine;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.env.Environment;
import dev.acp.plan.ExecutionPlan;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import dev.acp.testkit.ScriptedProviderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures the local engine against the seeds' executor design (bench-peers/seed_executor_bench.py):
 *
 * <ol>
 *   <li>per-step overhead on a 10,000-step chain of no-op steps (each waits for the one before, as
 *       the seed executor runs top-level steps), both the engine alone and load + validate + run;
 *   <li>the makespan of a parallel group of 1,000 members that each wait 100 ms, with the default
 *       worker limit and with max_workers 1000, against the 100 ms bound and against the same
 *       1,000 sleeps on bare virtual threads (the floor of this JVM and machine).
 * </ol>
 *
 * Prints JSON and writes it to the file given with {@code --out}. Usage:
 * {@code java -jar bench/target/acp-bench.jar [--iterations N] [--out FILE]}.
 */
public final class EngineBenchmark {
    private static final int CHAIN_STEPS = 10_000;
    private static final int GROUP_MEMBERS = 1_000;

    public static void main(String[] args) throws IOException {
        int iterations = 7;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("acp-bench-");
        Environment env = Environment.of(Map.of("ACP_HOME", work.resolve("home").toString()));
        ProviderRegistry registry = ProviderRegistry.of(ProviderContext.of(env, work.resolve("home"), Clock.systemUTC()),
                new ScriptedProviderFactory());
        Acp acp = Acp.create(env, registry, LocalEngine.Options.defaults(env));

        Path chainFile = work.resolve("chain.yaml");
        Files.writeString(chainFile, chain());
        Path groupDefault = work.resolve("group-default.yaml");
        Files.writeString(groupDefault, group(null));
        Path group1000 = work.resolve("group-1000.yaml");
        Files.writeString(group1000, group(GROUP_MEMBERS));
        RunSettings settings = RunSettings.run(work);

        List<Double> engineOnly = new ArrayList<>();
        List<Double> endToEnd = new ArrayList<>();
        List<Double> groupDefaultTimes = new ArrayList<>();
        List<Double> group1000Times = new ArrayList<>();
        List<Double> floorTimes = new ArrayList<>();
        List<Double> journaled = new ArrayList<>();
        dev.acp.run.RunService service = new dev.acp.run.RunService(acp);
        int warmup = 3;
        for (int i = 0; i < warmup + iterations; i++) {
            long t0 = System.nanoTime();
            ExecutionPlan plan = acp.plan(chainFile, settings);
            long t1 = System.nanoTime();
            RunResult r = acp.unguardedEngine().run(plan, RunListener.NONE, new RunControl());
            long t2 = System.nanoTime();
            check(r, CHAIN_STEPS);
            ExecutionPlan gd = acp.plan(groupDefault, settings);
            long t3 = System.nanoTime();
            check(acp.unguardedEngine().run(gd, RunListener.NONE, new RunControl()), GROUP_MEMBERS);
            long t4 = System.nanoTime();
            ExecutionPlan g1 = acp.plan(group1000, settings);
            long t5 = System.nanoTime();
            check(acp.unguardedEngine().run(g1, RunListener.NONE, new RunControl()), GROUP_MEMBERS);
            long t6 = System.nanoTime();
            double floor = bareVirtualThreads();
            // The same chain as a durable run: run folder, snapshot and journal (cache off).
            long j0;
            RunResult jr;
            try (var session = service.start(chainFile, settings, dev.acp.cache.CacheMode.OFF)) {
                j0 = System.nanoTime();
                jr = session.run(RunListener.NONE, new RunControl());
            }
            long j1 = System.nanoTime();
            check(jr, CHAIN_STEPS);
            if (i >= warmup) {
                journaled.add((j1 - j0) / 1e9);
                floorTimes.add(floor);
                engineOnly.add((t2 - t1) / 1e9);
                endToEnd.add((t2 - t0) / 1e9);
                groupDefaultTimes.add((t4 - t3) / 1e9);
                group1000Times.add((t6 - t5) / 1e9);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("java", Runtime.version().toString());
        result.put("cores", Runtime.getRuntime().availableProcessors());
        result.put("iterations", iterations);
        result.put("seq_steps", CHAIN_STEPS);
        result.put("seq_engine_s_median", round(median(engineOnly), 4));
        result.put("per_step_overhead_us_engine", round(median(engineOnly) / CHAIN_STEPS * 1e6, 2));
        result.put("seq_load_validate_run_s_median", round(median(endToEnd), 4));
        result.put("per_step_overhead_us_engine_with_journal", round(median(journaled) / CHAIN_STEPS * 1e6, 2));
        result.put("per_step_overhead_us_load_validate_run", round(median(endToEnd) / CHAIN_STEPS * 1e6, 2));
        result.put("par1000x100ms_default_workers_s", round(median(groupDefaultTimes), 4));
        result.put("par1000x100ms_1000_workers_s", round(median(group1000Times), 4));
        result.put("par_default_workers_overhead_pct", round((median(groupDefaultTimes) / 0.1 - 1) * 100, 1));
        result.put("floor_1000_bare_virtual_threads_x100ms_s", round(median(floorTimes), 4));
        result.put("engine_over_floor_ms", round((median(groupDefaultTimes) - median(floorTimes)) * 1000, 1));
        result.put("bound_s", 0.1);
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
        System.out.println(json);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json + "\n");
        }
    }

    /**
     * The same work without ACP: 1,000 virtual threads that each sleep 100 ms, started and joined.
     * What the JVM and this machine need at the least, so the engine's share can be read off.
     */
    static double bareVirtualThreads() {
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>(GROUP_MEMBERS);
        for (int i = 0; i < GROUP_MEMBERS; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(java.time.Duration.ofMillis(100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void check(RunResult r, int expected) {
        if (r.status() != RunStatus.SUCCEEDED || r.taskResults().size() != expected) {
            throw new IllegalStateException("benchmark run did not succeed: " + r.status() + " " + r.failedStepIds());
        }
    }

    /** A chain of no-op steps: each depends on the one before (the default order), as in the seed executor. */
    static String chain() {
        StringBuilder sb = new StringBuilder("pipeline_name: chain\noutput_directory: out-chain\nsteps:\n");
        for (int i = 0; i < CHAIN_STEPS; i++) {
            sb.append("  - { step_type: text_to_speech, provider: scripted, config: { text: x, script_output: none } }\n");
        }
        return sb.toString();
    }

    /** One parallel group of members that each wait 100 ms. */
    static String group(Integer maxWorkers) {
        StringBuilder sb = new StringBuilder("pipeline_name: group\noutput_directory: out-group\n"
                + "global_config: { parallel_enabled: true }\nsteps:\n  - step_type: parallel_group\n"
                + "    parallel_config: { merge_strategy: collect_all" + (maxWorkers == null ? "" : ", max_workers: "
                + maxWorkers) + " }\n    steps:\n");
        for (int i = 0; i < GROUP_MEMBERS; i++) {
            sb.append("      - { step_type: text_to_speech, provider: scripted,"
                    + " config: { text: x, script_output: none, script_sleep_ms: 100 } }\n");
        }
        return sb.toString();
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
