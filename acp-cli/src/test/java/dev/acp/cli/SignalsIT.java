package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.testkit.ScriptedProviderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIGTERM (a {@code kill}, a service manager, {@code timeout}) and SIGHUP (a closed terminal)
 * stop a run the way Ctrl-C does: running steps stopped, {@code run.json} written, the run
 * resumable, and the exit code a shell expects of the signal (143, 129). Run as a separate
 * process, since the signals are the process's own.
 */
class SignalsIT {
    @TempDir
    Path work;

    @ParameterizedTest
    @CsvSource({"TERM, 143, received SIGTERM", "HUP, 129, the terminal hung up (SIGHUP)"})
    void a_signal_stops_the_run_cleanly_with_its_exit_code(String signal, int exitCode, String said) throws Exception {
        // Under nohup SIGHUP is ignored, and the JVM (rightly) leaves an ignored signal ignored.
        org.junit.jupiter.api.Assumptions.assumeFalse(signal.equals("HUP") && hangupIgnored(),
                "SIGHUP is ignored in this process (started under nohup?), so acp ignores it too");
        Files.writeString(work.resolve("p.yaml"), """
                pipeline_name: signalled
                output_directory: out
                steps:
                  - { step_type: text_to_image, id: quick, provider: scripted, config: { prompt: x } }
                  - { step_type: text_to_image, id: stuck, provider: scripted, depends_on: [quick],
                      config: { prompt: x, script_hang: true } }
                """);
        Path testkit = Path.of(ScriptedProviderFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path err = work.resolve("err.txt");
        Process p = new JarRunner(work).withClasspath(List.of(testkit.toString()))
                .builder("pipeline", "run", "-c", "p.yaml").redirectError(err.toFile())
                .redirectOutput(work.resolve("out.txt").toFile()).start();
        try {
            Path quick = work.resolve("out/quick.png");
            for (int i = 0; i < 600 && !Files.exists(quick) && p.isAlive(); i++) {
                Thread.sleep(50);
            }
            assertThat(quick).as(Files.readString(err)).exists();
            Thread.sleep(300); // the hanging step has started
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
            assertThat(kill.waitFor()).isZero();
            boolean stopped = p.waitFor(60, TimeUnit.SECONDS);
            if (!stopped) {
                // Say where it hangs: the threads of the process that did not stop.
                Process dump = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(p.pid()), "Thread.print").redirectErrorStream(true).start();
                String threads = new String(dump.getInputStream().readAllBytes());
                assertThat(stopped).as("acp stopped within 60 s of SIG" + signal + "; stderr:\n" + Files.readString(err)
                        + "\nthreads:\n" + threads).isTrue();
            }
            String stderr = Files.readString(err);
            assertThat(p.exitValue()).as(stderr).isEqualTo(exitCode);
            assertThat(stderr).contains("acp: " + said + "; stopping running steps and writing the report");
            JsonNode report = new ObjectMapper().readTree(work.resolve("out/run.json").toFile());
            assertThat(report.path("status").asText()).isEqualTo("interrupted");
            assertThat(Files.readString(work.resolve("out.txt"))).contains("Resume with: acp pipeline run --resume");
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /** Whether SIGHUP (signal 1) is in this process's ignored set, which children inherit. */
    private static boolean hangupIgnored() throws java.io.IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1L) != 0;
            }
        }
        return false;
    }
}
