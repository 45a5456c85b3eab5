package dev.acp.content.songs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.acp.env.Environment;
import dev.acp.error.ProviderException;
import dev.acp.error.UsageException;
import dev.acp.local.media.Ffmpeg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On audio that ffmpeg's lavfi sources make with a known tempo, level and spectrum. */
class AudioAnalyserTest {
    @TempDir
    static Path dir;

    private static Ffmpeg ffmpeg;
    private static AudioAnalyser analyser;

    @BeforeAll
    static void setUp() {
        // The bundled ffmpeg, extracted once per machine into the folder acp-local's tests share.
        ffmpeg = Ffmpeg.locate(Environment.of(Map.of("PATH", "")),
                Path.of(System.getProperty("java.io.tmpdir"), "acp-test-home"));
        analyser = new AudioAnalyser(ffmpeg, dir);
    }

    /** A 2 kHz click of 20 ms every 60/bpm seconds. */
    private static Path clicks(double bpm, String name) throws Exception {
        return generate("aevalsrc=exprs=if(lt(mod(t\\," + (60 / bpm) + ")\\,0.02)\\,0.8*sin(2*PI*2000*t)\\,0)"
                + ":s=44100:d=12", name);
    }

    private static Path generate(String source, String name) throws Exception {
        Path file = dir.resolve(name);
        ffmpeg.run("making test audio", List.of("-f", "lavfi", "-i", source, file.toString()));
        return file;
    }

    @Test
    void should_find_the_tempo_of_click_tracks() throws Exception {
        for (double bpm : new double[] {90, 120, 150}) {
            AudioFeatures features = analyser.analyse(clicks(bpm, "clicks-" + (int) bpm + ".wav"));
            assertThat(features.tempoBpm()).as("%s BPM", bpm).isCloseTo(bpm, within(bpm * 0.02));
            assertThat(features.tempoConfidence()).as("%s BPM", bpm).isGreaterThan(0.5);
            assertThat(features.durationSeconds()).isCloseTo(12, within(0.05));
        }
    }

    @Test
    void should_measure_the_example_librarys_club_track_at_128_bpm() throws Exception {
        Path example = Path.of("..", "examples", "content", "audio", "neon-circuit.opus");

        AudioFeatures features = analyser.analyse(example);

        assertThat(features.tempoBpm()).isCloseTo(128, within(2.0));
        assertThat(features.durationSeconds()).isCloseTo(8, within(0.1));
        assertThat(features.loudnessLufs()).isBetween(-20.0, -10.0);
        assertThat(features.asMetadata()).containsEntry("tempo_bpm", 128.0).containsKeys("loudness_lufs",
                "duration_s", "spectral_centroid_hz", "spectral_rolloff_hz", "spectral_flatness");
    }

    @Test
    void should_measure_a_tone_level_and_brightness() throws Exception {
        // A 1 kHz sine at 0.1 full scale (-20 dBFS peak, -23 dBFS RMS) is -23 LUFS by BS.1770.
        AudioFeatures tone = analyser.analyse(generate("aevalsrc=exprs=0.1*sin(2*PI*1000*t):s=44100:d=5",
                "tone.ogg"));

        assertThat(tone.loudnessLufs()).isCloseTo(-23.0, within(0.5));
        assertThat(tone.spectralCentroidHz()).isCloseTo(1000, within(60.0));
        assertThat(tone.spectralRolloffHz()).isCloseTo(1000, within(60.0));
        assertThat(tone.spectralFlatness()).isLessThan(0.01);
        assertThat(tone.tempoConfidence()).isLessThan(0.2);
        assertThat(tone.durationSeconds()).isCloseTo(5, within(0.05));
    }

    @Test
    void should_tell_noise_from_a_tone_and_silence_from_both() throws Exception {
        AudioFeatures noise = analyser.analyse(generate("anoisesrc=a=0.3:c=white:d=4:r=44100", "noise.wav"));
        AudioFeatures silence = analyser.analyse(generate("anullsrc=r=44100:cl=mono:d=3", "silence.wav"));

        // White noise spreads evenly up to 11 kHz: centroid near the middle, roll-off near 85%.
        assertThat(noise.spectralCentroidHz()).isCloseTo(5512, within(300.0));
        assertThat(noise.spectralRolloffHz()).isCloseTo(0.85 * 11025, within(400.0));
        assertThat(noise.spectralFlatness()).isGreaterThan(0.4);
        assertThat(silence.loudnessLufs()).isEqualTo(-70.0);
        assertThat(silence.tempoBpm()).isZero();
        assertThat(silence.spectralCentroidHz()).isZero();
        assertThat(silence.durationSeconds()).isCloseTo(3, within(0.05));
    }

    @Test
    void should_name_the_file_without_audio_or_that_is_missing() throws Exception {
        Path image = dir.resolve("red.png");
        ffmpeg.run("making a test image", List.of("-f", "lavfi", "-i", "color=c=red:s=16x16", "-frames:v", "1",
                image.toString()));

        assertThatThrownBy(() -> analyser.analyse(image)).isInstanceOf(UsageException.class)
                .hasMessage(image + " has no audio stream; give an audio file (or a video with sound)");
        assertThatThrownBy(() -> analyser.analyse(dir.resolve("missing.ogg"))).isInstanceOf(ProviderException.class)
                .hasMessageContaining("missing.ogg");
        Path broken = Files.writeString(dir.resolve("broken.ogg"), "not audio at all");
        assertThatThrownBy(() -> analyser.analyse(broken)).isInstanceOf(ProviderException.class)
                .hasMessageContaining("broken.ogg");
        assertThat(Files.list(dir).filter(p -> p.getFileName().toString().startsWith("acp-audio-"))).isEmpty();
    }

    @Test
    void should_read_the_integrated_loudness_from_the_ebur128_summary() {
        String stderr = """
                [Parsed_ebur128_1 @ 0x2e57aa00] Summary:

                  Integrated loudness:
                    I:         -41.1 LUFS
                    Threshold: -51.1 LUFS
                """;
        assertThat(AudioAnalyser.integratedLoudness(stderr, Path.of("a.ogg"))).isEqualTo(-41.1);
        assertThat(AudioAnalyser.integratedLoudness(stderr.replace("-41.1", "-inf"), Path.of("a.ogg"))).isEqualTo(-70);
        assertThat(AudioAnalyser.integratedLoudness(stderr.replace("-41.1", "-80.5"), Path.of("a.ogg"))).isEqualTo(-70);
        assertThatThrownBy(() -> AudioAnalyser.integratedLoudness("", Path.of("a.ogg")))
                .hasMessageContaining("ffmpeg gave no loudness for a.ogg");
    }
}
