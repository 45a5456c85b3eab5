package dev.acp.pipeline.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.env.Environment;
import dev.acp.pipeline.GroupStepSpec;
import dev.acp.pipeline.MergeStrategy;
import dev.acp.pipeline.PipelineSpec;
import dev.acp.pipeline.Problem;
import dev.acp.pipeline.TaskStepSpec;
import dev.acp.pipeline.Capability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineLoaderTest {
    @TempDir
    Path dir;

    private final PipelineLoader loader = new PipelineLoader(Environment.of(Map.of()));

    private static Path seed(String name) {
        return Path.of("../examples/seed", name).toAbsolutePath().normalize();
    }

    @Test
    void should_load_the_seed_content_creation_example_unchanged() {
        LoadResult r = loader.load(seed("content_creation.yaml"));
        assertThat(r.problems()).isEmpty();
        PipelineSpec spec = r.spec();
        assertThat(spec.name()).isEqualTo("content_creation");
        assertThat(spec.description()).isEqualTo("Complete content creation workflow");
        assertThat(spec.outputDirectory()).isEqualTo("content_output");
        assertThat(spec.global().parallelEnabled()).isTrue();
        assertThat(spec.global().costLimit()).isEqualByComparingTo("20.0");
        assertThat(spec.tasks()).extracting(TaskStepSpec::id)
                .containsExactly("text_to_image_1", "text_to_video_1", "text_to_speech_1");
        TaskStepSpec video = spec.tasks().get(1);
        assertThat(video.capability()).isEqualTo(Capability.TEXT_TO_VIDEO);
        assertThat(video.config()).containsEntry("duration", 6L).containsEntry("model", "minimax-hailuo-pro");
        assertThat(video.outputFilename()).isEqualTo("landscape_video.mp4");
        assertThat(video.enabled()).isTrue();
        assertThat(video.retryCount()).isZero();
    }

    @Test
    void should_load_the_seed_parallel_group_example() {
        LoadResult r = loader.load(seed("parallel_voices.yaml"));
        assertThat(r.problems()).isEmpty();
        GroupStepSpec g = (GroupStepSpec) r.spec().steps().get(0);
        assertThat(g.mergeStrategy()).isEqualTo(MergeStrategy.COLLECT_ALL);
        assertThat(g.maxWorkers()).isEqualTo(4);
        assertThat(g.steps()).extracting(TaskStepSpec::outputFilename).containsExactly("voice1.mp3", "voice2.mp3");
        assertThat(loader.load(seed("simple_tts.yaml")).problems()).isEmpty();
    }

    @Test
    void should_load_the_same_pipeline_from_json() throws IOException {
        Path json = dir.resolve("p.json");
        Files.writeString(json, """
                {"pipeline_name": "from_json", "output_directory": "out",
                 "steps": [{"step_type": "text_to_image", "config": {"prompt": "x", "seed": 7},
                            "output_filename": "x.png", "timeout": 90, "retry_count": 2}]}
                """);
        LoadResult r = loader.load(json);
        assertThat(r.problems()).isEmpty();
        TaskStepSpec t = r.spec().tasks().get(0);
        assertThat(t.config()).containsEntry("seed", 7L);
        assertThat(t.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(t.retryCount()).isEqualTo(2);
    }

    @Test
    void should_report_json_syntax_errors_with_a_location() throws IOException {
        Path json = dir.resolve("p.json");
        Files.writeString(json, "{\"pipeline_name\": \"x\",\n \"steps\": [}\n");
        LoadResult r = loader.load(json);
        assertThat(r.problems()).singleElement().extracting(Problem::render).asString()
                .startsWith(json + ":2:").contains("cannot parse JSON");
    }

    @Test
    void a_binary_value_is_a_validation_error_not_a_java_array_in_messages() {
        LoadResult r = loader.parse("""
                pipeline_name: t
                steps:
                  - { step_type: text_to_image, id: !!binary aGVsbG8=, config: { prompt: a } }
                """, "t.yaml", dir, NodeReader.Format.YAML);
        assertThat(r.problems()).extracting(Problem::render).anySatisfy(m -> assertThat(m)
                .startsWith("t.yaml:3:").contains("binary values (!!binary) are not supported"));
        assertThat(r.problems()).extracting(Problem::render).noneMatch(m -> m.contains("[B@"));
    }

    @Test
    void should_accept_durations_with_units_and_derive_ids_around_explicit_ones() {
        LoadResult r = loader.parse("""
                pipeline_name: t
                steps:
                  - { step_type: text_to_image, id: text_to_image_1, timeout: 2m, config: { prompt: a } }
                  - { step_type: text_to_image, timeout: 1h30m, config: { prompt: b } }
                  - { step_type: text_to_image, timeout: "1500ms", config: { prompt: c } }
                """, "t.yaml", dir, NodeReader.Format.YAML);
        assertThat(r.problems()).isEmpty();
        assertThat(r.spec().tasks()).extracting(TaskStepSpec::id)
                .containsExactly("text_to_image_1", "text_to_image_2", "text_to_image_3");
        assertThat(r.spec().tasks()).extracting(TaskStepSpec::timeout)
                .containsExactly(Duration.ofMinutes(2), Duration.ofMinutes(90), Duration.ofMillis(1500));
    }

    @Test
    void should_report_duplicate_keys_empty_files_and_refuse_nested_groups() {
        assertThat(loader.parse("", "e.yaml", dir, NodeReader.Format.YAML).problems())
                .singleElement().extracting(Problem::render).asString().contains("the file is empty");
        LoadResult dup = loader.parse("pipeline_name: a\npipeline_name: b\nsteps: []\n", "d.yaml", dir,
                NodeReader.Format.YAML);
        assertThat(dup.problems()).extracting(Problem::render)
                .anySatisfy(m -> assertThat(m).contains("d.yaml:2:1: error: duplicate key 'pipeline_name' (first at line 1)"));
        LoadResult nested = loader.parse("""
                pipeline_name: n
                steps:
                  - step_type: parallel_group
                    steps:
                      - step_type: parallel_group
                        steps: [ { step_type: text_to_image, config: { prompt: x } } ]
                """, "n.yaml", dir, NodeReader.Format.YAML);
        assertThat(nested.problems()).singleElement().extracting(Problem::render).asString()
                .contains("parallel groups cannot be nested");
    }

    @Test
    void should_read_fallback_alternatives_and_refuse_malformed_ones_with_their_location() {
        LoadResult ok = loader.parse("""
                pipeline_name: t
                steps:
                  - { step_type: text_to_image, fallback: [ { model: imagen-4 }, { provider: local } ], config: { prompt: a } }
                """, "t.yaml", dir, NodeReader.Format.YAML);
        assertThat(ok.problems()).isEmpty();
        var task = (dev.acp.pipeline.TaskStepSpec) ok.spec().steps().get(0);
        assertThat(task.fallback()).extracting(f -> f.index() + ":" + f.provider() + "/" + f.model())
                .containsExactly("1:null/imagen-4", "2:local/null");

        LoadResult bad = loader.parse("""
                pipeline_name: t
                steps:
                  - { step_type: text_to_image, fallback: local, config: { prompt: a } }
                  - { step_type: text_to_image, fallback: [ {} ], config: { prompt: a } }
                """, "t.yaml", dir, NodeReader.Format.YAML);
        assertThat(bad.problems()).extracting(Problem::render).satisfiesExactly(
                p -> assertThat(p).contains("t.yaml:3:").contains("fallback must be a list of alternatives"),
                p -> assertThat(p).contains("t.yaml:4:").contains("fallback 1 names neither a provider nor a model"));
    }

    @Test
    void should_refuse_a_file_that_is_not_utf8_or_too_deep() throws IOException {
        Path bin = dir.resolve("b.yaml");
        Files.write(bin, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x41});
        assertThat(loader.load(bin).problems()).singleElement().extracting(Problem::render).asString()
                .contains("not UTF-8");
        String deep = "a: " + "[".repeat(500) + "]".repeat(500);
        assertThat(loader.parse(deep, "deep.yaml", dir, NodeReader.Format.YAML).problems())
                .singleElement().extracting(Problem::render).asString().contains("nesting deeper than 200 levels");
    }
}
