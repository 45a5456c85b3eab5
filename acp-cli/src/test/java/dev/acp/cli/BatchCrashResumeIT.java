package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.testkit.jobs.FakeJobProviderFactory;
import dev.acp.testkit.jobs.FakeJobServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
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
 * A batch of 12 rows of paid jobs (a fake asynchronous provider over HTTP, 4 rows in flight) is
 * killed with SIGKILL at random moments and resumed until it finishes; then once more stopped with
 * SIGTERM. After every iteration: each row's jobs were created and charged exactly once according
 * to the provider's own records (a resume re-attached what was in flight; a submission whose answer
 * the kill lost went again with its idempotency key and got the same job), every row's outputs are in
 * place, and what the rows' journals settled equals what the provider billed. Iterations:
 * {@code -Dacp.batchcrash.iterations} (4 by default; more with {@code -Pcrash-long}).
 */
class BatchCrashResumeIT {
    private static final int ITERATIONS = Integer.getInteger("acp.batchcrash.iterations", 4);
    private static final long SEED = Long.getLong("acp.batchcrash.seed", 20261207L);
    private static final int ROWS = 12;

    @TempDir
    static Path root;

    private static FakeJobServer server;

    @BeforeAll
    static void start() {
        server = FakeJobServer.start(FakeJobServer.Settings.defaults().withJobDuration(Duration.ofMillis(300)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static final String PIPELINE = """
            pipeline_name: batch_crash
            output_directory: out
            global_config: { parallel_enabled: true }
            inputs:
              topic: { type: string }
            steps:
              - { id: picture, step_type: text_to_image, provider: fakejobs, config: { prompt: "a picture of {{inputs.topic}}" } }
              - { id: voice, step_type: text_to_speech, provider: fakejobs, depends_on: [],
                  config: { text: "a line about {{inputs.topic}}" } }
              - { id: edit, step_type: image_to_image, provider: fakejobs,
                  config: { image: "{{steps.picture.output}}", prompt: "sharper" } }
            """;

    private Path lastLog;

    private ProcessBuilder process(Path work, String... args) {
        Path testkit;
        try {
            testkit = Path.of(FakeJobProviderFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        ProcessBuilder pb = new JarRunner(work).withClasspath(List.of(testkit.toString())).builder(args);
        pb.environment().put("ACP_FAKEJOBS_BASE_URL", server.baseUrl());
        pb.environment().put("FAKEJOBS_API_KEY", server.apiKey());
        lastLog = work.resolve("log-" + System.nanoTime() + ".txt");
        pb.redirectErrorStream(true).redirectOutput(lastLog.toFile());
        return pb;
    }

    private int runToEnd(Path work, String... args) throws Exception {
        Process p = process(work, args).start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
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

    /** Jobs created per step of each row (the row is in the parameters), from the provider's records. */
    private static Map<String, Integer> jobsPerRowStep() {
        Map<String, Integer> m = new TreeMap<>();
        server.submissions().forEach(s -> m.merge(s.stepId() + " " + s.parameters(), 1, Integer::sum));
        return m;
    }

    private static BigDecimal ledger(Path work) throws IOException {
        BigDecimal total = BigDecimal.ZERO;
        try (Stream<Path> batches = Files.list(work.resolve(".acp-home/batches"))) {
            for (Path b : batches.toList()) {
                try (Stream<Path> runs = Files.list(b.resolve("runs"))) {
                    for (Path run : runs.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                        Path journal = run.resolve("journal.jsonl");
                        if (Files.exists(journal)) {
                            total = total.add(dev.acp.run.RunHistory.of(dev.acp.run.JournalReader.read(journal)
                                    .records()).spent());
                        }
                    }
                }
            }
        }
        return total;
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

    private static Path prepare(String name) throws IOException {
        Path work = root.resolve(name);
        wipe(work);
        Files.writeString(work.resolve("p.yaml"), PIPELINE);
        StringBuilder csv = new StringBuilder("id,topic\n");
        for (int i = 1; i <= ROWS; i++) {
            csv.append("row").append(i).append(",topic number ").append(i).append('\n');
        }
        Files.writeString(work.resolve("rows.csv"), csv.toString());
        return work;
    }

    private void assertComplete(Path work, String what) throws IOException {
        assertThat(jobsPerRowStep()).as(what + ": jobs per row and step").hasSize(ROWS * 3)
                .allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
        assertThat(server.charges()).as(what + ": charges (one per job)").hasSize(ROWS * 3);
        for (int i = 1; i <= ROWS; i++) {
            Path row = work.resolve("out/row" + i);
            assertThat(row.resolve("picture.png")).as(what).isNotEmptyFile();
            assertThat(row.resolve("edit.png")).as(what).isNotEmptyFile();
        }
        assertThat(ledger(work)).as(what + ": ledger").isEqualByComparingTo(server.billedTotal());
        JsonNode json = new ObjectMapper().readTree(work.resolve("out/batch.json").toFile());
        assertThat(json.get("succeeded").asInt()).as(what).isEqualTo(ROWS);
    }

    @Test
    void killed_mid_batch_and_resumed_no_job_is_submitted_twice() throws Exception {
        Path work = prepare("crash");
        server.reset();
        long t0 = System.nanoTime();
        assertThat(runToEnd(work, "batch", "run", "-c", "p.yaml", "-i", "rows.csv", "--yes", "--concurrency", "4"))
                .as(lastLog()).isZero();
        long uninterruptedMillis = (System.nanoTime() - t0) / 1_000_000;
        assertComplete(work, "uninterrupted");

        Random random = new Random(SEED);
        int killedWithJobsInFlight = 0;
        int deduplicated = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            work = prepare("crash-" + i);
            server.reset();
            Process p = process(work, "batch", "run", "-c", "p.yaml", "-i", "rows.csv", "--yes", "--concurrency", "4")
                    .start();
            // Killed once a random number of jobs is submitted (or after a random time, for the
            // kills before the first submission): waiting on the provider's records rather than a
            // clock makes the kill land mid-batch however slow the machine is.
            int target = random.nextInt(ROWS * 3);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(uninterruptedMillis * 4 + 2_000);
            while (p.isAlive() && server.submissions().size() < Math.max(1, target) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (target == 0) {
                Thread.sleep(random.nextInt(300));
            }
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up
            p.waitFor();
            int atKill = server.submissions().size();
            killedWithJobsInFlight += atKill > 0 && atKill < ROWS * 3 ? 1 : 0;
            int exit = -1;
            for (int attempt = 0; attempt < 5 && exit != 0; attempt++) {
                exit = runToEnd(work, "batch", "run", "--resume", "latest");
                if (exit == 2 && lastLog().contains("there are no batches")) {
                    // Killed before the batch existed: nothing was submitted, so it starts anew.
                    exit = runToEnd(work, "batch", "run", "-c", "p.yaml", "-i", "rows.csv", "--yes");
                }
            }
            assertThat(exit).as("iteration %d; last log:%n%s", i, lastLog()).isZero();
            assertComplete(work, "iteration " + i + " (killed after " + atKill + " jobs)");
            // A submission whose answer the kill lost is sent again with the same idempotency key;
            // the provider answers it with the job it made, so it is neither a second job nor paid twice.
            deduplicated += server.duplicateSubmissions().size();
        }
        System.out.printf("BatchCrashResumeIT: %d kills, %d with jobs in flight, %d lost answers re-sent and"
                + " deduplicated by the provider, seed %d%n", ITERATIONS, killedWithJobsInFlight, deduplicated, SEED);
        assertThat(killedWithJobsInFlight).as("kills that landed while jobs were in flight").isPositive();
    }

    @Test
    void sigterm_stops_the_batch_cleanly_and_says_how_to_resume() throws Exception {
        Path work = prepare("term");
        server.reset();
        Process p = process(work, "batch", "run", "-c", "p.yaml", "-i", "rows.csv", "--yes", "--concurrency", "2")
                .start();
        for (int i = 0; i < 400 && server.submissions().size() < 2; i++) {
            Thread.sleep(25);
        }
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(lastLog()).isEqualTo(143);
        assertThat(lastLog()).contains("acp batch run --resume b").doesNotContain("Exception");
        assertThat(runToEnd(work, "batch", "run", "--resume", "latest")).as(lastLog()).isZero();
        assertComplete(work, "after SIGTERM");
    }
}
