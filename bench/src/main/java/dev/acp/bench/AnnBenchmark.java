package dev.acp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.content.index.IndexManifest;
import dev.acp.content.index.IndexedItem;
import dev.acp.content.index.SearchHit;
import dev.acp.content.index.VectorIndex;
import dev.acp.content.index.VectorIndexBuilder;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.lucene.util.VectorUtil;

/**
 * The ANN benchmark (issue 15): ACP's vector index (Lucene HNSW, M 16, beam width 200, one segment)
 * against FAISS's HNSW (M 16, efConstruction 200) on the same data, one thread each.
 *
 * <p>It generates {@code --n} clustered unit vectors of {@code --dims} dimensions and
 * {@code --queries} queries from the same distribution (seeded), computes the exact top 10 of each
 * query by brute force, and writes all three as little-endian files ({@code data.f32},
 * {@code queries.f32}, {@code truth.i32}) that the Python peer reads too. Then it runs the peer
 * ({@code bench/ann_faiss.py} under {@code --python}: build, then a sweep of efSearch) and itself
 * (build through {@link VectorIndexBuilder}, then a sweep of ef through
 * {@link VectorIndex#search(float[], int, int, List)}, what {@code acp content search} calls: ids,
 * similarities and metadata of the hits), and writes both and the comparison at recall@10 ≥ 0.95 to
 * {@code --out}.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp bench/target/acp-bench.jar
 * dev.acp.bench.AnnBenchmark [--n 100000] [--dims 384] [--queries 1000] [--seed 42] [--work DIR]
 * [--python /usr/bin/python3] [--peer bench/ann_faiss.py] [--out FILE] [--reuse-index]}; {@code --peer none}
 * skips FAISS, {@code --reuse-index} searches the index left in {@code --work} by an earlier run
 * instead of building it (for profiling the queries).
 */
public final class AnnBenchmark {
    private static final int K = 10;
    private static final int[] EFS = {10, 12, 14, 16, 20, 24, 32, 40, 48, 64, 80, 100, 128};
    private static final double TARGET_RECALL = 0.95;

