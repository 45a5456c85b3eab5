package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code acp content shots} in-process, on a two-shot video made by the bundled ffmpeg. */
class ContentShotsCommandTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void makeVideo() throws Exception {
        // testsrc2 for 2 s, then a hard cut to smptebars for 2 s; and a tone with no picture.
        JarRunner.runFfmpeg(List.of("-f", "lavfi", "-i", "testsrc2=s=128x72:r=25:d=2", "-f", "lavfi", "-i",
                "smptebars=s=128x72:r=25:d=2", "-filter_complex", "[0][1]concat=n=2:v=1[v]", "-map", "[v]",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", dir.resolve("two.mp4").toString()));
        JarRunner.runFfmpeg(List.of("-f", "lavfi", "-i", "sine=d=0.5", dir.resolve("tone.wav").toString()));
    }


    private CliRunner cli() {
        return new CliRunner(dir).env("ACP_FFMPEG", JarRunner.ffmpeg().toString());
    }

    @Test
    void json_lists_both_shots_with_keyframes_and_a_contact_sheet() throws Exception {
        CliRunner.Result r = cli().run("content", "shots", "two.mp4", "--keyframes", "keys", "--contact-sheet",
                "sheet.png", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("frames").asLong()).isEqualTo(100);
        JsonNode shots = json.get("shots");
        assertThat(shots).hasSize(2);
        assertThat(shots.get(0).get("transition").asText()).isEqualTo("start");
        assertThat(shots.get(1).get("transition").asText()).isEqualTo("cut");
        assertThat(shots.get(1).get("start_frame").asLong()).isEqualTo(50);
        assertThat(shots.get(1).get("start_seconds").asDouble()).isEqualTo(2.0);
        assertThat(shots.get(1).get("duration_seconds").asDouble()).isEqualTo(2.0);
        assertThat(shots.get(1).get("keyframe_file").asText()).endsWith("shot_002.png");
        assertThat(dir.resolve("keys/shot_001.png")).isNotEmptyFile();
        assertThat(dir.resolve("keys/shot_002.png")).isNotEmptyFile();
        assertThat(dir.resolve("sheet.png")).isNotEmptyFile();
    }

    @Test
    void table_names_each_shot_and_sums_up() {
        CliRunner.Result r = cli().run("content", "shots", "two.mp4", "--contact-sheet", "only-sheet.png");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("SHOT").contains("0:00:02.000").contains("cut")
                .contains("2 shots in two.mp4 (4.00 s, 100 frames at 25 fps).").contains("Contact sheet: only-sheet.png");
        assertThat(dir.resolve("only-sheet.png")).isNotEmptyFile();
    }

    @Test
    void a_missing_file_or_a_bad_option_is_usage_and_a_file_without_video_fails_processing() {
        CliRunner.Result missing = cli().run("content", "shots", "nope.mp4");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().strip()).contains("no such video file: nope.mp4").doesNotContain("\n")
                .doesNotContain("Exception");
        CliRunner.Result badOption = cli().run("content", "shots", "two.mp4", "--min-shot", "soon");
        assertThat(badOption.exitCode()).isEqualTo(2);
        assertThat(badOption.err()).contains("--min-shot must be a number of seconds");
        CliRunner.Result audio = cli().run("content", "shots", "tone.wav");
        assertThat(audio.exitCode()).isEqualTo(1);
        assertThat(audio.err().strip()).contains("tone.wav has no video stream (only audio)").doesNotContain("\n")
                .doesNotContain("Exception");
    }
}
