package dev.acp.local;

import static dev.acp.local.testing.Steps.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.acp.error.ProviderException;
import dev.acp.local.media.MediaInfo;
import dev.acp.local.testing.RecordingContext;
import dev.acp.local.testing.Steps;
import dev.acp.local.testing.TestHome;
import dev.acp.local.testing.TestImages;
import dev.acp.local.testing.TestMedia;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider.Issue;
import dev.acp.provider.ProviderResult;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** video_to_video's local editing helpers, checked with ffmpeg. */
class VideoHelpersStepTest {
    @TempDir
    Path dir;

    @Test
    void should_trim_by_start_and_end_or_duration() throws Exception {
        Path clip = TestMedia.pattern(dir.resolve("clip.mp4"), 3.0, "160x90");

        ProviderResult byEnd = run(Map.of("operation", "trim", "video", clip.toString(), "start", 0.5, "end", 1.7),
                dir.resolve("a.mp4"));
        run(Map.of("operation", "trim", "video", clip.toString(), "start", "1s", "duration", 5), dir.resolve("b.mp4"));

        assertThat(TestHome.probe().probe(dir.resolve("a.mp4")).durationSeconds()).isCloseTo(1.2, within(0.1));
        assertThat(TestHome.probe().probe(dir.resolve("b.mp4")).durationSeconds()).isCloseTo(2.0, within(0.1));
        assertThat(byEnd.metadata()).containsEntry("operation", "trim").containsEntry("start", 0.5).containsEntry("end", 1.7);
        assertThatThrownBy(() -> run(Map.of("operation", "trim", "video", clip.toString(), "start", 5), dir.resolve("c.mp4")))
                .isInstanceOf(ProviderException.class).hasMessageContaining("start (5 s) is at or after the end");
    }

    @Test
    void should_concatenate_clips_of_different_shapes_with_sound_in_step() throws Exception {
        Path first = TestMedia.pattern(dir.resolve("one.mp4"), 1.0, "160x90");
        Path second = TestMedia.pattern(dir.resolve("two.mp4"), 1.5, "90x160");
        Path voiced = dir.resolve("voiced.mp4");
        run(Map.of("operation", "add_audio", "video", second.toString(),
                "audio", TestMedia.tone(dir.resolve("tone.wav"), 3.0, 440).toString()), voiced);

        ProviderResult result = run(Map.of("operation", "concat", "videos", List.of(first.toString(), voiced.toString(),
                first.toString())), dir.resolve("joined.mp4"));

        MediaInfo info = TestHome.probe().probe(dir.resolve("joined.mp4"));
        assertThat(info.durationSeconds()).isCloseTo(3.5, within(0.15));
        assertThat(info.video().orElseThrow().width()).isEqualTo(160);
        assertThat(info.video().orElseThrow().height()).isEqualTo(90);
        assertThat(info.audioStreams()).hasSize(1);
        assertThat(result.metadata()).containsEntry("clips", 3);
        // The tone plays exactly during the middle clip.
        assertThat(TestMedia.meanVolume(dir.resolve("joined.mp4"), 1.1, 2.4, "anull")).isGreaterThan(-30);
        assertThat(TestMedia.meanVolume(dir.resolve("joined.mp4"), 2.6, 3.4, "anull")).isLessThan(-60);
    }

    @Test
    void should_add_audio_to_existing_sound_and_replace_it() throws Exception {
        Path clip = TestMedia.pattern(dir.resolve("clip.mp4"), 2.0, "160x90");
        Path low = TestMedia.tone(dir.resolve("low.wav"), 5.0, 200);
        Path high = TestMedia.tone(dir.resolve("high.wav"), 1.0, 2000);
        Path withLow = dir.resolve("with-low.mp4");
        Path mixed = dir.resolve("mixed.mp4");
        Path replaced = dir.resolve("replaced.mp4");

        run(Map.of("operation", "replace_audio", "video", clip.toString(), "audio", low.toString()), withLow);
        ProviderResult mix = run(Map.of("operation", "add_audio", "video", withLow.toString(), "audio", high.toString(),
                "volume", 0.5), mixed);
        run(Map.of("operation", "replace_audio", "video", mixed.toString(), "audio", high.toString()), replaced);

        // Lengths follow the picture, whatever the audio's length.
        assertThat(TestHome.probe().probe(withLow).durationSeconds()).isCloseTo(2.0, within(0.1));
        assertThat(TestHome.probe().probe(mixed).durationSeconds()).isCloseTo(2.0, within(0.1));
        assertThat(mix.metadata()).containsEntry("mixed_with_original", true);
        String lowBand = "lowpass=f=400,lowpass=f=400,lowpass=f=400";
        // Mixed: the 200 Hz tone stays under the added 2 kHz one; replaced: it is gone.
        assertThat(TestMedia.meanVolume(mixed, 0.2, 0.8, lowBand)).isGreaterThan(-35);
        assertThat(TestMedia.meanVolume(replaced, 0.2, 0.8, lowBand)).isLessThan(-50);
        assertThat(TestMedia.meanVolume(replaced, 0.2, 0.8, "anull")).isGreaterThan(-35);
        // After the added audio ends, silence pads it to the picture's end.
        assertThat(TestMedia.meanVolume(replaced, 1.3, 1.9, "anull")).isLessThan(-60);
    }

