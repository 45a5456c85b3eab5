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

/**
 * The content steps in a pipeline run by {@code acp pipeline run}: a video cut into shots whose
 * keyframes a for_each block scores one by one, a search of an index built by {@code acp content
 * index build}, texts embedded and clustered, faces looked for; each answer read as JSON.
 */
class ContentStepsPipelineTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void media() throws Exception {
        JarRunner.runFfmpeg(List.of("-f", "lavfi", "-i", "testsrc2=s=128x72:r=25:d=2", "-f", "lavfi", "-i",
                "smptebars=s=128x72:r=25:d=2", "-filter_complex", "[0][1]concat=n=2:v=1[v]", "-map", "[v]",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", dir.resolve("two.mp4").toString()));
        Files.writeString(dir.resolve("songs.csv"), """
                id,title,genre,description,bpm
                s1,Night Piano,jazz,a slow quiet piano ballad for late nights,70
                s2,Stadium Anthem,rock,loud electric guitars and a crowd singing along,140
                s3,Rain Waltz,classical,gentle strings like rain on a window,90
                s4,Engine Roar,metal,fast heavy drums and distorted riffs,180
                """);
    }


    private CliRunner cli() {
        return new CliRunner(dir).env("ACP_FFMPEG", JarRunner.ffmpeg().toString());
    }

    private static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(Files.readString(file));
    }

    @Test
    void content_steps_run_offline_and_later_steps_use_their_items() throws Exception {
        CliRunner.Result built = cli().run("content", "index", "build", "--index", "songs-index", "--input",
                "songs.csv", "--fields", "title,genre,description");
        assertThat(built.exitCode()).as(built.err()).isZero();
        Files.writeString(dir.resolve("content.yaml"), """
                pipeline_name: content
                output_directory: out
                steps:
                  - id: shots
                    step_type: analyze_video
                    config: { video: two.mp4, contact_sheet: true }
                  - id: take
                    for_each: "{{steps.shots.items}}"
                    steps:
                      - id: score
                        step_type: score_quality
                        config: { file: "{{item.keyframe_file}}" }
                  - id: music
                    step_type: search_similar
                    depends_on: []
                    config: { index: songs-index, query: "soft piano music for a quiet night", k: 2 }
                  - id: fast
                    step_type: search_similar
                    depends_on: []
                    config: { index: songs-index, query: "soft piano music", k: 4, where: [ "bpm>=100" ] }
                  - id: topics
                    step_type: cluster_content
                    depends_on: []
                    config:
                      texts: [ "a cat sleeps on the sofa", "the kitten naps on a cushion",
                               "stock prices fell sharply today", "markets dropped as shares slid" ]
                      k: 2
                  - id: vectors
                    step_type: embed_text
                    depends_on: []
                    config: { text: "hello world" }
                  - id: faces
                    step_type: detect_faces
                    depends_on: []
                    config: { video: two.mp4, every: 1 }
                """);
        CliRunner.Result r = cli().run("pipeline", "run", "--config", "content.yaml", "--metrics-file", "m.prom");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        // Analysis on this machine is free, and said so: never an "unknown" cost.
        assertThat(r.out()).contains("$0.00").doesNotContain("unknown");
        Path out = dir.resolve("out");

        JsonNode shots = json(out.resolve("shots.json"));
        assertThat(shots.get("shots")).hasSize(2);
        assertThat(shots.get("shots").get(1).get("transition").asText()).isEqualTo("cut");
        assertThat(shots.get("shots").get(1).get("start_frame").asLong()).isEqualTo(50);
        Path keyframe = Path.of(shots.get("shots").get(1).get("keyframe_file").asText());
        assertThat(keyframe).isRegularFile().hasParent(out.resolve("shots_keyframes"));
        assertThat(out.resolve("shots_contact.png")).isNotEmptyFile();
        // One score per shot, made from the keyframe the for_each item named.
        assertThat(json(out.resolve("score_1.json")).at("/scores/0/file").asText()).endsWith("shot_001.png");
        assertThat(json(out.resolve("score_2.json")).at("/scores/0/overall").asDouble()).isBetween(0.0, 1.0);

        JsonNode hits = json(out.resolve("music.json")).get("hits");
        assertThat(hits).hasSize(2);
        assertThat(hits.get(0).get("id").asText()).isEqualTo("s1");
        // The numeric condition keeps only the fast songs, however near the quiet ones are.
        assertThat(json(out.resolve("fast.json")).get("hits").findValuesAsText("id")).containsExactlyInAnyOrder("s2",
                "s4");

        JsonNode clusters = json(out.resolve("topics.json")).get("clusters");
        assertThat(clusters).hasSize(2);
        for (JsonNode c : clusters) {
            String members = c.get("members").toString();
            // Cats with cats, markets with markets.
            assertThat(members.contains("cat") || members.contains("kitten"))
                    .isNotEqualTo(members.contains("stock") || members.contains("markets"));
        }

        JsonNode vectors = json(out.resolve("vectors.json"));
        assertThat(vectors.get("dimensions").asInt()).isEqualTo(384);
        assertThat(vectors.at("/embeddings/0/vector")).hasSize(384);

        JsonNode faces = json(out.resolve("faces.json"));
        assertThat(faces.get("type").asText()).isEqualTo("video");
        assertThat(faces.get("face_count").asInt()).isZero();

        // A video analysed counts as video, not as the JSON text its answer is.
        assertThat(Files.readString(dir.resolve("m.prom"))).containsPattern("content_processed_total\\{type=\"video\"} [1-9]");
        JsonNode report = json(out.resolve("run.json"));
        assertThat(report.toString()).contains("\"content_type\":\"video\"").doesNotContain("preview\":true");
    }

