package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batch run --engine temporal} in-process: every row is checked before Temporal is asked.
 * (Rows on Temporal: acp-temporal's TemporalBatchTest; a resume on another engine: BatchEngineTest.)
 */
@Timeout(60)
class TemporalBatchCommandTest {
    @TempDir
    Path dir;

    private static final String PIPELINE = """
            pipeline_name: cards
            output_directory: out
            inputs:
              topic: { type: string }
            steps:
              - { id: a, step_type: prompt_generation, provider: scripted, config: { prompt: "{{inputs.topic}}" } }
            """;

    @Test
    void aBatchWithAnInvalidRowIsRefusedBeforeTemporalIsAsked() throws IOException {
        Files.writeString(dir.resolve("cards.yaml"), PIPELINE);
        Files.writeString(dir.resolve("rows.csv"), "id,topic,colour\nr1,fox,red\n");
        // Nothing listens there: had the batch reached Temporal, the error would say it cannot reach it.
        CliRunner.Result r = new CliRunner(dir).run("batch", "run", "-c", "cards.yaml", "-i", "rows.csv", "--engine",
                "temporal", "--temporal-target", "127.0.0.1:" + freePort());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("colour").doesNotContain("Temporal");
        assertThat(dir.resolve(".acp-home/batches")).doesNotExist();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
