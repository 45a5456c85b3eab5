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

/** {@code acp content quality} in-process, on a test pattern and a tone made by the bundled ffmpeg. */
class ContentQualityCommandTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void makeMedia() throws Exception {
        run(List.of("-f", "lavfi", "-i", "testsrc2=s=320x180", "-frames:v", "1", dir.resolve("pattern.png").toString()));
        run(List.of("-f", "lavfi", "-i", "sine=f=440:d=2", dir.resolve("tone.wav").toString()));
        Files.writeString(dir.resolve("notes.wav"), "not sound\n");
    }

    private static void run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(JarRunner.ffmpeg().toString(), "-hide_banner",
                "-loglevel", "error", "-y"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(output).isZero();
    }

    private CliRunner cli() {
        return new CliRunner(dir).env("ACP_FFMPEG", JarRunner.ffmpeg().toString());
    }

    @Test
    void json_names_each_image_dimension_with_value_unit_score_and_weight() throws Exception {
        CliRunner.Result r = cli().run("content", "quality", "pattern.png", "--format", "json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("kind").asText()).isEqualTo("image");
        assertThat(json.get("overall").asDouble()).isBetween(0.0, 1.0);
        assertThat(json.get("dimensions").findValuesAsText("name")).containsExactly("sharpness", "exposure",
                "shadow_clipping", "highlight_clipping", "noise", "colourfulness", "contrast");
        JsonNode sharpness = json.get("dimensions").get(0);
        assertThat(sharpness.get("unit").asText()).isEqualTo("laplacian variance");
        assertThat(sharpness.get("value").asDouble()).isPositive();
        assertThat(sharpness.get("weight").asDouble()).isEqualTo(0.25);
    }

    @Test
    void table_lists_the_audio_dimensions_and_the_overall_score() {
        CliRunner.Result r = cli().run("content", "quality", "tone.wav");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("DIMENSION").contains("integrated_loudness").contains("LUFS").contains("clipping")
                .contains("silence").contains("Overall quality of tone.wav (audio): ");
    }

    @Test
    void a_missing_file_is_usage_and_a_file_that_is_not_media_fails_processing_in_one_line() {
        CliRunner.Result missing = cli().run("content", "quality", "nope.png");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().strip()).contains("no such file: nope.png; check the path").doesNotContain("\n");

        CliRunner.Result notMedia = cli().run("content", "quality", "notes.wav");
        assertThat(notMedia.exitCode()).isEqualTo(1);
        assertThat(notMedia.err().strip()).contains("notes.wav is not an image, audio or video file ffmpeg can read")
                .doesNotContain("\n").doesNotContain("Exception");
    }
}
