package dev.acp.local.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.testing.TestHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfmpegTest {
    private final Ffmpeg ffmpeg = TestHome.ffmpeg();

    @Test
    void should_map_a_failed_run_to_a_one_line_local_error_with_the_stderr_tail(@TempDir Path dir) {
        Path missing = dir.resolve("missing.png");

        assertThatThrownBy(() -> ffmpeg.run("converting the test image", List.of("-i", missing.toString(), dir.resolve("out.png").toString())))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.LOCAL))
                .hasMessageStartingWith("ffmpeg failed while converting the test image (exit 1): ")
                .hasMessageContaining("No such file or directory")
                .hasMessageNotContaining("\n");
    }

    @Test
    void should_report_progress_from_the_progress_pipe(@TempDir Path dir) throws Exception {
        List<Double> fractions = new CopyOnWriteArrayList<>();
        Path out = dir.resolve("tone.wav");

        ffmpeg.run("making a tone", List.of("-loglevel", "error", "-nostats", "-progress", "pipe:1",
                "-f", "lavfi", "-i", "sine=frequency=440:duration=3", out.toString()),
                FfmpegProgress.ofDuration(3, fractions::add));

        assertThat(Files.size(out)).isGreaterThan(44);
        assertThat(fractions).isNotEmpty().isSorted();
        assertThat(fractions.getLast()).isEqualTo(1.0);
    }

    @Test
    void should_stop_ffmpeg_when_the_thread_is_interrupted(@TempDir Path dir) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        List<String> progress = new CopyOnWriteArrayList<>();
        Thread worker = Thread.ofVirtual().start(() -> {
            try {
                // An endless input: only an interruption ends this run.
                ffmpeg.run("encoding forever", List.of("-loglevel", "error", "-nostats", "-progress", "pipe:1",
                        "-re", "-f", "lavfi", "-i", "sine=frequency=440", "-f", "null", "-"), progress::add);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        for (int i = 0; i < 500 && progress.isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertThat(progress).as("ffmpeg started").isNotEmpty();

        worker.interrupt();
        worker.join(15_000);

        assertThat(worker.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void should_turn_progress_lines_into_monotonic_fractions() {
        List<Double> fractions = new CopyOnWriteArrayList<>();
        FfmpegProgress progress = FfmpegProgress.ofFrames(48, fractions::add);

        for (String line : List.of("frame=12", "out_time_us=500000", "progress=continue", "frame=6", "progress=continue",
                "frame=36", "speed=1.2x", "progress=continue", "frame=48", "progress=end")) {
            progress.accept(line);
        }

        assertThat(fractions).containsExactly(0.25, 0.75, 1.0);
    }
}
