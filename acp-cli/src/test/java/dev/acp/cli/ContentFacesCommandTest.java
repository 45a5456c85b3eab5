package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code acp content faces} in-process, on a public-domain portrait and a video made from it. */
class ContentFacesCommandTest {
    @TempDir
    Path dir;

    private Path photo;

    @BeforeEach
    void copyPhoto() throws Exception {
        photo = dir.resolve("astronaut-face.jpg");
        try (InputStream in = getClass().getResourceAsStream("faces/astronaut-face.jpg")) {
            Files.copy(in, photo);
        }
    }

    private CliRunner cli() {
        return new CliRunner(dir).env("ACP_FFMPEG", JarRunner.ffmpeg().toString());
    }

    private void ffmpeg(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(JarRunner.ffmpeg().toString(), "-hide_banner",
                "-loglevel", "error", "-y"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(output).isZero();
    }

    @Test
    void an_image_prints_one_row_per_face_with_its_box_score_and_landmarks() {
        CliRunner.Result r = cli().run("content", "faces", "astronaut-face.jpg");

        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("astronaut-face.jpg: 1 face (200 x 200, min score 0.60)");
        assertThat(lines.get(1)).startsWith("FACE").contains("SCORE", "BOX (X,Y WxH)", "RIGHT EYE", "EARS (R / L)");
        // Face 1, its score, box, then five landmark columns, the ears as "x,y / x,y".
        assertThat(lines.get(2)).matches("1\\s+0\\.9\\d\\s+\\d+,\\d+ \\d+x\\d+(\\s+\\d+,\\d+){5} / \\d+,\\d+");
        assertThat(lines).hasSize(3);
    }

    @Test
    void json_gives_boxes_confidence_and_named_landmarks() throws Exception {
        CliRunner.Result r = cli().run("content", "faces", photo.toString(), "--format", "json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("type").asText()).isEqualTo("image");
        assertThat(json.get("width").asInt()).isEqualTo(200);
        assertThat(json.get("face_count").asInt()).isEqualTo(1);
        JsonNode face = json.get("faces").get(0);
        assertThat(face.get("confidence").asDouble()).isGreaterThan(0.8);
        assertThat(json.fieldNames()).toIterable().startsWith("file", "type", "width", "height");
        assertThat(face.get("box").fieldNames()).toIterable().containsExactly("x", "y", "width", "height");
        assertThat(face.get("box").get("x").asDouble()).isBetween(40.0, 65.0);
        assertThat(face.get("box").get("width").asDouble()).isBetween(80.0, 120.0);
        assertThat(face.get("landmarks").fieldNames()).toIterable().containsExactly("right_eye", "left_eye",
                "nose_tip", "mouth", "right_ear_tragion", "left_ear_tragion");
        assertThat(face.get("landmarks").get("right_eye").get("x").asDouble())
                .isLessThan(face.get("landmarks").get("left_eye").get("x").asDouble());
    }

    @Test
    void annotate_writes_a_png_of_the_image_with_the_face_drawn() throws Exception {
        CliRunner.Result r = cli().run("content", "faces", "astronaut-face.jpg", "--annotate", "out/faces.png");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Annotated: " + dir.resolve("out/faces.png"));
        BufferedImage annotated = ImageIO.read(dir.resolve("out/faces.png").toFile());
        BufferedImage original = ImageIO.read(photo.toFile());
        assertThat(annotated.getWidth()).isEqualTo(200);
        int changed = 0;
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 200; x++) {
                int a = annotated.getRGB(x, y);
                int b = original.getRGB(x, y);
                if (Math.abs(((a >> 8) & 0xff) - ((b >> 8) & 0xff)) > 60) {
                    changed++;
                }
            }
        }
        // A box outline, a label and six dots: hundreds of pixels, far from the whole image.
        assertThat(changed).isBetween(300, 8000);
    }

