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
    void should_hand_standard_output_over_as_bytes() throws Exception {
        AtomicReference<byte[]> frame = new AtomicReference<>();

        var result = ffmpeg.executeReading("reading a red frame", List.of("-loglevel", "error", "-f", "lavfi", "-i",
                "color=c=red:s=4x2:r=25", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"),
                in -> frame.set(in.readAllBytes()));

        assertThat(result.succeeded()).as(result.stderr()).isTrue();
        assertThat(frame.get()).hasSize(4 * 2 * 3);
        assertThat(frame.get()[0] & 0xff).isGreaterThan(240);
        assertThat(frame.get()[1] & 0xff).isLessThan(16);
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void should_stop_ffmpeg_when_the_reader_gives_up() {
        // An endless source: only stopping ffmpeg ends this call.
        assertThatThrownBy(() -> ffmpeg.executeReading("reading test frames", List.of("-loglevel", "error", "-f",
                "lavfi", "-i", "testsrc=s=64x36", "-f", "rawvideo", "pipe:1"), in -> {
                    in.readNBytes(10_000);
                    throw new java.io.IOException("seen enough");
                }))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.LOCAL))
                .hasMessageStartingWith("ffmpeg failed while reading test frames (seen enough)");
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
    void at_most_max_processes_ffmpeg_processes_run_at_once_and_the_next_starts_when_one_ends() throws Exception {
        Ffmpeg one = new Ffmpeg(ffmpeg.locator(), 1);
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        List<String> endless = List.of("-loglevel", "error", "-nostats", "-progress", "pipe:1", "-re", "-f", "lavfi",
                "-i", "sine=frequency=440", "-f", "null", "-");
        Thread a = Thread.ofVirtual().start(() -> runQuietly(one, endless, first));
        for (int i = 0; i < 500 && first.isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertThat(first).as("the first ffmpeg runs").isNotEmpty();
        Thread b = Thread.ofVirtual().start(() -> runQuietly(one, endless, second));
        // The second waits for the only slot: it has not started while the first keeps reporting.
        int seen = first.size();
        for (int i = 0; i < 500 && first.size() < seen + 3; i++) {
            Thread.sleep(20);
        }
        assertThat(first.size()).as("the first still runs").isGreaterThanOrEqualTo(seen + 3);
        assertThat(second).as("the second has not started").isEmpty();

        a.interrupt();
        a.join(15_000);
        for (int i = 0; i < 500 && second.isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertThat(second).as("the second starts once the first is gone").isNotEmpty();
        b.interrupt();
        b.join(15_000);
        assertThat(b.isAlive()).isFalse();
    }

    private static void runQuietly(Ffmpeg ffmpeg, List<String> arguments, List<String> progress) {
        try {
            ffmpeg.run("encoding forever", arguments, progress::add);
        } catch (ProviderException | InterruptedException e) {
            // Interrupted: the test stops it.
        }
    }

    @Test
    void the_number_of_ffmpeg_processes_comes_from_the_environment_and_a_bad_value_is_refused(@TempDir Path dir) {
        assertThat(Ffmpeg.locate(dev.acp.env.Environment.of(java.util.Map.of(Ffmpeg.MAX_PROCESSES_VARIABLE, "3")), dir)
                .maxProcesses()).isEqualTo(3);
        assertThat(Ffmpeg.locate(dev.acp.env.Environment.of(java.util.Map.of()), dir).maxProcesses())
                .isEqualTo(Math.max(2, Runtime.getRuntime().availableProcessors()));
        assertThatThrownBy(() -> Ffmpeg.locate(dev.acp.env.Environment.of(java.util.Map.of(
                Ffmpeg.MAX_PROCESSES_VARIABLE, "zero")), dir)).isInstanceOf(dev.acp.error.UsageException.class)
                .hasMessage(Ffmpeg.MAX_PROCESSES_VARIABLE + " must be a whole number above 0, not 'zero'");
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
