package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.env.Environment;
import dev.acp.local.media.MediaInfo;
import dev.acp.local.media.MediaProbe;
import dev.acp.local.media.MediaStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main job on the built jar: {@code examples/story-to-video.yaml --offline} renders a
 * narrated, subtitled MP4, checked with ffprobe against the scenes and narrations it was made of;
 * bad stories get one-line errors and leave no output behind.
 */
class StoryToVideoIT {
    /** Allowed error per scene, for durations and subtitle timings (the bar). */
    static final double PER_SCENE = 0.2;

    @TempDir
    Path dir;

    private static MediaProbe probe;

    @BeforeAll
    static void probe() {
        probe = MediaProbe.create(Environment.of(Map.of("PATH", "/usr/bin:/bin")), JarRunner.TOOLS_HOME);
    }

    private static String example() {
        return JarRunner.REPO.resolve("examples/story-to-video.yaml").toString();
    }

    @Test
    void the_story_example_renders_a_narrated_subtitled_video_whose_timing_matches_its_scenes() throws Exception {
        JarRunner.Result r = new JarRunner(dir).run("pipeline", "run", "--config", example(), "--offline");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path out = dir.resolve("story_output");

        JsonNode report = new ObjectMapper().readTree(out.resolve("run.json").toFile());
        assertThat(report.get("success").asBoolean()).isTrue();
        assertThat(report.get("preview").asBoolean()).isTrue();
        for (JsonNode step : report.get("step_results")) {
            if (!step.get("step_type").asText().equals("for_each")) {
                assertThat(step.get("preview").asBoolean()).as(step.get("step_id").asText()).isTrue();
            }
        }

        JsonNode scenes = new ObjectMapper().readTree(out.resolve("scenes.json").toFile()).get("scenes");
        assertThat(scenes).hasSize(4);
        JsonNode film = stepResult(report, "film").get("metadata");
        JsonNode planned = film.get("scenes");
        assertThat(planned).hasSize(4);

        // Each scene lasts as long as its narration (measured here, not taken from the report) plus
        // the padding, starts where the one before it ends, and the video is their sum.
        double start = 0;
        double sum = 0;
        List<double[]> narrations = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            double narration = probe.probe(out.resolve("scenes/narration_" + (i + 1) + ".mp3")).durationSeconds();
            double duration = planned.get(i).get("duration").asDouble();
            assertThat(planned.get(i).get("start").asDouble()).isCloseTo(start, within(PER_SCENE));
            assertThat(duration).as("scene %d", i + 1).isCloseTo(narration + 0.5, within(PER_SCENE));
            narrations.add(new double[] {start, start + narration});
            start += duration;
            sum += duration;
        }

        // scenes.json was written before any narration existed: its durations say they are estimates.
        // The timings the film used are beside it, equal to the narrations as decoded, within a frame.
        assertThat(new ObjectMapper().readTree(out.resolve("scenes.json").toFile()).path("duration_source").asText())
                .isEqualTo("estimate");
        assertThat(film.get("timeline_file").asText()).isEqualTo(out.resolve("story.timeline.json").toString());
        JsonNode timings = new ObjectMapper().readTree(out.resolve("story.timeline.json").toFile()).get("scenes");
        assertThat(timings).hasSize(4);
        double frame = 1.0 / 24;
        for (int i = 0; i < 4; i++) {
            double spoken = probe.decodedAudioSeconds(out.resolve("scenes/narration_" + (i + 1) + ".mp3"));
            JsonNode t = timings.get(i);
            assertThat(t.get("narration_duration").asDouble()).as("scene %d", i + 1).isCloseTo(spoken, within(frame));
            assertThat(t.get("duration").asDouble()).as("scene %d", i + 1).isCloseTo(spoken + 0.5, within(frame));
            assertThat(t.get("start").asDouble()).isEqualTo(planned.get(i).get("start").asDouble());
            assertThat(t.get("duration").asDouble()).isEqualTo(planned.get(i).get("duration").asDouble());
        }

        MediaInfo video = probe.probe(out.resolve("story.mp4"));
        assertThat(video.videoStreams()).hasSize(1);
        assertThat(video.audioStreams()).hasSize(1);
        MediaStream.Video v = video.video().orElseThrow();
        assertThat(v.codec()).isEqualTo("h264");
        assertThat(v.pixelFormat()).isEqualTo("yuv420p");
        assertThat(v.width()).isEqualTo(960);
        assertThat(v.height()).isEqualTo(540);
        assertThat((double) v.width() / v.height()).isCloseTo(16 / 9.0, within(0.01));
        assertThat(video.audio().orElseThrow().codec()).isEqualTo("aac");
        assertThat(video.durationSeconds()).isCloseTo(sum, within(PER_SCENE * 4));

