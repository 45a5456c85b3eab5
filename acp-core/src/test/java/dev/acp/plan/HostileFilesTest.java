package dev.acp.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.StepResult;
import dev.acp.engine.StepStatus;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Problem;
import dev.acp.provider.ProviderResult;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, files: outputs stay inside their output folder whatever links lie in it, the output
 * folder is never the file system's root, the home folder or ACP_HOME, and the pipelines that
 * crashed the planner are validation errors.
 */
class HostileFilesTest {
    @TempDir
    Path dir;
    @TempDir
    Path outside;

    private TestAcp acp;

    @BeforeEach
    void setUp() {
        acp = new TestAcp(dir, Map.of("HOME", dir.resolve("myhome").toString()), LambdaProvider.free("fake", r -> {
            if (r.capability().producesText()) {
                return ProviderResult.text("words", Map.of());
            }
            try {
                Files.writeString(r.outputFile(), "picture");
            } catch (IOException e) {
                throw new ProviderException(ErrorKind.LOCAL, "cannot write", e);
            }
            return ProviderResult.file(Map.of());
        }));
    }

    private List<String> errors(String yaml) {
        return acp.check(yaml).errors().stream().map(Problem::render).toList();
    }

    private List<String> errors(String yaml, Path outputDir) {
        return acp.checkForRun(yaml, RunSettings.check(dir).withOutputDirectory(outputDir)).errors().stream()
                .map(Problem::render).toList();
    }

    private static String image(String outputDirectory, String outputFilename) {
        return """
                pipeline_name: t
                output_directory: %s
                steps:
                  - id: hero
                    step_type: text_to_image
                    provider: fake
                    config: { prompt: a cat }
                    output_filename: %s
                """.formatted(outputDirectory, outputFilename);
    }

