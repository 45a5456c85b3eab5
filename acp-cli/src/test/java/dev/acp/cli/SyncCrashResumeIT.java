package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.acp.util.Hashing;
import dev.acp.run.JournalReader;
import dev.acp.run.JournalRecord;
import dev.acp.testkit.sync.BilledRequest;
import dev.acp.testkit.sync.FakeSyncServer;
import dev.acp.testkit.sync.FakeSyncServer.Provider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * The money promise for the synchronous providers, checked the hard way: eight paid steps, two
 * each on OpenRouter, an OpenAI-compatible server (billed, per {@code ACP_HOME/config.yaml}),
 * Gemini and ElevenLabs, run by the built jar against {@link FakeSyncServer}, which bills every
 * request before its answer leaves and then holds the answer for a while. The {@code acp}
 * process is killed with SIGKILL at seeded random moments (mostly right after the fake billed
 * some requests, while their answers are on their way) and resumed until a resume ends on its
 * own. After every iteration, by the fake's own ledger: no request was billed twice; each step
 * succeeded (output in place, byte-identical to an uninterrupted run, billed exactly once) or
 * ended as an unknown outcome (billed at most once, never on ElevenLabs, whose history the resume
 * searches); nothing was billed that no step accounts for. Then {@code --resend-unknown}
 * completes the unknown steps of the last run and reports them as possible duplicates.
 * Iterations: {@code -Dacp.synccrash.iterations} (12 by default; more with {@code -Pcrash-long}).
 */
class SyncCrashResumeIT {
    private static final int ITERATIONS = Integer.getInteger("acp.synccrash.iterations", 12);
    private static final long SEED = Long.getLong("acp.synccrash.seed", 20261213L);
    /** ElevenLabs' wait for speech still in the making, shortened (the default is two minutes). */
    private static final String GRACE_SECONDS = "3";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One paid step: its id, provider, the text only it sends, and its output file. */
    record Step(String id, Provider provider, String providerId, String token, String file) {}

    static final List<Step> STEPS = steps();

    private static List<Step> steps() {
        List<Step> steps = new ArrayList<>();
        for (int n = 1; n <= 2; n++) {
            steps.add(new Step("or" + n, Provider.OPENROUTER, "openrouter", "synccrash-or" + n, "or" + n + ".txt"));
            steps.add(new Step("oa" + n, Provider.OPENAI, "openai", "synccrash-oa" + n, "oa" + n + ".txt"));
            steps.add(new Step("gm" + n, Provider.GOOGLE, "google", "synccrash-gm" + n, "gm" + n + ".txt"));
            steps.add(new Step("el" + n, Provider.ELEVENLABS, "elevenlabs", "synccrash-el" + n, "el" + n + ".mp3"));
        }
        return List.copyOf(steps);
    }

    @TempDir
    static Path root;

    private static FakeSyncServer server;