        // Subtitles: each scene's cues start when its narration starts and end when it ends.
        List<double[]> cues = srtCues(Files.readString(out.resolve("story.srt")));
        assertThat(cues).hasSizeGreaterThanOrEqualTo(4);
        for (int i = 0; i < 4; i++) {
            double sceneStart = planned.get(i).get("start").asDouble();
            double sceneEnd = sceneStart + planned.get(i).get("duration").asDouble();
            // Start and duration are each rounded to the millisecond, so their sum can pass the next
            // scene's first cue by one; a cue belongs to a scene if it starts 10 ms inside it.
            List<double[]> own = cues.stream().filter(c -> c[0] >= sceneStart - 0.01 && c[0] < sceneEnd - 0.01)
                    .toList();
            assertThat(own).as("cues of scene %d", i + 1).isNotEmpty();
            assertThat(own.getFirst()[0]).as("scene %d first cue", i + 1).isCloseTo(narrations.get(i)[0], within(PER_SCENE));
            assertThat(own.getLast()[1]).as("scene %d last cue", i + 1).isCloseTo(narrations.get(i)[1], within(PER_SCENE));
        }
        assertThat(Files.readString(out.resolve("story.srt"))).contains("Mara");
        assertThat(noPartialFiles(out)).isTrue();
    }

    @Test
    void an_empty_story_is_refused_before_anything_runs() throws Exception {
        Files.writeString(dir.resolve("empty.txt"), "  \n\n ");
        JarRunner.Result r = new JarRunner(dir).run("pipeline", "run", "--config", example(), "--offline",
                "--set", "story=empty.txt");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(errorLines(r)).singleElement().asString().contains("input 'story'").contains("empty.txt is empty");
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(dir.resolve("story_output")).doesNotExist();
    }

    @Test
    void a_missing_story_file_is_refused_before_anything_runs() throws Exception {
        JarRunner.Result r = new JarRunner(dir).run("pipeline", "run", "--config", example(), "--offline",
                "--set", "story=no-such-story.txt");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(errorLines(r)).singleElement().asString().contains("input 'story': file not found")
                .contains("no-such-story.txt");
        assertThat(dir.resolve("story_output")).doesNotExist();
    }

    @Test
    void a_one_word_story_is_refused_with_one_line_and_no_film() throws Exception {
        Files.writeString(dir.resolve("one.txt"), "Lighthouse.\n");
        JarRunner.Result r = new JarRunner(dir).run("pipeline", "run", "--config", example(), "--offline",
                "--set", "story=one.txt");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err() + r.out()).contains("the story is a single word ('Lighthouse.')");
        Path out = dir.resolve("story_output");
        assertThat(out.resolve("story.mp4")).doesNotExist();
        assertThat(out.resolve("story.srt")).doesNotExist();
    }

    private static List<String> errorLines(JarRunner.Result r) {
        return r.err().lines().filter(l -> l.contains("error:")).toList();
    }

    private static JsonNode stepResult(JsonNode report, String id) {
        for (JsonNode s : report.get("step_results")) {
            if (s.get("step_id").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no step " + id + " in run.json");
    }

    private static final Pattern CUE = Pattern.compile(
            "(\\d+):(\\d+):(\\d+),(\\d+) --> (\\d+):(\\d+):(\\d+),(\\d+)");

    /** The [start, end] seconds of every cue, in file order. */
    static List<double[]> srtCues(String srt) {
        List<double[]> cues = new ArrayList<>();
        Matcher m = CUE.matcher(srt);
        while (m.find()) {
            cues.add(new double[] {seconds(m, 1), seconds(m, 5)});
        }
        return cues;
    }

    private static double seconds(Matcher m, int g) {
        return Integer.parseInt(m.group(g)) * 3600 + Integer.parseInt(m.group(g + 1)) * 60
                + Integer.parseInt(m.group(g + 2)) + Integer.parseInt(m.group(g + 3)) / 1000.0;
    }

    private static boolean noPartialFiles(Path out) throws IOException {
        try (Stream<Path> files = Files.walk(out)) {
            return files.noneMatch(p -> p.getFileName().toString().contains(".partial"));
        }
    }
}
