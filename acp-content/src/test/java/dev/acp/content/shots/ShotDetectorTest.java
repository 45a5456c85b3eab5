package dev.acp.content.shots;

import static dev.acp.content.shots.Transition.CUT;
import static dev.acp.content.shots.Transition.DISSOLVE;
import static dev.acp.content.shots.Transition.FADE;
import static dev.acp.content.shots.Transition.START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.content.shots.TestVideos.Segment;
import dev.acp.content.shots.TestVideos.Truth;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.media.Ffmpeg;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shot detection on videos made from lavfi sources, with every boundary known. */
class ShotDetectorTest {
    /** Fourteen boundaries: seven cuts, four dissolves, three fades, between moving and still sources. */
    static final List<Segment> MIXED = List.of(
            new Segment("testsrc2", 3, START),
            new Segment("mandelbrot", 3, CUT),
            new Segment("smptebars", 3, DISSOLVE),
            new Segment("testsrc", 3, CUT),
            new Segment("rgbtestsrc", 3, FADE),
            new Segment("testsrc2", 3, CUT),
            new Segment("color=c=0x3070b0", 3, DISSOLVE),
            new Segment("mandelbrot", 3, CUT),
            new Segment("smptehdbars", 3, CUT),
            new Segment("testsrc", 3, FADE),
            new Segment("testsrc2", 3, DISSOLVE),
            new Segment("rgbtestsrc", 3, CUT),
            new Segment("mandelbrot", 3, DISSOLVE),
            new Segment("yuvtestsrc", 3, CUT),
            new Segment("smptebars", 3, FADE));

    @TempDir
    static Path dir;

    static Ffmpeg ffmpeg;
    static Path mixed;
    static List<Truth> truths;
    static ShotList detected;

    @BeforeAll
    static void makeVideo() throws Exception {
        ffmpeg = TestVideos.ffmpeg();
        mixed = dir.resolve("mixed.mp4");
        truths = TestVideos.make(ffmpeg, mixed, "128x72", MIXED);
        detected = new ShotDetector(ffmpeg).detect(mixed, ShotOptions.DEFAULTS);
    }

    @Test
    void finds_cuts_exactly_and_gradual_transitions_with_their_type() {
        List<Shot> found = detected.shots().subList(1, detected.shots().size());
        BoundaryScore cuts = BoundaryScore.of(truths, found, t -> t == CUT, 2);
        BoundaryScore gradual = BoundaryScore.of(truths, found, t -> t == DISSOLVE || t == FADE, TestVideos.FPS / 2);
        assertThat(cuts.recall()).as("recall of cuts in %s", found).isGreaterThanOrEqualTo(0.95);
        assertThat(cuts.precision()).as("precision of cuts in %s", found).isGreaterThanOrEqualTo(0.95);
        assertThat(gradual.recall()).as("recall of dissolves and fades in %s", found).isGreaterThanOrEqualTo(0.8);
        assertThat(gradual.precision()).as("precision of dissolves and fades in %s", found).isGreaterThanOrEqualTo(0.8);
    }

    @Test
    void shots_cover_every_frame_in_order_with_keyframes_inside() {
        List<Shot> shots = detected.shots();
        assertThat(shots.getFirst().startFrame()).isZero();
        assertThat(shots.getFirst().transition()).isEqualTo(START);
        assertThat(shots.getLast().endFrame()).isEqualTo(detected.frames());
        for (int i = 1; i < shots.size(); i++) {
            assertThat(shots.get(i).startFrame()).isEqualTo(shots.get(i - 1).endFrame());
            assertThat(shots.get(i).index()).isEqualTo(i);
        }
        // 15 segments of 3 s, four of them overlapping by a 1 s dissolve.
        assertThat(detected.frames()).isEqualTo(41L * TestVideos.FPS);
        assertThat(detected.fps()).isEqualTo(25.0);
        assertThat(shots).allSatisfy(s -> assertThat(s.durationSeconds()).isGreaterThanOrEqualTo(0.5));
    }

    @Test
    void a_single_moving_source_is_one_shot() throws Exception {
        for (String source : List.of("mandelbrot", "testsrc2")) {
            Path file = dir.resolve(source + ".mp4");
            TestVideos.make(ffmpeg, file, "128x72", List.of(new Segment(source, 5, START)));
            ShotList list = new ShotDetector(ffmpeg).detect(file, ShotOptions.DEFAULTS.withMinShotSeconds(0.2));
            assertThat(list.shots()).as(source).hasSize(1);
        }
    }

