package dev.acp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Issue 14's load test of {@code acp serve}: the server in a JVM of its own, started as a user
 * starts it ({@code java ... dev.acp.cli.Main serve --port 0 --max-runs R}, with the test kit's
 * scripted provider on the class path so that runs take as long as the window without paying
 * anybody), R runs of many sleeping steps, then C client virtual threads for the window over
 * loopback:
 *
 * <ul>
 *   <li>half hold the event stream of a run ({@code GET /api/runs/{id}/events}); now and then
 *       one drops its stream on purpose and reconnects with {@code Last-Event-ID}, as a browser
 *       does after a network blip. Every stream checks that the ids it receives are 1, 2, 3, ...
 *       across its reconnects: a gap is a lost event, a repeat a duplicate;
 *   <li>half poll {@code GET /api/runs/{id}} (and every tenth time {@code GET /api/runs}) with a
 *       pause between requests, timing each.
 * </ul>
 *
 * <p>Any answer other than 2xx, or an I/O error, is an error. Afterwards the server's heap
 * ({@code -Xlog:gc}: the most the heap held after a collection during the window, and
 * {@code jcmd GC.heap_info} after a full collection), its peak resident memory (VmHWM) and the
 * CPU it used in the window are read from outside, as an operator would.
 *
 * <p>Usage: {@code ServerLoadBenchmark --acp-jar acp.jar --testkit-jar testkit.jar [--runs 20]
 * [--clients 200] [--duration-s 60] [--step-ms 100] [--poll-ms 100] [--server-jvm-opts "-Xmx256m ..."]
 * [--work DIR] [--out FILE]}.
 */
