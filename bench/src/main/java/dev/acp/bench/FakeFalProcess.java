package dev.acp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.testkit.fal.FakeFalServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link FakeFalServer} in a JVM of its own, so that the benchmark's heap, threads and CPU time
 * are the client's alone, and the server's garbage collections do not pause the client.
 *
 * <p>As a program ({@link #main}): starts the server, prints {@code url <base url>} and then
 * answers commands read line by line from standard input, one line each: {@code reset} gives
 * {@code ok}, {@code stats} gives one line of JSON (submissions, polls, result fetches, downloads,
 * bytes served, the process's CPU seconds); end of input stops it.
 *
 * <p>As a handle ({@link #start}): runs that program with the benchmark's own Java and class
 * path.
 */
final class FakeFalProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the server counted since the last reset, and its CPU time since it started. */
    record Stats(long submissions, long polls, long resultFetches, long downloads, long bytesServed, double cpuSeconds) {
        Map<String, Object> figures(int jobs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("submissions", submissions);
            m.put("polls_per_job", Math.round(100.0 * polls / jobs) / 100.0);
            m.put("result_fetches", resultFetches);
            m.put("downloads", downloads);
            m.put("bytes_served", bytesServed);
            return m;
        }
    }

    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final String baseUrl;

    private FakeFalProcess(Process process) throws IOException {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        String first = out.readLine();
        if (first == null || !first.startsWith("url ")) {
            process.destroyForcibly();
            throw new IOException("the fake fal server did not start (it said: " + first + ")");
        }
        this.baseUrl = first.substring(4).trim();
    }

    /** Starts the server in a new JVM with {@code heap} (as for {@code -Xmx}) and waits until it listens. */
    static FakeFalProcess start(String apiKey, Duration latency, int imageBytes, int clients, String heap)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap,
                // The JDK's HTTP server closes a connection that goes idle while 200 others are (its
                // default), racing clients that reuse it at once: a fal-sized server keeps thousands open.
                "-Dsun.net.httpserver.maxIdleConnections=" + Math.max(200, clients * 2),
                "-cp", System.getProperty("java.class.path"), FakeFalProcess.class.getName(),
                "--key", apiKey, "--latency-ms", String.valueOf(latency.toMillis()),
                "--image-bytes", String.valueOf(imageBytes)));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new FakeFalProcess(p);
    }

    String baseUrl() {
        return baseUrl;
    }

    void reset() throws IOException {
        if (!"ok".equals(ask("reset"))) {
            throw new IOException("the fake fal server did not reset");
        }
    }

    Stats stats() throws IOException {
        JsonNode n = JSON.readTree(ask("stats"));
        return new Stats(n.get("submissions").asLong(), n.get("polls").asLong(), n.get("result_fetches").asLong(),
                n.get("downloads").asLong(), n.get("bytes_served").asLong(), n.get("cpu_s").asDouble());
    }

    private String ask(String command) throws IOException {
        in.println(command);
        String answer = out.readLine();
        if (answer == null) {
            throw new IOException("the fake fal server stopped");
        }
        return answer;
    }

    @Override
    public void close() throws InterruptedException {
        in.close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    // ---------------------------------------------------------------- the server's side

    public static void main(String[] args) throws IOException {
        String key = null;
        int latencyMs = 1000;
        int imageBytes = FakeFalServer.DEFAULT_IMAGE_BYTES;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--key" -> key = args[++i];
                case "--latency-ms" -> latencyMs = Integer.parseInt(args[++i]);
                case "--image-bytes" -> imageBytes = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintWriter answers = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        try (FakeFalServer server = FakeFalServer.start(FakeFalServer.Settings.defaults().withApiKey(key)
                .withLatency(Duration.ofMillis(latencyMs)).withImageBytes(imageBytes))) {
            answers.println("url " + server.baseUrl());
            for (String line; (line = commands.readLine()) != null; ) {
                switch (line.trim()) {
                    case "reset" -> {
                        server.reset();
                        answers.println("ok");
                    }
                    case "stats" -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("submissions", server.submissionCount());
                        m.put("polls", server.polls());
                        m.put("result_fetches", server.resultFetches());
                        m.put("downloads", server.downloads());
                        m.put("bytes_served", server.bytesServed());
                        m.put("cpu_s", cpuSeconds());
                        answers.println(JSON.writeValueAsString(m));
                    }
                    default -> answers.println("unknown command " + line);
                }
            }
        }
    }

    private static double cpuSeconds() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() / 1e9 : -1;
    }
}
