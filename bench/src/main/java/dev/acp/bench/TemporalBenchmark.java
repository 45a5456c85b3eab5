package dev.acp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The distributed engine against the local one (issue 19): STEPS independent fal steps of one
 * second each (the test kit's fal look-alike in a JVM of its own), run by {@code acp pipeline run}
 * with the local engine, then with {@code --engine temporal} on 1, 2 and 4 {@code acp worker}
 * processes against {@code acp temporal dev-server}, all from the built {@code acp.jar} on
 * loopback. Each figure is the submitter's whole command (JVM start, validation, planning, the run,
 * the report), so both engines pay the same fixed costs.
 *
 * <p>The steps are standalone ({@code depends_on: []}): a parallel group would be one node and so
 * run on one worker. A worker runs at most {@code --max-concurrent-steps} nodes at once (the
 * worker's default 8 unless told): with W workers the run has {@code W x slots} places, so
 * {@code waves = ceil(steps / places)} seconds is the floor, and the per-step overhead is
 * {@code makespan / waves - 1 s} (what each place spent on a step beyond the job's second) and the
 * extra makespan per step is {@code (makespan - waves) / steps}. The local engine starts every
 * ready step at once (fal's own limits raised to the step count), one wave.
 */
public final class TemporalBenchmark {
    private static final String KEY = "bench-key-id:bench-key-secret";
    private static final Duration WAIT = Duration.ofSeconds(120);

    private TemporalBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path acpJar = null;
        Path work = Path.of("bench/target/temporal-bench");
        Path out = null;
        int steps = 200;
        int latencyMs = 1000;
        int slots = 8;
        List<Integer> workerCounts = List.of(1, 2, 4);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--acp-jar" -> acpJar = Path.of(args[++i]).toAbsolutePath();
                case "--work" -> work = Path.of(args[++i]).toAbsolutePath();
                case "--out" -> out = Path.of(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--latency-ms" -> latencyMs = Integer.parseInt(args[++i]);
                case "--slots" -> slots = Integer.parseInt(args[++i]);
                case "--workers" -> workerCounts = Stream.of(args[++i].split(",")).map(Integer::parseInt).toList();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (acpJar == null) {
            throw new IllegalArgumentException("--acp-jar is required");
        }
        delete(work);
        Files.createDirectories(work);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("steps", steps);
        result.put("step_latency_s", latencyMs / 1000.0);
        result.put("slots_per_worker", slots);
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        result.put("load_average_before", loadAverage());
        List<Process> started = new ArrayList<>();
        try (FakeFalProcess fal = FakeFalProcess.start(KEY, Duration.ofMillis(latencyMs), 16384, steps, "512m")) {
            Map<String, String> env = falEnvironment(fal, steps);
            Path pipeline = work.resolve("steps.yaml");
            Files.writeString(pipeline, pipeline(steps));

            fal.reset();
            double local = run(acpJar, work, "local", pipeline, env, List.of());
            result.put("local", figures(local, steps, steps, 1, fal.stats()));

            int port = freePort();
            String target = "127.0.0.1:" + port;
            started.add(start(List.of(java(), "-jar", acpJar.toString(), "temporal", "dev-server", "--port",
                    String.valueOf(port)), work.resolve("home-server"), env, work.resolve("dev-server.log")));
            awaitPort(port, started.getFirst(), work.resolve("dev-server.log"));
            Map<String, Object> temporal = new LinkedHashMap<>();
            int running = 0;
            for (int workers : workerCounts) {
                while (running < workers) {
                    running++;
                    Path log = work.resolve("worker-" + running + ".log");
                    Process w = start(List.of(java(), "-jar", acpJar.toString(), "worker", "--temporal-target", target,
                            "--max-concurrent-steps", String.valueOf(slots)), work.resolve("home-worker-" + running),
                            env, log);
                    started.add(w);
                    awaitLine(log, "worker polling", w);
                }
                fal.reset();
                double makespan = run(acpJar, work, "temporal-" + workers, pipeline, env,
                        List.of("--engine", "temporal", "--temporal-target", target));
                int places = Math.min(steps, workers * slots);
                temporal.put(workers + "_workers", figures(makespan, steps, places, workers, fal.stats()));
            }
            result.put("temporal", temporal);
        } finally {
            // Workers first, then the server they poll.
            for (int i = started.size() - 1; i >= 0; i--) {
                Process p = started.get(i);
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        result.put("load_average_after", loadAverage());
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
        System.out.println(json);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json + "\n");
        }
    }

    private static Map<String, Object> figures(double makespan, int steps, int places, int workers,
            FakeFalProcess.Stats stats) {
        if (stats.submissions() != steps || stats.downloads() != steps) {
            throw new IllegalStateException("the run submitted " + stats.submissions() + " and downloaded "
                    + stats.downloads() + " of " + steps + " jobs");
        }
        int waves = (steps + places - 1) / places;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workers", workers);
        m.put("places", places);
        m.put("makespan_s", round(makespan, 2));
        m.put("floor_s", waves);
        m.put("overhead_per_step_s", round(makespan / waves - 1.0, 3));
        m.put("extra_makespan_per_step_s", round((makespan - waves) / steps, 3));
        m.put("submissions", stats.submissions());
        return m;
    }

    /** {@code acp pipeline run} of the pipeline; its wall time in seconds. Fails unless it exits 0. */
    private static double run(Path acpJar, Path work, String name, Path pipeline, Map<String, String> env,
            List<String> extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", acpJar.toString(), "pipeline", "run", "-c",
                pipeline.toString(), "-o", work.resolve("out-" + name).toString(), "--no-cache", "-y", "--format",
                "json"));
        command.addAll(extra);
        Path log = work.resolve("run-" + name + ".log");
        long t0 = System.nanoTime();
        Process p = start(command, work.resolve("home-" + name), env, log);
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("acp pipeline run (" + name + ") did not finish within 600 s: " + tail(log));
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        if (p.exitValue() != 0) {
            throw new IOException("acp pipeline run (" + name + ") exited with " + p.exitValue() + ": " + tail(log));
        }
        System.err.printf("%s: %.2f s%n", name, wall);
        return wall;
    }

    private static Process start(List<String> command, Path home, Map<String, String> env, Path log)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().putAll(env);
        pb.environment().put("ACP_HOME", home.toString());
        return pb.start();
    }

    private static Map<String, String> falEnvironment(FakeFalProcess fal, int steps) {
        return Map.of("FAL_KEY", KEY, "ACP_FAL_BASE_URL", fal.baseUrl(), "ACP_FAL_STORAGE_BASE_URL", fal.baseUrl(),
                "ACP_FAL_MAX_JOBS", String.valueOf(steps), "ACP_FAL_MAX_CONCURRENCY", String.valueOf(steps),
                "ACP_FAL_RPS", "1000000");
    }

    /** Standalone steps (no dependency between them), so each is a node of its own. */
    static String pipeline(int steps) {
        StringBuilder sb = new StringBuilder("""
                pipeline_name: temporal_bench
                steps:
                """);
        for (int i = 0; i < steps; i++) {
            sb.append("  - { step_type: text_to_image, id: img").append(i).append(", provider: fal, depends_on: [],"
                    + " output_filename: img").append(i).append(".png, config: { model: flux-dev, prompt: \"picture ")
                    .append(i).append("\", image_size: square } }\n");
        }
        return sb.toString();
    }

    private static void awaitPort(int port, Process server, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException("the dev server stopped: " + tail(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IOException("the dev server did not listen within " + WAIT.toSeconds() + " s: " + tail(log));
    }

    private static void awaitLine(Path log, String text, Process p) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            if (!p.isAlive()) {
                throw new IOException("a worker stopped: " + tail(log));
            }
            Thread.sleep(200);
        }
        throw new IOException("a worker did not start within " + WAIT.toSeconds() + " s: " + tail(log));
    }

    private static String tail(Path log) throws IOException {
        String s = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        return s.substring(Math.max(0, s.length() - 2000));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
