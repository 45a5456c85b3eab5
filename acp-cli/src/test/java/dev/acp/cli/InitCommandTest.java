package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code acp init --template}: every template writes a project that validates, offline and with keys. */
class InitCommandTest {
    @TempDir
    Path dir;

    /** Keys that are set but never used: validation checks only that credentials exist. */
    private CliRunner withKeys() {
        return new CliRunner(dir).env("FAL_KEY", "fal-test-key-0000000000").env("ELEVENLABS_API_KEY", "el-test-key-000000")
                .env("OPENROUTER_API_KEY", "or-test-key-000000");
    }

    @ParameterizedTest
    @EnumSource(StarterTemplate.class)
    void should_write_a_template_that_validates_offline_and_on_real_providers(StarterTemplate template) {
        CliRunner.Result init = new CliRunner(dir).run("init", "--template", template.id(), "--directory", "proj");
        assertThat(init.exitCode()).as(init.err()).isZero();
        Path pipeline = dir.resolve("proj").resolve(template.pipelineFile());
        assertThat(pipeline).isRegularFile();
        assertThat(init.out()).contains("wrote proj/" + template.pipelineFile())
                .contains("acp pipeline run --config proj/" + template.pipelineFile() + " --offline");

        CliRunner.Result offline = new CliRunner(dir).run("config", "validate", "--offline", pipeline.toString());
        assertThat(offline.exitCode()).as(offline.err()).isZero();
        CliRunner.Result online = withKeys().run("config", "validate", pipeline.toString());
        assertThat(online.exitCode()).as(online.err()).isZero();
        assertThat(online.err()).doesNotContain("warning");
    }

    @Test
    void should_write_the_readme_story_example_and_its_sample_story() throws IOException {
        CliRunner.Result r = new CliRunner(dir).run("init", "-t", "story");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path repo = Path.of("..").toAbsolutePath().normalize();
        // The example as it is, under the line that points editors at the schema written beside it.
        assertThat(Files.readString(dir.resolve("story-to-video.yaml"))).isEqualTo(SchemaCommand.MODELINE + "\n"
                + Files.readString(repo.resolve("examples/story-to-video.yaml")));
        assertThat(dir.resolve(SchemaCommand.FILE_NAME)).isRegularFile();
        assertThat(Files.readString(dir.resolve("stories/lighthouse-keeper.txt")))
                .isEqualTo(Files.readString(repo.resolve("examples/stories/lighthouse-keeper.txt")));
        // Without keys and without --offline, the run is refused before anything is paid for.
        CliRunner.Result noKeys = new CliRunner(dir).run("pipeline", "run", "--config", "story-to-video.yaml");
        assertThat(noKeys.exitCode()).isEqualTo(3);
        assertThat(noKeys.err()).contains("OPENROUTER_API_KEY").contains("FAL_KEY").contains("ELEVENLABS_API_KEY")
                .contains("--offline");
        assertThat(dir.resolve("story_output")).doesNotExist();
    }

    @Test
    void should_run_the_tts_and_basic_templates_offline() throws IOException {
        for (String template : new String[] {"tts", "basic"}) {
            assertThat(new CliRunner(dir).run("init", "--template", template).exitCode()).isZero();
            CliRunner.Result run = new CliRunner(dir).run("pipeline", "run", "--config", template + ".yaml", "--offline",
                    "--format", "json");
            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode report = new ObjectMapper().readTree(dir.resolve(template + "_output/run.json").toFile());
            assertThat(report.get("success").asBoolean()).isTrue();
            assertThat(report.get("preview").asBoolean()).isTrue();
        }
        assertThat(Files.size(dir.resolve("tts_output/speech.mp3"))).isPositive();
        assertThat(Files.size(dir.resolve("basic_output/picture.png"))).isPositive();
    }

    @Test
    void should_refuse_to_overwrite_without_force_and_write_nothing() throws IOException {
        Files.writeString(dir.resolve("story-to-video.yaml"), "mine");
        CliRunner.Result r = new CliRunner(dir).run("init", "--template", "story");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n")
                .contains("story-to-video.yaml already exists; nothing was written").contains("--force");
        assertThat(Files.readString(dir.resolve("story-to-video.yaml"))).isEqualTo("mine");
        assertThat(dir.resolve("stories")).doesNotExist();

        CliRunner.Result forced = new CliRunner(dir).run("init", "--template", "story", "--force");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(Files.readString(dir.resolve("story-to-video.yaml"))).contains("story_to_scenes");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void should_write_files_with_the_users_umask_like_any_other_new_file() throws IOException {
        // The permissions a plain new file gets here: 0666 less the umask this test runs under.
        Path reference = Files.write(dir.resolve("reference.txt"), new byte[0]);
        var expected = Files.getPosixFilePermissions(reference);
        CliRunner.Result r = new CliRunner(dir).run("init", "--template", "story", "--directory", "proj");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.getPosixFilePermissions(dir.resolve("proj/story-to-video.yaml"))).isEqualTo(expected);
        assertThat(Files.getPosixFilePermissions(dir.resolve("proj/stories/lighthouse-keeper.txt"))).isEqualTo(expected);
        assertThat(expected).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
    }

    @Test
    void should_name_the_templates_for_an_unknown_one() {
        CliRunner.Result r = new CliRunner(dir).run("init", "--template", "stroy");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown template 'stroy'").contains("basic, image, video, tts, story, parallel")
                .contains("did you mean 'story'?");
    }
}