    @Test
    void writes_a_keyframe_per_shot_and_a_contact_sheet() throws Exception {
        ShotList head = detected.withShots(detected.shots().subList(0, 3));
        ShotList written = new KeyframeWriter(ffmpeg).write(head, dir.resolve("keys"), 0);
        assertThat(written.shots()).allSatisfy(s -> assertThat(s.keyframeFile()).isPresent());
        BufferedImage first = ImageIO.read(dir.resolve("keys").resolve("shot_001.png").toFile());
        assertThat(first.getWidth()).isEqualTo(128);
        assertThat(first.getHeight()).isEqualTo(72);
        try (var files = Files.list(dir.resolve("keys"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("shot_001.png", "shot_002.png", "shot_003.png");
        }
        Path sheet = dir.resolve("sheet.png");
        ContactSheet.write(written, sheet);
        BufferedImage image = ImageIO.read(sheet.toFile());
        assertThat(image.getWidth()).isEqualTo(3 * (ContactSheet.TILE_WIDTH + 4) + 4);
        assertThat(image.getHeight()).isEqualTo(180 + 22 + 8);
    }

    @Test
    void keyframe_is_the_frame_the_video_has_at_that_index() throws Exception {
        // Shot 1 is testsrc2, which moves every frame: compared with the frames ffmpeg selects by
        // number, a keyframe taken one frame off matches its neighbour instead.
        Shot shot = detected.shots().getFirst();
        ShotList written = new KeyframeWriter(ffmpeg).write(detected.withShots(List.of(shot)), dir.resolve("key1"), 0);
        BufferedImage key = ImageIO.read(written.shots().getFirst().keyframeFile().orElseThrow().toFile());
        double same = meanDifference(key, frame(shot.keyframe()));
        double next = meanDifference(key, frame(shot.keyframe() + 1));
        double previous = meanDifference(key, frame(shot.keyframe() - 1));
        assertThat(same).isLessThan(1.0).isLessThan(next).isLessThan(previous);
    }

    private static BufferedImage frame(long index) throws Exception {
        Path reference = dir.resolve("frame-" + index + ".png");
        ffmpeg.run("taking a reference frame", List.of("-i", mixed.toString(), "-vf", "select=eq(n\\," + index + ")",
                "-frames:v", "1", reference.toString()));
        return ImageIO.read(reference.toFile());
    }

    @Test
    void bad_input_is_one_line_naming_the_file_and_the_fix() throws Exception {
        ShotDetector detector = new ShotDetector(ffmpeg);
        Path empty = Files.createFile(dir.resolve("empty.mp4"));
        assertThatThrownBy(() -> detector.detect(empty, ShotOptions.DEFAULTS))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining(empty.toString()).hasMessageContaining("empty (0 bytes)")
                .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ErrorKind.LOCAL));
        Path garbage = Files.write(dir.resolve("garbage.mp4"), "this is not a video at all".repeat(50).getBytes());
        assertThatThrownBy(() -> detector.detect(garbage, ShotOptions.DEFAULTS))
                .hasMessageContaining(garbage.toString()).hasMessageContaining("not a readable video")
                .hasMessageNotContaining("\n");
        Path audio = dir.resolve("tone.wav");
        ffmpeg.run("making a tone", List.of("-f", "lavfi", "-i", "sine=d=0.5", audio.toString()));
        assertThatThrownBy(() -> detector.detect(audio, ShotOptions.DEFAULTS))
                .hasMessageContaining(audio.toString()).hasMessageContaining("no video stream (only audio)");
        Path missing = dir.resolve("missing.mp4");
        assertThatThrownBy(() -> detector.detect(missing, ShotOptions.DEFAULTS))
                .hasMessageContaining("no such video file: " + missing)
                .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ErrorKind.VALIDATION));
        Path cut = dir.resolve("truncated.mp4");
        byte[] whole = Files.readAllBytes(mixed);
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 3));
        assertThatThrownBy(() -> detector.detect(cut, ShotOptions.DEFAULTS))
                .hasMessageContaining(cut.toString()).hasMessageNotContaining("\n");
    }

    private static double meanDifference(BufferedImage a, BufferedImage b) {
        assertThat(a.getWidth()).isEqualTo(b.getWidth());
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs((p >> shift & 0xff) - (q >> shift & 0xff));
                }
            }
        }
        return (double) sum / (3.0 * a.getWidth() * a.getHeight());
    }
}
