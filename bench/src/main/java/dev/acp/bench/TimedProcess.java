package dev.acp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program run under GNU time ({@code /usr/bin/time}), which reports what the whole process
 * cost as the kernel counted it: wall time from start to exit (interpreter or JVM start
 * included), user and system CPU, and peak resident memory. The same measure for every program
 * the benchmark sets side by side, whatever language it is in.
 *
 * @param wallSeconds start to exit
 * @param cpuSeconds user plus system CPU of the process and its children
 * @param maxRssMb peak resident set size
 * @param stdout what the program printed
 */
record TimedProcess(double wallSeconds, double cpuSeconds, double maxRssMb, String stdout) {
    static final String TIME = "/usr/bin/time";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether GNU time is there to measure with. */
    static boolean available() {
        return Files.isExecutable(Path.of(TIME));
    }

    /** Runs {@code command} with {@code environment} added to this one's, in {@code dir}; fails unless it exits 0. */
    static TimedProcess run(List<String> command, Map<String, String> environment, Path dir, long timeoutSeconds)
            throws IOException, InterruptedException {
        Path figures = Files.createTempFile(dir, "time-", ".json");
        Path out = Files.createTempFile(dir, "stdout-", ".txt");
        Path err = Files.createTempFile(dir, "stderr-", ".txt");
        List<String> timed = new ArrayList<>(List.of(TIME, "-o", figures.toString(), "-f",
                "{\"wall_s\":%e,\"user_s\":%U,\"sys_s\":%S,\"max_rss_kb\":%M,\"exit\":%x}"));
        timed.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(timed).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().putAll(environment);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException(command.getFirst() + " did not finish within " + timeoutSeconds + " s");
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            String tail = Files.readString(err, StandardCharsets.UTF_8);
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": "
                    + tail.substring(Math.max(0, tail.length() - 2000)) + stdout.substring(Math.max(0,
                    stdout.length() - 500)));
        }
        // GNU time writes "Command exited with non-zero status" first when it did; here it did not.
        JsonNode n = JSON.readTree(Files.readString(figures, StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("{")).findFirst().orElseThrow(() -> new IOException("no figures from time")));
        Files.deleteIfExists(figures);
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return new TimedProcess(n.get("wall_s").asDouble(), round(n.get("user_s").asDouble() + n.get("sys_s").asDouble()),
                round(n.get("max_rss_kb").asDouble() / 1024.0), stdout);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