public final class ServerLoadBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern SERVING = Pattern.compile("serving (http://\\S+?)/? ");
    private static final Pattern GC_AFTER = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private record Options(Path acpJar, Path testkitJar, int runs, int clients, int durationSeconds, int stepMs,
            int pollMs, List<String> serverJvmOptions, Path work, Path out) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        Options o = new Options(Path.of(required(a, "--acp-jar")), Path.of(required(a, "--testkit-jar")),
                Integer.parseInt(a.getOrDefault("--runs", "20")), Integer.parseInt(a.getOrDefault("--clients", "200")),
                Integer.parseInt(a.getOrDefault("--duration-s", "60")), Integer.parseInt(a.getOrDefault("--step-ms", "100")),
                Integer.parseInt(a.getOrDefault("--poll-ms", "100")),
                Arrays.stream(a.getOrDefault("--server-jvm-opts", "").split("\\s+")).filter(x -> !x.isEmpty()).toList(),
                Path.of(a.getOrDefault("--work", "bench/target/server-load")),
                Path.of(a.getOrDefault("--out", "bench/results/server-load.json")));
        Map<String, Object> result = run(o);
        Files.createDirectories(o.out().toAbsolutePath().getParent());
        Files.writeString(o.out(), JSON.writeValueAsString(result) + "\n");
        System.out.println(JSON.writeValueAsString(result));
        long errors = ((Number) result.get("errors")).longValue();
        long lost = ((Number) result.get("events_lost")).longValue() + ((Number) result.get("events_duplicated")).longValue();
        if (errors > 0 || lost > 0) {
            System.err.println("server load: " + errors + " errors, " + lost + " events lost or duplicated; see "
                    + o.out() + " and " + o.work().resolve("server.log"));
            System.exit(1);
        }
    }

    private static String required(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return v;
    }

    static Map<String, Object> run(Options o) throws Exception {
        delete(o.work());
        Path home = Files.createDirectories(o.work().resolve("home"));
        Path log = o.work().resolve("server.log");
        Path gcLog = o.work().resolve("server-gc.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:gc:file=" + gcLog));
        cmd.addAll(o.serverJvmOptions());
        cmd.addAll(List.of("-cp", o.acpJar() + java.io.File.pathSeparator + o.testkitJar(),
                "dev.acp.cli.Main", "serve", "--port", "0", "--max-runs", Integer.toString(o.runs()),
                "--output-root", o.work().resolve("served").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("ACP_HOME", home.toString());
        pb.environment().put("NO_COLOR", "1");
        Process server = pb.start();
        try {
            String base = awaitServing(server, log);
            String token = Files.readString(home.resolve("server-token")).strip();
            return load(o, server, base, token, gcLog);
        } finally {
            server.destroy(); // SIGTERM: the server stops as on Ctrl-C
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static String awaitServing(Process server, Path log) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < end) {
            String text = Files.readString(log);
            Matcher m = SERVING.matcher(text);
            if (m.find()) {
                return m.group(1);
            }
            if (!server.isAlive()) {
                throw new IOException("the server exited with " + server.exitValue() + ": " + text);
            }
            Thread.sleep(100);
        }
        throw new IOException("the server did not say it was serving within 120 s: " + Files.readString(log));
    }

    /** Many steps of {@code stepMs} each, one after the other: the run outlasts the window by half a minute. */
    static String pipeline(int index, int steps, int stepMs) {
        StringBuilder b = new StringBuilder("pipeline_name: load-" + index + "\noutput_directory: load-" + index
                + "\nsteps:\n");
        for (int s = 0; s < steps; s++) {
            b.append("  - { id: s").append(s).append(", step_type: text_to_image, provider: scripted, config: { prompt: p")
                    .append(s).append(", script_sleep_ms: ").append(stepMs).append(", script_output: none }")
                    .append(s == 0 ? "" : ", depends_on: [s" + (s - 1) + "]").append(" }\n");
        }
        return b.toString();
    }

    private static Map<String, Object> load(Options o, Process server, String base, String token, Path gcLog)
            throws Exception {
        HttpClient setup = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int steps = (o.durationSeconds() + 30) * 1000 / o.stepMs();
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < o.runs(); i++) {
            String body = JSON.writeValueAsString(Map.of("pipeline", pipeline(i, steps, o.stepMs())));
            HttpResponse<String> r = setup.send(HttpRequest.newBuilder(URI.create(base + "/api/runs"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IOException("POST /api/runs answered " + r.statusCode() + ": " + r.body());
            }
            runIds.add(JSON.readTree(r.body()).get("run_id").asText());
        }
        awaitRunning(setup, base, runIds);

        String loadBefore = loadAverage();
        long cpuBefore = cpuTicks(server.pid());
        long clientCpuBefore = cpuTicks(ProcessHandle.current().pid());
        long gcLinesBefore = Files.readAllLines(gcLog).size();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(o.durationSeconds());
        Counters c = new Counters();
        // A few clients, as a few browsers would have: each keeps its own pool of connections.
        List<HttpClient> http = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            http.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build());
        }
        List<Thread> threads = new ArrayList<>();
        List<Poller> pollers = new ArrayList<>();
        List<Watcher> watchers = new ArrayList<>();
        for (int i = 0; i < o.clients(); i++) {
            HttpClient h = http.get(i % http.size());
            String run = runIds.get(i / 2 % runIds.size());
            if (i % 2 == 0) {
                Watcher w = new Watcher(h, base, run, deadline, c, new SplittableRandom(i));
                watchers.add(w);
                threads.add(Thread.ofVirtual().name("sse-" + i).start(w));
            } else {
                Poller p = new Poller(h, base, run, deadline, o.pollMs(), c, new SplittableRandom(i));
                pollers.add(p);
                threads.add(Thread.ofVirtual().name("poll-" + i).start(p));
            }
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(o.durationSeconds() + 60L));
        }
        double wall = (System.nanoTime() - start) / 1e9;
        long stuck = threads.stream().filter(Thread::isAlive).count();
        long cpuAfter = cpuTicks(server.pid());
        long clientCpuAfter = cpuTicks(ProcessHandle.current().pid());
        Map<String, Long> status = procStatus(server.pid());
        String heapInfo = jcmd(server.pid(), "GC.heap_info");
        List<String> gcWindow = Files.readAllLines(gcLog).stream().skip(gcLinesBefore).toList();
        jcmd(server.pid(), "GC.run");
        String heapAfterFullGc = jcmd(server.pid(), "GC.heap_info");
        List<String> gcLines = Files.readAllLines(gcLog);

        long[] runLatency = merge(pollers.stream().map(p -> p.runLatencies).toList());
        // The same latencies by when they were asked, in slices of a sixth of the window: whether they grow as the runs do.
        long slice = TimeUnit.SECONDS.toNanos(Math.max(1, o.durationSeconds() / 6));
        List<Map<String, Object>> bySlice = new ArrayList<>();
        for (long from = start; from < deadline; from += slice) {
            long lo = from;
            long hi = Math.min(deadline, from + slice);
            long[] part = merge(pollers.stream().map(p -> p.runSamples.takenBetween(lo, hi)).toList());
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("from_s", round((lo - start) / 1e9, 0));
            one.put("requests", part.length);
            one.putAll(percentiles(part));
            bySlice.add(one);
        }
        long bytes = pollers.stream().mapToLong(p -> p.runBytes).sum();
        long[] listLatency = merge(pollers.stream().map(p -> p.listLatencies).toList());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runs", o.runs());
        m.put("steps_per_run", steps);
        m.put("step_ms", o.stepMs());
        m.put("clients", o.clients());
        m.put("sse_clients", watchers.size());
        m.put("polling_clients", pollers.size());
        m.put("poll_pause_ms", o.pollMs());
        m.put("duration_s", o.durationSeconds());
        m.put("wall_s", round(wall, 1));
        m.put("requests", c.requests.get());
        m.put("errors", c.errors.get());
        m.put("error_samples", c.errorSamples.keySet().stream().sorted().limit(10).toList());
        m.put("clients_still_running_after_window", stuck);
        m.put("events_received", c.events.get());
        m.put("events_lost", c.lost.get());
        m.put("events_duplicated", c.duplicated.get());
        m.put("events_dropped_notices", c.droppedNotices.get());
        m.put("sse_reconnects_on_purpose", c.reconnectsOnPurpose.get());
        m.put("sse_streams_ended_by_server", c.endedByServer.get());
        m.put("sse_events_per_s", round(c.events.get() / wall, 0));
        m.put("get_run_requests", runLatency.length);
        m.put("get_run_per_s", round(runLatency.length / wall, 0));
        m.put("get_run_ms", percentiles(runLatency));
        m.put("get_run_ms_by_time", bySlice);
        m.put("get_run_mean_kb", runLatency.length == 0 ? 0 : round(bytes / 1024.0 / runLatency.length, 1));
        m.put("get_runs_requests", listLatency.length);
        m.put("get_runs_ms", percentiles(listLatency));
        m.put("server_cpu_s", round((cpuAfter - cpuBefore) / 100.0, 1));
        m.put("server_cpu_cores_busy", round((cpuAfter - cpuBefore) / 100.0 / wall, 2));
        m.put("client_cpu_s", round((clientCpuAfter - clientCpuBefore) / 100.0, 1));
        m.put("server_jvm_options", o.serverJvmOptions());
        m.put("server_rss_peak_mb", round(status.getOrDefault("VmHWM", 0L) / 1024.0, 0));
        m.put("server_rss_mb", round(status.getOrDefault("VmRSS", 0L) / 1024.0, 0));
        m.put("server_threads", status.getOrDefault("Threads", 0L));
        m.put("server_heap_max_after_gc_in_window_mb", gcAfterMax(gcWindow, 2));
        m.put("server_heap_max_committed_in_window_mb", gcAfterMax(gcWindow, 3));
        m.put("server_gcs_in_window", gcWindow.stream().filter(l -> GC_AFTER.matcher(l).find()).count());
        m.put("server_heap_after_full_gc_mb", gcLines.isEmpty() ? null : lastAfter(gcLines));
        m.put("server_heap_info_end_of_window", heapInfo.lines().map(String::strip).toList());
        m.put("server_heap_info_after_full_gc", heapAfterFullGc.lines().map(String::strip).toList());
        m.put("jdk", System.getProperty("java.version"));
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("load_average_before", loadBefore);
        m.put("load_average_after", loadAverage());
        return m;
    }

    private static void awaitRunning(HttpClient h, String base, List<String> ids) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (String id : ids) {
            while (true) {
                HttpResponse<String> r = h.send(HttpRequest.newBuilder(URI.create(base + "/api/runs/" + id)).build(),
                        HttpResponse.BodyHandlers.ofString());
                String s = JSON.readTree(r.body()).path("status").asText();
                if (s.equals("running")) {
                    break;
                }
                if (!s.equals("queued") || System.nanoTime() > end) {
                    throw new IOException("run " + id + " is " + s + ", not running: " + r.body());
                }
                Thread.sleep(100);
            }
        }
    }

    /** What all clients counted. */
    private static final class Counters {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final Map<String, Boolean> errorSamples = new ConcurrentHashMap<>();
        final AtomicLong events = new AtomicLong();
        final AtomicLong lost = new AtomicLong();
        final AtomicLong duplicated = new AtomicLong();
        final AtomicLong droppedNotices = new AtomicLong();
        final AtomicLong reconnectsOnPurpose = new AtomicLong();
        final AtomicLong endedByServer = new AtomicLong();

        void error(String what) {
            errors.incrementAndGet();
            if (errorSamples.size() < 50) {
                errorSamples.put(what, true);
            }
        }
    }

    /**
     * Holds one run's event stream for the window, checking that ids go 1, 2, 3, ... across
     * reconnects; drops the stream itself after a random number of events and resumes it with
     * {@code Last-Event-ID}.
     */
    private static final class Watcher implements Runnable {
        private final HttpClient http;
        private final String url;
        private final long deadline;
        private final Counters c;
        private final SplittableRandom random;
        private long lastId; // 0: none yet, so the first must be 1

        Watcher(HttpClient http, String base, String run, long deadline, Counters c, SplittableRandom random) {
            this.http = http;
            this.url = base + "/api/runs/" + run + "/events";
            this.deadline = deadline;
            this.c = c;
            this.random = random;
        }

        @Override
        public void run() {
            boolean finished = false;
            while (!finished && System.nanoTime() < deadline) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
                if (lastId > 0) {
                    b.header("Last-Event-ID", Long.toString(lastId));
                }
                c.requests.incrementAndGet();
                try {
                    HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                    try (InputStream in = r.body()) {
                        if (r.statusCode() / 100 != 2) {
                            c.error("events " + r.statusCode());
                            in.readAllBytes();
                            pause(500);
                            continue;
                        }
                        finished = read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)),
                                100 + random.nextInt(1000));
                    }
                } catch (IOException e) {
                    c.error("events " + e.getClass().getSimpleName() + ": " + e.getMessage());
                    pause(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Reads events until the deadline, {@code dropAfter} events, or the end of the stream; true when the run ended. */
        private boolean read(BufferedReader in, int dropAfter) throws IOException {
            int seen = 0;
            String id = null;
            String event = null;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.isEmpty() && (id != null || event != null)) {
                    if (accept(id, event)) {
                        return true;
                    }
                    id = null;
                    event = null;
                    seen++;
                    if (System.nanoTime() >= deadline) {
                        return true;
                    }
                    if (seen >= dropAfter) {
                        c.reconnectsOnPurpose.incrementAndGet();
                        return false; // closing the stream drops the connection
                    }
                }
            }
            c.endedByServer.incrementAndGet();
            return false;
        }

        private boolean accept(String id, String event) {
            if ("events_dropped".equals(event)) {
                c.droppedNotices.incrementAndGet();
            }
            if (id == null) {
                return false;
            }
            c.events.incrementAndGet();
            long n;
            try {
                n = Long.parseLong(id);
            } catch (NumberFormatException e) {
                c.error("event id " + id + " (a journal replay of a live run)");
                return false;
            }
            if (n <= lastId) {
                c.duplicated.incrementAndGet();
            } else {
                c.lost.addAndGet(n - lastId - 1);
                lastId = n;
            }
            return "run_finished".equals(event);
        }
    }

    /** Polls one run (and every tenth time the list) with a pause between requests, timing each. */
    private static final class Poller implements Runnable {
        private final HttpClient http;
        private final String base;
        private final String run;
        private final long deadline;
        private final int pauseMs;
        private final Counters c;
        private final SplittableRandom random;
        private final Samples runSamples = new Samples();
        private final Samples listSamples = new Samples();
        long[] runLatencies = new long[0];
        long[] listLatencies = new long[0];
        long runBytes;

        Poller(HttpClient http, String base, String run, long deadline, int pauseMs, Counters c,
                SplittableRandom random) {
            this.http = http;
            this.base = base;
            this.run = run;
            this.deadline = deadline;
            this.pauseMs = pauseMs;
            this.c = c;
            this.random = random;
        }

        @Override
        public void run() {
            // Spread the first requests over one pause, so that 100 pollers do not move in step.
            pause(random.nextInt(Math.max(1, pauseMs)));
            for (int i = 0; System.nanoTime() < deadline; i++) {
                boolean list = i % 10 == 9;
                String url = list ? base + "/api/runs?limit=50" : base + "/api/runs/" + run;
                c.requests.incrementAndGet();
                long t0 = System.nanoTime();
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                    long took = System.nanoTime() - t0;
                    if (r.statusCode() / 100 != 2) {
                        c.error((list ? "GET /api/runs " : "GET /api/runs/{id} ") + r.statusCode());
                    } else if (!r.body().contains(run)) {
                        c.error((list ? "GET /api/runs" : "GET /api/runs/{id}") + " without the run's id");
                    } else {
                        (list ? listSamples : runSamples).add(t0, took);
                        if (!list) {
                            runBytes += r.body().length();
                        }
                    }
                } catch (IOException e) {
                    c.error("GET " + e.getClass().getSimpleName() + ": " + e.getMessage());
                } catch (InterruptedException e) {
                    break;
                }
                pause(pauseMs);
            }
            runLatencies = runSamples.toArray();
            listLatencies = listSamples.toArray();
        }
    }

    /** A growable array of nanosecond samples, each with when it was taken. */
    private static final class Samples {
        private long[] values = new long[1024];
        private long[] at = new long[1024];
        private int size;

        void add(long when, long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
                at = Arrays.copyOf(at, size * 2);
            }
            at[size] = when;
            values[size++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }

        long[] takenBetween(long from, long to) {
            return java.util.stream.IntStream.range(0, size).filter(i -> at[i] >= from && at[i] < to)
                    .mapToLong(i -> values[i]).toArray();
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long[] merge(List<long[]> parts) {
        long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        return all;
    }

    private static Map<String, Object> percentiles(long[] sorted) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (sorted.length == 0) {
            return m;
        }
        m.put("p50", ms(sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.50) - 1)]));
        m.put("p90", ms(sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.90) - 1)]));
        m.put("p99", ms(sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]));
        m.put("p999", ms(sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.999) - 1)]));
        m.put("max", ms(sorted[sorted.length - 1]));
        return m;
    }

    private static double ms(long nanos) {
        return round(nanos / 1e6, 2);
    }

    /** The largest of one field ({@code 2}: heap after the collection, {@code 3}: committed) over the GC log's lines. */
    private static Long gcAfterMax(List<String> lines, int group) {
        return lines.stream().map(GC_AFTER::matcher).filter(Matcher::find).map(m -> Long.parseLong(m.group(group)))
                .max(Comparator.naturalOrder()).orElse(null);
    }

    private static Long lastAfter(List<String> lines) {
        Long last = null;
        for (String l : lines) {
            Matcher m = GC_AFTER.matcher(l);
            if (m.find()) {
                last = Long.parseLong(m.group(2));
            }
        }
        return last;
    }

    /** User plus system CPU of a process, in clock ticks (100 a second on Linux). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
    }

    /** VmHWM, VmRSS (kB) and Threads from /proc/PID/status. */
    private static Map<String, Long> procStatus(long pid) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            String[] kv = line.split(":\\s+", 2);
            if (kv.length == 2 && (kv[0].equals("VmHWM") || kv[0].equals("VmRSS") || kv[0].equals("Threads"))) {
                m.put(kv[0], Long.parseLong(kv[1].replace(" kB", "").strip()));
            }
        }
        return m;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException e) {
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
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    private ServerLoadBenchmark() {}
}