    @Test
    void should_extract_keyframes_at_scene_changes_into_a_folder_beside_the_output() throws Exception {
        Path red = TestImages.writePng(TestImages.solid(160, 90, 0xC02020), dir.resolve("red.png"));
        Path blue = TestImages.writePng(TestImages.detailed(160, 90), dir.resolve("blue.png"));
        Path assembled = dir.resolve("two-scenes.mp4");
        Steps.placeSideFiles(Steps.provider().execute(request(Capability.ASSEMBLE_VIDEO, null, Map.of("visuals",
                List.of(red.toString(), blue.toString()), "durations", List.of(1, 1), "transition", "cut", "motion",
                "none", "resolution", "160x90"), assembled, new RecordingContext(dir.resolve("scratch-assemble")))));
        Path out = dir.resolve(".keys.partial-run-1.mp4");

        ProviderResult result = keyframes(Map.of("operation", "extract_keyframes", "video", assembled.toString()), out);

        Path folder = dir.resolve("keys_keyframes");
        assertThat(result.metadata()).containsEntry("keyframe_count", 2).containsEntry("mode", "scene")
                .containsEntry("keyframe_folder", folder.toString());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> keyframes = (List<Map<String, Object>>) result.metadata().get("keyframes");
        assertThat(keyframes).extracting(k -> (Double) k.get("time")).satisfiesExactly(
                t -> assertThat(t).isCloseTo(0, within(0.05)), t -> assertThat(t).isCloseTo(1.0, within(0.1)));
        assertThat(folder.resolve("keyframe_001.png")).exists();
        assertThat(folder.resolve("keyframe_002.png")).exists();
        BufferedImage sheet = TestImages.read(folder.resolve("contact_sheet.png"));
        assertThat(sheet.getWidth()).isGreaterThan(2 * 320);
        int firstPixel = TestImages.read(folder.resolve("keyframe_001.png")).getRGB(80, 45);
        assertThat(TestImages.red(firstPixel)).isGreaterThan(150);
        // The main output is a reel: one second per keyframe.
        assertThat(TestHome.probe().probe(out).durationSeconds()).isCloseTo(2.0, within(0.1));
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".side-") || n.contains(".old"));

        ProviderResult every = keyframes(Map.of("operation", "extract_keyframes", "video", assembled.toString(),
                "interval", 0.5, "reel_seconds", 0.2), out);
        assertThat(every.metadata()).containsEntry("keyframe_count", 4).containsEntry("mode", "interval");
        assertThat(Files.list(folder).filter(p -> p.getFileName().toString().startsWith("keyframe_")).count()).isEqualTo(4);
    }

    @Test
    void should_check_operations_and_their_inputs() {
        assertThat(check(Map.of("video", "/a.mp4"))).extracting(Issue::parameter).containsExactly("operation");
        assertThat(check(Map.of("operation", "blur", "video", "/a.mp4"))).extracting(Issue::parameter).containsExactly("operation");
        assertThat(check(Map.of("operation", "trim", "video", "/a.mp4"))).extracting(Issue::parameter).containsExactly("start");
        assertThat(check(Map.of("operation", "trim", "video", "/a.mp4", "start", 3, "end", 2)))
                .extracting(Issue::parameter).containsExactly("end");
        assertThat(check(Map.of("operation", "concat", "videos", List.of("/a.mp4")))).extracting(Issue::parameter)
                .containsExactly("videos");
        assertThat(check(Map.of("operation", "add_audio", "video", "/a.mp4"))).extracting(Issue::parameter)
                .containsExactly("audio");
        assertThat(check(Map.of("operation", "replace_audio"))).extracting(Issue::parameter)
                .containsExactlyInAnyOrder("video", "audio");
        assertThat(check(Map.of("operation", "extract_keyframes", "video", "{{steps.clip.output}}"))).isEmpty();
        assertThat(check(Map.of("operation", "concat", "videos", "{{steps.clips.outputs}}"))).isEmpty();
        assertThat(Steps.provider().parameters(Capability.VIDEO_TO_VIDEO))
                .contains("operation", "video", "videos", "start", "end", "duration", "audio", "volume", "interval");
    }

    private List<Issue> check(Map<String, Object> params) {
        return Steps.provider().check(Capability.VIDEO_TO_VIDEO, null, params, "mp4");
    }

    /** Runs extract_keyframes as the engine does: the reel written at {@code out}, a temporary name of keys.mp4. */
    private ProviderResult keyframes(Map<String, Object> params, Path out) throws Exception {
        return Steps.placeSideFiles(Steps.provider().execute(request(Capability.VIDEO_TO_VIDEO, null, params, out,
                dir.resolve("keys.mp4"), new RecordingContext(dir.resolve("scratch-keys")))));
    }

    private ProviderResult run(Map<String, Object> params, Path out) throws Exception {
        return Steps.placeSideFiles(Steps.provider().execute(request(Capability.VIDEO_TO_VIDEO, null, params, out,
                new RecordingContext(dir.resolve("scratch-" + out.getFileName())))));
    }
}
