package dev.acp.local;

import static dev.acp.local.testing.Steps.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.acp.local.media.MediaInfo;
import dev.acp.local.testing.RecordingContext;
import dev.acp.local.testing.Steps;
import dev.acp.local.testing.TestHome;
import dev.acp.local.testing.TestImages;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderResult;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** text_to_speech, text_to_video and image_to_video through the provider, checked with MediaProbe. */
class MediaStepsTest {
    @TempDir
    Path dir;

    @Test
    void should_speak_into_wav_and_mp3_with_duration_growing_with_the_text() throws Exception {
        Path shortMp3 = dir.resolve("short.mp3");
        Path longMp3 = dir.resolve("long.mp3");
        Path wav = dir.resolve("speech.wav");
        String sentence = "Experience the tranquil beauty of nature's majesty.";

        ProviderResult shortResult = speak(Map.of("text", sentence, "voice", "Rachel"), shortMp3);
        speak(Map.of("text", sentence + " " + sentence + " " + sentence), longMp3);
        ProviderResult wavResult = speak(Map.of("text", sentence, "speed", 1.5, "emotion", "calm"), wav);

        MediaInfo shortInfo = TestHome.probe().probe(shortMp3);
        MediaInfo longInfo = TestHome.probe().probe(longMp3);
        assertThat(shortInfo.audio()).hasValueSatisfying(a -> assertThat(a.codec()).isEqualTo("mp3"));
        assertThat(longInfo.durationSeconds()).isGreaterThan(shortInfo.durationSeconds() * 2.5);
        assertThat(shortInfo.durationSeconds()).isCloseTo((Double) shortResult.metadata().get("duration_seconds"), within(0.15));
        assertThat(shortResult.metadata()).containsEntry("engine", "freetts").containsEntry("voice", "kevin16")
                .containsEntry("sample_rate", 16000).containsEntry("characters", sentence.length())
                .containsEntry("format", "mp3").containsEntry("preview", true);
        assertThat((String) shortResult.metadata().get("voice_note")).contains("Rachel");
        assertThat(shortResult.qualityScore()).isGreaterThan(0.7);
        assertThat(TestHome.probe().probe(wav).audio()).hasValueSatisfying(a -> assertThat(a.codec()).isEqualTo("pcm_s16le"));
        assertThat((Double) wavResult.metadata().get("duration_seconds")).isLessThan((Double) shortResult.metadata().get("duration_seconds"));
        assertThat((String) wavResult.metadata().get("emotion_note")).contains("calm");
    }

    @Test
    void should_write_a_short_silent_file_when_nothing_is_pronounceable() throws Exception {
        Path out = dir.resolve("nothing.mp3");

        ProviderResult result = speak(Map.of("text", "..."), out);

        assertThat(TestHome.probe().probe(out).durationSeconds()).isGreaterThan(0.2);
        assertThat(result.qualityScore()).isZero();
    }

    @Test
    void should_encode_other_speech_formats() throws Exception {
        for (String extension : new String[] {"ogg", "opus", "flac", "m4a", "aac"}) {
            Path out = dir.resolve("speech." + extension);
            ProviderResult result = speak(Map.of("text", "Short."), out);

            MediaInfo info = TestHome.probe().probe(out);
            assertThat(info.audio()).as(extension).isPresent();
            assertThat(result.metadata()).containsEntry("format", extension);
        }
    }

    @Test
    void should_turn_a_prompt_into_an_h264_video_of_exact_duration_and_size() throws Exception {
        Path out = dir.resolve(".clip.partial-9.mp4");
        RecordingContext context = new RecordingContext(dir);

        ProviderResult result = Steps.provider().execute(request(Capability.TEXT_TO_VIDEO, "minimax-hailuo-pro", Map.of(
                "prompt", "Mountains with flowing water and golden light", "duration", "1.5", "width", 192, "height", 108,
                "fps", 12), out, context));

        MediaInfo info = TestHome.probe().probe(out);
        assertThat(info.hasFormat("mp4")).isTrue();
        assertThat(info.video()).hasValueSatisfying(v -> {
            assertThat(v.codec()).isEqualTo("h264");
            assertThat(v.pixelFormat()).isEqualTo("yuv420p");
            assertThat(v.width()).isEqualTo(192);
            assertThat(v.height()).isEqualTo(108);
        });
        assertThat(info.durationSeconds()).isEqualTo(1.5);
        assertThat(TestHome.probe().countVideoFrames(out)).isEqualTo(18);
        assertThat(result.metadata()).containsEntry("frames", 18).containsEntry("source", "preview")
                .containsEntry("requested_model", "minimax-hailuo-pro").containsKey("motion");
        assertThat(result.qualityScore()).isBetween(0.0, 1.0);
        assertThat(context.reports()).extracting(RecordingContext.Report::message).contains("encoding video");
    }