    public static void main(String[] args) throws Exception {
        int n = 100_000;
        int dims = 384;
        int queries = 1_000;
        long seed = 42;
        Path work = Path.of("bench/target/ann-bench");
        String python = "/usr/bin/python3";
        String peer = "bench/ann_faiss.py";
        Path out = Path.of("bench/results/ann.json");
        boolean reuseIndex = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--n" -> n = Integer.parseInt(args[++i]);
                case "--dims" -> dims = Integer.parseInt(args[++i]);
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--python" -> python = args[++i];
                case "--peer" -> peer = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                case "--reuse-index" -> reuseIndex = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Files.createDirectories(work);
        int clusters = Math.max(10, n / 1000);
        System.out.printf("generating %,d x %d vectors in %d clusters and %,d queries (seed %d)%n", n, dims, clusters,
                queries, seed);
        float[][][] both = ClusteredVectors.generate(n, queries, dims, clusters, seed);
        float[][] data = both[0];
        float[][] query = both[1];
        int[][] truth = exactTop(data, query, K);
        write(work.resolve("data.f32"), data);
        write(work.resolve("queries.f32"), query);
        writeInts(work.resolve("truth.i32"), truth);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("n", n);
        result.put("dims", dims);
        result.put("clusters", clusters);
        result.put("queries", queries);
        result.put("k", K);
        result.put("seed", seed);
        result.put("load_before", loadAverage());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        if (!peer.equals("none")) {
            System.out.println("== FAISS HNSW (M 16, efConstruction 200), one thread");
            Process p = new ProcessBuilder(python, peer, "--work", work.toString(), "--n", String.valueOf(n),
                    "--dims", String.valueOf(dims), "--queries", String.valueOf(queries), "--k", String.valueOf(K),
                    "--efs", String.join(",", Arrays.stream(EFS).mapToObj(String::valueOf).toList()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("the FAISS peer failed (exit " + p.exitValue() + ")");
            }
            JsonNode faiss = json.readTree(text);
            result.put("faiss", faiss);
            faiss.path("sweep").forEach(r -> System.out.printf("faiss  ef %4d  recall %.3f  %,10.0f q/s  %,10.0f"
                    + " q/CPU-s%n", r.path("ef").asInt(), r.path("recall").asDouble(), r.path("qps").asDouble(),
                    r.path("qps_cpu").asDouble()));
            System.out.printf("faiss  build %.1f s wall, %.1f s CPU%n", faiss.path("build_wall_s").asDouble(),
                    faiss.path("build_cpu_s").asDouble());
        }
        System.out.println("== ACP vector index (Lucene HNSW, M 16, beam width 200), one thread");
        Map<String, Object> acp = runAcp(work, data, query, truth, reuseIndex);
        result.put("acp", acp);
        result.put("load_after", loadAverage());
        if (result.get("faiss") instanceof JsonNode faiss) {
            result.put("comparison", compare(acp, faiss));
            System.out.println(json.writeValueAsString(result.get("comparison")));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.writeValueAsString(result) + "\n");
        System.out.println("wrote " + out);
    }

    private static Map<String, Object> runAcp(Path work, float[][] data, float[][] query, int[][] truth,
            boolean reuseIndex) throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Path dir = work.resolve("acp-index");
        Clock clock = Clock.systemUTC();
        double buildWall = Double.NaN;
        double buildCpu = Double.NaN;
        // --reuse-index skips the build (a query-only rerun while profiling); the figures then have no build time.
        if (!reuseIndex || !Files.isDirectory(dir)) {
            deleteTree(dir);
            long cpu0 = threads.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            try (VectorIndexBuilder b = VectorIndexBuilder.create(dir, IndexManifest.create("bench-vectors",
                    data[0].length, List.of(), clock.instant()), clock)) {
                for (int i = 0; i < data.length; i++) {
                    b.add(new IndexedItem(String.valueOf(i), data[i], Map.of()));
                }
                b.commit();
            }
            buildWall = (System.nanoTime() - wall0) / 1e9;
            buildCpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        }
        System.out.printf("acp    build %.1f s wall, %.1f s CPU (this thread)%n", buildWall, buildCpu);
        List<Map<String, Object>> sweep = new ArrayList<>();
        try (VectorIndex index = VectorIndex.open(dir, clock)) {
            // Warm-up: the JIT compiles the search path before anything is timed.
            for (int rep = 0; rep < 3; rep++) {
                for (float[] q : query) {
                    index.search(q, K, 64, List.of());
                }
            }
            for (int ef : EFS) {
                long found = 0;
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                List<List<SearchHit>> results = new ArrayList<>(query.length);
                int reps = 3;
                for (int rep = 0; rep < reps; rep++) {
                    results.clear();
                    for (float[] q : query) {
                        results.add(index.search(q, K, ef, List.of()));
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double cpuSeconds = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
                for (int i = 0; i < query.length; i++) {
                    Set<String> exact = new HashSet<>();
                    for (int t : truth[i]) {
                        exact.add(String.valueOf(t));
                    }
                    found += results.get(i).stream().map(SearchHit::id).filter(exact::contains).count();
                }
                double recall = found / (double) (K * query.length);
                double qps = reps * query.length / seconds;
                double qpsCpu = reps * query.length / cpuSeconds;
                System.out.printf("acp    ef %4d  recall %.3f  %,10.0f q/s  %,10.0f q/CPU-s%n", ef, recall, qps,
                        qpsCpu);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("ef", ef);
                row.put("recall", recall);
                row.put("qps", qps);
                row.put("qps_cpu", qpsCpu);
                sweep.add(row);
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("engine", "ACP VectorIndex, lucene-core " + org.apache.lucene.util.Version.LATEST);
            r.put("java", System.getProperty("java.version"));
            r.put("build_wall_s", buildWall);
            r.put("build_cpu_s", buildCpu);
            r.put("segments", index.stats().segments());
            r.put("index_bytes", index.stats().bytes());
            r.put("sweep", sweep);
            return r;
        }
    }

    /** The fastest setting of each engine that reaches the target recall, and the ratios. */
    private static Map<String, Object> compare(Map<String, Object> acp, JsonNode faiss) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("target_recall", TARGET_RECALL);
        c.put("by_wall_time", compare(acp, faiss, "qps"));
        // Queries per second of the searching thread's CPU time: what a loaded machine distorts least.
        c.put("by_cpu_time", compare(acp, faiss, "qps_cpu"));
        c.put("build_cpu_ratio", (double) acp.get("build_cpu_s") / faiss.path("build_cpu_s").asDouble());
        c.put("build_wall_ratio", (double) acp.get("build_wall_s") / faiss.path("build_wall_s").asDouble());
        return c;
    }

    private static Map<String, Object> compare(Map<String, Object> acp, JsonNode faiss, String measure) {
        Map<String, Object> c = new LinkedHashMap<>();
        double acpQps = 0;
        Object acpAt = null;
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sweep = (List<Map<String, Object>>) acp.get("sweep");
        for (Map<String, Object> r : sweep) {
            if ((double) r.get("recall") >= TARGET_RECALL && (double) r.get(measure) > acpQps) {
                acpQps = (double) r.get(measure);
                acpAt = r;
            }
        }
        double faissQps = 0;
        JsonNode faissAt = null;
        for (JsonNode r : faiss.path("sweep")) {
            if (r.path("recall").asDouble() >= TARGET_RECALL && r.path(measure).asDouble() > faissQps) {
                faissQps = r.path(measure).asDouble();
                faissAt = r;
            }
        }
        c.put("acp_best", acpAt);
        c.put("faiss_best", faissAt);
        c.put("ratio", faissQps == 0 ? null : acpQps / faissQps);
        return c;
    }

    private static int[][] exactTop(float[][] data, float[][] query, int k) {
        int[][] truth = new int[query.length][];
        for (int q = 0; q < query.length; q++) {
            int[] best = new int[k];
            float[] score = new float[k];
            Arrays.fill(score, Float.NEGATIVE_INFINITY);
            for (int i = 0; i < data.length; i++) {
                float s = VectorUtil.dotProduct(data[i], query[q]);
                if (s > score[k - 1]) {
                    int j = k - 1;
                    while (j > 0 && score[j - 1] < s) {
                        score[j] = score[j - 1];
                        best[j] = best[j - 1];
                        j--;
                    }
                    score[j] = s;
                    best[j] = i;
                }
            }
            truth[q] = best;
        }
        return truth;
    }

    private static void write(Path file, float[][] rows) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(rows[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (float[] row : rows) {
                buf.clear();
                buf.asFloatBuffer().put(row);
                out.write(buf.array());
            }
        }
    }

    private static void writeInts(Path file, int[][] rows) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            for (int[] row : rows) {
                for (int v : row) {
                    out.writeInt(Integer.reverseBytes(v));
                }
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The test suite's clustered vectors (see acp-content's ClusteredVectors), data and queries from one seed. */
    static final class ClusteredVectors {
        private static final int SUBSPACE = 12;

        private ClusteredVectors() {}

        static float[][][] generate(int n, int queries, int dims, int clusters, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            float[][] centres = new float[clusters][];
            float[][][] bases = new float[clusters][SUBSPACE][];
            for (int c = 0; c < clusters; c++) {
                centres[c] = unit(gaussian(random, dims));
                for (int b = 0; b < SUBSPACE; b++) {
                    bases[c][b] = unit(gaussian(random, dims));
                }
            }
            float[][] data = new float[n][];
            for (int i = 0; i < n; i++) {
                data[i] = sample(random, centres, bases, dims);
            }
            float[][] query = new float[queries][];
            for (int i = 0; i < queries; i++) {
                query[i] = sample(random, centres, bases, dims);
            }
            return new float[][][] {data, query};
        }

        private static float[] sample(SplittableRandom random, float[][] centres, float[][][] bases, int dims) {
            int c = random.nextInt(centres.length);
            float[] v = centres[c].clone();
            for (int b = 0; b < SUBSPACE; b++) {
                float w = (float) (0.35 * normal(random));
                for (int d = 0; d < dims; d++) {
                    v[d] += w * bases[c][b][d];
                }
            }
            float noise = (float) (0.1 / Math.sqrt(dims));
            for (int d = 0; d < dims; d++) {
                v[d] += (float) (noise * normal(random));
            }
            return unit(v);
        }

        private static float[] gaussian(SplittableRandom random, int dims) {
            float[] v = new float[dims];
            for (int d = 0; d < dims; d++) {
                v[d] = (float) normal(random);
            }
            return v;
        }

        private static double normal(SplittableRandom random) {
            double u1 = 1 - random.nextDouble();
            double u2 = random.nextDouble();
            return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        }

        private static float[] unit(float[] v) {
            double s = 0;
            for (float x : v) {
                s += x * x;
            }
            float k = (float) (1 / Math.sqrt(s));
            for (int i = 0; i < v.length; i++) {
                v[i] *= k;
            }
            return v;
        }
    }
}
