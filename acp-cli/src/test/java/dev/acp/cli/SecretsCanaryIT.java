package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.testkit.fal.FakeFalServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets never leave the process: every credential variable the catalog knows holds a canary
 * (a distinctive random string), fal is played by {@link FakeFalServer}, which in
 * {@link FakeFalServer.Mode#ECHO_AUTH echo-auth} mode answers 422 with the {@code Authorization}
 * header (and any other credential header) in its body, and every other provider's base URL points
 * at the same server, so that {@code acp doctor}'s checks are echoed too. Then a succeeding fal run,
 * a run whose fal step fails with the echoed key beside a succeeding local step, {@code doctor},
 * {@code info}, {@code runs list} and {@code runs show latest --format json}, each with and
 * without {@code --stacktrace}; no canary may appear in their stdout or stderr, in any file under
 * {@code ACP_HOME} (journals, cache, locks) or in the output folder.
 */
class SecretsCanaryIT {
    /** Every credential variable of the catalog (catalog.yaml's providers and the provider factories). */
    static final List<String> CREDENTIAL_VARIABLES = List.of("FAL_KEY", "ELEVENLABS_API_KEY", "OPENROUTER_API_KEY",
            "OPENAI_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY", "RUNWARE_API_KEY", "REPLICATE_API_TOKEN");
    /** Providers whose base URL is pointed at the fake server, so that no check leaves the machine. */
    private static final List<String> PROVIDERS = List.of("FAL", "FAL_STORAGE", "ELEVENLABS", "OPENROUTER", "OPENAI",
            "GOOGLE", "GEMINI", "RUNWARE", "REPLICATE");

    @TempDir
    static Path work;

    private static FakeFalServer server;
    /** Variable to canary; only the random part is searched for, so a masked "****ab12" tail is no leak. */
    private static final Map<String, String> CANARIES = new LinkedHashMap<>();

    @BeforeAll
    static void start() {
        SecureRandom random = new SecureRandom();
        for (String v : CREDENTIAL_VARIABLES) {
            byte[] b = new byte[12];
            random.nextBytes(b);
            CANARIES.put(v, "cnry" + HexFormat.of().formatHex(b));
        }
        server = FakeFalServer.start(FakeFalServer.Settings.defaults().withApiKey("sk-" + CANARIES.get("FAL_KEY"))
                .withLatency(Duration.ofMillis(100)).withImageBytes(16 * 1024));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Removes every credential the test JVM may have, so that only canaries reach a child acp. */
    static void clearCredentials(Map<String, String> environment) {
        CREDENTIAL_VARIABLES.forEach(environment::remove);
    }

    private record Outcome(List<String> command, int exit, String out, String err) {}

    private Outcome acp(String... args) throws Exception {
        ProcessBuilder pb = new JarRunner(work).builder(args);
        clearCredentials(pb.environment());
        // Keys look like real ones: a prefix, then the canary.
        CANARIES.forEach((v, canary) -> pb.environment().put(v, "sk-" + canary));
        for (String p : PROVIDERS) {
            pb.environment().put("ACP_" + p + "_BASE_URL", server.baseUrl() + (p.startsWith("FAL") ? "" : "/v1"));
        }
        Path out = work.resolve("stdout-" + System.nanoTime() + ".txt");
        Path err = work.resolve("stderr-" + System.nanoTime() + ".txt");
        Process process = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("acp did not finish: " + List.of(args));
        }
        Outcome o = new Outcome(List.of(args), process.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return o;
    }

    @Test
    void no_canary_key_appears_in_any_output_journal_cache_or_report() throws Exception {
        Files.writeString(work.resolve("ok.yaml"), """
                pipeline_name: canary_ok
                output_directory: out-ok
                steps:
                  - { step_type: text_to_image, id: fine, provider: fal, output_filename: fine.png,
                      config: { model: flux-dev, prompt: "a quiet harbour", seed: 7 } }
                """);
        Files.writeString(work.resolve("leak.yaml"), """
                pipeline_name: canary_leak
                output_directory: out-leak
                global_config: { parallel_enabled: true }
                steps:
                  - step_type: parallel_group
                    id: both
                    steps:
                      - { step_type: text_to_image, id: echoed, provider: fal, output_filename: echoed.png,
                          config: { model: flux-dev, prompt: "a stormy harbour" } }
                      - { step_type: text_to_image, id: offline, provider: local, output_filename: offline.png,
                          config: { prompt: "a calm harbour" } }
                """);
        List<Outcome> outcomes = new ArrayList<>();
        for (boolean stacktrace : new boolean[] {false, true}) {
            server.mode(FakeFalServer.Mode.NORMAL);
            Outcome ok = acp(withStacktrace(stacktrace, "pipeline", "run", "-c", "ok.yaml"));
            assertThat(ok.exit()).as("succeeding fal run: %s", ok).isZero();
            outcomes.add(ok);

            server.mode(FakeFalServer.Mode.ECHO_AUTH);
            long echoedBefore = server.echoedRequests();
            Outcome leak = acp(withStacktrace(stacktrace, "pipeline", "run", "-c", "leak.yaml"));
            assertThat(leak.exit()).as("the fal step fails: %s", leak).isNotZero();
            assertThat(server.echoedRequests()).as("the server echoed the key").isGreaterThan(echoedBefore);
            assertThat(work.resolve("out-leak/offline.png")).as("the local step succeeded").isRegularFile();
            outcomes.add(leak);

            outcomes.add(acp(withStacktrace(stacktrace, "doctor")));
            outcomes.add(acp(withStacktrace(stacktrace, "info")));
            outcomes.add(acp(withStacktrace(stacktrace, "runs", "list")));
            Outcome show = acp(withStacktrace(stacktrace, "runs", "show", "latest", "--format", "json"));
            assertThat(show.exit()).as("runs show: %s", show).isZero();
            assertThat(show.out()).contains("echoed");
            outcomes.add(show);
        }
        // The echo reached the client: the failure is reported, just without the key.
        assertThat(outcomes.get(1).err() + outcomes.get(1).out()).contains("422");

        // What the commands said, for a reader of the build (canaries are random per run, and asserted absent).
        StringBuilder transcript = new StringBuilder();
        outcomes.forEach(o -> transcript.append("$ acp ").append(String.join(" ", o.command())).append("  (exit ")
                .append(o.exit()).append(")\n").append(o.out()).append(o.err()).append('\n'));
        Path results = Path.of(System.getProperty("acp.repo", "..")).resolve("acp-cli/target/secrets-canary.txt");
        Files.createDirectories(results.getParent());
        Files.writeString(results, transcript);

        List<String> leaks = new ArrayList<>();
        for (Outcome o : outcomes) {
            CANARIES.forEach((variable, canary) -> {
                if (o.out().contains(canary)) {
                    leaks.add(variable + " in stdout of " + o.command());
                }
                if (o.err().contains(canary)) {
                    leaks.add(variable + " in stderr of " + o.command());
                }
            });
        }
        for (Path dir : List.of(work.resolve(".acp-home"), work.resolve("out-ok"), work.resolve("out-leak"))) {
            assertThat(dir).isDirectory();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    CANARIES.forEach((variable, canary) -> {
                        if (text.contains(canary)) {
                            leaks.add(variable + " in " + work.relativize(f));
                        }
                    });
                }
            }
        }
        assertThat(leaks).as("canary keys found").isEmpty();
    }

    private static String[] withStacktrace(boolean stacktrace, String... args) {
        if (!stacktrace) {
            return args;
        }
        String[] withFlag = java.util.Arrays.copyOf(args, args.length + 1);
        withFlag[args.length] = "--stacktrace";
        return withFlag;
    }
}
