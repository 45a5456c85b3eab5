package dev.acp.bench;

import dev.acp.Acp;
import dev.acp.batch.BatchRunner;
import dev.acp.cache.CacheMode;
import dev.acp.env.Environment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Per-row wall time and thread CPU of a batch of {@code ROWS} rows of the 3-step pipeline of
 * {@link BatchBenchmark}, in this JVM, after a warm-up: the CPU of the process less that of the
 * JVM's own threads (compilers, collectors; read from {@code /proc/self/task}, which keeps them
 * for the process's life), so a busy machine sways it less than wall time. Linux only. Usage:
 * {@code java -cp bench/target/acp-bench.jar dev.acp.bench.BatchRowCpu ROWS ITERATIONS CONCURRENCY
 * DIR} (concurrency 0: the batch's default).
 */
public final class BatchRowCpu {
    /** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
    private static final long HZ = 100;

    private BatchRowCpu() {}

    /** The JVM's own threads, by the names the kernel shows (15 characters at most). */
    private static boolean internal(String comm) {
        return comm.startsWith("C1 Compi") || comm.startsWith("C2 Compi") || comm.startsWith("GC Thread")
                || comm.startsWith("G1 ") || comm.startsWith("VM ") || comm.startsWith("Signal") || comm.startsWith("Finalizer")
                || comm.startsWith("Reference") || comm.startsWith("Service") || comm.startsWith("Monitor") || comm.startsWith("Notification")
                || comm.startsWith("JFR") || comm.startsWith("Attach");
    }
    /** User plus system CPU ticks of a /proc stat line (fields 14 and 15; the name may hold spaces). */
    private static long ticks(String stat) {
        String rest = stat.substring(stat.lastIndexOf(')') + 2);
        String[] f = rest.split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
    /** The process's CPU ticks and those of the JVM's own threads. */
    private static long[] cpu() throws Exception {
        long total = ticks(Files.readString(Path.of("/proc/self/stat")));
        long jvm = 0;
        try (var s = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : s.toList()) {
                try {
                    String comm = Files.readString(t.resolve("comm")).strip();
                    if (internal(comm)) jvm += ticks(Files.readString(t.resolve("stat")));
                } catch (java.io.IOException e) {
                    // The thread ended between the listing and the read: not a JVM thread, which live on.
                }
            }
        }
        return new long[] {total, jvm};
    }
    public static void main(String[] a) throws Exception {
        int rows = Integer.parseInt(a[0]);
        int iters = Integer.parseInt(a[1]);
        int conc = Integer.parseInt(a[2]);
        Path dir = Path.of(a[3]).toAbsolutePath();
        Files.createDirectories(dir);
        Acp acp = Acp.create(Environment.of(Map.of("ACP_HOME", dir.resolve("home").toString())));
        Path p = dir.resolve("row.yaml");
        Files.writeString(p, """
                pipeline_name: batch_bench
                output_directory: out
                inputs:
                  topic: { type: string }
                steps:
                  - { id: one, step_type: prompt_generation, provider: local, config: { prompt: "{{inputs.topic}} one" } }
                  - { id: two, step_type: prompt_generation, provider: local, config: { prompt: "{{inputs.topic}} two" } }
                  - { id: three, step_type: prompt_generation, provider: local, config: { prompt: "{{inputs.topic}} three" } }
                """);
        Path in = dir.resolve("rows.csv");
        StringBuilder sb = new StringBuilder("id,topic\n");
        for (int i = 1; i <= rows; i++) sb.append("r").append(i).append(",a lamp of model ").append(i).append('\n');
        Files.writeString(in, sb);
        List<Double> wall = new ArrayList<>(), app = new ArrayList<>(), all = new ArrayList<>();
        for (int i = 0; i < iters + 1; i++) {
            long[] c0 = cpu(); long t0 = System.nanoTime();
            var b = BatchRunner.newBatch(acp, p, in, dir).offline(true).cacheMode(CacheMode.OFF)
                    .outputDirectory(dir.resolve("out-" + i));
            if (conc > 0) b.concurrency(conc);
            var o = b.start().await();
            if (!o.clean()) throw new IllegalStateException(String.valueOf(o.summary()));
            double t = (System.nanoTime() - t0) / 1e6 / rows;
            long[] c1 = cpu();
            double total = (c1[0] - c0[0]) * 1000.0 / HZ / rows, jvm = (c1[1] - c0[1]) * 1000.0 / HZ / rows;
            if (i > 0) { wall.add(t); app.add(total - jvm); all.add(total); }
            System.out.printf("iter %d: %.3f ms/row wall, %.3f ms/row process CPU, %.3f ms/row thread CPU (minus JIT/GC)%n", i, t, total, total - jvm);
        }
        Collections.sort(wall); Collections.sort(app); Collections.sort(all);
        System.out.printf("MEDIAN conc=%d wall %.3f process-cpu %.3f thread-cpu %.3f ms/row%n", conc, wall.get(wall.size()/2), all.get(all.size()/2), app.get(app.size()/2));
    }
}
