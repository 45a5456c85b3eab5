package dev.acp.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.acp.Acp;
import dev.acp.cache.CacheMode;
import dev.acp.engine.LocalEngine;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.engine.StepResult;
import dev.acp.env.Environment;
import dev.acp.local.testing.TestHome;
import dev.acp.local.testing.TestImages;
import dev.acp.local.testing.TestMedia;
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import dev.acp.run.RunService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's small truth: the story example's steps in miniature (scenes, a spoken narration per
 * scene, the film) leave the timings the film really used beside it, equal to the narrations'
 * lengths as decoded from the files, while {@code scenes.json} says its durations are estimates.
 */
@Timeout(120)
class FilmTimingsTest {
    private static final int FPS = 24;
    private static final double FRAME = 1.0 / FPS;
    private static final double PADDING = 0.5;

    @TempDir
    Path dir;

    @Test
    void the_film_writes_the_timings_it_used_and_they_match_the_narration() throws Exception {
        Environment env = Environment.of(Map.of("PATH", "", "ACP_HOME", dir.resolve("home").toString()));
        ProviderRegistry registry = ProviderRegistry.of(ProviderContext.of(env, TestHome.acpHome(), Clock.systemUTC()),
                new LocalProviderFactory());
        RunService service = new RunService(Acp.create(env, registry, LocalEngine.Options.defaults(env)));
        Path image = TestImages.writePng(TestImages.solid(160, 90, 0x2040C0), dir.resolve("scene.png"));
        Path pipeline = dir.resolve("story.yaml");
        String picture = image.toString().replace("\\", "/");
        Files.writeString(pipeline, """
                pipeline_name: timings
                output_directory: out
                steps:
                  - id: scenes
                    step_type: story_to_scenes
                    provider: local
                    config:
                      story: "The keeper climbed the stairs at dusk. The lamp was cold.\\n\\nA storm came in from the sea, and the whole village watched the light."
                      num_scenes: 2
                    output_filename: scenes.json
                  - id: scene
                    for_each: "{{steps.scenes.items}}"
                    steps:
                      - id: voice
                        step_type: text_to_speech
                        provider: local
                        config: { text: "{{item.narration}}" }
                        output_filename: "narration_{{index}}.mp3"
                  - id: film
                    step_type: assemble_video
                    provider: local
                    output_filename: story.mp4
                    config:
                      visuals: ["%s", "%s"]
                      narration: "{{steps.voice.outputs}}"
                      scenes: "{{steps.scenes.items}}"
                      scene_padding: %s
                      resolution: 160x90
                      fps: %d
                      motion: none
                      subtitles: false
                """.formatted(picture, picture, PADDING, FPS));

        RunResult result;
        try (RunService.Session session = service.start(pipeline, RunSettings.run(dir), CacheMode.USE)) {
            result = session.run(RunListener.NONE, new RunControl());
        }
        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        Path out = dir.resolve("out");
        ObjectMapper json = new ObjectMapper();

        // The scenes were written before any narration existed, and say that their durations are guesses.
        JsonNode scenes = json.readTree(out.resolve("scenes.json").toFile());
        assertThat(scenes.path("duration_source").asText()).isEqualTo("estimate");

        // The film's timings, in the file the film step wrote and reported.
        Path timingsFile = out.resolve("story.timeline.json");
        StepResult film = result.steps().stream().filter(s -> s.stepId().equals("film")).findFirst().orElseThrow();
        assertThat(film.sideFiles()).contains(timingsFile);
        assertThat(film.metadata()).containsEntry("timeline_file", timingsFile.toString());
        JsonNode timings = json.readTree(timingsFile.toFile());
        assertThat(timings.get("fps").asInt()).isEqualTo(FPS);
        JsonNode timed = timings.get("scenes");
        assertThat(timed).hasSize(2);
        double expectedStart = 0;
        for (int i = 0; i < 2; i++) {
            JsonNode s = timed.get(i);
            Path narration = out.resolve("narration_" + (i + 1) + ".mp3");
            double spoken = TestMedia.decodedSeconds(narration, dir);
            assertThat(s.get("narration").asText()).isEqualTo(narration.toString());
            assertThat(s.get("duration_from").asText()).isEqualTo("narration");
            assertThat(s.get("narration_duration").asDouble()).as("scene %d narration", i + 1)
                    .isCloseTo(spoken, within(FRAME));
            assertThat(s.get("start").asDouble()).as("scene %d start", i + 1).isCloseTo(expectedStart, within(0.001));
            assertThat(s.get("duration").asDouble()).as("scene %d duration", i + 1)
                    .isCloseTo(spoken + PADDING, within(FRAME));
            assertThat(s.get("end").asDouble()).isCloseTo(s.get("start").asDouble() + s.get("duration").asDouble(),
                    within(0.001));
            assertThat(s.get("narration_end").asDouble()).isCloseTo(expectedStart + spoken, within(FRAME));
            expectedStart = s.get("end").asDouble();
        }
        assertThat(timings.get("total_duration").asDouble()).isCloseTo(expectedStart, within(0.001));
        double video = TestHome.probe().probe(out.resolve("story.mp4")).duration().orElseThrow();
        assertThat(video).as("the film").isCloseTo(expectedStart, within(FRAME));
    }
}
