package dev.acp.content.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.media.Ffmpeg;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QualityAnalyzerTest {
    private static Ffmpeg ffmpeg;
    private static BufferedImage scene;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        ffmpeg = TestMedia.ffmpeg();
        scene = TestMedia.scene(384, 256);
    }

    private QualityReport score(BufferedImage image, String name) throws Exception {
        return new QualityAnalyzer(ffmpeg, dir.resolve("scratch")).analyze(TestMedia.png(image, dir.resolve(name)));
    }

    private static double dim(QualityReport r, String name) {
        return r.dimension(name).orElseThrow().score();
    }

    @Test
    void should_rank_a_sharp_image_above_its_blurred_copy() throws Exception {
        QualityReport sharp = score(scene, "sharp.png");
        QualityReport blurred = score(TestMedia.blurred(scene, 2), "blurred.png");

        assertThat(sharp.kind()).isEqualTo(MediaKind.IMAGE);
        assertThat(dim(sharp, ImageQuality.SHARPNESS)).isGreaterThan(dim(blurred, ImageQuality.SHARPNESS) + 0.2);
        assertThat(sharp.overall()).isGreaterThan(blurred.overall());
    }

    @Test
    void should_rank_a_well_exposed_image_above_under_and_over_exposed_copies() throws Exception {
        QualityReport good = score(scene, "good.png");
        // Two stops under with the black level raised (shadows crush), and two and a half over.
        QualityReport under = score(TestMedia.channels(scene, v -> v / 4 - 12), "under.png");
        QualityReport over = score(TestMedia.channels(scene, v -> (int) (v * 2.5)), "over.png");

        assertThat(under.dimension(ImageQuality.SHADOW_CLIPPING).orElseThrow().value()).isGreaterThan(0.05);
        assertThat(over.dimension(ImageQuality.HIGHLIGHT_CLIPPING).orElseThrow().value()).isGreaterThan(0.3);
        assertThat(dim(good, ImageQuality.EXPOSURE)).isGreaterThan(dim(under, ImageQuality.EXPOSURE));
        assertThat(dim(good, ImageQuality.EXPOSURE)).isGreaterThan(dim(over, ImageQuality.EXPOSURE));
        assertThat(good.overall()).isGreaterThan(under.overall()).isGreaterThan(0);
        assertThat(good.overall()).isGreaterThan(over.overall());
    }

    @Test
    void should_rank_a_clean_image_above_a_noisy_copy_and_estimate_the_noise() throws Exception {
        QualityReport clean = score(scene, "clean.png");
        QualityReport noisy = score(TestMedia.noisy(scene, 10, 1), "noisy.png");

        assertThat(clean.dimension(ImageQuality.NOISE).orElseThrow().value()).isLessThan(2);
        // Per-channel sigma 10 is about 7.7 in luma (the luma weights' root sum of squares).
        assertThat(noisy.dimension(ImageQuality.NOISE).orElseThrow().value()).isCloseTo(7.7, within(1.5));
        assertThat(noisy.overall()).isLessThan(clean.overall());
    }

    @Test
    void should_rank_a_colourful_image_above_its_grey_copy() throws Exception {
        QualityReport colour = score(scene, "colour.png");
        QualityReport grey = score(TestMedia.grey(scene), "grey.png");

        assertThat(grey.dimension(ImageQuality.COLOURFULNESS).orElseThrow().value()).isLessThan(1);
        assertThat(dim(colour, ImageQuality.COLOURFULNESS)).isGreaterThan(0.5);
        // Only colour differs, so the overall gap is about colourfulness's weight times its score gap.
        assertThat(colour.overall()).isGreaterThan(grey.overall() + 0.05);
    }

    @Test
    void should_measure_a_minus_23_lufs_tone_within_1_lu_with_no_clipping_or_silence() throws Exception {
        // EBU Tech 3341 case 1: a stereo 1 kHz sine at -23 dBFS peak reads -23 LUFS.
        Path tone = TestMedia.generate(ffmpeg, dir.resolve("tone.wav"), "-f", "lavfi", "-i",
                "aevalsrc=0.0707946*sin(2*PI*1000*t)|0.0707946*sin(2*PI*1000*t):s=48000:d=5", "-c:a", "pcm_s16le");

        QualityReport r = new QualityAnalyzer(ffmpeg, dir).analyze(tone);

        assertThat(r.kind()).isEqualTo(MediaKind.AUDIO);
        assertThat(r.dimension(AudioQuality.LOUDNESS).orElseThrow().value()).isCloseTo(-23, within(1.0));
        assertThat(r.dimension(AudioQuality.LOUDNESS).orElseThrow().score()).isEqualTo(1.0);
        assertThat(r.dimension(AudioQuality.CLIPPING).orElseThrow().value()).isZero();
        assertThat(r.dimension(AudioQuality.SILENCE).orElseThrow().value()).isZero();
        assertThat(r.dimension(AudioQuality.DURATION).orElseThrow().value()).isCloseTo(5, within(0.05));
    }

    @Test
    void should_flag_a_clipped_signal() throws Exception {
        Path clipped = TestMedia.generate(ffmpeg, dir.resolve("clipped.wav"), "-f", "lavfi", "-i",
                "aevalsrc=1.5*sin(2*PI*440*t):s=48000:d=3", "-c:a", "pcm_s16le");
        Path clean = TestMedia.generate(ffmpeg, dir.resolve("clean.wav"), "-f", "lavfi", "-i",
                "aevalsrc=0.5*sin(2*PI*440*t):s=48000:d=3", "-c:a", "pcm_s16le");
        QualityAnalyzer analyzer = new QualityAnalyzer(ffmpeg, dir);

        QualityReport bad = analyzer.analyze(clipped);
        QualityReport good = analyzer.analyze(clean);

        // |1.5 sin x| >= 1 for x in [asin(2/3), pi - asin(2/3)]: 1 - 2 asin(2/3) / pi = 53.5% of the time.
        assertThat(bad.dimension(AudioQuality.CLIPPING).orElseThrow().value())
                .isCloseTo(1 - 2 * Math.asin(2 / 3.0) / Math.PI, within(0.01));
        assertThat(bad.dimension(AudioQuality.CLIPPING).orElseThrow().score()).isZero();
        assertThat(good.dimension(AudioQuality.CLIPPING).orElseThrow().value()).isZero();
        assertThat(bad.overall()).isLessThan(good.overall());
    }

    @Test
    void should_report_half_silence_of_a_half_silent_file() throws Exception {
        Path half = TestMedia.generate(ffmpeg, dir.resolve("half.wav"), "-f", "lavfi", "-i",
                "aevalsrc=0.3*sin(2*PI*440*t)*lt(t\\,3):s=48000:d=6", "-c:a", "pcm_s16le");

        QualityReport r = new QualityAnalyzer(ffmpeg, dir).analyze(half);

        assertThat(r.dimension(AudioQuality.SILENCE).orElseThrow().value()).isCloseTo(0.5, within(0.05));
    }

    @Test
    void should_score_a_video_over_sampled_frames_with_its_audio_and_shot_rhythm() throws Exception {
        Path clip = TestMedia.generate(ffmpeg, dir.resolve("clip.mp4"),
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=4",
                "-f", "lavfi", "-i", "color=c=red:size=320x180:rate=25:duration=3",
                "-f", "lavfi", "-i", "smptebars=size=320x180:rate=25:duration=3",
                "-f", "lavfi", "-i", "aevalsrc=0.1*sin(2*PI*440*t):s=48000:d=10",
                "-filter_complex", "[0:v][1:v][2:v]concat=n=3:v=1:a=0[v]", "-map", "[v]", "-map", "3:a",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest");

        QualityReport r = new QualityAnalyzer(ffmpeg, dir.resolve("scratch")).analyze(clip);

        assertThat(r.kind()).isEqualTo(MediaKind.VIDEO);
        assertThat(r.dimension(VideoQuality.FRAMES).orElseThrow().value()).isBetween(9.0, 11.0);
        assertThat(r.dimension(ImageQuality.SHARPNESS).orElseThrow().value()).isPositive();
        assertThat(r.dimension(VideoQuality.AUDIO_PREFIX + AudioQuality.LOUDNESS)).isPresent();
        // Cuts at 4 s and 7 s of 10 s: 3 shots, 12 cuts a minute.
        assertThat(r.dimension(VideoQuality.CUTS_PER_MINUTE).orElseThrow().value()).isCloseTo(12, within(0.5));
        assertThat(r.dimension(VideoQuality.MEAN_SHOT_LENGTH).orElseThrow().value()).isCloseTo(10 / 3.0, within(0.1));
        assertThat(r.overall()).isBetween(0.0, 1.0);
        assertThat(r.dimensions().stream().mapToDouble(QualityDimension::weight).sum()).isCloseTo(1.0, within(1e-9));
        assertThat(dir.resolve("scratch")).as("frames are piped, not written").doesNotExist();
    }

    @Test
    void should_sample_frames_fitted_into_512_pixels_keeping_the_aspect_ratio() {
        assertThat(VideoSampler.frameSize(1920, 1080)).containsExactly(512, 288);
        assertThat(VideoSampler.frameSize(1080, 1920)).containsExactly(288, 512);
        assertThat(VideoSampler.frameSize(320, 180)).containsExactly(320, 180);
        assertThat(VideoSampler.frameSize(0, 0)).containsExactly(512, 288);
    }

    @Test
    void should_name_the_file_and_the_fix_for_a_file_that_is_not_media() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.mp4"), "not a video at all\n");

        assertThatThrownBy(() -> new QualityAnalyzer(ffmpeg, dir).analyze(text))
                .isInstanceOf(ProviderException.class)
                .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ErrorKind.VALIDATION))
                .hasMessageStartingWith(text + " is not an image, audio or video file")
                .hasMessageNotContaining("\n");
    }

    @Test
    void should_name_the_file_and_the_fix_for_a_file_without_picture_or_sound() throws Exception {
        Path subtitles = Files.writeString(dir.resolve("captions.srt"), "1\n00:00:00,000 --> 00:00:01,000\nHello\n");

        assertThatThrownBy(() -> new QualityAnalyzer(ffmpeg, dir).analyze(subtitles))
                .isInstanceOf(ProviderException.class)
                .hasMessage(subtitles + " has no picture or sound to score (only subtitle streams);"
                        + " score an image, audio or video file");
    }

    @Test
    void should_name_a_missing_file() {
        Path missing = dir.resolve("missing.png");

        assertThatThrownBy(() -> new QualityAnalyzer(ffmpeg, dir).analyze(missing))
                .hasMessage(missing + " does not exist or is not a file; check the path");
    }
}
