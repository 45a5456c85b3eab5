package dev.acp.local.speech;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.testing.RecordingContext;
import dev.acp.local.testing.TestHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the engine against a stand-in {@code espeak-ng} script that records its arguments and
 * writes a tone as long as its text, so the contract (arguments, batching, WAV reading) is tested
 * on machines without espeak-ng.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class EspeakEngineTest {
    @TempDir
    Path dir;

    private Path fake;
    private Path log;

    @BeforeEach
    void installFake() throws Exception {
        Path ffmpeg = TestHome.ffmpeg().binary().path();
        log = dir.resolve("calls.log");
        fake = dir.resolve("espeak-ng");
        Files.writeString(fake, """
                #!/bin/sh
                echo "$@" >> '%s'
                out=""; file=""
                while [ $# -gt 0 ]; do
                  case "$1" in
                    -w) out="$2"; shift ;;
                    -f) file="$2"; shift ;;
                    -v) [ "$2" = "xx" ] && { echo "Voice 'xx' not found" >&2; exit 1; }; shift ;;
                  esac
                  shift
                done
                chars=$(wc -c < "$file")
                seconds=$(awk "BEGIN { print $chars / 15 }")
                exec '%s' -hide_banner -loglevel error -y -f lavfi -i "sine=frequency=300:sample_rate=22050:duration=$seconds" -ac 1 -c:a pcm_s16le "$out"
                """.formatted(log, ffmpeg));
        assertThat(fake.toFile().setExecutable(true)).isTrue();
    }

    @Test
    void should_map_speed_pitch_and_espeak_voice_names_to_arguments() throws Exception {
        Path wav = dir.resolve("out.wav");

        SpeechResult result = new EspeakEngine(fake).synthesize(
                List.of("Hello world."), new Prosody(2, 0.5), "en-gb", wav, new RecordingContext(dir));

        assertThat(Files.readString(log)).contains("-v en-gb", "-s 350", "-p 25", "-w " + dir.resolve("espeak-0.wav"));
        assertThat(result.engine()).isEqualTo("espeak-ng");
        assertThat(result.voice()).isEqualTo("en-gb");
        assertThat(result.sampleRate()).isEqualTo(22050);
        assertThat(result.durationSeconds()).isBetween(0.7, 0.9); // 12 characters at 15 per second
        assertThat(TestHome.probe().probe(wav).durationSeconds()).isBetween(0.7, 0.9);
    }

    @Test
    void should_ignore_cloud_voice_names() throws Exception {
        SpeechResult result = new EspeakEngine(fake).synthesize(
                List.of("Hi."), Prosody.NORMAL, "Rachel", dir.resolve("out.wav"), new RecordingContext(dir));

        assertThat(Files.readString(log)).contains("-v en ");
        assertThat(result.voiceNote()).contains("'Rachel'", "not an espeak-ng voice");
    }

    @Test
    void should_speak_long_text_in_batches_and_join_them() throws Exception {
        List<String> sentences = Sentences.split("This sentence has some words in it. ".repeat(100));

        SpeechResult result = new EspeakEngine(fake).synthesize(
                sentences, Prosody.NORMAL, null, dir.resolve("long.wav"), new RecordingContext(dir));

        long calls = Files.readAllLines(log).size();
        assertThat(calls).isEqualTo(EspeakEngine.batches(sentences).size()).isGreaterThan(1);
        assertThat(result.durationSeconds()).isGreaterThan(3500 / 15.0 * 0.95);
        assertThat(EspeakEngine.batches(sentences)).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(EspeakEngine.BATCH_CHARS));
    }

    @Test
    void should_report_espeak_failures_with_its_message() {
        assertThatThrownBy(() -> new EspeakEngine(fake).synthesize(
                        List.of("Hi."), Prosody.NORMAL, "xx", dir.resolve("out.wav"), new RecordingContext(dir)))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.LOCAL))
                .hasMessageContaining("Voice 'xx' not found");
    }
}
