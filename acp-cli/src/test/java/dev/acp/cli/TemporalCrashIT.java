package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.testkit.jobs.FakeJobProviderFactory;
import dev.acp.testkit.jobs.FakeJobServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed engine losing a worker (issue 19): Temporal's test server ({@code acp temporal
 * dev-server}), two {@code acp worker} processes and the test kit's fake job provider (over HTTP,
 * with its own records of what was created and billed), all separate processes on loopback. A
 * 20-step pipeline is run with {@code --engine temporal} and one worker is SIGKILLed at a seeded
 * random point (after a random number of jobs was created); a fresh worker replaces it. After
 * every iteration: no step's job was created twice (a retried node re-attached by the journaled
 * handle, or re-sent with the same idempotency key), the outputs are byte for byte those of a
 * local-engine run of the same pipeline, and the run's ledger (the node journals, and the
 * submitter's run journal that {@code acp runs show} reads) equals what the provider billed.
 *
 * <p>Slow (a lost worker is noticed by its heartbeat timeout, 20 s): only with
 * {@code -Ptemporal-crash} (iterations {@code -Dacp.temporalcrash.iterations}, 20 there; seed
 * {@code -Dacp.temporalcrash.seed}). Every wait is bounded; a run that does not end fails with the
 * processes' thread dumps and log tails instead of hanging.
 */
@EnabledIfSystemProperty(named = "acp.temporalcrash.iterations", matches = "[1-9][0-9]*")
class TemporalCrashIT {
    private static final int ITERATIONS = Integer.getInteger("acp.temporalcrash.iterations", 0);
    private static final long SEED = Long.getLong("acp.temporalcrash.seed", 20261207L);
    private static final int STEPS = 20;
    private static final Duration START = Duration.ofSeconds(120);
    /** A run that loses a worker waits out the heartbeat timeout (20 s) once or twice; far more is a hang. */
    private static final Duration RUN = Duration.ofMinutes(4);

    @TempDir
    static Path root;

    private static FakeJobServer jobs;
    private static Process devServer;
    private static String target;
    private static final List<Process> workers = new ArrayList<>();
    private static final List<Path> workerLogs = new ArrayList<>();

    /** Ten pictures, each edited by a step that depends on it: twenty paid jobs, ten nodes at a time. */
    private static String pipeline() {
        StringBuilder sb = new StringBuilder("pipeline_name: temporal_crash\nsteps:\n");
        for (int i = 0; i < STEPS / 2; i++) {
            sb.append("  - { id: p").append(i).append(", step_type: text_to_image, provider: fakejobs, depends_on: [],"
                    + " output_filename: p").append(i).append(".png, config: { prompt: \"picture ").append(i)
                    .append("\" } }\n");
            sb.append("  - { id: e").append(i).append(", step_type: image_to_image, provider: fakejobs, depends_on: [p")
                    .append(i).append("], output_filename: e").append(i).append(".png, config: { image: \"{{steps.p")
                    .append(i).append(".output}}\", prompt: sharper } }\n");
        }
        return sb.toString();
    }