    @BeforeAll
    static void start() {
        // A little work before each bill: kills also land between a request's arrival and its bill.
        server = FakeSyncServer.start(FakeSyncServer.Settings.defaults().withAnswerDelay(Duration.ofMillis(50)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * One parallel group of the eight steps, six at a time: six requests in flight at once, the
     * last two sent as earlier ones are answered. (Top-level steps run in order, and a failed one
     * would skip the rest: one group keeps an unknown outcome from hiding the other steps.)
     */
    static String pipeline() {
        StringBuilder sb = new StringBuilder("""
                pipeline_name: synccrash
                output_directory: out
                global_config: { parallel_enabled: true }
                steps:
                  - step_type: parallel_group
                    id: paid
                    parallel_config: { max_workers: 6 }
                    steps:
                """);
        for (Step s : STEPS) {
            String config = s.provider() == Provider.ELEVENLABS
                    ? "text: \"" + s.token() + ". The lamp is lit at dusk.\", voice: Rachel"
                    : "prompt: \"" + s.token() + " the keeper writes in the log\"";
            sb.append("      - { step_type: ").append(s.provider() == Provider.ELEVENLABS ? "text_to_speech"
                    : "prompt_generation").append(", id: ").append(s.id()).append(", provider: ")
                    .append(s.providerId()).append(", output_filename: ").append(s.file()).append(", config: { ")
                    .append(config).append(" } }\n");
        }
        return sb.toString();
    }

    /** The log of the last process started, for failure messages. */
    private Path lastLog;

    private ProcessBuilder process(Path work, String... args) {
        ProcessBuilder pb = new JarRunner(work).builder(args);
        SecretsCanaryIT.clearCredentials(pb.environment());
        pb.environment().putAll(server.environment());
        pb.environment().put("ACP_ELEVENLABS_HISTORY_GRACE", GRACE_SECONDS);
        lastLog = work.resolve("log-" + System.nanoTime() + ".txt");
        pb.redirectErrorStream(true).redirectOutput(lastLog.toFile());
        return pb;
    }

    private int runToEnd(Path work, String... args) throws Exception {
        Process p = process(work, args).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("acp did not finish: " + List.of(args) + "; log:\n" + lastLog());
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

    /** A fresh state folder whose OpenAI-compatible server on loopback bills, so its calls are paid and journaled. */
    private static void freshHome(Path work) throws IOException {
        Path home = work.resolve(".acp-home");
        wipe(home);
        Files.writeString(home.resolve("config.yaml"), "providers:\n  openai: { billed: true }\n");
    }

    private static Step stepOf(BilledRequest r) {
        List<Step> matches = STEPS.stream().filter(s -> s.provider() == r.provider() && r.prompt().contains(s.token()))
                .toList();
        assertThat(matches).as("the step a billed request belongs to: %s", r).hasSize(1);
        return matches.getFirst();
    }

    /** How many requests of each step the fake billed; a request no step sent fails the test. */
    private static Map<String, Integer> billedByStep() {
        Map<String, Integer> counts = new TreeMap<>();
        STEPS.forEach(s -> counts.put(s.id(), 0));
        for (BilledRequest r : server.records()) {
            counts.merge(stepOf(r).id(), 1, Integer::sum);
        }
        return counts;
    }

    private static Map<String, JsonNode> stepResults(Path work) throws IOException {
        JsonNode report = JSON.readTree(work.resolve("out/run.json").toFile());
        Map<String, JsonNode> m = new TreeMap<>();
        for (JsonNode s : report.get("step_results")) {
            m.put(s.get("step_id").asText(), s);
        }
        return m;
    }

    /** The paid steps (not the group) that did not succeed. */
    private static List<String> unknownSteps(Map<String, JsonNode> results) {
        return STEPS.stream().map(Step::id).filter(id -> !results.get(id).get("status").asText().equals("succeeded"))
                .toList();
    }

    private static Map<String, String> outputs(Path out) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (Step s : STEPS) {
            Path f = out.resolve(s.file());
            if (Files.isRegularFile(f)) {
                m.put(s.file(), Hashing.sha256(f));
            }
        }
        return m;
    }

    private static List<Path> partialFiles(Path out) throws IOException {
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(p -> p.getFileName().toString().contains(".partial")).toList();
        }
    }

    /** The paid requests each step journaled as sent, over every session of every run in the state folder. */
    private static Map<String, Integer> callsSent(Path work) throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        Path runs = work.resolve(".acp-home/runs");
        if (!Files.isDirectory(runs)) {
            return counts;
        }
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path d : dirs.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                Path journal = d.resolve("journal.jsonl");
                if (Files.exists(journal)) {
                    for (JournalRecord r : JournalReader.read(journal).records()) {
                        if (r instanceof JournalRecord.CallSending c) {
                            counts.merge(c.step(), 1, Integer::sum);
                        }
                    }
                }
            }
        }
        return counts;
    }

    /** Whether an answer the fake billed was still held back at {@code at}: the kill cut it off. */
    private static boolean answerHeldAt(Instant at, Map<String, Duration> holds) {
        for (BilledRequest r : server.records()) {
            Instant sentAt = r.billedAt().plus(holds.get(stepOf(r).id()));
            if (!r.billedAt().isAfter(at) && at.isBefore(sentAt)) {
                return true;
            }
        }
        return false;
    }

    /** SIGKILL: no shutdown hook, no clean-up. Returns whether it landed while an answer was held. */
    private static boolean kill(Process p, Map<String, Duration> holds) throws InterruptedException {
        Instant at = Instant.now();
        p.destroyForcibly();
        p.waitFor();
        return answerHeldAt(at, holds);
    }

    /** Every paid answer is held after its bill for 200-800 ms, the same for a step in every session. */
    private static Map<String, Duration> holdAnswers(Random random) {
        Map<String, Duration> holds = new LinkedHashMap<>();
        for (Step s : STEPS) {
            Duration hold = Duration.ofMillis(200 + random.nextInt(601));
            holds.put(s.id(), hold);
            server.when(s.provider(), s.token()).holdAnswer(hold, 1000);
        }
        return holds;
    }

    private static void writeFigures(Map<String, Object> figures) throws IOException {
        String json = JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(figures);
        System.out.println("SyncCrashResumeIT figures: " + json);
        Path results = Path.of(System.getProperty("acp.repo", "..")).resolve("acp-cli/target/sync-crash-results.json");
        Files.createDirectories(results.getParent());
        Files.writeString(results, json);
    }

    /** Resume processes that ran to their end. */
    private int resumes;
    /** The longest of them, in milliseconds (a wait for ElevenLabs' history shows here). */
    private long longestResumeMillis;

    /** Resumes until a resume ends on its own (a new run if the kill came before the run existed); its exit code. */
    private int resumeToEnd(Path work) throws Exception {
        int exit = -1;
        for (int attempt = 0; attempt < 3 && exit != 0 && exit != 1; attempt++) {
            long t = System.nanoTime();
            exit = runToEnd(work, "pipeline", "run", "--resume", "latest");
            longestResumeMillis = Math.max(longestResumeMillis, (System.nanoTime() - t) / 1_000_000);
            resumes++;
            if (exit == 2 && lastLog().contains("there are no runs")) {
                // Killed before the run existed: nothing was sent, so it starts anew.
                exit = runToEnd(work, "pipeline", "run", "-c", "sync.yaml", "--yes");
            }
        }
        return exit;
    }

    @Test
    void killed_while_answers_are_on_their_way_no_request_is_billed_twice() throws Exception {
        long started = System.nanoTime();
        Path work = root.resolve("work");
        wipe(work);
        Files.writeString(work.resolve("sync.yaml"), pipeline());

        // The reference: an uninterrupted run, each step billed once, answers held as in the iterations.
        server.reset();
        freshHome(work);
        Random random = new Random(SEED);
        holdAnswers(random);
        long t0 = System.nanoTime();
        assertThat(runToEnd(work, "pipeline", "run", "-c", "sync.yaml", "--yes")).as("log:%n%s", lastLog()).isZero();
        long uninterruptedMillis = (System.nanoTime() - t0) / 1_000_000;
        Map<String, String> reference = outputs(work.resolve("out"));
        assertThat(reference).hasSize(STEPS.size());
        assertThat(billedByStep()).allSatisfy((step, n) -> assertThat(n).as(step).isEqualTo(1));
        assertThat(server.billedTwice()).isEmpty();

        int kills = 0;
        int killsMidAnswer = 0;
        int killsBeforeAnyBill = 0;
        int killsAfterAllBills = 0;
        int runsFinishedBeforeTheKill = 0;
        int resumeKills = 0;
        int resumeKillsMidAnswer = 0;
        int succeeded = 0;
        int recovered = 0;
        int unknown = 0;
        int unknownNeverBilled = 0;
        int sentAfterNeverReceived = 0;
        int billedTwice = 0;
        int strayBills = 0;
        List<Integer> billedAtKill = new ArrayList<>();
        Map<String, JsonNode> lastResults = Map.of();
        Map<String, Integer> lastBilled = Map.of();
        for (int i = 0; i < ITERATIONS; i++) {
            server.reset();
            wipe(work.resolve("out"));
            freshHome(work);
            Map<String, Duration> holds = holdAnswers(random);
            Process p = process(work, "pipeline", "run", "-c", "sync.yaml", "--yes").start();
            if (random.nextInt(10) < 7) {
                // Right after the fake billed k requests: the k-th answer (at least) is on its way.
                int k = 1 + random.nextInt(STEPS.size());
                assertThat(server.awaitBilled(k, Duration.ofSeconds(60))).as("iteration %d: %d billed", i, k).isTrue();
                Thread.sleep(random.nextInt(150));
            } else {
                // Anywhere: while the JVM starts, before a request left, after everything was answered.
                Thread.sleep(random.nextInt((int) Math.max(100, uninterruptedMillis * 11 / 10)));
            }
            if (p.isAlive()) {
                kills++;
                int billed = server.billedCount();
                billedAtKill.add(billed);
                if (kill(p, holds)) {
                    killsMidAnswer++;
                }
                killsBeforeAnyBill += billed == 0 ? 1 : 0;
                killsAfterAllBills += billed == STEPS.size() ? 1 : 0;
            } else {
                runsFinishedBeforeTheKill++;
            }
            if (i % 4 == 3) {
                // Every fourth iteration is killed again while resuming.
                Process resume = process(work, "pipeline", "run", "--resume", "latest").start();
                Thread.sleep(300 + random.nextInt((int) Math.max(100, uninterruptedMillis)));
                if (resume.isAlive()) {
                    resumeKills++;
                    resumeKillsMidAnswer += kill(resume, holds) ? 1 : 0;
                }
            }
            int exit = resumeToEnd(work);
            assertThat(exit).as("iteration %d: a resume ends on its own; last log:%n%s", i, lastLog()).isIn(0, 1);

            // Counted before they are asserted, so that the figures are measured, not assumed.
            billedTwice += server.billedTwice().size();
            Map<String, Integer> billed = new TreeMap<>();
            STEPS.forEach(s -> billed.put(s.id(), 0));
            for (BilledRequest r : server.records()) {
                List<Step> owners = STEPS.stream()
                        .filter(s -> s.provider() == r.provider() && r.prompt().contains(s.token())).toList();
                if (owners.size() == 1) {
                    billed.merge(owners.getFirst().id(), 1, Integer::sum);
                } else {
                    strayBills++;
                }
            }
            Map<String, JsonNode> results = stepResults(work);
            Map<String, Integer> sent = callsSent(work);
            Map<String, String> now = outputs(work.resolve("out"));
            for (Step s : STEPS) {
                JsonNode r = results.get(s.id());
                String status = r == null ? "missing" : r.get("status").asText();
                if (status.equals("succeeded")) {
                    succeeded++;
                    boolean fromHistory = "ElevenLabs history".equals(r.path("metadata").path("recovered_from").asText());
                    recovered += fromHistory ? 1 : 0;
                    // Sent again after ElevenLabs' history showed it never got the first request.
                    sentAfterNeverReceived += s.provider() == Provider.ELEVENLABS && !fromHistory
                            && sent.getOrDefault(s.id(), 0) > 1 ? 1 : 0;
                } else if (status.equals("failed") && r.path("error").path("kind").asText().equals("unknown_outcome")) {
                    unknown++;
                    unknownNeverBilled += billed.get(s.id()) == 0 ? 1 : 0;
                }
            }

            String context = "iteration " + i + ", billed " + server.records() + ", last log:\n" + lastLog();
            assertThat(server.billedTwice()).as("requests billed twice; %s", context).isEmpty();
            assertThat(strayBills).as("requests billed that no step accounts for; %s", context).isZero();
            assertThat(partialFiles(work.resolve("out"))).as("partial files; %s", context).isEmpty();
            for (Step s : STEPS) {
                JsonNode r = results.get(s.id());
                assertThat(r).as("%s in run.json; %s", s.id(), context).isNotNull();
                int n = billed.get(s.id());
                if (r.get("status").asText().equals("succeeded")) {
                    assertThat(n).as("%s succeeded: bills; %s", s.id(), context).isEqualTo(1);
                    assertThat(now.get(s.file())).as("%s: output as in an uninterrupted run; %s", s.id(), context)
                            .isEqualTo(reference.get(s.file()));
                } else {
                    assertThat(s.provider()).as("%s: ElevenLabs is never left unknown (%s); %s", s.id(), r, context)
                            .isNotEqualTo(Provider.ELEVENLABS);
                    assertThat(r.get("status").asText()).as("%s; %s", r, context).isEqualTo("failed");
                    assertThat(r.path("error").path("kind").asText()).as("%s; %s", r, context)
                            .isEqualTo("unknown_outcome");
                    assertThat(r.path("error").path("message").asText()).as("%s", r).contains("may have been billed")
                            .contains("--resend-unknown");
                    assertThat(n).as("%s unknown: bills; %s", s.id(), context).isLessThanOrEqualTo(1);
                }
            }
            assertThat(exit).as("exit code; %s", context)
                    .isEqualTo(results.values().stream().allMatch(r -> r.get("status").asText().equals("succeeded"))
                            ? 0 : 1);
            lastResults = results;
            lastBilled = billed;
        }

        // Written before the last check, so that a failure there leaves the figures of the iterations.
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("iterations", ITERATIONS);
        figures.put("seed", SEED);
        figures.put("steps", STEPS.size());
        figures.put("uninterrupted_run_ms", uninterruptedMillis);
        figures.put("kills", kills + resumeKills);
        figures.put("kills_of_the_first_run", kills);
        figures.put("kills_during_a_resume", resumeKills);
        figures.put("kills_while_an_answer_was_held", killsMidAnswer + resumeKillsMidAnswer);
        figures.put("kills_before_any_bill", killsBeforeAnyBill);
        figures.put("kills_after_all_bills", killsAfterAllBills);
        figures.put("runs_finished_before_the_kill", runsFinishedBeforeTheKill);
        figures.put("billed_at_kill", billedAtKill);
        figures.put("resume_processes", resumes);
        figures.put("longest_resume_ms", longestResumeMillis);
        figures.put("steps_succeeded", succeeded);
        figures.put("recovered_from_elevenlabs_history", recovered);
        figures.put("sent_after_never_received", sentAfterNeverReceived);
        figures.put("unknown_outcomes", unknown);
        figures.put("unknown_outcomes_never_billed", unknownNeverBilled);
        figures.put("requests_billed_twice", billedTwice);
        figures.put("requests_no_step_accounts_for", strayBills);
        figures.put("iterations_ms", (System.nanoTime() - started) / 1_000_000);
        writeFigures(figures);

        // --resend-unknown on the last run: the unknown steps are sent again and named possible duplicates.
        boolean dedicated = lastResults.isEmpty() || unknownSteps(lastResults).isEmpty();
        if (dedicated) {
            // The last iteration left nothing unknown: stop a run while every chat answer is held.
            server.reset();
            wipe(work.resolve("out"));
            freshHome(work);
            Map<String, Duration> holds = new LinkedHashMap<>();
            for (Step s : STEPS) {
                holds.put(s.id(), s.provider() == Provider.ELEVENLABS ? Duration.ZERO : Duration.ofSeconds(20));
                if (s.provider() != Provider.ELEVENLABS) {
                    server.when(s.provider(), s.token()).holdAnswer(Duration.ofSeconds(20), 1);
                }
            }
            Process p = process(work, "pipeline", "run", "-c", "sync.yaml", "--yes").start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (server.records().stream().filter(r -> r.provider() != Provider.ELEVENLABS).count() < 6) {
                assertThat(System.nanoTime()).as("six chat requests billed").isLessThan(deadline);
                Thread.sleep(20);
            }
            kill(p, holds);
            assertThat(resumeToEnd(work)).as("log:%n%s", lastLog()).isEqualTo(1);
            lastResults = stepResults(work);
            lastBilled = billedByStep();
        }
        List<String> unknownSteps = unknownSteps(lastResults);
        assertThat(unknownSteps).isNotEmpty();
        assertThat(runToEnd(work, "pipeline", "run", "--resume", "latest", "--resend-unknown"))
                .as("resend; log:%n%s", lastLog()).isZero();
        Map<String, JsonNode> resent = stepResults(work);
        Map<String, Integer> billedAfter = billedByStep();
        for (Step s : STEPS) {
            JsonNode r = resent.get(s.id());
            assertThat(r.get("status").asText()).as("%s after --resend-unknown: %s", s.id(), r).isEqualTo("succeeded");
            boolean wasUnknown = unknownSteps.contains(s.id());
            assertThat(r.path("metadata").path("possible_duplicate").asBoolean()).as("%s: %s", s.id(), r)
                    .isEqualTo(wasUnknown);
            assertThat(billedAfter.get(s.id())).as("%s: bills after --resend-unknown", s.id())
                    .isEqualTo(lastBilled.get(s.id()) + (wasUnknown ? 1 : 0));
        }
        // The fake bills twice exactly the unknown steps it had billed before: the user asked for it.
        Map<String, Integer> billedBefore = lastBilled;
        List<String> twice = server.billedTwice().stream().map(r -> stepOf(r).id()).distinct().sorted().toList();
        assertThat(twice).isEqualTo(unknownSteps.stream().filter(id -> billedBefore.get(id) == 1).sorted().toList());

        figures.put("resend_unknown_on", dedicated ? "a run stopped with every chat answer held" : "the last iteration");
        figures.put("resend_unknown_steps", unknownSteps.size());
        figures.put("resend_unknown_billed_twice_by_the_fake", twice.size());
        figures.put("elapsed_ms", (System.nanoTime() - started) / 1_000_000);
        writeFigures(figures);
    }
}
