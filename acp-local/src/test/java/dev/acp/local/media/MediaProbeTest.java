package dev.acp.local.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.testing.TestHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaProbeTest {
    private final MediaProbe probe = TestHome.probe();

    @Test
    void should_parse_an_mp4_description() {
        String stderr = """
                Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'out.mp4':
                  Metadata:
                    major_brand     : isom
                  Duration: 00:01:02.50, start: 0.000000, bitrate: 156 kb/s
                  Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 1280x720 [SAR 1:1 DAR 16:9], 152 kb/s, 23.98 fps, 23.98 tbr, 12288 tbn, 24 tbc (default)
                    Metadata:
                      handler_name    : VideoHandler
                  Stream #0:1(eng): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, 5.1(side), fltp, 128 kb/s (default)
                  Stream #0:2(eng): Subtitle: mov_text (tx3g / 0x67337874), 0 kb/s
                At least one output file must be specified
                """;

        MediaInfo info = MediaProbe.parse(stderr);

        assertThat(info).isNotNull();
        assertThat(info.format()).isEqualTo("mov,mp4,m4a,3gp,3g2,mj2");
        assertThat(info.hasFormat("mp4")).isTrue();
        assertThat(info.durationSeconds()).isEqualTo(62.5);
        assertThat(info.bitRateKbps()).isEqualTo(156);
        assertThat(info.video()).contains(new MediaStream.Video(0, "h264", "yuv420p", 1280, 720, 23.98));
        assertThat(info.audio()).contains(new MediaStream.Audio(1, "aac", 44100, 6));
        assertThat(info.streams().get(2)).isEqualTo(new MediaStream.Other(2, "subtitle", "mov_text"));
    }

    @Test
    void should_parse_images_without_a_duration_and_streams_with_ids() {
        String stderr = """
                Input #0, png_pipe, from 'a.png':
                  Duration: N/A, bitrate: N/A
                  Stream #0:0: Video: png, rgb24(pc), 640x360 [SAR 1:1 DAR 16:9], 25 tbr, 25 tbn, 25 tbc
                Input #1, mpegts, from 'b.ts':
                  Stream #1:0[0x100]: Video: h264, yuv420p, 320x240
                """;

        MediaInfo info = MediaProbe.parse(stderr);

        assertThat(info).isNotNull();
        assertThat(info.duration()).isEmpty();
        assertThat(info.streams()).containsExactly(new MediaStream.Video(0, "png", "rgb24", 640, 360, 25.0));
    }

    @Test
    void should_read_channel_layouts() {
        assertThat(MediaProbe.channelCount("mono")).isEqualTo(1);
        assertThat(MediaProbe.channelCount("stereo")).isEqualTo(2);
        assertThat(MediaProbe.channelCount("7.1")).isEqualTo(8);
        assertThat(MediaProbe.channelCount("3 channels (FL+FR+LFE)")).isEqualTo(3);
        assertThat(MediaProbe.channelCount("s16")).isZero();
    }

    @Test
    void should_return_null_for_output_that_names_no_input() {
        assertThat(MediaProbe.parse("missing.mp4: No such file or directory")).isNull();
    }

    @Test
    void should_probe_a_real_wav_and_mp4(@TempDir Path dir) throws Exception {
        Ffmpeg ffmpeg = TestHome.ffmpeg();
        Path wav = dir.resolve("tone.wav");
        Path mp4 = dir.resolve("bars.mp4");
        ffmpeg.run("making a tone", List.of("-f", "lavfi", "-i", "sine=frequency=440:duration=1.5:sample_rate=22050", wav.toString()));
        ffmpeg.run("making a clip", List.of("-f", "lavfi", "-i", "testsrc=size=160x90:rate=10:duration=2",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", mp4.toString()));

        MediaInfo audio = probe.probe(wav);
        MediaInfo video = probe.probe(mp4);

        assertThat(audio.format()).isEqualTo("wav");
        assertThat(audio.durationSeconds()).isCloseTo(1.5, within(0.02));
        assertThat(audio.audio()).contains(new MediaStream.Audio(0, "pcm_s16le", 22050, 1));
        assertThat(video.video()).hasValueSatisfying(v -> {
            assertThat(v.codec()).isEqualTo("h264");
            assertThat(v.pixelFormat()).isEqualTo("yuv420p");
            assertThat(v.width()).isEqualTo(160);
            assertThat(v.height()).isEqualTo(90);
            assertThat(v.fps()).isEqualTo(10.0);
        });
        assertThat(video.durationSeconds()).isEqualTo(2.0);
        assertThat(probe.countVideoFrames(mp4)).isEqualTo(20);
    }

    @Test
    void should_reject_missing_and_unreadable_files(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.mp4"), "not a video at all");

        assertThatThrownBy(() -> probe.probe(dir.resolve("absent.mp4")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION))
                .hasMessageContaining("absent.mp4");
        assertThatThrownBy(() -> probe.probe(junk))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.LOCAL))
                .hasMessageContaining("junk.mp4")
                .hasMessageContaining("Invalid data");
    }
}
