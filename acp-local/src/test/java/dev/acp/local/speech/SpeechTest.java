package dev.acp.local.speech;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.acp.local.media.MediaInfo;
import dev.acp.local.media.MediaStream;
import dev.acp.local.testing.RecordingContext;
import dev.acp.local.testing.TestHome;
import dev.acp.provider.Emotion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpeechTest {
    /** One engine for the class: loading a FreeTTS voice takes about half a second. */
    private static final FreeTtsEngine FREETTS = new FreeTtsEngine(2);

    @Test
    void should_speak_with_freetts_into_a_valid_wav(@TempDir Path dir) throws Exception {
        Path wav = dir.resolve("hello.wav");
        RecordingContext context = new RecordingContext(dir);

        SpeechResult result = FREETTS.synthesize(Sentences.split("Hello there. This is a test."), Prosody.NORMAL, null, wav, context);

        MediaInfo info = TestHome.probe().probe(wav);
        assertThat(result.engine()).isEqualTo("freetts");
        assertThat(result.voice()).isEqualTo("kevin16");
        assertThat(result.voiceNote()).isNull();
        assertThat(result.sampleRate()).isEqualTo(16000);
        assertThat(info.audio()).contains(new MediaStream.Audio(0, "pcm_s16le", 16000, 1));
        assertThat(info.durationSeconds()).isCloseTo(result.durationSeconds(), within(0.02));
        assertThat(result.durationSeconds()).isBetween(1.0, 5.0);
        assertThat(result.nonSilentShare()).isGreaterThan(0.5);
        assertThat(result.clippedShare()).isLessThan(0.001);
        assertThat(context.reports()).extracting(RecordingContext.Report::fraction).endsWith(1.0);
    }

    @Test
    void should_take_longer_for_longer_text_and_for_slower_speech(@TempDir Path dir) throws Exception {
        String sentence = "The quick brown fox jumps over the lazy dog.";
        double shortText = speak(dir, sentence, Prosody.NORMAL);
        double longText = speak(dir, sentence + " " + sentence + " " + sentence, Prosody.NORMAL);
        double slow = speak(dir, sentence, new Prosody(0.5, 1));

        assertThat(longText).isGreaterThan(shortText * 2.5);
        assertThat(slow).isGreaterThan(shortText * 1.6);
    }

    @Test
    void should_ignore_cloud_voice_names_and_say_so(@TempDir Path dir) throws Exception {
        SpeechResult result = FREETTS.synthesize(List.of("Hi."), Prosody.NORMAL, "Rachel", dir.resolve("a.wav"), new RecordingContext(dir));

        assertThat(result.voice()).isEqualTo("kevin16");
        assertThat(result.voiceNote()).contains("'Rachel'", "not available offline", "kevin16");
    }

    @Test
    void should_stop_between_sentences_when_cancelled(@TempDir Path dir) {
        RecordingContext context = new RecordingContext(dir);
        context.cancel();

        assertThatThrownBy(() -> FREETTS.synthesize(List.of("One.", "Two."), Prosody.NORMAL, null, dir.resolve("c.wav"), context))
                .isInstanceOf(InterruptedException.class);
    }

    @Test
    void should_give_identical_audio_when_voices_run_in_parallel(@TempDir Path dir) throws Exception {
        String text = "Parallel voices must not interfere with each other.";
        Path reference = dir.resolve("reference.wav");
        FREETTS.synthesize(Sentences.split(text), Prosody.NORMAL, null, reference, new RecordingContext(dir));

        List<Callable<Path>> jobs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Path out = dir.resolve("parallel-" + i + ".wav");
            jobs.add(() -> {
                FREETTS.synthesize(Sentences.split(text), Prosody.NORMAL, null, out, new RecordingContext(dir));
                return out;
            });
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Path> f : pool.invokeAll(jobs)) {
                assertThat(Files.readAllBytes(f.get())).isEqualTo(Files.readAllBytes(reference));
            }
        }
    }

    @Test
    void should_split_text_into_bounded_sentences() {
        String longSentence = "word, ".repeat(120) + "end.";

        List<String> sentences = Sentences.split("First one. Second one!  Third?\n\nA new paragraph without a stop\n\n" + longSentence);

        assertThat(sentences.subList(0, 4)).containsExactly("First one.", "Second one!", "Third?", "A new paragraph without a stop");
        assertThat(sentences).allSatisfy(s -> assertThat(s).hasSizeLessThanOrEqualTo(Sentences.MAX_CHARS).isNotBlank());
        assertThat(String.join(" ", sentences.subList(4, sentences.size()))).isEqualTo(longSentence.strip());
    }

    @Test
    void should_stream_pcm_into_a_wav_with_correct_header_and_levels(@TempDir Path dir) throws Exception {
        Path wav = dir.resolve("tone.wav");
        try (WavWriter writer = new WavWriter(wav)) {
            writer.start(8000);
            short[] tone = new short[8000];
            for (int i = 0; i < tone.length; i++) {
                tone[i] = (short) (Math.sin(i * 2 * Math.PI * 440 / 8000) * 10000);
            }
            writer.write(tone, 0, tone.length);
            writer.writeSilence(1.0);
            assertThat(writer.levels().nonSilentShare()).isCloseTo(0.5, within(0.01));
            assertThat(writer.levels().clippedShare()).isZero();
        }

        MediaInfo info = TestHome.probe().probe(wav);
        assertThat(Files.size(wav)).isEqualTo(44 + 16000 * 2);
        assertThat(info.durationSeconds()).isEqualTo(2.0);
        assertThat(info.audio()).contains(new MediaStream.Audio(0, "pcm_s16le", 8000, 1));
    }

    @Test
    void should_map_emotions_onto_rate_and_pitch_scaled_by_intensity() {
        Prosody excited = Prosody.NORMAL.withEmotion(Emotion.EXCITED, 1);
        assertThat(excited.speed()).isGreaterThan(1);
        assertThat(excited.pitch()).isGreaterThan(1);
        Prosody mild = Prosody.NORMAL.withEmotion(Emotion.EXCITED, 0.3);
        assertThat(mild.speed()).isGreaterThan(1).isLessThan(excited.speed());
        assertThat(Prosody.NORMAL.withEmotion(Emotion.SAD, 0.5).speed()).isLessThan(1);
        assertThat(Prosody.NORMAL.withEmotion(Emotion.ANGRY, 0)).isEqualTo(Prosody.NORMAL);
        assertThat(new Prosody(2, 2).withEmotion(Emotion.EXCITED, 1)).as("clamped").isEqualTo(new Prosody(2, 2));
        for (Emotion e : Emotion.values()) {
            assertThat(Prosody.NORMAL.withEmotion(e, 1)).as(e.wireName()).isNotNull();
        }
    }

    private static double speak(Path dir, String text, Prosody prosody) throws Exception {
        Path wav = Files.createTempFile(dir, "speech-", ".wav");
        return FREETTS.synthesize(Sentences.split(text), prosody, null, wav, new RecordingContext(dir)).durationSeconds();
    }
}