    @Test
    void should_pan_over_an_input_image_in_portrait() throws Exception {
        Path input = TestImages.writePng(TestImages.detailed(320, 240), dir.resolve("photo.png"));
        Path out = dir.resolve("portrait.mov");

        ProviderResult result = Steps.provider().execute(request(Capability.IMAGE_TO_VIDEO, null, Map.of(
                "image", input.toString(), "duration", 1, "fps", 8, "aspect_ratio", "9:16", "resolution", "480p",
                "motion", "pan_left", "fit", "pad"), out, new RecordingContext(dir)));

        MediaInfo info = TestHome.probe().probe(out);
        assertThat(info.video()).hasValueSatisfying(v -> {
            assertThat(v.width()).isEqualTo(480);
            assertThat(v.height()).isEqualTo(854);
        });
        assertThat(info.durationSeconds()).isEqualTo(1.0);
        assertThat(result.metadata()).containsEntry("motion", "pan_left").containsEntry("container", "mov")
                .containsEntry("source", input.toString());

        ProviderResult unlabelled = Steps.provider().execute(request(Capability.IMAGE_TO_VIDEO, null, Map.of(
                "image", input.toString(), "duration", 0.5, "width", 64, "height", 64, "label", "false"),
                dir.resolve("bare.mkv"), new RecordingContext(dir)));
        assertThat(unlabelled.metadata()).containsEntry("label", "none (label: false)").containsEntry("frames", 12);
    }

    @Test
    void should_stop_encoding_when_the_step_is_cancelled() throws Exception {
        Path input = TestImages.writePng(TestImages.detailed(320, 240), dir.resolve("photo.png"));
        RecordingContext context = new RecordingContext(dir);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = Thread.ofVirtual().start(() -> {
            try {
                Steps.provider().execute(request(Capability.IMAGE_TO_VIDEO, null, Map.of(
                        "image", input.toString(), "duration", 600, "resolution", "1080p"), dir.resolve("long.mp4"), context));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        for (int i = 0; i < 1000 && context.reports().stream().noneMatch(r -> r.message().equals("encoding video")); i++) {
            Thread.sleep(10);
        }

        worker.interrupt();
        worker.join(20_000);

        assertThat(worker.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void should_expand_prompts_by_rule_and_say_so() throws Exception {
        ProviderResult one = Steps.provider().execute(request(Capability.PROMPT_GENERATION, null,
                Map.of("topic", "a lighthouse", "style", "watercolor", "seed", 3), dir.resolve("p.txt"), new RecordingContext(dir)));
        ProviderResult three = Steps.provider().execute(request(Capability.PROMPT_GENERATION, null,
                Map.of("prompt", "a lighthouse", "count", 3), dir.resolve("q.txt"), new RecordingContext(dir)));

        assertThat(one.text()).startsWith("a lighthouse ").doesNotContain("\n");
        assertThat(one.metadata()).containsEntry("generator", "rule-based (not AI)").containsEntry("style_known", true);
        assertThat(three.text()).startsWith("1. a lighthouse").contains("\n2. a lighthouse", "\n3. a lighthouse");
        assertThat(three.metadata()).containsEntry("count", 3);
        assertThat(one.qualityScore()).isGreaterThan(0.5);
    }

    private ProviderResult speak(Map<String, Object> params, Path out) throws Exception {
        return Steps.provider().execute(request(Capability.TEXT_TO_SPEECH, "eleven_monolingual_v1", params, out, new RecordingContext(dir)));
    }
}