    private List<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).toList();
        }
    }

    @Test
    void a_symlink_inside_the_output_folder_is_refused_at_validation() throws IOException {
        Files.createDirectories(dir.resolve("out"));
        Files.createSymbolicLink(dir.resolve("out/link"), outside);
        List<String> e = errors(image("out", "link/x.png"));
        assertThat(e).singleElement().asString()
                .startsWith(dir.resolve("pipeline.yaml") + ":8:22: error: step 'hero': the folder link in the output"
                        + " folder is a symbolic link (to " + outside + "); outputs are never written through a link")
                .contains("fix: remove the link, or choose an output_filename that does not go through it");
        assertThat(filesUnder(outside)).isEmpty();
    }

    @Test
    void a_symlinked_parent_deeper_down_and_a_symlink_as_the_file_itself_are_refused() throws IOException {
        Files.createDirectories(dir.resolve("out/a"));
        Files.createDirectories(outside.resolve("b/c"));
        Files.createSymbolicLink(dir.resolve("out/a/b"), outside.resolve("b"));
        assertThat(errors(image("out", "a/b/c/x.png"))).singleElement().asString()
                .contains("the folder a/b in the output folder is a symbolic link");
        Files.createSymbolicLink(dir.resolve("out/x.png"), outside.resolve("x.png"));
        assertThat(errors(image("out", "x.png"))).singleElement().asString()
                .contains("the output file x.png in the output folder is a symbolic link");
    }

    @Test
    void a_group_folder_through_a_symlink_is_refused() throws IOException {
        Files.createDirectories(dir.resolve("out"));
        Files.createSymbolicLink(dir.resolve("out/shots"), outside);
        List<String> e = errors("""
                pipeline_name: t
                output_directory: out
                steps:
                  - step_type: parallel_group
                    output_directory: shots
                    steps:
                      - { id: one, step_type: text_to_image, provider: fake, config: { prompt: a } }
                """);
        assertThat(e).singleElement().asString().contains("step 'one': the folder shots in the output folder is a"
                + " symbolic link");
    }

    @Test
    void an_output_folder_that_is_a_symlink_is_refused_from_the_file_and_from_the_flag() throws IOException {
        Files.createSymbolicLink(dir.resolve("out"), outside);
        assertThat(errors(image("out", "x.png"))).singleElement().asString()
                .startsWith(dir.resolve("pipeline.yaml") + ":2:19: error: output_directory goes through "
                        + dir.resolve("out") + ", a symbolic link (to " + outside + ")")
                .contains("fix: name the folder itself: " + outside.toRealPath());
        Files.createDirectories(dir.resolve("real"));
        Files.createSymbolicLink(dir.resolve("real/linked"), outside);
        assertThat(errors(image("real/linked/deeper", "x.png"))).singleElement().asString()
                .contains("output_directory goes through " + dir.resolve("real/linked") + ", a symbolic link");
        assertThat(errors(image("fine", "x.png"), Path.of("out"))).singleElement().asString()
                .startsWith("--output-dir: error: output_directory goes through " + dir.resolve("out"));
    }

    @Test
    void links_above_the_output_folder_are_resolved_once_and_outputs_get_real_paths() throws IOException {
        Path realProject = Files.createDirectories(outside.resolve("project"));
        Path linkedProject = Files.createSymbolicLink(dir.resolve("project"), realProject);
        TestAcp linked = new TestAcp(linkedProject, LambdaProvider.free("fake", r -> ProviderResult.file(Map.of())));
        PlanResult r = linked.check(image("out", "x.png"));
        assertThat(r.errors()).isEmpty();
        assertThat(r.plan().outputDirectory()).isEqualTo(outside.toRealPath().resolve("project/out"));
        assertThat(r.plan().tasks().get(0).outputPath()).isEqualTo(outside.toRealPath().resolve("project/out/x.png"));
    }

    @Test
    void the_file_system_root_the_home_folder_and_acp_home_are_refused_as_output_folders() {
        assertThat(errors(image("/", "x.png"))).singleElement().asString()
                .contains(":2:19: error: output_directory is the root of the file system (/)")
                .contains("fix: name a folder of its own, for example 'output_directory: output'");
        assertThat(errors(image("/tmp/../", "x.png"))).singleElement().asString()
                .contains("output_directory is the root of the file system");
        assertThat(errors(image("myhome", "x.png"))).singleElement().asString()
                .contains("output_directory is your home folder (" + dir.resolve("myhome") + ")");
        assertThat(errors(image(System.getProperty("user.home"), "x.png"))).singleElement().asString()
                .contains("output_directory is your home folder");
        assertThat(errors(image("acp-home", "x.png"))).singleElement().asString()
                .contains("output_directory is ACP's state folder (ACP_HOME, " + dir.resolve("acp-home") + ")");
        assertThat(errors(image("acp-home/runs", "x.png"))).singleElement().asString()
                .contains("output_directory is inside ACP's state folder");
        assertThat(errors(image("fine", "x.png"), Path.of("/"))).singleElement().asString()
                .startsWith("--output-dir: error: output_directory is the root of the file system");
    }

    @Test
    void a_link_that_appears_after_validation_fails_the_step_and_leaves_nothing_outside() throws IOException {
        Files.createDirectories(dir.resolve("out/sub"));
        ExecutionPlan plan = acp.plan(image("out", "sub/x.png"));
        Files.delete(dir.resolve("out/sub"));
        Files.createSymbolicLink(dir.resolve("out/sub"), outside);
        RunResult run = acp.run(plan, RunListener.NONE, new RunControl());
        StepResult hero = run.steps().get(0);
        assertThat(hero.status()).isEqualTo(StepStatus.FAILED);
        assertThat(hero.error().message()).contains("cannot put the output in place")
                .contains(dir.resolve("out/sub") + " is a symbolic link (to " + outside + ")")
                .contains("outputs are never written through a link, and this one was not kept")
                .doesNotContain("Exception");
        assertThat(filesUnder(outside)).as("the partial file written through the link is removed").isEmpty();
    }

    @Test
    void an_item_name_that_leads_through_a_link_fails_that_item_only() throws IOException {
        Files.createDirectories(dir.resolve("out"));
        Files.createSymbolicLink(dir.resolve("out/evil"), outside);
        RunResult run = acp.run(acp.plan("""
                pipeline_name: t
                output_directory: out
                inputs: { names: { type: list, default: [evil/deeper, good] } }
                steps:
                  - id: block
                    for_each: "{{inputs.names}}"
                    steps:
                      - { id: pic, step_type: text_to_image, provider: fake, config: { prompt: a },
                          output_filename: "{{item}}/pic.png" }
                """), RunListener.NONE, new RunControl());
        Map<String, StepResult> byId = new java.util.HashMap<>();
        run.steps().forEach(s -> byId.put(s.stepId(), s));
        assertThat(byId.get("pic[1]").status()).isEqualTo(StepStatus.FAILED);
        assertThat(byId.get("pic[1]").error().message()).contains(dir.resolve("out/evil") + " is a symbolic link");
        assertThat(byId.get("pic[2]").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(dir.resolve("out/good/pic.png")).hasContent("picture");
        assertThat(filesUnder(outside)).isEmpty();
    }

    @Test
    void for_each_written_as_a_yaml_list_is_a_validation_error_not_a_crash() {
        List<String> e = errors("""
                pipeline_name: t
                steps:
                  - id: block
                    for_each: [a, b]
                    steps:
                      - { id: pic, step_type: text_to_image, provider: fake, config: { prompt: "{{item}}" } }
                """);
        assertThat(e).singleElement().asString().contains(":4:15: error: step 'block': for_each must be text, found"
                + " a list");
        List<String> disabled = errors("""
                pipeline_name: t
                steps:
                  - id: block
                    enabled: false
                    for_each: "scenes"
                    steps:
                      - { id: pic, step_type: text_to_image, provider: fake, config: { prompt: a } }
                """);
        assertThat(disabled).singleElement().asString().contains(":5:15: error: step 'block': for_each must be one"
                + " reference to a list, found 'scenes'");
    }

    @Test
    void the_output_of_an_empty_parallel_group_is_a_validation_error_not_a_crash() {
        List<String> e = errors("""
                pipeline_name: t
                steps:
                  - { id: g, step_type: parallel_group, steps: [] }
                  - { id: after, step_type: image_to_image, provider: fake, config: { image: "{{steps.g.output}}", prompt: x } }
                """);
        assertThat(e).anySatisfy(m -> assertThat(m).contains("step 'g': the parallel_group has no steps"));
        assertThat(e).anySatisfy(m -> assertThat(m).contains("step 'after': {{steps.g.output}}: group 'g' collects"
                + " all members' outputs, so it has no single output")
                .contains("{{steps.<member>.output}}"));
    }

    @Test
    void numbers_too_large_for_a_double_are_validation_errors_found_by_the_fuzzer() {
        List<String> e = errors("""
                pipeline_name: t
                global_config: { cost_limit: 1e309 }
                steps:
                  - { id: clip, step_type: text_to_video, provider: fake, config: { prompt: a, duration: -1e400 } }
                """);
        assertThat(e).anySatisfy(m -> assertThat(m).contains(":2:30: error: cost_limit must be a number of US dollars,"
                + " found a number too large to use (Infinity)"));
        assertThat(e).anySatisfy(m -> assertThat(m).contains("step 'clip': config.duration must be a number, found a"
                + " number too large to use (-Infinity)"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.acp.config.AcpConfig.parse(
                        "providers: { fal: { daily_limit: 1e309 } }\n", "c.yaml"))
                .hasMessageContaining("c.yaml:1:34: error: providers.fal.daily_limit must be a number, found a number"
                        + " too large to use (Infinity)");
    }

    @Test
    void an_id_no_file_can_be_named_after_is_a_validation_error_found_by_the_fuzzer() {
        List<String> e = errors("""
                pipeline_name: t
                steps:
                  - { id: "a\\u0000b", step_type: text_to_image, provider: fake, config: { prompt: a } }
                """);
        assertThat(e).anySatisfy(m -> assertThat(m).contains("is not a valid id"));
        assertThat(e).anySatisfy(m -> assertThat(m).contains("the output file name 'a\u0000b.png' is not a valid"
                + " path"));
    }
}
