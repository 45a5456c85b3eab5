package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.util.Hashing;
import dev.acp.testkit.fal.FakeFalServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The money promise for {@code provider: fal}, end to end: the shaded {@code acp} jar runs three
 * flux-dev images in a parallel group against {@link FakeFalServer}; the process is killed with
 * SIGKILL while fal holds the jobs, and {@code pipeline run --resume latest} collects them. fal has
 * no idempotency key, so a second submission would be a second payment: the server must have seen
 * exactly three, and the files must be the server's bytes.
 */
class FalResumeIT {
    /** Distinctive, so that a leak into a file or a log would be found by a search. */
    private static final String KEY = "canary-fal-7f3c1e0b9d2a:resume-it-secret-5e8d";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path root;

    private static FakeFalServer server;
    private Path work;

    @BeforeAll
    static void start() {
        server = FakeFalServer.start(FakeFalServer.Settings.defaults().withApiKey(KEY)
                .withLatency(Duration.ofMillis(300)).withImageBytes(256 * 1024));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void fresh(org.junit.jupiter.api.TestInfo test) throws IOException {
        server.reset();
        work = root.resolve(test.getTestMethod().orElseThrow().getName());
        Files.createDirectories(work);
        Files.writeString(work.resolve("fal.yaml"), """
                pipeline_name: fal_resume
                output_directory: out
                global_config: { parallel_enabled: true }
                steps:
                  - step_type: parallel_group
                    id: pictures
                    steps:
                      - { step_type: text_to_image, id: img1, provider: fal, output_filename: img1.png,
                          config: { model: flux-dev, prompt: "a lighthouse at dawn", image_size: square } }
                      - { step_type: text_to_image, id: img2, provider: fal, output_filename: img2.png,
                          config: { model: flux-dev, prompt: "a lighthouse at noon", image_size: square } }
                      - { step_type: text_to_image, id: img3, provider: fal, output_filename: img3.png,
                          config: { model: flux-dev, prompt: "a lighthouse at night", image_size: square } }
                """);
    }

    private Path lastLog;

    private Process start(String... args) throws IOException {
        ProcessBuilder pb = new JarRunner(work).builder(args);
        SecretsCanaryIT.clearCredentials(pb.environment());
        pb.environment().put("FAL_KEY", KEY);
        pb.environment().put("ACP_FAL_BASE_URL", server.baseUrl());
        pb.environment().put("ACP_FAL_STORAGE_BASE_URL", server.baseUrl());
        lastLog = work.resolve("log-" + System.nanoTime() + ".txt");
        pb.redirectErrorStream(true).redirectOutput(lastLog.toFile());
        return pb.start();
    }

    private int runToEnd(String... args) throws Exception {
        Process p = start(args);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("acp did not finish: " + List.of(args));
        }
        return p.exitValue();
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up
        p.waitFor();
    }

    private String log() throws IOException {
        return Files.readString(lastLog);
    }

    /**
     * Waits until all three jobs were submitted and each polled at least {@code polls} times: the
     * engine journals a handle before it polls, so from then on the job is the resume's to collect.
     */
    private void awaitPolling(int polls) throws InterruptedException {
        assertThat(server.awaitSubmissions(3, WAIT)).as("three submissions").isTrue();
        assertThat(server.awaitPollsOfEach(polls, WAIT)).as("each job polled %d times", polls).isTrue();
    }

    private int maxPolls() {
        return server.submissions().stream().mapToInt(s -> server.polls(s.requestId())).max().orElse(0);
    }

    @Test
    void killed_while_fal_holds_the_jobs_the_resume_collects_them_without_submitting_again() throws Exception {
        server.hold();
        Process run = start("pipeline", "run", "-c", "fal.yaml");
        awaitPolling(1);
        kill(run);
        assertThat(server.submissionCount()).isEqualTo(3);
        assertThat(server.downloads()).isZero();

        server.release();
        assertThat(runToEnd("pipeline", "run", "--resume", "latest")).as("resume; log:%n%s", log()).isZero();

        assertExactlyThreePaidJobsAndTheirFiles();
    }

    @Test
    void killed_again_while_the_resume_polls_a_second_resume_still_submits_nothing() throws Exception {
        server.hold();
        Process run = start("pipeline", "run", "-c", "fal.yaml");
        awaitPolling(1);
        kill(run);

        Process resume = start("pipeline", "run", "--resume", "latest");
        // The resume re-attached to the journaled handles: every job is polled again.
        awaitPolling(maxPolls() + 1);
        kill(resume);
        assertThat(server.submissionCount()).isEqualTo(3);

        server.release();
        assertThat(runToEnd("pipeline", "run", "--resume", "latest")).as("second resume; log:%n%s", log()).isZero();

        assertExactlyThreePaidJobsAndTheirFiles();
    }

    private void assertExactlyThreePaidJobsAndTheirFiles() throws IOException {
        assertThat(server.submissionCount()).as("submissions seen by fal").isEqualTo(3);
        assertThat(server.submissionsByContent().values()).containsExactly(1, 1, 1);
        Path out = work.resolve("out");
        Map<String, String> expected = new TreeMap<>();
        for (FakeFalServer.Submission s : server.submissions()) {
            String step = switch (s.prompt()) {
                case "a lighthouse at dawn" -> "img1.png";
                case "a lighthouse at noon" -> "img2.png";
                case "a lighthouse at night" -> "img3.png";
                default -> throw new AssertionError("unexpected prompt " + s.prompt());
            };
            expected.put(step, server.fileSha256(s.requestId()));
        }
        Map<String, String> actual = new TreeMap<>();
        for (String name : expected.keySet()) {
            actual.put(name, Hashing.sha256(out.resolve(name)));
        }
        assertThat(actual).as("outputs are the server's bytes").isEqualTo(expected);
        // Nothing half-written or temporary is left, in the output folder or in the state folder's runs.
        try (Stream<Path> files = Files.walk(out)) {
            TreeSet<String> names = files.filter(Files::isRegularFile).map(p -> out.relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat((Iterable<String>) names).containsExactly("img1.png", "img2.png", "img3.png", "run.json");
        }
        try (Stream<Path> files = Files.walk(work.resolve(".acp-home"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.contains(".partial") || n.endsWith(".tmp") || n.contains(".download"));
        }
        JsonNode report = new ObjectMapper().readTree(out.resolve("run.json").toFile());
        assertThat(report.get("success").asBoolean()).as("run.json: %s", report).isTrue();
        assertThat(report.get("status").asText()).isEqualTo("succeeded");
    }
}
