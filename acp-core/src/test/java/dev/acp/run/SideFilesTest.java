package dev.acp.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.Acp;
import dev.acp.cache.CacheMode;
import dev.acp.engine.LocalEngine;
import dev.acp.util.RetryPolicy;
import dev.acp.engine.RunControl;
import dev.acp.engine.RunListener;
import dev.acp.engine.RunResult;
import dev.acp.engine.RunStatus;
import dev.acp.engine.StepResult;
import dev.acp.env.Environment;
import dev.acp.env.Secrets;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderRegistry;
import dev.acp.provider.ProviderRequest;
import dev.acp.provider.ProviderResult;
import dev.acp.provider.SideFile;
import dev.acp.plan.RunSettings;
import dev.acp.report.RunReportWriter;
import dev.acp.testing.LambdaProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files a step writes beside its output (subtitles, a keyframe folder) go into place with the
 * output, come back with a cache hit, and are checked and restored by a resume like the output.
 */
@org.junit.jupiter.api.Timeout(60)
class SideFilesTest {
    @TempDir
    Path dir;

    private final AtomicInteger calls = new AtomicInteger();
    /** What the provider does after writing its files; by default nothing (it succeeds). */
    private volatile Behaviour after = r -> { };

    @FunctionalInterface
    interface Behaviour {
        void call(ProviderRequest request) throws ProviderException;
    }

    private RunService service() {
        LambdaProvider video = LambdaProvider.of("video", this::makeVideo);
        Environment env = Environment.of(Map.of("ACP_HOME", dir.resolve("home").toString()));
        ProviderRegistry registry = ProviderRegistry.of(ProviderContext.of(env, dir.resolve("home"), Clock.systemUTC()),
                video);
        LocalEngine.Options options = LocalEngine.Options.defaults(env).withSleeper(d -> { })
                .withRetryPolicy(new RetryPolicy(Duration.ZERO, Duration.ZERO));
        return new RunService(Acp.create(env, registry, options));
    }

    /** A video, its subtitles, and a folder of keyframes (with a subfolder), all from the prompt. */
    private ProviderResult makeVideo(ProviderRequest request) throws ProviderException {
        calls.incrementAndGet();
        String prompt = request.string("prompt").orElseThrow();
        try {
            Files.writeString(request.outputFile(), "video of " + prompt);
            SideFile srt = request.sideFile(".srt");
            Files.writeString(srt.written(), "subtitles of " + prompt);
            SideFile keys = request.sideFile("_keyframes");
            Files.createDirectories(keys.written().resolve("more"));
            Files.writeString(keys.written().resolve("keyframe_001.png"), "first frame of " + prompt);
            Files.writeString(keys.written().resolve("more/keyframe_002.png"), "second frame of " + prompt);
            after.call(request);
            return ProviderResult.file(Map.of("subtitle_file", srt.target().toString(), "frames",
                    List.of(keys.target().resolve("keyframe_001.png").toString()), "video", request.finalOutputFile()
                    .toString())).withSideFiles(List.of(srt, keys));
        } catch (IOException e) {
            throw new ProviderException(ErrorKind.LOCAL, e.getMessage());
        }
    }

