package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.util.Hashing;
import dev.acp.testkit.jobs.FakeJobProviderFactory;
import dev.acp.testkit.jobs.FakeJobServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability promise, checked the hard way: a 20-step pipeline against a fake asynchronous
 * provider served over HTTP is killed with SIGKILL at random moments and resumed until it
 * finishes. After every iteration: each step's job was submitted exactly once according to the
 * provider's own records, the outputs are byte-identical to an uninterrupted run, no partial file
 * is left, and the run's ledger equals what the provider billed. Iterations:
 * {@code -Dacp.crash.iterations} (20 by default; more with {@code -Pcrash-long}).
 */
class CrashResumeIT {
    private static final int ITERATIONS = Integer.getInteger("acp.crash.iterations", 20);
    private static final long SEED = Long.getLong("acp.crash.seed", 20261122L);

    @TempDir
    static Path root;

    private static FakeJobServer server;

    @BeforeAll
    static void start() throws IOException {
        server = FakeJobServer.start(FakeJobServer.Settings.defaults().withJobDuration(Duration.ofMillis(120)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * 20 steps: five images, five edits of them, five speeches and five prompts, in parallel
     * groups. The third step of each group has its first status poll fail (503), so that kills
     * also land while the engine rides out a failing provider.
     */
    static String pipeline() {
        StringBuilder sb = new StringBuilder("""
                pipeline_name: crash
                output_directory: out
                global_config: { parallel_enabled: true }
                steps:
                """);
        String[][] groups = {{"img", "text_to_image", "prompt: \"picture %d\""},
            {"edit", "image_to_image", "image: \"{{steps.img%d.output}}\", prompt: \"sharper\""},
            {"voice", "text_to_speech", "text: \"line %d\""}, {"idea", "prompt_generation", "prompt: \"idea %d\""}};
        for (String[] g : groups) {
            sb.append("  - step_type: parallel_group\n    id: ").append(g[0]).append("s\n    steps:\n");
            for (int i = 1; i <= 5; i++) {
                sb.append("      - { step_type: ").append(g[1]).append(", id: ").append(g[0]).append(i)
                        .append(", provider: fakejobs, config: { ").append(g[2].formatted(i))
                        .append(i == 3 ? ", fake_poll_503: 1" : "").append(" } }\n");
            }
        }
        return sb.toString();
    }

    private JarRunner runner(Path work) {
        Path testkit;
        try {
            testkit = Path.of(FakeJobProviderFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return new JarRunner(work).withClasspath(List.of(testkit.toString()));
    }

    /** The log of the last process started, for failure messages. */
    private Path lastLog;

    private ProcessBuilder process(Path work, String... args) {
        ProcessBuilder pb = runner(work).builder(args);
        pb.environment().put("ACP_FAKEJOBS_BASE_URL", server.baseUrl());
        pb.environment().put("FAKEJOBS_API_KEY", server.apiKey());
        lastLog = work.resolve("log-" + System.nanoTime() + ".txt");
        pb.redirectErrorStream(true).redirectOutput(lastLog.toFile());
        return pb;
    }

    private int runToEnd(Path work, String... args) throws Exception {
        Process p = process(work, args).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("acp did not finish: " + List.of(args));
        }
        return p.exitValue();
    }

    private String lastLog() {
        try {
            return Files.readString(lastLog);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static Map<String, String> outputs(Path out) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = out.relativize(f).toString();
                if (!name.equals("run.json")) {
                    m.put(name, Hashing.sha256(f));
                }
            }
        }
        return m;
    }

    /** What the run's journal says it spent, each job counted once. */
    private static BigDecimal ledger(Path work) throws IOException {
        Path runs = work.resolve(".acp-home/runs");
        BigDecimal total = BigDecimal.ZERO;
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path d : dirs.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                total = total.add(dev.acp.run.RunHistory.of(
                        dev.acp.run.JournalReader.read(d.resolve("journal.jsonl")).records()).spent());
            }
        }
        return total;
    }

    private static List<Path> partialFiles(Path out) throws IOException {
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(p -> p.getFileName().toString().contains(".partial")).toList();
        }
    }

    private static void wipe(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
    }

