package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code pipeline run --engine temporal} in-process: the run path's checks come before Temporal. */
@Timeout(60)
class TemporalCommandsTest {
    @TempDir
    Path dir;

    private static final String PIPELINE = """
            pipeline_name: on-temporal
            output_directory: out
            steps:
              - { id: a, step_type: prompt_generation, provider: scripted, config: { prompt: one } }
              - { id: b, step_type: text_to_image, provider: scripted, config: { prompt: "{{steps.a.text}}" } }
            """;

    @Test
    void aPipelineThatFailsValidationIsRefusedBeforeTemporalIsAsked() throws IOException {
        Files.writeString(dir.resolve("bad.yaml"), PIPELINE.replace("{{steps.a.text}}", "{{steps.nope.text}}"));
        // Nothing listens there: had the run reached Temporal, the error would say it cannot reach it.
        CliRunner.Result r = new CliRunner(dir).run("pipeline", "run", "-c", "bad.yaml", "--engine", "temporal",
                "--temporal-target", "127.0.0.1:" + freePort());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("nope").doesNotContain("Temporal");
        assertThat(dir.resolve(".acp-home/runs")).doesNotExist();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
