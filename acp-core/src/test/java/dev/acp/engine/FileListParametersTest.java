package dev.acp.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.provider.ProviderResult;
import dev.acp.testing.LambdaProvider;
import dev.acp.testing.TestAcp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths typed inside file-list parameters (visuals, narration, videos) are relative to the
 * pipeline file, like single file parameters, and not to wherever acp was started; rendered
 * outputs, absolute paths and URLs pass unchanged.
 */
class FileListParametersTest {
    @TempDir
    Path dir;

    @Test
    void typed_paths_in_file_lists_are_resolved_against_the_pipeline_folder() {
        Map<String, Map<String, Object>> seen = new ConcurrentHashMap<>();
        TestAcp acp = new TestAcp(dir, LambdaProvider.of("fake", r -> {
            seen.put(r.stepId(), r.parameters());
            try {
                java.nio.file.Files.writeString(r.outputFile(), "made by " + r.stepId());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return ProviderResult.file(Map.of());
        }));
        RunResult r = acp.run("""
                pipeline_name: lists
                steps:
                  - id: first
                    step_type: text_to_image
                    provider: fake
                    config: { prompt: "a lighthouse" }
                    output_filename: first.png
                  - id: film
                    step_type: assemble_video
                    provider: fake
                    depends_on: [first]
                    config:
                      visuals: [clips/a.png, { path: ./clips/b.png, duration: 2 }, "{{steps.first.output}}", "https://example.com/c.png"]
                      narration: voice/one.mp3
                    output_filename: film.mp4
                  - id: joined
                    step_type: video_to_video
                    provider: fake
                    config: { operation: concat, videos: [x.mp4, /abs/y.mp4] }
                    output_filename: joined.mp4
                """);

        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        Path base = dir.toAbsolutePath().normalize();
        Map<String, Object> film = seen.get("film");
        assertThat(film.get("visuals")).isEqualTo(List.of(base.resolve("clips/a.png").toString(),
                Map.of("path", base.resolve("clips/b.png").toString(), "duration", 2L),
                base.resolve("output/first.png").toString(), "https://example.com/c.png"));
        assertThat(film.get("narration")).isEqualTo(base.resolve("voice/one.mp3").toString());
        assertThat(seen.get("joined").get("videos")).isEqualTo(List.of(base.resolve("x.mp4").toString(), "/abs/y.mp4"));
    }
}