    @Test
    void a_missing_index_is_a_validation_error_naming_the_fix() throws Exception {
        Files.writeString(dir.resolve("bad.yaml"), """
                pipeline_name: bad
                output_directory: out-bad
                steps:
                  - step_type: search_similar
                    config: { index: no-such-index, query: jazz }
                """);
        CliRunner.Result r = cli().run("config", "validate", "bad.yaml");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("folder not found").contains("acp content index build");
    }

    @Test
    void a_where_condition_that_does_not_read_is_refused_before_anything_runs() throws Exception {
        Files.writeString(dir.resolve("bad-where.yaml"), """
                pipeline_name: bad-where
                output_directory: out-bad-where
                steps:
                  - step_type: search_similar
                    config: { index: ., query: jazz, where: "bpm=>fast" }
                """);
        CliRunner.Result r = cli().run("config", "validate", "bad-where.yaml");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("config.where 'bpm=>fast' is not a condition of the form field>=number")
                .contains("tempo_bpm>=100");
    }

    @Test
    void a_best_quality_group_of_outputs_without_scores_picks_the_sharpest_by_score_quality() throws Exception {
        // The same picture sharp and blurred, delivered by a provider that reports no score.
        JarRunner.runFfmpeg(List.of("-f", "lavfi", "-i", "testsrc2=s=320x180:d=1", "-frames:v", "1", dir.resolve("sharp.png")
                .toString()));
        JarRunner.runFfmpeg(List.of("-i", dir.resolve("sharp.png").toString(), "-vf", "gblur=sigma=6", dir.resolve("blurred.png")
                .toString()));
        Files.writeString(dir.resolve("best.yaml"), """
                pipeline_name: best
                output_directory: out-best
                steps:
                  - id: takes
                    step_type: parallel_group
                    parallel_config: { merge_strategy: best_quality }
                    steps:
                      - { id: soft, step_type: text_to_image, provider: scripted,
                          config: { prompt: a, script_copy: "%s" } }
                      - { id: crisp, step_type: text_to_image, provider: scripted,
                          config: { prompt: a, script_copy: "%s" } }
                """.formatted(dir.resolve("blurred.png"), dir.resolve("sharp.png")));
        CliRunner.Result r = cli().run("pipeline", "run", "--config", "best.yaml", "--yes");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        JsonNode group = null;
        for (JsonNode step : json(dir.resolve("out-best/run.json")).get("step_results")) {
            if (step.get("step_id").asText().equals("takes")) {
                group = step;
            }
        }
        assertThat(group).isNotNull();
        assertThat(group.at("/metadata/selected").asText()).isEqualTo("crisp");
        assertThat(group.at("/metadata/judged_members")).hasSize(2);
    }

    @Test
    void cluster_groups_an_index_by_meaning_and_refuses_an_impossible_k() throws Exception {
        CliRunner.Result built = cli().run("content", "index", "build", "--index", "cluster-index", "--input",
                "songs.csv");
        assertThat(built.exitCode()).as(built.err()).isZero();
        CliRunner.Result r = cli().run("content", "cluster", "--index", "cluster-index", "--k", "2", "--format",
                "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode clusters = new ObjectMapper().readTree(r.out()).get("clusters");
        assertThat(clusters).hasSize(2);
        for (JsonNode c : clusters) {
            String members = c.get("members").toString();
            // The quiet songs together, the loud ones together.
            assertThat(members.contains("s1")).isEqualTo(members.contains("s3"));
            assertThat(members.contains("s2")).isEqualTo(members.contains("s4"));
        }
        CliRunner.Result bad = cli().run("content", "cluster", "--index", "cluster-index", "--k", "9");
        assertThat(bad.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(bad.err().strip()).contains("--k").hasLineCount(1);
    }
}