    @Test
    void killed_at_random_points_and_resumed_every_job_is_submitted_and_billed_exactly_once() throws Exception {
        Path work = root.resolve("work");
        wipe(work);
        Files.writeString(work.resolve("crash.yaml"), pipeline());
        server.reset();

        long t0 = System.nanoTime();
        assertThat(runToEnd(work, "pipeline", "run", "-c", "crash.yaml", "--yes")).isZero();
        long uninterruptedMillis = (System.nanoTime() - t0) / 1_000_000;
        Map<String, String> reference = outputs(work.resolve("out"));
        assertThat(reference).hasSize(20);
        assertThat(server.submissionsByStep()).hasSize(20).allSatisfy((step, n) -> assertThat(n).isEqualTo(1));

        // The same pipeline again: everything comes from the cache; nothing is submitted or paid.
        long t1 = System.nanoTime();
        assertThat(runToEnd(work, "pipeline", "run", "-c", "crash.yaml", "--yes")).isZero();
        long cachedRerunMillis = (System.nanoTime() - t1) / 1_000_000;
        assertThat(server.submissions()).hasSize(20);
        JsonNode rerun = new ObjectMapper().readTree(work.resolve("out/run.json").toFile());
        assertThat(rerun.get("total_cost").asDouble()).isZero();
        assertThat(rerun.get("cache_hits").asInt()).isEqualTo(20);

        Random random = new Random(SEED);
        int duplicates = 0;
        int submittedTwice = 0;
        int lostOutputs = 0;
        int resumes = 0;
        int killsBeforeAnyJob = 0;
        int killsAfterAllJobs = 0;
        int secondKills = 0;
        List<Integer> jobsAtKill = new ArrayList<>();
        for (int i = 0; i < ITERATIONS; i++) {
            server.reset();
            wipe(work.resolve("out"));
            wipe(work.resolve(".acp-home"));
            Process p = process(work, "pipeline", "run", "-c", "crash.yaml", "--yes").start();
            // Most kills land while the pipeline runs; some while the JVM is still starting.
            int startup = (int) Math.min(600, uninterruptedMillis / 3);
            Thread.sleep(random.nextInt(5) == 0 ? random.nextInt(startup)
                    : startup + random.nextInt((int) Math.max(50, uninterruptedMillis * 11 / 10 - startup)));
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up
            p.waitFor();
            int submittedAtKill = server.submissions().size();
            jobsAtKill.add(submittedAtKill);
            if (submittedAtKill == 0) {
                killsBeforeAnyJob++;
            } else if (submittedAtKill == 20) {
                killsAfterAllJobs++;
            }
            int exit = -1;
            if (i % 4 == 3) {
                // Every fourth iteration is killed again while resuming.
                Process resume = process(work, "pipeline", "run", "--resume", "latest").start();
                Thread.sleep(random.nextInt((int) Math.max(50, uninterruptedMillis)));
                resume.destroyForcibly();
                resume.waitFor();
                secondKills++;
            }
            for (int attempt = 0; attempt < 5 && exit != 0; attempt++) {
                exit = runToEnd(work, "pipeline", "run", "--resume", "latest");
                resumes++;
                if (exit == 2 && lastLog().contains("there are no runs")) {
                    // Killed before the run existed: nothing was submitted, so it starts anew.
                    exit = runToEnd(work, "pipeline", "run", "-c", "crash.yaml", "--yes");
                }
            }
            assertThat(exit).as("iteration %d finishes; last log:%n%s", i, lastLog()).isZero();
            // Counted before they are asserted, so that the figures are measured, not assumed.
            submittedTwice += server.submissionsByStep().values().stream().mapToInt(n -> Math.max(0, n - 1)).sum();
            Map<String, String> now = outputs(work.resolve("out"));
            lostOutputs += (int) reference.entrySet().stream().filter(e -> !e.getValue().equals(now.get(e.getKey())))
                    .count();
            assertThat(server.submissionsByStep()).as("iteration %d: jobs per step", i).hasSize(20)
                    .allSatisfy((step, n) -> assertThat(n).as("jobs of %s", step).isEqualTo(1));
            assertThat(outputs(work.resolve("out"))).as("iteration %d: outputs", i).isEqualTo(reference);
            assertThat(ledger(work)).as("iteration %d: ledger", i).isEqualByComparingTo(server.billedTotal());
            assertThat(partialFiles(work.resolve("out"))).as("iteration %d: partial files", i).isEmpty();
            duplicates += server.duplicateSubmissions().size();
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("iterations", ITERATIONS);
        figures.put("seed", SEED);
        figures.put("steps", 20);
        figures.put("uninterrupted_run_ms", uninterruptedMillis);
        figures.put("cached_rerun_ms_including_jvm_start", cachedRerunMillis);
        figures.put("kills_during_resume", secondKills);
        figures.put("resume_processes", resumes);
        figures.put("jobs_submitted_twice", submittedTwice);
        figures.put("lost_outputs", lostOutputs);
        figures.put("deduplicated_resubmissions", duplicates);
        figures.put("kills_before_any_job", killsBeforeAnyJob);
        figures.put("kills_after_all_jobs_were_submitted", killsAfterAllJobs);
        figures.put("jobs_submitted_at_kill", jobsAtKill);
        Path results = Path.of(System.getProperty("acp.repo", "..")).resolve("acp-cli/target/crash-results.json");
        Files.createDirectories(results.getParent());
        Files.writeString(results, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(figures));
    }

    @Test
    void a_second_process_cannot_resume_a_run_that_is_in_use() throws Exception {
        Path work = root.resolve("lock");
        wipe(work);
        Files.writeString(work.resolve("slow.yaml"), """
                pipeline_name: slow
                output_directory: out
                steps:
                  - { step_type: text_to_image, id: slow, provider: fakejobs,
                      config: { prompt: slow, fake_duration_ms: 8000 } }
                """);
        server.reset();
        Process first = process(work, "pipeline", "run", "-c", "slow.yaml", "--yes").start();
        try {
            Path runs = work.resolve(".acp-home/runs");
            for (int i = 0; i < 200 && server.submissions().stream().noneMatch(s -> s.stepId().equals("slow")); i++) {
                Thread.sleep(50);
            }
            JarRunner.Result second = new JarRunner(work).run("pipeline", "run", "--resume", "latest");
            assertThat(second.exitCode()).isEqualTo(2);
            assertThat(second.err()).contains("is in use by another acp process (pid " + first.pid() + ")");
            assertThat(Files.list(runs).count()).isEqualTo(1);
        } finally {
            first.destroyForcibly();
            first.waitFor();
        }
    }
}