    @Test
    void a_video_reports_each_sampled_frame_with_its_time_and_annotates_the_busiest() throws Exception {
        ffmpeg("-loop", "1", "-framerate", "5", "-t", "2", "-i", "astronaut-face.jpg", "-f", "lavfi", "-i",
                "color=black:s=200x200:r=5:d=1", "-filter_complex",
                "[0:v]format=yuv420p[a];[1:v]format=yuv420p[b];[b][a]concat=n=2:v=1[v]", "-map", "[v]",
                "-c:v", "libx264", "-preset", "ultrafast", "black-then-face.mp4");

        CliRunner.Result table = cli().run("content", "faces", "black-then-face.mp4");
        CliRunner.Result json = cli().run("content", "faces", "black-then-face.mp4", "--every", "0.5", "--format",
                "json", "--annotate", "busiest.png");

        assertThat(table.exitCode()).as(table.err()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.getFirst()).isEqualTo(
                "black-then-face.mp4: 2 faces in 2 of 3 frames sampled every 1 s (200 x 200, min score 0.60)");
        assertThat(lines.get(1)).startsWith("TIME").contains("FACE");
        assertThat(lines.get(2)).matches("0 s\\s+-");
        assertThat(lines.get(3)).startsWith("1 s").contains("0.9");
        assertThat(lines.get(4)).startsWith("2 s");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode v = new ObjectMapper().readTree(json.out());
        assertThat(v.get("type").asText()).isEqualTo("video");
        assertThat(v.get("every_seconds").asDouble()).isEqualTo(0.5);
        assertThat(v.get("frames")).hasSize(6);
        assertThat(v.get("frames").get(1).get("seconds").asDouble()).isEqualTo(0.5);
        assertThat(v.get("frames").get(1).get("faces")).isEmpty();
        assertThat(v.get("frames").get(2).get("faces")).hasSize(1);
        assertThat(v.get("annotated_frame_seconds").asDouble()).isEqualTo(1.0);
        assertThat(ImageIO.read(dir.resolve("busiest.png").toFile()).getWidth()).isEqualTo(200);
    }

    @Test
    void a_file_without_pictures_fails_with_one_line_naming_it_and_exit_2() throws Exception {
        ffmpeg("-f", "lavfi", "-i", "sine=duration=0.2", "tone.wav");
        Files.writeString(dir.resolve("notes.txt"), "no pixels here");

        CliRunner.Result audio = cli().run("content", "faces", "tone.wav");
        CliRunner.Result text = cli().run("content", "faces", "notes.txt");
        CliRunner.Result missing = cli().run("content", "faces", "nowhere.jpg");

        assertThat(audio.exitCode()).isEqualTo(2);
        assertThat(audio.err()).isEqualTo("acp: error: " + dir.resolve("tone.wav") + " has no video stream (only audio"
                + " pcm_s16le), so it has no pictures to find faces in; use a PNG, JPEG, BMP, GIF, TIFF or WebP image or"
                + " a video file" + System.lineSeparator());
        assertThat(text.exitCode()).isEqualTo(2);
        assertThat(text.err()).startsWith("acp: error: " + dir.resolve("notes.txt") + " is not an image or video")
                .hasLineCount(1).doesNotContain("Exception");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).hasLineCount(1).contains("nowhere.jpg does not exist; check the path");
        assertThat(missing.out()).isEmpty();
    }

    @Test
    void bad_option_values_are_usage_errors_with_an_example() {
        CliRunner.Result score = cli().run("content", "faces", "astronaut-face.jpg", "--min-score", "1.5");
        CliRunner.Result every = cli().run("content", "faces", "astronaut-face.jpg", "--every", "0");
        CliRunner.Result jpeg = cli().run("content", "faces", "astronaut-face.jpg", "--annotate", "out.jpg");

        assertThat(score.exitCode()).isEqualTo(2);
        assertThat(score.err()).contains("--min-score is a confidence from 0 to 1, not 1.5; for example --min-score 0.6");
        assertThat(every.exitCode()).isEqualTo(2);
        assertThat(every.err()).contains("--every is a number of seconds above 0");
        assertThat(jpeg.exitCode()).isEqualTo(2);
        assertThat(jpeg.err()).contains("--annotate writes a PNG image");
        assertThat(Files.exists(dir.resolve("out.jpg"))).isFalse();
    }

    @Test
    void content_help_lists_faces() {
        CliRunner.Result r = cli().run("content", "--help");

        assertThat(r.out()).containsPattern("(?m)^\\s+faces\\s+Find faces in an image");
    }
}
