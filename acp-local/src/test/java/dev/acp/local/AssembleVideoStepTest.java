package dev.acp.local;

import static dev.acp.local.testing.Steps.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.acp.error.ErrorKind;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** assemble_video through the provider, with generated inputs, checked with ffmpeg. */
class AssembleVideoStepTest {
    private static final double PER_SCENE = 0.2;
    /** Keeps the 220 Hz music and removes the 880 Hz "speech" (three 12 dB/octave stages). */
    private static final String MUSIC_BAND = "lowpass=f=300,lowpass=f=300,lowpass=f=300";
    private static final Pattern CUE = Pattern.compile(
            "(\\d\\d):(\\d\\d):(\\d\\d),(\\d{3}) --> (\\d\\d):(\\d\\d):(\\d\\d),(\\d{3})\\n((?:.+\\n)+)");

    @TempDir
    Path dir;

    private record Cue(double start, double end, String text) {}

    private List<Path> images(int count) {
        List<Path> out = new ArrayList<>();
        int[] colours = {0x204080, 0x806020, 0x208040, 0x602060};
        for (int i = 0; i < count; i++) {
            BufferedImage image = i % 2 == 0 ? TestImages.detailed(400, 300) : TestImages.solid(300, 400, colours[i % 4]);
            out.add(TestImages.writePng(image, dir.resolve("scene" + i + ".png")));
        }
        return out;
    }

