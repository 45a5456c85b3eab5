package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.env.Environment;
import dev.acp.local.media.MediaInfo;
import dev.acp.local.media.MediaProbe;
import dev.acp.local.media.MediaStream;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the built jar: the seed examples run offline and produce real media, checked
 * with ffmpeg; Ctrl-C stops a run cleanly; bad input gives one-line errors.
 */
class SeedExamplesIT {
    @TempDir
    Path dir;

    private static MediaProbe probe;

    @BeforeAll
    static void probe() {
        probe = MediaProbe.create(Environment.of(Map.of("PATH", "/usr/bin:/bin")), JarRunner.TOOLS_HOME);
    }

    private static Path seed(String name) {
        return JarRunner.REPO.resolve("examples/seed").resolve(name);
    }

    @Test
    void content_creation_renders_a_png_a_six_second_h264_video_and_speech() throws Exception {
        JarRunner.Result r = new JarRunner(dir).run("pipeline", "run", "--config",
                seed("content_creation.yaml").toString(), "--offline");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out() + r.err()).doesNotContain("\u001b[");
        Path out = dir.resolve("content_output");

        BufferedImage png = ImageIO.read(out.resolve("landscape.png").toFile());
        assertThat(png.getWidth()).isEqualTo(1024);
        assertThat(png.getHeight()).isEqualTo(576);

        MediaInfo video = probe.probe(out.resolve("landscape_video.mp4"));
        MediaStream.Video v = video.video().orElseThrow();
        assertThat(v.codec()).isEqualTo("h264");
        assertThat(v.pixelFormat()).isEqualTo("yuv420p");
        assertThat(video.durationSeconds()).isCloseTo(6.0, within(0.05));

        MediaInfo speech = probe.probe(out.resolve("narration.mp3"));
        assertThat(speech.audio().orElseThrow().codec()).isEqualTo("mp3");
        assertThat(speech.video()).isEmpty();
        assertThat(speech.durationSeconds()).isGreaterThan(1.0);

        JsonNode report = new ObjectMapper().readTree(out.resolve("run.json").toFile());
        assertThat(report.get("success").asBoolean()).isTrue();
        assertThat(report.get("preview").asBoolean()).isTrue();
        assertThat(report.get("step_results")).hasSize(3);
        assertThat(noPartialFiles(out)).isTrue();
    }

    @Test
    void parallel_voices_and_simple_tts_produce_speech() throws Exception {
        JarRunner runner = new JarRunner(dir);
        JarRunner.Result voices = runner.run("pipeline", "run", "-c", seed("parallel_voices.yaml").toString(), "--offline");
        assertThat(voices.exitCode()).as(voices.err()).isZero();
        for (String f : List.of("voice1.mp3", "voice2.mp3")) {
            MediaInfo info = probe.probe(dir.resolve("parallel_output").resolve(f));
            assertThat(info.audio()).isPresent();
            assertThat(info.durationSeconds()).isGreaterThan(0.5);
        }
        JarRunner.Result tts = runner.run("pipeline", "run", "-c", seed("simple_tts.yaml").toString(), "--offline");
        assertThat(tts.exitCode()).as(tts.err()).isZero();
        assertThat(probe.probe(dir.resolve("output/speech.mp3")).audio()).isPresent();
    }

    @Test
    void the_extensions_example_runs_a_best_quality_group_and_a_vertical_clip() throws Exception {
        JarRunner.Result r = new JarRunner(dir).run("pipeline", "run", "-c",
                JarRunner.REPO.resolve("examples/lighthouse.yaml").toString(), "--offline", "--set", "style=cartoon");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path out = dir.resolve("lighthouse_output");
        MediaStream.Video clip = probe.probe(out.resolve("clip.mp4")).video().orElseThrow();
        assertThat((double) clip.width() / clip.height()).isCloseTo(9 / 16.0, within(0.01));
        JsonNode report = new ObjectMapper().readTree(out.resolve("run.json").toFile());
        JsonNode group = report.get("step_results").get(1);
        assertThat(group.get("step_id").asText()).isEqualTo("candidates");
        assertThat(group.get("metadata").get("selected").asText()).startsWith("take_");
        assertThat(report.get("inputs").get("style").asText()).isEqualTo("cartoon");
        assertThat(Files.readString(out.resolve("idea.txt"))).contains("lighthouse");
    }

    @Test
    void ctrl_c_stops_running_steps_writes_the_report_and_exits_5() throws Exception {
        Path pipeline = dir.resolve("long.yaml");
        Files.writeString(pipeline, """
                pipeline_name: long
                output_directory: out
                steps:
                  - { step_type: text_to_speech, id: quick, provider: local, config: { text: "hello" }, output_filename: quick.wav }
                  - { step_type: text_to_video, id: long_clip, provider: local,
                      config: { prompt: "a very long clip", duration: 600, resolution: 1080p } }
                  - { step_type: text_to_speech, id: after, provider: local, config: { text: "never" } }
                """);
        Process p = new JarRunner(dir).builder("pipeline", "run", "-c", pipeline.toString())
                .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null && !line.contains("started long_clip")) {
                // wait until the long step runs
            }
            assertThat(line).as("the long step should start").isNotNull();
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("acp should stop after Ctrl-C").isTrue();
        }
        assertThat(p.exitValue()).isEqualTo(5);
        assertThat(Files.readString(dir.resolve("stdout.txt"))).contains("long was interrupted");
        Path out = dir.resolve("out");
        JsonNode report = new ObjectMapper().readTree(out.resolve("run.json").toFile());
        assertThat(report.get("status").asText()).isEqualTo("interrupted");
        assertThat(report.get("step_results").get(0).get("status").asText()).isEqualTo("succeeded");
        assertThat(report.get("step_results").get(1).get("status").asText()).isEqualTo("cancelled");
        assertThat(report.get("step_results").get(2).get("attempts").asInt()).isZero();
        assertThat(out.resolve("quick.wav")).exists();
        assertThat(noPartialFiles(out)).isTrue();
        assertThat(out.resolve("long_clip.mp4")).doesNotExist();
    }

    @Test
    void an_invalid_pipeline_gets_one_line_errors_exit_2_and_no_stack_trace() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "pipeline_name: bad\nsteps:\n  - step_type: text_to_imag\n");
        JarRunner.Result r = new JarRunner(dir).run("pipeline", "run", "-c", bad.toString(), "--offline");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("bad.yaml:3:16: error: step 'steps[1]': unknown step_type 'text_to_imag'")
                .doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(dir.resolve("output")).doesNotExist();
    }

    private static boolean noPartialFiles(Path out) throws IOException {
        try (Stream<Path> files = Files.walk(out)) {
            return files.noneMatch(p -> p.getFileName().toString().contains(".partial"));
        }
    }
}
