package dev.acp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code acp pipeline list}, {@code acp config create --interactive} and the models table of {@code acp info}. */
class ProjectCommandsTest {
    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void should_list_pipeline_files_with_steps_and_validity_and_skip_other_files() throws IOException {
        new CliRunner(dir).run("init", "--template", "tts", "--directory", "pipelines");
        new CliRunner(dir).run("init", "--template", "story", "--directory", "pipelines/deeper");
        Files.writeString(dir.resolve("pipelines/broken.yml"), "pipeline_name: broken\nsteps:\n  - step_type: text_to_imag\n");
        Files.writeString(dir.resolve("pipelines/settings.yaml"), "providers: { fal: { max_jobs: 3 } }\n");
        Files.writeString(dir.resolve("pipelines/data.json"), "[1, 2, 3]\n");
        Files.createDirectories(dir.resolve("pipelines/target"));
        Files.writeString(dir.resolve("pipelines/target/copy.yaml"), "pipeline_name: copy\nsteps: []\n");

        CliRunner.Result table = new CliRunner(dir).run("pipeline", "list", "--directory", "pipelines", "--offline");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("NAME").contains("STEPS").contains("STATUS")
                .containsPattern("tts +pipelines/tts.yaml +1 +valid")
                .containsPattern("story_to_video +pipelines/deeper/story-to-video.yaml +4 +valid")
                .containsPattern("broken +pipelines/broken.yml +1 +1 error")
                .contains("First problem: ").contains("unknown step_type 'text_to_imag'")
                .doesNotContain("settings.yaml").doesNotContain("data.json").doesNotContain("copy");

        CliRunner.Result json = new CliRunner(dir).run("pipeline", "list", "-d", "pipelines", "--format", "json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode list = JSON.readTree(json.out());
        assertThat(list).hasSize(3);
        JsonNode story = list.get(1);
        assertThat(story.get("name").asText()).isEqualTo("story_to_video");
        assertThat(story.get("valid").asBoolean()).isTrue();
        assertThat(story.get("steps").asInt()).isEqualTo(4);
        assertThat(list.get(0).get("first_error").asText()).contains("broken.yml:3:");
    }

    @Test
    void should_say_so_for_a_missing_folder_or_one_without_pipelines() throws IOException {
        CliRunner.Result missing = new CliRunner(dir).run("pipeline", "list", "--directory", "nowhere");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--directory nowhere: no such folder");
        Files.createDirectories(dir.resolve("empty"));
        CliRunner.Result empty = new CliRunner(dir).run("pipeline", "list", "--directory", "empty");
        assertThat(empty.exitCode()).isZero();
        assertThat(empty.out()).contains("No pipeline files under");
    }

    @Test
    void should_create_an_offline_pipeline_from_answers_that_validates_and_runs() throws IOException {
        // template, folder, file name, results folder, offline
        CliRunner.Result r = new CliRunner(dir).typing("tts\nmade\n\nvoices\noffline\n")
                .run("config", "create", "--interactive");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("What do you want to make?").contains("wrote made/tts.yaml")
                .contains("it validates for offline runs");
        String text = Files.readString(dir.resolve("made/tts.yaml"));
        assertThat(text).contains("output_directory: voices").contains("provider: local")
                .doesNotContain("elevenlabs\n").doesNotContain("model:");
        CliRunner.Result run = new CliRunner(dir).run("pipeline", "run", "--config", "made/tts.yaml");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(dir.resolve("voices/speech.mp3")).isRegularFile();
    }

    @Test
    void should_create_a_story_pipeline_on_another_text_provider() throws IOException {
        CliRunner.Result r = new CliRunner(dir).env("GOOGLE_API_KEY", "g-test-key-000000").env("FAL_KEY", "f-test-key-00000")
                .env("ELEVENLABS_API_KEY", "e-test-key-00000")
                .typing("5\n\nfilm.yaml\n\nproviders\nopenia\ngoogle\n").run("config", "create", "-i");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String text = Files.readString(dir.resolve("film.yaml"));
        assertThat(text).contains("provider: google").doesNotContain("openrouter-scenes").contains("provider: fal")
                .contains("model: flux-dev");
        assertThat(dir.resolve("stories/lighthouse-keeper.txt")).isRegularFile();
        assertThat(r.out()).contains("it validates");
    }

    @Test
    void should_point_to_init_without_a_terminal_and_stop_cleanly_when_input_ends() {
        CliRunner.Result noTerminal = new CliRunner(dir).run("config", "create", "--interactive");
        assertThat(noTerminal.exitCode()).isEqualTo(2);
        assertThat(noTerminal.err()).contains("needs a terminal").contains("acp init --template");
        CliRunner.Result cut = new CliRunner(dir).typing("story\n").run("config", "create", "--interactive");
        assertThat(cut.exitCode()).isEqualTo(2);
        assertThat(cut.err()).contains("nothing was written");
        assertThat(dir.resolve("story-to-video.yaml")).doesNotExist();
    }

    @Test
    void should_list_every_catalog_model_with_its_step_type_and_parameters() throws IOException {
        CliRunner.Result r = new CliRunner(dir).run("info");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("flux-dev +fal +text_to_image +fal-ai/flux/dev\\R +parameters: .*guidance_scale")
                .containsPattern("eleven_multilingual_v2 +elevenlabs +text_to_speech +eleven_multilingual_v2\\R +parameters: ")
                .containsPattern("- +local +assemble_video +offline engine\\R +parameters: .*burn_subtitles")
                .contains("hume").contains("retired");
        assertThat(parametersOf(r.out(), "eleven_multilingual_v2 ")).contains("voice").contains("stability");
        // Wrapped at the terminal's width (100 in tests).
        assertThat(r.out().lines().filter(l -> l.contains("parameters:"))).allMatch(l -> l.length() <= 100);

        JsonNode info = JSON.readTree(new CliRunner(dir).run("info", "--format", "json").out());
        JsonNode models = info.get("models");
        int catalogModels = dev.acp.catalog.ProviderCatalog.builtIn().models().size();
        assertThat(models.size()).isGreaterThan(catalogModels);
        for (JsonNode m : models) {
            assertThat(m.get("step_type").asText()).isNotEmpty();
            if (!m.get("parameters").isNull()) {
                assertThat(m.get("parameters")).as(m.toString()).isNotEmpty();
            }
        }
        assertThat(info.get("retired").has("hume")).isTrue();
    }

    /** The parameter lines printed under the model row that starts with {@code model}, joined. */
    private static String parametersOf(String info, String model) {
        java.util.List<String> lines = info.lines().toList();
        int row = 0;
        while (!lines.get(row).strip().startsWith(model)) {
            row++;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = row + 1; i < lines.size() && lines.get(i).startsWith("      "); i++) {
            sb.append(lines.get(i).strip()).append(' ');
        }
        return sb.toString();
    }
}
