package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code acp content process} in-process with the real models, on a public-domain portrait, a
 * two-shot video with a title tag made by the bundled ffmpeg, and a text file, placed in a small
 * index of four topics.
 */
class ContentProcessCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    @BeforeAll
    static void makeMediaAndIndex() throws Exception {
        try (InputStream in = ContentProcessCommandTest.class.getResourceAsStream("faces/astronaut-face.jpg")) {
            Files.copy(in, dir.resolve("astronaut.jpg"));
        }
        // testsrc2 for 2 s, a hard cut to smptebars for 2 s, titled in the container.
        JarRunner.runFfmpeg(List.of("-f", "lavfi", "-i", "testsrc2=s=128x72:r=25:d=2", "-f", "lavfi", "-i",
                "smptebars=s=128x72:r=25:d=2", "-filter_complex", "[0][1]concat=n=2:v=1[v]", "-map", "[v]",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-metadata",
                "title=Colour bars after a test pattern", dir.resolve("bars.mp4").toString()));
        Files.writeString(dir.resolve("notes.txt"), "Soft piano music while the rain falls on the window.\n"
                + "A quiet evening indoors.\n");
        Files.writeString(dir.resolve("items.csv"), """
                id,title,description
                rain,Rainy Day,soft piano while the rain falls on the window
                drizzle,Grey Morning,gentle rain and a slow piano melody
                moon,Moon Landing,an astronaut walks on the moon in a space suit
                rocket,Launch Day,a rocket carries astronauts into orbit
                soup,Tomato Soup,simmer tomatoes with garlic and basil
                bread,Sourdough,knead the dough and bake the bread in a hot oven
                """);
        CliRunner.Result built = cli().run("content", "index", "build", "--index", "idx", "--input", "items.csv");
        assertThat(built.exitCode()).as(built.err()).isZero();
    }

    private static CliRunner cli() {
        return new CliRunner(dir).env("ACP_FFMPEG", JarRunner.ffmpeg().toString());
    }

    @Test
    void an_image_gets_metadata_faces_quality_and_its_cluster_and_neighbours_from_its_text() throws Exception {
        CliRunner.Result r = cli().run("content", "process", "astronaut.jpg", "--text", "an astronaut in a space"
                + " suit", "--index", "idx", "--neighbours", "2", "--format", "json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        assertThat(json.get("kind").asText()).isEqualTo("image");
        assertThat(json.get("metadata").get("width").asInt()).isEqualTo(200);
        assertThat(json.get("metadata").get("height").asInt()).isEqualTo(200);
        assertThat(json.get("metadata").get("video_codec").asText()).isEqualTo("mjpeg");
        assertThat(json.get("metadata").get("size_bytes").asLong()).isEqualTo(Files.size(dir.resolve("astronaut.jpg")));
        assertThat(json.get("description").get("source").asText()).isEqualTo("option");
        assertThat(json.get("embedding").get("dimensions").asInt()).isEqualTo(384);
        assertThat(json.get("embedding").get("vector")).hasSize(384);
        assertThat(json.get("faces").get("face_count").asInt()).isEqualTo(1);
        assertThat(json.get("quality").get("kind").asText()).isEqualTo("image");
        assertThat(json.get("shots").isNull()).isTrue();
        JsonNode cluster = json.get("cluster");
        assertThat(cluster.get("items").asInt()).isEqualTo(6);
        assertThat(cluster.get("label").asText()).isIn("moon", "rocket");
        assertThat(cluster.get("similarity").asDouble()).isPositive();
        assertThat(cluster.get("neighbours").findValuesAsText("id")).hasSize(2).first().isEqualTo("moon");
    }

    @Test
    void a_video_gets_its_shots_keyframes_faces_and_quality_and_embeds_its_title_tag() throws Exception {
        // ffmpeg behind a script that notes each command line, to see how often the video is decoded.
        Path calls = dir.resolve("ffmpeg-calls.txt");
        Path recorder = dir.resolve("ffmpeg-recorder.sh");
        Files.writeString(recorder, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\nexec '" + JarRunner.ffmpeg() + "' \"$@\"\n");
        recorder.toFile().setExecutable(true);
        CliRunner.Result r = new CliRunner(dir).env("ACP_FFMPEG", recorder.toString())
                .run("content", "process", "bars.mp4", "--keyframes", "keys", "--format", "json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = JSON.readTree(r.out());
        assertThat(json.get("kind").asText()).isEqualTo("video");
        JsonNode meta = json.get("metadata");
        assertThat(meta.get("duration_seconds").asDouble()).isEqualTo(4.0);
        assertThat(meta.get("video_codec").asText()).isEqualTo("h264");
        assertThat(meta.get("width").asInt()).isEqualTo(128);
        assertThat(meta.get("tags").get("title").asText()).isEqualTo("Colour bars after a test pattern");
        assertThat(json.get("description").get("source").asText()).isEqualTo("container metadata");
        assertThat(json.get("description").get("text").asText()).isEqualTo("title: Colour bars after a test pattern");
        assertThat(json.get("embedding").get("vector")).hasSize(384);
        JsonNode shots = json.get("shots").get("shots");
        assertThat(shots).hasSize(2);
        assertThat(shots.get(1).get("transition").asText()).isEqualTo("cut");
        assertThat(shots.get(1).get("start_seconds").asDouble()).isEqualTo(2.0);
        assertThat(dir.resolve("keys/shot_001.png")).isNotEmptyFile();
        assertThat(dir.resolve("keys/shot_002.png")).isNotEmptyFile();
        assertThat(json.get("faces").get("type").asText()).isEqualTo("video");
        assertThat(json.get("faces").get("face_count").asInt()).isZero();
        assertThat(json.get("quality").get("kind").asText()).isEqualTo("video");
        assertThat(json.get("quality").get("dimensions").findValuesAsText("name")).contains("cuts_per_minute");
        assertThat(json.get("cluster").isNull()).isTrue();
        // Shots and the quality's shot rhythm come from one decode of the whole video.
        assertThat(Files.readAllLines(calls)).filteredOn(line -> line.contains("bars.mp4")
                && line.contains("scale=64:36")).hasSize(1);
    }

    @Test
    void a_text_file_is_embedded_and_placed_with_the_items_about_the_same_thing() {
        CliRunner.Result r = cli().run("content", "process", "notes.txt", "--index", "idx");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("notes.txt: text, ").contains("78 B, 14 words, 2 lines")
                .contains("Text:      Soft piano music while the rain falls on the window. A quiet evening … (from text)")
                .containsPattern("Cluster:   \\d of \\d in idx, named by (rain|drizzle) ")
                .contains("Nearest items of idx:")
                .contains("Note:      quality: text has no quality score");
        List<String> hits = r.out().lines().dropWhile(l -> !l.startsWith("Nearest items")).skip(2).toList();
        assertThat(hits.getFirst()).contains("rain");
        assertThat(hits.get(1)).contains("drizzle");
    }

    @Test
    void bad_input_is_one_line_naming_the_file_exit_2_for_usage_and_1_when_it_cannot_be_analysed() throws Exception {
        Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xe9});
        CliRunner.Result latin1 = cli().run("content", "process", "latin1.txt");
        assertThat(latin1.exitCode()).isEqualTo(2);
        assertThat(latin1.err().strip()).endsWith("latin1.txt is not UTF-8 text (byte 4 is not valid UTF-8); convert"
                + " it, for example with: iconv -f latin1 -t utf-8").doesNotContain("\n");

        Files.write(dir.resolve("broken.mp4"), new byte[] {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 1, 2, (byte) 0xff});
        CliRunner.Result broken = cli().run("content", "process", "broken.mp4");
        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.err().strip()).contains("broken.mp4 is neither UTF-8 text nor an image, audio or video file"
                + " ffmpeg can read").doesNotContain("\n").doesNotContain("Exception");

        CliRunner.Result noText = cli().run("content", "process", "astronaut.jpg", "--index", "idx");
        assertThat(noText.exitCode()).isEqualTo(2);
        assertThat(noText.err().strip()).contains("astronaut.jpg has no text to place it in the index by: give"
                + " --text").doesNotContain("\n");

        CliRunner.Result missing = cli().run("content", "process", "nope.png");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().strip()).contains("no such file: ").contains("nope.png; check the path");
    }
}