    private Path pipeline(String name, String output) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, """
                pipeline_name: sides
                output_directory: out
                steps:
                  - { step_type: text_to_video, id: film, provider: video, output_filename: %s, config: { prompt: dawn } }
                """.formatted(output));
        return p;
    }

    private static RunResult run(RunService.Session session) throws IOException {
        try (session) {
            return session.run(RunListener.NONE, new RunControl());
        }
    }

    private Path out(String name) {
        return dir.resolve("out").resolve(name);
    }

    private void assertSideFilesOf(String stem) {
        assertThat(out(stem + ".srt")).hasContent("subtitles of dawn");
        assertThat(out(stem + "_keyframes/keyframe_001.png")).hasContent("first frame of dawn");
        assertThat(out(stem + "_keyframes/more/keyframe_002.png")).hasContent("second frame of dawn");
    }

    private List<String> hiddenLeftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("out"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }

    @Test
    void side_files_are_placed_with_the_output_and_come_back_with_a_cache_hit() throws Exception {
        RunService service = service();
        Path file = pipeline("p.yaml", "story.mp4");
        RunResult first = run(service.start(file, RunSettings.run(dir), CacheMode.USE));
        assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(out("story.mp4")).hasContent("video of dawn");
        assertSideFilesOf("story");
        assertThat(hiddenLeftovers()).isEmpty();

        Files.delete(out("story.srt"));
        SideFile.deleteTree(out("story_keyframes"));
        RunService.Session again = service.start(file, RunSettings.run(dir), CacheMode.USE);
        var plan = again.plan();
        RunResult second = run(again);

        assertThat(calls).hasValue(1);
        StepResult film = second.steps().get(0);
        assertThat(film.cacheHit()).isTrue();
        assertSideFilesOf("story");
        assertThat(film.sideFiles()).containsExactly(out("story.srt"), out("story_keyframes"));
        Map<String, Object> report = new RunReportWriter(Secrets.none()).toMap(plan, second);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> steps = (List<Map<String, Object>>) report.get("step_results");
        assertThat(steps.get(0)).containsEntry("side_files", List.of(out("story.srt").toString(),
                out("story_keyframes").toString()));

        // The same step under another output name: its side files are named after that output.
        RunResult renamed = run(service.start(pipeline("q.yaml", "film.mp4"), RunSettings.run(dir), CacheMode.USE));
        assertThat(calls).hasValue(1);
        assertThat(renamed.steps().get(0).cacheHit()).isTrue();
        assertSideFilesOf("film");
        // And what the step reports about its files names them too, not the cached step's.
        assertThat(renamed.steps().get(0).metadata()).containsEntry("subtitle_file", out("film.srt").toString())
                .containsEntry("frames", List.of(out("film_keyframes/keyframe_001.png").toString()))
                .containsEntry("video", out("film.mp4").toString());
        assertThat(hiddenLeftovers()).isEmpty();
    }

    @Test
    void a_damaged_side_object_in_the_cache_is_a_miss_and_the_step_runs_again() throws Exception {
        RunService service = service();
        Path file = pipeline("p.yaml", "story.mp4");
        run(service.start(file, RunSettings.run(dir), CacheMode.USE));
        String srtSha = dev.acp.util.Hashing.sha256(out("story.srt"));
        Path object = service.cache().object(srtSha).orElseThrow();
        Files.writeString(object, "flipped bits");
        Files.delete(out("story.srt"));

        RunResult second = run(service.start(file, RunSettings.run(dir), CacheMode.USE));

        assertThat(second.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(calls).hasValue(2);
        assertThat(second.steps().get(0).cacheHit()).isFalse();
        assertSideFilesOf("story");
        assertThat(hiddenLeftovers()).isEmpty();
    }

    @Test
    void a_resume_restores_a_deleted_side_file_from_the_cache_or_runs_the_step_again() throws Exception {
        RunService service = service();
        Path file = pipeline("p.yaml", "story.mp4");
        RunService.Session first = service.start(file, RunSettings.run(dir), CacheMode.USE);
        String runId = first.runId();
        run(first);

        Files.delete(out("story.srt"));
        Files.delete(out("story_keyframes/more/keyframe_002.png"));
        RunResult resumed = run(service.resume(runId, null, null));
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(calls).hasValue(1);
        assertSideFilesOf("story");
        assertThat(resumed.steps().get(0).sideFiles()).containsExactly(out("story.srt"), out("story_keyframes"));

        // Not in the cache any more: the step has to make it again.
        service.cache().clear();
        Files.writeString(out("story.srt"), "edited by hand");
        RunService.Session third = service.resume(runId, null, null);
        assertThat(third.notes()).anySatisfy(n -> assertThat(n).contains("step 'film'").contains("story.srt")
                .contains("was changed"));
        RunResult rerun = run(third);
        assertThat(rerun.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(calls).hasValue(2);
        assertSideFilesOf("story");
    }

    @Test
    void a_failed_attempt_leaves_no_side_files_behind() throws Exception {
        after = r -> {
            throw new ProviderException(ErrorKind.VALIDATION, "the provider refused the result");
        };
        RunResult r = run(service().start(pipeline("p.yaml", "story.mp4"), RunSettings.run(dir), CacheMode.USE));

        assertThat(r.status()).isEqualTo(RunStatus.PARTIAL);
        assertThat(out("story.srt")).doesNotExist();
        assertThat(out("story_keyframes")).doesNotExist();
        assertThat(hiddenLeftovers()).isEmpty();
    }

    @Test
    void a_side_file_the_provider_named_itself_fails_the_step() throws Exception {
        LambdaProvider rogue = LambdaProvider.of("video", request -> {
            try {
                Files.writeString(request.outputFile(), "video");
                Path elsewhere = dir.resolve("elsewhere.srt");
                Files.writeString(elsewhere, "subtitles");
                return ProviderResult.file(Map.of()).withSideFiles(List.of(new SideFile(".srt", elsewhere,
                        dir.resolve("escaped.srt"))));
            } catch (IOException e) {
                throw new ProviderException(ErrorKind.LOCAL, e.getMessage());
            }
        });
        Environment env = Environment.of(Map.of("ACP_HOME", dir.resolve("home").toString()));
        RunService service = new RunService(Acp.create(env, ProviderRegistry.of(ProviderContext.of(env,
                dir.resolve("home"), Clock.systemUTC()), rogue), LocalEngine.Options.defaults(env)));

        RunResult r = run(service.start(pipeline("p.yaml", "story.mp4"), RunSettings.run(dir), CacheMode.USE));

        StepResult film = r.steps().get(0);
        assertThat(film.succeeded()).isFalse();
        assertThat(film.error().kind()).isEqualTo(ErrorKind.LOCAL);
        assertThat(film.error().message()).contains("did not get from ProviderRequest.sideFile");
        assertThat(dir.resolve("escaped.srt")).doesNotExist();
    }
}
