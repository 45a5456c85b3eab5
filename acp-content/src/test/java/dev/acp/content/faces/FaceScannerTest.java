package dev.acp.content.faces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.env.Environment;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.fonts.BundledFonts;
import dev.acp.local.media.Ffmpeg;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Files in, faces out: images, videos made here with the bundled ffmpeg, and bad input. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaceScannerTest {
    /** The state folder acp-local's tests share, so the bundled ffmpeg is extracted once per machine. */
    private static final Path TEST_HOME = Path.of(System.getProperty("java.io.tmpdir"), "acp-test-home");

    @TempDir
    Path dir;

    private FaceDetector detector;
    private Ffmpeg ffmpeg;
    private FaceScanner scanner;
    /** A 3 s 1280 x 720 video at 10 frames a second: the astronaut's face for 2 s, then 1 s of black. */
    private Path video;
    /** The face in the video's first two seconds, found in the full-size picture. */
    private Face faceInVideo;

    @BeforeAll
    void setUp(@TempDir Path shared) throws Exception {
        detector = FaceDetector.load(1);
        ffmpeg = Ffmpeg.locate(Environment.of(Map.of("PATH", "")), TEST_HOME);
        scanner = new FaceScanner(detector, ffmpeg, shared.resolve("scratch"));
        // The face crop enlarged to fill the frame's height: large enough for the short-range model.
        BufferedImage frame = new BufferedImage(1280, 720, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = frame.createGraphics();
        g.drawImage(FaceDetectorTest.photo("astronaut.jpg").getSubimage(125, 30, 200, 200), 280, 0, 720, 720, null);
        g.dispose();
        Path still = shared.resolve("still.png");
        ImageIO.write(frame, "png", still.toFile());
        faceInVideo = detector.detect(frame).getFirst();
        video = shared.resolve("face-then-black.mp4");
        ffmpeg.run("making the test video", List.of("-loglevel", "error", "-loop", "1", "-framerate", "10", "-t", "2",
                "-i", still.toString(), "-f", "lavfi", "-i", "color=black:s=1280x720:r=10:d=1", "-filter_complex",
                "[0:v]format=yuv420p[a];[1:v]format=yuv420p[b];[a][b]concat=n=2:v=1[v]", "-map", "[v]",
                "-c:v", "libx264", "-preset", "ultrafast", "-qp", "10", video.toString()));
    }

    @AfterAll
    void close() {
        detector.close();
    }

    private Path resource(String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = FaceScannerTest.class.getResourceAsStream(name)) {
            Files.copy(in, file);
        }
        return file;
    }

    @Test
    void an_image_file_gives_its_size_and_faces() throws Exception {
        Path astronaut = resource("astronaut.jpg");

        FaceScan scan = scanner.scan(astronaut, FaceDetector.DEFAULT_MIN_SCORE, 1);

        assertThat(scan).isInstanceOfSatisfying(FaceScan.Image.class, image -> {
            assertThat(image.width()).isEqualTo(512);
            assertThat(image.faces()).hasSize(1);
            assertThat(image.faces().getFirst().box().iou(FaceDetectorTest.ASTRONAUT_FACE)).isGreaterThan(0.5);
        });
    }

    @Test
    void an_image_ffmpeg_has_to_decode_is_scanned_as_an_image() throws Exception {
        Path webp = dir.resolve("astronaut.webp");
        ffmpeg.run("making a WebP", List.of("-loglevel", "error", "-i", resource("astronaut.jpg").toString(),
                "-c:v", "libwebp", webp.toString()));

        FaceScan scan = scanner.scan(webp, FaceDetector.DEFAULT_MIN_SCORE, 1);

        assertThat(scan).isInstanceOf(FaceScan.Image.class);
        assertThat(scan.faceCount()).isEqualTo(1);
    }

    @Test
    void a_video_gives_the_faces_of_a_frame_every_second_in_the_full_frames_pixels() throws Exception {
        FaceScan scan = scanner.scan(video, FaceDetector.DEFAULT_MIN_SCORE, 1);

        assertThat(scan).isInstanceOfSatisfying(FaceScan.Video.class, v -> {
            assertThat(v.width()).isEqualTo(1280);
            assertThat(v.height()).isEqualTo(720);
            assertThat(v.frames()).extracting(FaceScan.Frame::seconds).containsExactly(0.0, 1.0, 2.0);
            assertThat(v.frames()).extracting(f -> f.faces().size()).containsExactly(1, 1, 0);
            // Found in a 640 x 360 frame, reported in the 1280 x 720 one.
            Face face = v.frames().getFirst().faces().getFirst();
            assertThat(face.box().iou(faceInVideo.box())).isGreaterThan(0.85);
            assertThat(FaceDetectorTest.distance(face.landmarks().rightEye(), faceInVideo.landmarks().rightEye()))
                    .isLessThan(10);
            assertThat(v.busiestFrame()).get().extracting(FaceScan.Frame::seconds).isEqualTo(0.0);
        });
    }

    @Test
    void every_sets_the_sampling_interval() throws Exception {
        FaceScan.Video v = (FaceScan.Video) scanner.scan(video, FaceDetector.DEFAULT_MIN_SCORE, 0.5);

        assertThat(v.frames()).extracting(FaceScan.Frame::seconds).containsExactly(0.0, 0.5, 1.0, 1.5, 2.0, 2.5);
        assertThat(v.faceCount()).isEqualTo(4);
    }

    @Test
    void the_busiest_frame_can_be_taken_at_full_size_and_annotated() throws Exception {
        BufferedImage frame = scanner.frameAt(video, 0.0);
        BufferedImage annotated = new FaceAnnotator(new BundledFonts(dir)).annotate(frame, List.of(faceInVideo));
        Path png = dir.resolve("out/annotated.png");

        FaceAnnotator.writePng(annotated, png);

        BufferedImage written = ImageIO.read(png.toFile());
        assertThat(written.getWidth()).isEqualTo(1280);
        Box b = faceInVideo.box();
        // The box's left edge is drawn in green; the frame there is not.
        int edge = written.getRGB((int) Math.round(b.x()), (int) Math.round(b.center().y()));
        assertThat((edge >> 8) & 0xff).isGreaterThan(200);
        assertThat((edge >> 16) & 0xff).isLessThan(60);
        assertThat(frame.getRGB((int) Math.round(b.x()), (int) Math.round(b.center().y())))
                .isNotEqualTo(edge);
        // The right eye's dot is red.
        Point eye = faceInVideo.landmarks().rightEye();
        int dot = written.getRGB((int) eye.x(), (int) eye.y());
        assertThat((dot >> 16) & 0xff).isGreaterThan(200);
        assertThat(dot & 0xff).isLessThan(80);
        assertThat(Files.list(dir.resolve("out"))).hasSize(1);
    }

    @Test
    void an_audio_file_is_refused_for_having_no_video_stream() throws Exception {
        Path wav = dir.resolve("tone.wav");
        ffmpeg.run("making a tone", List.of("-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=0.3",
                wav.toString()));

        assertThatThrownBy(() -> scanner.scan(wav, 0.6, 1)).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
            assertThat(e.getMessage()).startsWith(wav + " has no video stream (only audio pcm_s16le)")
                    .contains("use a PNG, JPEG").doesNotContain("\n");
        });
    }

    @Test
    void a_file_that_is_no_media_is_refused_naming_the_file_and_the_formats() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "these are not pixels\n");
        // ffmpeg guesses a format from the name, so this one is refused as an image instead.
        Path named = Files.writeString(dir.resolve("notes.png"), "these are not pixels\n");

        assertThatThrownBy(() -> scanner.scan(text, 0.6, 1)).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
            assertThat(e.getMessage()).startsWith(text + " is not an image or video that can be read (")
                    .endsWith("; use a PNG, JPEG, BMP, GIF, TIFF or WebP image or a video file")
                    .doesNotContain("\n");
        });
        assertThatThrownBy(() -> scanner.scan(named, 0.6, 1)).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
            assertThat(e.getMessage()).contains(named.toString()).contains("use a PNG, JPEG").doesNotContain("\n");
        });
    }

    @Test
    void a_damaged_jpeg_is_refused_naming_the_file() throws Exception {
        byte[] jpeg = Files.readAllBytes(resource("astronaut.jpg"));
        byte[] damaged = java.util.Arrays.copyOf(jpeg, 600); // the headers, then nothing
        Path file = Files.write(dir.resolve("damaged.jpg"), damaged);

        assertThatThrownBy(() -> scanner.scan(file, 0.6, 1)).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
            assertThat(e.getMessage()).contains(file.toString()).doesNotContain("\n");
        });
    }

    @Test
    void a_missing_file_or_a_folder_is_refused() {
        assertThatThrownBy(() -> scanner.scan(dir.resolve("nope.jpg"), 0.6, 1))
                .isInstanceOf(ProviderException.class).hasMessage(dir.resolve("nope.jpg") + " does not exist;"
                        + " check the path");
        assertThatThrownBy(() -> scanner.scan(dir, 0.6, 1)).hasMessageContaining("is a folder");
    }

    @Test
    void no_scratch_folder_is_left_behind() throws Exception {
        Path scratch = dir.resolve("own-scratch");
        FaceScanner own = new FaceScanner(detector, ffmpeg, scratch);

        own.scan(video, 0.6, 1);
        own.scan(resource("coffee.jpg"), 0.6, 1);
        assertThatThrownBy(() -> own.scan(Files.writeString(dir.resolve("x.mp4"), "x"), 0.6, 1))
                .isInstanceOf(ProviderException.class);

        try (var left = Files.list(scratch)) {
            assertThat(left).isEmpty();
        }
    }
}
