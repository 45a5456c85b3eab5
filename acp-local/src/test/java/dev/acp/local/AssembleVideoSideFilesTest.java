package dev.acp.local;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.acp.plan.RunSettings;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import dev.acp.run.RunService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * assemble_video's subtitles through the engine: an unchanged pipeline run again is served from
 * the cache with its {@code .srt} and {@code .timeline.json}, and a resume puts back a deleted
 * {@code .srt}.
 */
@org.junit.jupiter.api.Timeout(120)
class AssembleVideoSideFilesTest {
    @TempDir
    Path dir;

    private RunService service;
    private Path pipeline;

    @BeforeEach
    void setUp() throws IOException {
        // Runs and cache in this test's folder; ffmpeg from the shared test home (extracted once).
        Environment env = Environment.of(Map.of("PATH", "", "ACP_HOME", dir.resolve("home").toString()));
        ProviderRegistry registry = ProviderRegistry.of(ProviderContext.of(env, TestHome.acpHome(), Clock.systemUTC()),
                new LocalProviderFactory());
        service = new RunService(Acp.create(env, registry, LocalEngine.Options.defaults(env)));
        Path image = TestImages.writePng(TestImages.solid(160, 90, 0x2040C0), dir.resolve("scene.png"));
        pipeline = dir.resolve("story.yaml");
        Files.writeString(pipeline, """
                pipeline_name: subtitled
                output_directory: out
                steps:
                  - step_type: assemble_video
                    id: film
                    provider: local
                    output_filename: story.mp4
                    config:
                      visuals: ["%s"]
                      scenes: [{ narration: "The keeper climbed the stairs." }]
                      durations: [1]
                      resolution: 160x90
                      motion: none
                      transition: cut
                """.formatted(image.toString().replace("\\", "/")));
    }

    private static RunResult run(RunService.Session session) throws IOException {
        try (session) {
            return session.run(RunListener.NONE, new RunControl());
        }
    }

    private Path out(String name) {
        return dir.resolve("out").resolve(name);
    }

    @Test
    void the_subtitles_come_back_with_a_cache_hit() throws Exception {
        RunResult first = run(service.start(pipeline, RunSettings.run(dir), CacheMode.USE));
        assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
        String subtitles = Files.readString(out("story.srt"));
        assertThat(subtitles).contains("The keeper climbed the stairs.");
        String timings = Files.readString(out("story.timeline.json"));

        Files.delete(out("story.srt"));
        Files.delete(out("story.timeline.json"));
        Files.delete(out("story.mp4"));
        RunResult second = run(service.start(pipeline, RunSettings.run(dir), CacheMode.USE));

        StepResult film = second.steps().get(0);
        assertThat(film.cacheHit()).isTrue();
        assertThat(out("story.mp4")).exists();
        assertThat(out("story.srt")).hasContent(subtitles);
        assertThat(out("story.timeline.json")).hasContent(timings);
        assertThat(film.sideFiles()).containsExactly(out("story.timeline.json"), out("story.srt"));
        assertThat(film.metadata()).containsEntry("subtitle_file", out("story.srt").toString());
        try (Stream<Path> files = Files.list(dir.resolve("out"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    @Test
    void a_resume_restores_deleted_subtitles() throws Exception {
        RunService.Session first = service.start(pipeline, RunSettings.run(dir), CacheMode.USE);
        String runId = first.runId();
        assertThat(run(first).status()).isEqualTo(RunStatus.SUCCEEDED);
        String subtitles = Files.readString(out("story.srt"));

        Files.delete(out("story.srt"));
        RunResult resumed = run(service.resume(runId, null, null));

        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(resumed.steps().get(0).metadata()).containsEntry("resumed", true);
        assertThat(out("story.srt")).hasContent(subtitles);
    }
}