    @BeforeAll
    static void start() throws Exception {
        jobs = FakeJobServer.start(FakeJobServer.Settings.defaults().withJobDuration(Duration.ofMillis(600)));
        Files.writeString(root.resolve("p.yaml"), pipeline());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        target = "127.0.0.1:" + port;
        Path log = root.resolve("dev-server.log");
        devServer = process(root.resolve("dev-server"), log, "temporal", "dev-server", "--port", String.valueOf(port))
                .start();
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                break;
            } catch (IOException notYet) {
                if (!devServer.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("the dev server did not listen on " + target + ":\n" + tail(log));
                }
                Thread.sleep(200);
            }
        }
        for (int i = 0; i < 2; i++) {
            startWorker(i);
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (Process w : workers) {
            stopProcess(w);
        }
        if (devServer != null) {
            stopProcess(devServer);
        }
        if (jobs != null) {
            jobs.close();
        }
    }

    private static void stopProcess(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static ProcessBuilder process(Path work, Path log, String... args) throws IOException {
        Files.createDirectories(work);
        Path testkit;
        try {
            testkit = Path.of(FakeJobProviderFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        ProcessBuilder pb = new JarRunner(work).withClasspath(List.of(testkit.toString())).builder(args);
        pb.environment().put("ACP_FAKEJOBS_BASE_URL", jobs.baseUrl());
        pb.environment().put("FAKEJOBS_API_KEY", jobs.apiKey());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return pb;
    }

    /** Starts worker {@code slot} (replacing a killed one) and waits until it polls. */
    private static void startWorker(int slot) throws Exception {
        Path log = root.resolve("worker-" + slot + "-" + System.nanoTime() + ".log");
        Process w = process(root.resolve("worker-" + slot), log, "worker", "--temporal-target", target).start();
        if (slot < workers.size()) {
            workers.set(slot, w);
            workerLogs.set(slot, log);
        } else {
            workers.add(w);
            workerLogs.add(log);
        }
        long deadline = System.nanoTime() + START.toNanos();
        while (!(Files.exists(log) && Files.readString(log).contains("worker polling"))) {
            if (!w.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("worker " + slot + " did not start:\n" + tail(log));
            }
            Thread.sleep(200);
        }
    }

    /**
     * Runs the pipeline into {@code root/out}, emptied first: every run writes to the same folder
     * because an edit step's parameters (and so the fake provider's bytes) include its input's path.
     */
    private static Process submit(Path work, Path log, String... engine) throws IOException {
        wipe(out());
        List<String> args = new ArrayList<>(List.of("pipeline", "run", "-c", root.resolve("p.yaml").toString(), "-o",
                out().toString(), "--yes", "--no-cache"));
        args.addAll(List.of(engine));
        return process(work, log, args.toArray(String[]::new)).start();
    }

    /** Waits for the submitter; on a hang or a failure, fails with what every process was doing. */
    private static void awaitSuccess(Process submitter, Path log, String what) throws Exception {
        if (!submitter.waitFor(RUN.toSeconds(), TimeUnit.SECONDS)) {
            String diagnosis = diagnosis(submitter, log);
            submitter.destroyForcibly();
            throw new AssertionError(what + ": the run did not end within " + RUN.toSeconds() + " s\n" + diagnosis);
        }
        if (submitter.exitValue() != 0) {
            throw new AssertionError(what + ": the run exited with " + submitter.exitValue() + "\n"
                    + diagnosis(submitter, log));
        }
    }

    private static String diagnosis(Process submitter, Path log) {
        StringBuilder sb = new StringBuilder("provider: ").append(jobs.submissions().size()).append(" jobs created, ")
                .append(jobs.charges().size()).append(" billed\n== submitter log\n").append(tail(log))
                .append("\n== submitter threads\n").append(threads(submitter));
        for (int i = 0; i < workers.size(); i++) {
            sb.append("\n== worker ").append(i).append(workers.get(i).isAlive() ? "" : " (not running)")
                    .append(" log\n").append(tail(workerLogs.get(i))).append("\n== worker ").append(i)
                    .append(" threads\n").append(threads(workers.get(i)));
        }
        return sb.append("\n== dev server log\n").append(tail(root.resolve("dev-server.log")))
                .append("\n== open workflows\n").append(workflows()).toString();
    }

    /**
     * What the server holds of every open run: pending activities and workflow task, and the last
     * events of its history with the worker that took each task (a task scheduled and never
     * started is one no worker polls for).
     */
    private static String workflows() {
        var stubs = io.temporal.serviceclient.WorkflowServiceStubs.newServiceStubs(
                io.temporal.serviceclient.WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
        try {
            var service = stubs.blockingStub().withDeadlineAfter(20, TimeUnit.SECONDS);
            StringBuilder sb = new StringBuilder();
            var open = service.listOpenWorkflowExecutions(io.temporal.api.workflowservice.v1
                    .ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace("default").setMaximumPageSize(10).build());
            for (var info : open.getExecutionsList()) {
                var run = info.getExecution();
                var described = service.describeWorkflowExecution(io.temporal.api.workflowservice.v1
                        .DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default").setExecution(run).build());
                sb.append(run.getWorkflowId()).append(": ").append(described.getPendingActivitiesCount())
                        .append(" activities pending, workflow task ")
                        .append(described.hasPendingWorkflowTask() ? described.getPendingWorkflowTask().getState() : "none")
                        .append('\n');
                var events = service.getWorkflowExecutionHistory(io.temporal.api.workflowservice.v1
                        .GetWorkflowExecutionHistoryRequest.newBuilder().setNamespace("default").setExecution(run).build())
                        .getHistory().getEventsList();
                for (var e : events.subList(Math.max(0, events.size() - 30), events.size())) {
                    String who = e.hasWorkflowTaskStartedEventAttributes()
                            ? " by " + e.getWorkflowTaskStartedEventAttributes().getIdentity()
                            : e.hasActivityTaskStartedEventAttributes()
                                    ? " by " + e.getActivityTaskStartedEventAttributes().getIdentity() + " attempt "
                                            + e.getActivityTaskStartedEventAttributes().getAttempt()
                                    : "";
                    sb.append("  ").append(e.getEventId()).append(' ').append(e.getEventType()).append(who).append('\n');
                }
            }
            return sb.isEmpty() ? "(none)" : sb.toString();
        } catch (RuntimeException e) {
            return "(the server did not answer: " + e.getMessage() + ")";
        } finally {
            stubs.shutdownNow();
        }
    }

    /** The thread dump of a live JVM (jcmd), cut to what fits in a failure message. */
    private static String threads(Process p) {
        if (!p.isAlive()) {
            return "(not running)";
        }
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process dump = new ProcessBuilder(jcmd.toString(), String.valueOf(p.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            if (!dump.waitFor(30, TimeUnit.SECONDS)) {
                dump.destroyForcibly();
                return "(jcmd did not answer)";
            }
            String s = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return s.substring(0, Math.min(s.length(), 12_000));
        } catch (IOException | InterruptedException e) {
            return "(no thread dump: " + e.getMessage() + ")";
        }
    }

    private static String tail(Path log) {
        try {
            String s = Files.exists(log) ? Files.readString(log) : "(no log)";
            return s.substring(Math.max(0, s.length() - 3_000));
        } catch (IOException e) {
            return "(unreadable log: " + e.getMessage() + ")";
        }
    }

    private static Path out() {
        return root.resolve("out");
    }

    private static void wipe(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Each output file's SHA-256, by name. */
    private static Map<String, String> outputs(Path out) throws Exception {
        Map<String, String> m = new TreeMap<>();
        var sha = java.security.MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < STEPS / 2; i++) {
            for (String name : List.of("p" + i + ".png", "e" + i + ".png")) {
                Path f = out.resolve(name);
                m.put(name, Files.exists(f) ? HexFormat.of().formatHex(sha.digest(Files.readAllBytes(f))) : "missing");
            }
        }
        return m;
    }

    /**
     * What the run's nodes settled: each node's journal on the shared folder
     * ({@code out/.acp-temporal/<run>/<node>.jsonl}), where a node's paid calls are recorded.
     */
    private static BigDecimal ledger() throws IOException {
        BigDecimal total = BigDecimal.ZERO;
        try (Stream<Path> files = Files.walk(out().resolve(".acp-temporal"))) {
            for (Path journal : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                total = total.add(dev.acp.run.RunHistory.of(dev.acp.run.JournalReader.read(journal).records()).spent());
            }
        }
        return total;
    }

    /** What the submitter's run journal says the run spent: what {@code acp runs list/show} show. */
    private static BigDecimal journaled(Path work) throws IOException {
        var runs = new dev.acp.run.RunStore(work.resolve(".acp-home").resolve("runs")).list();
        assertThat(runs).as("the submitter's runs").hasSize(1);
        return runs.getFirst().spent();
    }

    private static void assertPaidOnceAndComplete(Path work, Map<String, String> expected, String what)
            throws Exception {
        assertThat(jobs.submissionsByStep()).as(what + ": jobs created per step (the provider's records)")
                .hasSize(STEPS).allSatisfy((step, n) -> assertThat(n).as(step).isEqualTo(1));
        assertThat(jobs.charges()).as(what + ": charges").hasSize(STEPS);
        assertThat(outputs(out())).as(what + ": outputs against the local engine's").isEqualTo(expected);
        assertThat(ledger()).as(what + ": ledger (node journals)").isEqualByComparingTo(jobs.billedTotal());
        assertThat(journaled(work)).as(what + ": spent (the run's journal)").isEqualByComparingTo(jobs.billedTotal());
    }

    @Test
    void a_worker_killed_mid_run_costs_no_second_job_and_changes_no_output() throws Exception {
        Path local = root.resolve("local");
        jobs.reset();
        Path localLog = root.resolve("local.log");
        awaitSuccess(submit(local, localLog), localLog, "local engine");
        Map<String, String> expected = outputs(out());
        assertThat(expected).as("the local run's outputs").doesNotContainValue("missing");
        assertThat(jobs.submissions()).as("the local run's jobs").hasSize(STEPS);

        Random random = new Random(SEED);
        int killedMidRun = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            String what = "iteration " + i + " (seed " + SEED + ")";
            Path work = root.resolve("run-" + i);
            Path log = work.resolve("submitter.log");
            Files.createDirectories(work);
            jobs.reset();
            Process submitter = submit(work, log, "--engine", "temporal", "--temporal-target", target);
            // Killed once a random number of jobs exists: the provider's records, not a clock, put
            // the kill mid-run however slow the machine is.
            int after = 1 + random.nextInt(STEPS - 1);
            int victim = random.nextInt(workers.size());
            long deadline = System.nanoTime() + RUN.toNanos();
            while (submitter.isAlive() && jobs.submissions().size() < after && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(random.nextInt(400)); // mid-poll or mid-download as often as just after a submission
            Process killed = workers.get(victim);
            killed.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye to Temporal
            killed.waitFor(30, TimeUnit.SECONDS);
            int atKill = jobs.submissions().size();
            killedMidRun += atKill < STEPS && submitter.isAlive() ? 1 : 0;
            startWorker(victim);
            awaitSuccess(submitter, log, what);
            assertPaidOnceAndComplete(work, expected, what);
        }
        // The seed must put most kills mid-run, or the test tests nothing.
        assertThat(killedMidRun).as("kills that landed mid-run").isGreaterThanOrEqualTo((ITERATIONS + 1) / 2);
    }
}