    private static List<Map<String, Object>> scenes(String... narrations) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String n : narrations) {
            out.add(Map.of("title", "t", "description", "d", "image_prompt", "p", "narration", n, "duration", 9));
        }
        return out;
    }

    @Test
    void should_time_scenes_by_narration_and_match_subtitles_with_crossfades() throws Exception {
        List<Path> images = images(3);
        double[] speech = {1.2, 2.0, 1.5};
        List<String> narration = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            narration.add(TestMedia.tone(dir.resolve("n" + i + ".wav"), speech[i], 300 + 100 * i).toString());
        }
        Path out = dir.resolve(".story.partial-run1-1.mp4");
        Map<String, Object> params = new HashMap<>();
        params.put("visuals", images.stream().map(Path::toString).toList());
        params.put("narration", narration);
        params.put("scenes", scenes("The keeper climbed the stairs.",
                "A storm rolled in from the sea. The boat drifted toward the rocks, its red sail torn by the wind and rain.",
                "At dawn, the village gathered."));
        params.put("resolution", "320x180");
        params.put("fps", 24);

        ProviderResult result = run(params, out, dir.resolve("story.mp4"));

        MediaInfo info = TestHome.probe().probe(out);
        double expected = 0;
        for (double s : speech) {
            expected += s + 0.5;
        }
        assertThat(info.videoStreams()).singleElement().satisfies(v -> {
            assertThat(v.codec()).isEqualTo("h264");
            assertThat(v.pixelFormat()).isEqualTo("yuv420p");
            assertThat(v.width()).isEqualTo(320);
            assertThat(v.height()).isEqualTo(180);
        });
        assertThat(info.audioStreams()).singleElement().satisfies(a -> assertThat(a.codec()).isEqualTo("aac"));
        assertThat(info.durationSeconds()).isCloseTo(expected, within(PER_SCENE * 3));
        assertThat(TestHome.probe().countVideoFrames(out)).isEqualTo(Math.round(expected * 24));

        Path srt = dir.resolve("story.srt");
        assertThat(result.metadata()).containsEntry("subtitle_file", srt.toString()).containsEntry("scene_count", 3)
                .containsEntry("extra_files", List.of(dir.resolve("story.timeline.json").toString(), srt.toString()))
                .containsEntry("transition", "crossfade").containsEntry("resolution", "320x180");
        List<Cue> cues = cues(srt);
        assertThat(cues).hasSizeGreaterThanOrEqualTo(4);
        double start = 0;
        int cue = 0;
        for (int k = 0; k < 3; k++) {
            List<Cue> sceneCues = new ArrayList<>();
            while (cue < cues.size() && cues.get(cue).start() < start + speech[k] + 0.01) {
                sceneCues.add(cues.get(cue++));
            }
            assertThat(sceneCues).as("cues of scene %d", k).isNotEmpty();
            assertThat(sceneCues.getFirst().start()).isCloseTo(start, within(PER_SCENE));
            assertThat(sceneCues.getLast().end()).isCloseTo(start + speech[k], within(PER_SCENE));
            start += speech[k] + 0.5;
        }
        assertThat(cues.get(1).text()).isEqualTo("A storm rolled in from the sea.");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sceneMeta = (List<Map<String, Object>>) result.metadata().get("scenes");
        assertThat((Double) sceneMeta.get(1).get("start")).isCloseTo(1.7, within(0.05));
        assertThat(sceneMeta.get(2)).containsEntry("duration_from", "narration");
        // The narration of scene 2 is audible right where the scene starts, and silence sits in its padding.
        assertThat(TestMedia.meanVolume(out, 1.75, 3.6, "anull")).isGreaterThan(-40);
        assertThat(TestMedia.meanVolume(out, 3.85, 4.15, "anull")).isLessThan(-50);
    }

    @Test
    void should_cut_between_scenes_and_honour_aspect_ratios() throws Exception {
        List<Path> images = images(2);
        for (String ratio : List.of("9:16", "1:1", "16:9")) {
            Path out = dir.resolve("cut-" + ratio.replace(':', 'x') + ".mp4");
            Map<String, Object> params = new HashMap<>();
            params.put("visuals", images.stream().map(Path::toString).toList());
            params.put("durations", List.of(1.0, 1.5));
            params.put("transition", "cut");
            params.put("aspect_ratio", ratio);
            params.put("resolution", "320x180");
            params.put("fit", ratio.equals("1:1") ? "fit" : "crop");
            params.put("motion", "none");

            ProviderResult result = run(params, out);

            MediaInfo info = TestHome.probe().probe(out);
            int[] expected = switch (ratio) {
                case "9:16" -> new int[] {180, 320};
                case "1:1" -> new int[] {180, 180};
                default -> new int[] {320, 180};
            };
            assertThat(info.video().orElseThrow().width()).isEqualTo(expected[0]);
            assertThat(info.video().orElseThrow().height()).isEqualTo(expected[1]);
            assertThat(info.audioStreams()).hasSize(1);
            assertThat(info.durationSeconds()).isCloseTo(2.5, within(PER_SCENE * 2));
            assertThat(result.metadata()).containsEntry("transition", "cut").containsEntry("aspect_ratio", ratio);
            assertThat(result.metadata()).doesNotContainKey("subtitle_file");
            assertThat(dir.resolve("cut-" + ratio.replace(':', 'x') + ".srt")).doesNotExist();
            if (ratio.equals("1:1")) {
                // A 4:3 image fitted into a square: black bars above and below, picture in the middle.
                BufferedImage frame = TestImages.read(TestMedia.frame(out, 0.5, dir.resolve("square.png")));
                int top = frame.getRGB(90, 4);
                assertThat(TestImages.red(top) + TestImages.green(top) + TestImages.blue(top)).isLessThan(40);
                int middle = frame.getRGB(90, 90);
                assertThat(TestImages.red(middle) + TestImages.green(middle) + TestImages.blue(middle)).isGreaterThan(60);
            }
        }
    }

    @Test
    void should_mix_music_ducked_under_narration_and_normalise_loudness() throws Exception {
        List<Path> images = images(2);
        Path music = TestMedia.tone(dir.resolve("music.wav"), 1.0, 220); // looped under a 4 s video
        Path speech = TestMedia.tone(dir.resolve("speech.wav"), 1.0, 880);
        Map<String, Object> params = new HashMap<>();
        params.put("visuals", images.stream().map(Path::toString).toList());
        params.put("narration", List.of(speech.toString()));
        params.put("durations", List.of(2.0, 2.5));
        params.put("music", music.toString());
        params.put("music_volume", 0.5);
        params.put("resolution", "320x180");
        params.put("motion", "zoom_in");
        params.put("loudness", "none");

        assertThatThrownBy(() -> run(params, dir.resolve("short-list.mp4"))).isInstanceOf(ProviderException.class)
                .hasMessageContaining("narration has 1 entry but visuals has 2");

        // Scene 1 is narrated (1 s + 0.5 s padding), scene 2 has no narration and lasts its declared 2.5 s.
        params.put("narration", List.of(speech.toString(), ""));
        Path ducked = dir.resolve("ducked.mp4");
        ProviderResult result = run(params, ducked);
        params.put("ducking", false);
        Path plain = dir.resolve("plain.mp4");
        run(params, plain);
        params.put("ducking", true);
        params.put("loudness", -20);
        Path loud = dir.resolve("loud.mp4");
        run(params, loud);

        assertThat(TestHome.probe().probe(ducked).durationSeconds()).isCloseTo(4.0, within(PER_SCENE * 2));
        assertThat(result.metadata()).containsEntry("ducking", true).containsEntry("loudness", "none");
        // The music's band alone: under speech it is pushed down when ducking, level when not.
        double duckedDrop = TestMedia.meanVolume(ducked, 0.2, 0.9, MUSIC_BAND) - TestMedia.meanVolume(ducked, 2.2, 3.8, MUSIC_BAND);
        double plainDrop = TestMedia.meanVolume(plain, 0.2, 0.9, MUSIC_BAND) - TestMedia.meanVolume(plain, 2.2, 3.8, MUSIC_BAND);
        assertThat(duckedDrop).isLessThan(-6);
        assertThat(plainDrop).isCloseTo(0, within(2.0));
        assertThat(TestMedia.integratedLoudness(loud)).isCloseTo(-20, within(2.5));
    }

    @Test
    void should_burn_subtitles_with_the_bundled_font() throws Exception {
        Path image = TestImages.writePng(TestImages.solid(320, 180, 0x000060), dir.resolve("blue.png"));
        Path out = dir.resolve("burned.mp4");
        Path plain = dir.resolve("plain.mp4");
        Map<String, Object> params = new HashMap<>();
        params.put("visuals", List.of(image.toString()));
        params.put("scenes", scenes("HELLO WORLD"));
        params.put("durations", List.of(2));
        params.put("resolution", "320x180");
        params.put("motion", "none");
        params.put("burn_subtitles", true);

        ProviderResult result = run(params, out);
        params.put("burn_subtitles", false);
        run(params, plain);

        assertThat(result.metadata()).containsEntry("burned_subtitles", true);
        assertThat(cues(dir.resolve("burned.srt"))).singleElement().satisfies(c -> {
            assertThat(c.start()).isZero();
            assertThat(c.end()).isCloseTo(2.0, within(0.05));
        });
        assertThat(brightPixelsInLowerThird(TestMedia.frame(out, 1.0, dir.resolve("burned.png")))).isGreaterThan(30);
        assertThat(brightPixelsInLowerThird(TestMedia.frame(plain, 1.0, dir.resolve("plain.png")))).isZero();
    }

    @Test
    void should_take_video_clips_and_letterbox_them() throws Exception {
        Path clip = TestMedia.pattern(dir.resolve("clip.mp4"), 1.0, "160x160");
        Path image = images(1).getFirst();
        Path out = dir.resolve("clips.mp4");
        Map<String, Object> params = new HashMap<>();
        params.put("visuals", List.of(clip.toString(), image.toString()));
        params.put("resolution", "320x180");
        params.put("fit", "fit");
        params.put("transition_duration", 0.3);

        ProviderResult result = run(params, out);

        // The clip lasts its own second; the image gets the default four.
        assertThat(TestHome.probe().probe(out).durationSeconds()).isCloseTo(5.0, within(PER_SCENE * 2));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> scenes = (List<Map<String, Object>>) result.metadata().get("scenes");
        assertThat(scenes.get(0)).containsEntry("duration_from", "clip").containsEntry("picture", "video clip");
        assertThat(scenes.get(1)).containsEntry("duration_from", "default");
        BufferedImage frame = TestImages.read(TestMedia.frame(out, 0.5, dir.resolve("clip-frame.png")));
        // Letterboxed: the left edge of a square clip in a wide frame is black.
        int edge = frame.getRGB(5, 90);
        assertThat(TestImages.red(edge) + TestImages.green(edge) + TestImages.blue(edge)).isLessThan(40);
    }

    @Test
    void should_name_the_parameter_and_index_of_bad_inputs_and_leave_nothing_behind() throws Exception {
        List<Path> images = images(2);
        Path out = dir.resolve("bad.mp4");
        Path missing = dir.resolve("missing.png");
        Path notMedia = Files.writeString(dir.resolve("notes.mp4"), "not a video");

        assertThatThrownBy(() -> run(Map.of("visuals", List.of(images.get(0).toString(), missing.toString())), out))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION))
                .hasMessageContaining("visuals[1]").hasMessageContaining("missing.png").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> run(Map.of("visuals", List.of(notMedia.toString())), out))
                .hasMessageContaining("visuals[0]").hasMessageContaining("cannot be read as media");
        assertThatThrownBy(() -> run(Map.of("visuals", List.of(images.get(0).toString()),
                "music", dir.resolve("nope.mp3").toString(), "scenes", scenes("Hi")), out))
                .hasMessageContaining("music").hasMessageContaining("nope.mp3");
        assertThatThrownBy(() -> run(Map.of("visuals", List.of(images.get(0).toString()),
                "narration", List.of(images.get(1).toString())), out))
                .hasMessageContaining("narration[0]").hasMessageContaining("no audio");
        assertThatThrownBy(() -> run(Map.of("visuals", List.of(images.get(0).toString()), "subtitles", true), out))
                .hasMessageContaining("narration text");
        assertThat(out).doesNotExist();
        assertThat(dir.resolve("bad.srt")).doesNotExist();
    }

    @Test
    void should_check_parameters_before_running() {
        List<Issue> issues = Steps.provider().check(Capability.ASSEMBLE_VIDEO, null, Map.of(
                "visuals", List.of("/a.png", "/b.png"), "narration", List.of("/a.wav"), "durations", List.of(2, -1),
                "transition", "wipe", "aspect_ratio", "5:1", "fit", "stretch", "loudness", "loud"), "mp4");

        assertThat(issues).extracting(Issue::parameter).containsExactlyInAnyOrder(
                "narration", "durations", "transition", "aspect_ratio", "fit", "loudness");
        assertThat(issues.stream().filter(i -> "durations".equals(i.parameter())).findFirst().orElseThrow().message())
                .contains("durations[1]");
        assertThat(Steps.provider().check(Capability.ASSEMBLE_VIDEO, null, Map.of(), "mp4"))
                .extracting(Issue::parameter).containsExactly("visuals");
        assertThat(Steps.provider().check(Capability.ASSEMBLE_VIDEO, null, Map.of(
                "visuals", "{{steps.clips.outputs}}", "narration", "{{steps.voice.outputs}}",
                "scenes", "{{steps.scenes.items}}", "music", "{{inputs.music}}"), "mp4")).isEmpty();
        assertThat(Steps.provider().check(Capability.ASSEMBLE_VIDEO, null, Map.of("visuals", List.of("/a.png")), "png"))
                .hasSize(1);
        assertThat(Steps.provider().parameters(Capability.ASSEMBLE_VIDEO)).contains("visuals", "narration",
                "scenes", "durations", "transition", "music", "ducking", "loudness", "subtitles", "burn_subtitles",
                "aspect_ratio", "fit", "resolution", "fps");
    }

    @Test
    void should_write_the_subtitles_at_a_temporary_name_and_report_the_final_one() throws Exception {
        Path image = TestImages.writePng(TestImages.solid(160, 90, 0x2040C0), dir.resolve("sub.png"));
        Path finalOut = dir.resolve("my.story.mp4");
        Path partial = dir.resolve(".my.story.partial-20260101-1.mp4");

        ProviderResult result = Steps.provider().execute(request(Capability.ASSEMBLE_VIDEO, null, Map.of(
                "visuals", List.of(image.toString()), "scenes", scenes("One line."), "durations", List.of(1),
                "resolution", "160x90", "motion", "none"), partial, finalOut,
                new RecordingContext(dir.resolve("scratch-sub"))));

        Path srt = dir.resolve("my.story.srt");
        Path timings = dir.resolve("my.story.timeline.json");
        assertThat(result.sideFiles()).extracting(f -> f.target()).containsExactly(timings, srt);
        assertThat(result.sideFiles()).allSatisfy(f -> {
            assertThat(f.written()).exists().isNotEqualTo(f.target());
            assertThat(f.written().getFileName().toString()).startsWith(".");
        });
        // The final names are the engine's to fill, once the video is in place too.
        assertThat(srt).doesNotExist();
        assertThat(timings).doesNotExist();
        assertThat(result.metadata()).containsEntry("subtitle_file", srt.toString())
                .containsEntry("timeline_file", timings.toString());
    }

    private static int brightPixelsInLowerThird(Path png) {
        BufferedImage image = TestImages.read(png);
        int count = 0;
        for (int y = image.getHeight() * 2 / 3; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if (TestImages.red(rgb) > 200 && TestImages.green(rgb) > 200 && TestImages.blue(rgb) > 200) {
                    count++;
                }
            }
        }
        return count;
    }

    private static List<Cue> cues(Path srt) throws Exception {
        String text = Files.readString(srt);
        List<Cue> out = new ArrayList<>();
        Matcher m = CUE.matcher(text);
        while (m.find()) {
            out.add(new Cue(seconds(m, 1), seconds(m, 5), m.group(9).strip()));
        }
        return out;
    }

    private static double seconds(Matcher m, int group) {
        return Integer.parseInt(m.group(group)) * 3600 + Integer.parseInt(m.group(group + 1)) * 60
                + Integer.parseInt(m.group(group + 2)) + Integer.parseInt(m.group(group + 3)) / 1000.0;
    }

    /** Runs the step as the engine does: written at {@code out}, a temporary name of {@code finalOut}. */
    private ProviderResult run(Map<String, Object> params, Path out, Path finalOut) throws Exception {
        return Steps.placeSideFiles(Steps.provider().execute(request(Capability.ASSEMBLE_VIDEO, null, params, out,
                finalOut, new RecordingContext(dir.resolve("scratch-" + out.getFileName())))));
    }

    private ProviderResult run(Map<String, Object> params, Path out) throws Exception {
        return Steps.placeSideFiles(Steps.provider().execute(request(Capability.ASSEMBLE_VIDEO, null, params, out,
                new RecordingContext(dir.resolve("scratch-" + out.getFileName())))));
    }
}
