package dev.acp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.Acp;
import dev.acp.cache.CacheMode;
import dev.acp.engine.LocalEngine;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.env.Environment;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import dev.acp.providers.fal.FalProviderFactory;
import dev.acp.run.RunService;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * 2,000 fal text_to_image jobs in one parallel group, through the real fal provider, transport,
 * governor, engine and run journal ({@link RunService}, cache off), against the fal look-alike
 * of the test kit running in a JVM of its own ({@link FakeFalProcess}): each job completes 1 s
 * after its submission and its result is a 1 MiB PNG. The makespan is set against the 1 s bound
 * and against two floors, the same submit / poll / download cycles with a bare {@link HttpClient}
 * on virtual threads, polling at the engine's shortest interval (250 ms), with no ACP: one
 * streaming each file to disk, one also hashing, syncing and renaming each file as ACP must for a
 * paid result. Also measured: peak heap (run it with {@code -Xmx256m}: it must succeed there),
 * peak live platform threads, CPU time of client and server, polls per job and bytes written.
 *
 * <p>Usage: {@code java -Xmx256m -cp bench/target/acp-bench.jar dev.acp.bench.FalJobsBenchmark
 * [--jobs N] [--latency-ms MS] [--image-bytes N] [--iterations N] [--max-concurrency N]
 * [--server-heap 1g] [--out FILE]}. The fal limits are raised to the job count with
 * {@code ACP_FAL_MAX_JOBS} and {@code ACP_FAL_RPS}, and the concurrent requests set with
 * {@code ACP_FAL_MAX_CONCURRENCY}, as a user with a large fal account would, so that this
 * measures the engine, not the governor.
 *
 * <p>With {@code --peer FILE} (and {@code --python EXE}), each iteration also runs the Python
 * asyncio peer ({@code fal_fanout_peer.py}) against the same server process, once on asyncio's
 * own loop and once on uvloop; with {@code --cli FILE}, the whole command line ({@code acp
 * pipeline run} of the same pipeline in a fresh JVM, with fal's default limits). Those run under
 * GNU time ({@link TimedProcess}): wall time from start to exit, CPU and peak RSS of the whole
 * process, interpreter or JVM start included; the peer also reports its own makespan from its
 * first submission. All of them take turns with the floors and the in-process run.
 */
public final class FalJobsBenchmark {
    private static final String KEY = "bench-key-id:bench-key-secret";
    /** The engine's shortest poll interval (PollSchedule.MIN), used by the floor too. */
    private static final Duration FLOOR_POLL = Duration.ofMillis(250);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int jobs = 2000;
        int latencyMs = 1000;
        int imageBytes = 1024 * 1024;
        int iterations = 3;
        int concurrency = 100;
        Path out = null;
        String serverHeap = "1g";
        boolean floorsToo = true;
        Path peer = null;
        String python = "python3";
        Path cli = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                case "--latency-ms" -> latencyMs = Integer.parseInt(args[++i]);
                case "--image-bytes" -> imageBytes = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--max-concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--server-heap" -> serverHeap = args[++i];
                // For profiling ACP alone (the result then has no floors to compare with).
                case "--no-floors" -> floorsToo = false;
                case "--peer" -> peer = Path.of(args[++i]).toAbsolutePath();
                case "--python" -> python = args[++i];
                case "--cli" -> cli = Path.of(args[++i]).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("acp-fal-bench-");
        List<Map<String, Object>> floors = new ArrayList<>();
        List<Map<String, Object>> durableFloors = new ArrayList<>();
        List<Map<String, Object>> runs = new ArrayList<>();
        Map<String, List<Map<String, Object>>> processes = new LinkedHashMap<>();
        List<String> loops = peer == null ? List.of() : List.of("asyncio", "uvloop");
        if ((peer != null || cli != null) && !TimedProcess.available()) {
            throw new IllegalStateException("the peer and the whole command line are measured with "
                    + TimedProcess.TIME + " (Debian: apt-get install time)");
        }
        try (FakeFalProcess server = FakeFalProcess.start(KEY, Duration.ofMillis(latencyMs), imageBytes, jobs,
                serverHeap)) {
            // Warm-ups, so that class loading and the JIT are not what is measured: the server's
            // first run at full size is several times slower than the next ones.
            floor(server, work, jobs, concurrency, false);
            floor(server, work, Math.min(jobs, 200), concurrency, true);
            acp(server, work, Math.min(jobs, 200), concurrency);
            for (String loop : loops) {
                peer(server, work, python, peer, loop, Math.min(jobs, 200), concurrency);
            }
            if (cli != null) {
                cli(server, work, cli, Math.min(jobs, 200));
            }
            for (int i = 0; i < iterations; i++) {
                for (String loop : loops) {
                    processes.computeIfAbsent("peer_" + loop, k -> new ArrayList<>())
                            .add(peer(server, work, python, peer, loop, jobs, concurrency));
                    System.err.println("peer " + loop + " " + (i + 1) + ": " + processes.get("peer_" + loop).getLast());
                }
                if (cli != null) {
                    processes.computeIfAbsent("cli", k -> new ArrayList<>()).add(cli(server, work, cli, jobs));
                    System.err.println("acp pipeline run " + (i + 1) + ": " + processes.get("cli").getLast());
                }
                if (floorsToo) {
                    floors.add(floor(server, work, jobs, concurrency, false));
                    System.err.println("floor " + (i + 1) + ": " + floors.getLast());
                    durableFloors.add(floor(server, work, jobs, concurrency, true));
                    System.err.println("durable floor " + (i + 1) + ": " + durableFloors.getLast());
                }
                runs.add(acp(server, work, jobs, concurrency));
                System.err.println("acp " + (i + 1) + ": " + runs.getLast());
            }
        } finally {
            delete(work);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("java", Runtime.version().toString());
        result.put("cores", Runtime.getRuntime().availableProcessors());
        result.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        result.put("jobs", jobs);
        result.put("job_latency_s", latencyMs / 1000.0);
        result.put("image_bytes", imageBytes);
        result.put("iterations", iterations);
        result.put("max_concurrent_requests", concurrency);
        result.put("bound_s", latencyMs / 1000.0);
        double acpMedian = median(runs, "makespan_s");
        double floorMedian = median(floors, "makespan_s");
        double durableMedian = median(durableFloors, "makespan_s");
        result.put("acp_makespan_s_median", acpMedian);
        result.put("acp_over_bound_pct_median", round((acpMedian / (latencyMs / 1000.0) - 1) * 100, 1));
        result.put("floor_makespan_s_median", floorMedian);
        result.put("floor_over_bound_pct_median", round((floorMedian / (latencyMs / 1000.0) - 1) * 100, 1));
        result.put("durable_floor_makespan_s_median", durableMedian);
        result.put("acp_over_floor_s_median", round(acpMedian - floorMedian, 3));
        result.put("acp_over_floor_pct_median", round((acpMedian / floorMedian - 1) * 100, 1));
        result.put("acp_over_durable_floor_pct_median", round((acpMedian / durableMedian - 1) * 100, 1));
        processes.forEach((name, list) -> {
            result.put(name + "_makespan_s_median", median(list, "makespan_s"));
            result.put(name + "_process_wall_s_median", median(list, "process_wall_s"));
            result.put(name + "_process_cpu_s_median", median(list, "process_cpu_s"));
            result.put(name + "_max_rss_mb_median", median(list, "max_rss_mb"));
        });
        if (processes.containsKey("cli") && processes.containsKey("peer_asyncio")) {
            // The whole command line against the peer's whole process, both from start to exit.
            result.put("cli_over_peer_asyncio_wall", round(median(processes.get("cli"), "process_wall_s")
                    / median(processes.get("peer_asyncio"), "process_wall_s"), 2));
            result.put("cli_over_peer_asyncio_cpu", round(median(processes.get("cli"), "process_cpu_s")
                    / median(processes.get("peer_asyncio"), "process_cpu_s"), 2));
        }
        if (processes.containsKey("peer_asyncio")) {
            result.put("acp_over_peer_asyncio_makespan", round(acpMedian
                    / median(processes.get("peer_asyncio"), "makespan_s"), 2));
        }
        result.put("acp_runs", runs);
        result.put("floor_runs", floors);
        result.put("durable_floor_runs", durableFloors);
        processes.forEach((name, list) -> result.put(name + "_runs", list));
        String json = JSON.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
        System.out.println(json);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json + "\n");
        }
    }

    // ---------------------------------------------------------------- ACP

    private static Map<String, Object> acp(FakeFalProcess server, Path work, int jobs, int concurrency)
            throws Exception {
        Path dir = Files.createDirectories(work.resolve("acp-" + System.nanoTime()));
        Path home = dir.resolve("home");
        Environment env = Environment.of(Map.of(
                "ACP_HOME", home.toString(),
                "FAL_KEY", KEY,
                "ACP_FAL_BASE_URL", server.baseUrl(),
                "ACP_FAL_STORAGE_BASE_URL", server.baseUrl(),
                "ACP_FAL_MAX_JOBS", String.valueOf(jobs),
                "ACP_FAL_MAX_CONCURRENCY", String.valueOf(concurrency),
                "ACP_FAL_RPS", "1000000"));
        ProviderRegistry registry = ProviderRegistry.of(ProviderContext.of(env, home, Clock.systemUTC()),
                new FalProviderFactory());
        Acp acp = Acp.create(env, registry, LocalEngine.Options.defaults(env));
        Path pipeline = dir.resolve("fal-jobs.yaml");
        Files.writeString(pipeline, pipeline(jobs));
        RunService service = new RunService(acp);
        Measurement m = Measurement.start(server);
        long t0 = System.nanoTime();
        RunResult r;
        long t1;
        try (RunService.Session session = service.start(pipeline, RunSettings.run(dir), CacheMode.OFF)) {
            t1 = System.nanoTime();
            r = session.run(RunListener.NONE, new RunControl());
        }
        long t2 = System.nanoTime();
        Map<String, Object> figures = m.stop(jobs);
        if (r.status() != RunStatus.SUCCEEDED || r.taskResults().size() != jobs) {
            throw new IllegalStateException("the fal benchmark run did not succeed: " + r.status() + ", failed "
                    + r.failedStepIds().stream().limit(5).toList() + " " + r.steps().stream()
                    .filter(s -> !s.succeeded()).limit(3).map(s -> String.valueOf(s.error())).toList());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("makespan_s", round((t2 - t1) / 1e9, 3));
        result.put("plan_and_start_s", round((t1 - t0) / 1e9, 3));
        result.putAll(figures);
        result.put("bytes_written", bytes(dir.resolve("out")));
        delete(dir);
        return result;
    }

    // ---------------------------------------------------------------- whole processes

    /** The Python asyncio peer on {@code loop} against the same server: its own figures and its whole process's. */
    private static Map<String, Object> peer(FakeFalProcess server, Path work, String python, Path script, String loop,
            int jobs, int concurrency) throws Exception {
        Path dir = Files.createDirectories(work.resolve("peer-" + System.nanoTime()));
        server.reset();
        String load = loadAverage();
        TimedProcess p = TimedProcess.run(List.of(python, script.toString(), "--base-url", server.baseUrl(), "--key",
                KEY, "--jobs", String.valueOf(jobs), "--concurrency", String.valueOf(concurrency), "--loop", loop,
                "--out-dir", dir.toString()), Map.of(), dir, 3600);
        JsonNode own = JSON.readTree(p.stdout().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("the peer printed no figures: " + p.stdout())));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("makespan_s", own.get("makespan_s").asDouble());
        result.put("cpu_s_during_makespan", own.get("cpu_s").asDouble());
        result.put("process_wall_s", p.wallSeconds());
        result.put("process_cpu_s", p.cpuSeconds());
        result.put("max_rss_mb", p.maxRssMb());
        result.put("bytes_written", own.get("bytes_written").asLong());
        result.putAll(server.stats().figures(jobs));
        result.put("load_average_before", load);
        delete(dir);
        return result;
    }

    /**
     * {@code acp pipeline run} of the same pipeline, as a user starts it (JVM start, validation and
     * planning included), with fal's default limits: only the key and the server's address set.
     */
    private static Map<String, Object> cli(FakeFalProcess server, Path work, Path acp, int jobs) throws Exception {
        Path dir = Files.createDirectories(work.resolve("cli-" + System.nanoTime()));
        Path pipeline = dir.resolve("fal-jobs.yaml");
        Files.writeString(pipeline, pipeline(jobs));
        server.reset();
        String load = loadAverage();
        TimedProcess p = TimedProcess.run(List.of(acp.toString(), "pipeline", "run", "-c", pipeline.toString(), "-o",
                dir.resolve("out").toString(), "--no-cache", "-y", "--format", "json"), Map.of(
                "ACP_HOME", dir.resolve("home").toString(),
                "FAL_KEY", KEY,
                "ACP_FAL_BASE_URL", server.baseUrl(),
                "ACP_FAL_STORAGE_BASE_URL", server.baseUrl(),
                // Measure the jar that is there; the launcher must not rebuild during a run.
                "ACP_NO_BUILD", "1"), dir, 3600);
        long written = bytes(dir.resolve("out"));
        FakeFalProcess.Stats stats = server.stats();
        if (stats.downloads() != jobs) {
            throw new IllegalStateException("acp pipeline run downloaded " + stats.downloads() + " of " + jobs
                    + " results");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("makespan_s", p.wallSeconds());
        result.put("process_wall_s", p.wallSeconds());
        result.put("process_cpu_s", p.cpuSeconds());
        result.put("max_rss_mb", p.maxRssMb());
        result.put("bytes_written", written);
        result.putAll(stats.figures(jobs));
        result.put("load_average_before", load);
        delete(dir);
        return result;
    }

    /** The 1, 5 and 15 minute load averages (Linux), to judge how busy the machine was. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** One parallel group of {@code jobs} flux-dev images, each a different prompt. */
    static String pipeline(int jobs) {
        StringBuilder sb = new StringBuilder("""
                pipeline_name: fal_jobs
                output_directory: out
                global_config: { parallel_enabled: true }
                steps:
                  - step_type: parallel_group
                    id: images
                    steps:
                """);
        for (int i = 0; i < jobs; i++) {
            sb.append("      - { step_type: text_to_image, id: img").append(i).append(", provider: fal, output_filename: img")
                    .append(i).append(".png, config: { model: flux-dev, prompt: \"picture number ").append(i)
                    .append("\", image_size: square } }\n");
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- floor

    /**
     * The same cycles with a bare HTTP client, one virtual thread per job, no ACP. {@code durable}
     * adds what ACP's promise about paid results costs at least: each file is hashed (SHA-256) as
     * it streams in, synced to disk and renamed into place.
     */
    private static Map<String, Object> floor(FakeFalProcess server, Path work, int jobs, int concurrency,
            boolean durable) throws Exception {
        java.util.concurrent.Semaphore requests = new java.util.concurrent.Semaphore(concurrency);
        Path dir = Files.createDirectories(work.resolve("floor-" + System.nanoTime()));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicLong written = new AtomicLong();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Measurement m = Measurement.start(server);
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>(jobs);
        for (int i = 0; i < jobs; i++) {
            int n = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    written.addAndGet(cycle(client, requests, server.baseUrl(), n, dir.resolve("img" + n + ".png"),
                            durable));
                } catch (Exception | Error e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        long t1 = System.nanoTime();
        Map<String, Object> figures = m.stop(jobs);
        client.close();
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " floor jobs failed", failures.getFirst());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("makespan_s", round((t1 - t0) / 1e9, 3));
        result.putAll(figures);
        result.put("bytes_written", written.get());
        delete(dir);
        return result;
    }

    private static long cycle(HttpClient client, java.util.concurrent.Semaphore requests, String base, int n,
            Path target, boolean durable) throws Exception {
        String body = "{\"prompt\":\"picture number " + n + "\",\"image_size\":\"square\",\"num_images\":1,"
                + "\"output_format\":\"png\"}";
        JsonNode submitted = JSON.readTree(send(client, requests, request(base + "/fal-ai/flux/dev")
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofByteArray()).body());
        String status = submitted.get("status_url").asText() + "?logs=1";
        while (true) {
            Thread.sleep(FLOOR_POLL);
            HttpResponse<byte[]> s = send(client, requests, request(status).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (s.statusCode() == 200 && "COMPLETED".equals(JSON.readTree(s.body()).path("status").asText())) {
                break;
            }
        }
        JsonNode result = JSON.readTree(send(client, requests, request(submitted.get("response_url").asText()).GET()
                .build(), HttpResponse.BodyHandlers.ofByteArray()).body());
        String url = result.get("images").get(0).get("url").asText();
        if (!durable) {
            HttpResponse<Path> file = send(client, requests, HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(target));
            if (file.statusCode() != 200) {
                throw new IllegalStateException("download answered " + file.statusCode());
            }
            return Files.size(target);
        }
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        requests.acquire();
        try {
            HttpResponse<java.io.InputStream> file = client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = file.body();
                    java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(partial,
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                            java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                if (file.statusCode() != 200) {
                    throw new IllegalStateException("download answered " + file.statusCode());
                }
                byte[] buf = new byte[64 * 1024];
                for (int r; (r = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, r);
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(buf, 0, r);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
                ch.force(true);
            }
        } finally {
            requests.release();
        }
        sha.digest();
        Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return Files.size(target);
    }

    /** One request under the same cap on concurrent requests as ACP's governor. */
    private static <T> HttpResponse<T> send(HttpClient client, java.util.concurrent.Semaphore requests,
            HttpRequest request, HttpResponse.BodyHandler<T> handler) throws Exception {
        requests.acquire();
        try {
            return client.send(request, handler);
        } finally {
            requests.release();
        }
    }

    private static HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Key " + KEY)
                .timeout(Duration.ofSeconds(60));
    }

    // ---------------------------------------------------------------- measuring

    /**
     * Peak heap (sampled every 10 ms after a GC, and the sum of the heap pools' own peaks, which
     * can only be higher) and peak live platform threads (virtual threads are not counted by
     * {@link ThreadMXBean}) from {@link #start()} to {@link #stop()}.
     */
    private static final class Measurement {
        private final Thread sampler;
        private final AtomicLong peakUsed = new AtomicLong();
        private final AtomicLong peakAfterGc = new AtomicLong();
        private final List<Runnable> unsubscribe = new ArrayList<>();
        private final int threadsBefore;
        private final long cpuBefore;
        private final String loadBefore;
        private final FakeFalProcess server;
        private final double serverCpuBefore;
        private volatile boolean running = true;

        private Measurement(FakeFalProcess server) throws IOException {
            this.server = server;
            server.reset();
            serverCpuBefore = server.stats().cpuSeconds();
            System.gc();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            threadsBefore = threads.getThreadCount();
            threads.resetPeakThreadCount();
            cpuBefore = processCpuNanos();
            // What survives each collection: the live heap, which G1's "used" (garbage included) is not.
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof javax.management.NotificationEmitter emitter) {
                    javax.management.NotificationListener listener = (n, h) -> {
                        if (n.getUserData() instanceof javax.management.openmbean.CompositeData data) {
                            var info = com.sun.management.GarbageCollectionNotificationInfo.from(data);
                            long after = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                                    .filter(e -> heapPool(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
                            peakAfterGc.accumulateAndGet(after, Math::max);
                        }
                    };
                    emitter.addNotificationListener(listener, null, null);
                    unsubscribe.add(() -> {
                        try {
                            emitter.removeNotificationListener(listener);
                        } catch (javax.management.ListenerNotFoundException e) {
                            // already gone
                        }
                    });
                }
            }
            loadBefore = loadAverage();
            sampler = Thread.ofPlatform().daemon().name("heap-sampler").start(() -> {
                var memory = ManagementFactory.getMemoryMXBean();
                while (running) {
                    peakUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        /** Resets the server's counters and starts measuring. */
        static Measurement start(FakeFalProcess server) throws IOException {
            return new Measurement(server);
        }

        /** The figures, with what the server counted ({@code jobs} for the polls per job). */
        Map<String, Object> stop(int jobs) throws InterruptedException, IOException {
            running = false;
            sampler.join();
            unsubscribe.forEach(Runnable::run);
            long poolPeaks = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("peak_live_heap_mb_after_gc", round(peakAfterGc.get() / 1048576.0, 1));
            m.put("peak_heap_used_mb_sampled", round(peakUsed.get() / 1048576.0, 1));
            m.put("peak_heap_used_mb_pool_peaks_sum", round(poolPeaks / 1048576.0, 1));
            m.put("platform_threads_before", threadsBefore);
            m.put("peak_platform_threads", ManagementFactory.getThreadMXBean().getPeakThreadCount());
            // CPU of the client's process (the server runs in its own): less sensitive than the
            // makespan to what else the machine runs.
            m.put("process_cpu_s", round((processCpuNanos() - cpuBefore) / 1e9, 2));
            FakeFalProcess.Stats stats = server.stats();
            m.put("server_cpu_s", round(stats.cpuSeconds() - serverCpuBefore, 2));
            m.putAll(stats.figures(jobs));
            m.put("load_average_before", loadBefore);
            return m;
        }

        private static boolean heapPool(String name) {
            return ManagementFactory.getMemoryPoolMXBeans().stream()
                    .anyMatch(p -> p.getName().equals(name) && p.getType() == MemoryType.HEAP);
        }

        private static long processCpuNanos() {
            return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : -1;
        }
    }

    private static long bytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            long total = 0;
            for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".png")).toList()) {
                total += Files.size(f);
            }
            return total;
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static double median(List<Map<String, Object>> runs, String key) {
        List<Double> values = new ArrayList<>(runs.stream().map(r -> ((Number) r.get(key)).doubleValue()).toList());
        if (values.isEmpty()) {
            return Double.NaN;
        }
        values.sort(null);
        return values.get(values.size() / 2);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
