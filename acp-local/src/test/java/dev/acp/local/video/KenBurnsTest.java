package dev.acp.local.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.local.fonts.BundledFonts;
import dev.acp.local.media.MediaInfo;
import dev.acp.local.testing.TestHome;
import dev.acp.local.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KenBurnsTest {
    private final KenBurns kenBurns = new KenBurns(TestHome.ffmpeg());

    @Test
    void should_encode_exactly_the_requested_frames_as_h264_yuv420p(@TempDir Path dir) throws Exception {
        Path source = TestImages.writePng(TestImages.detailed(320, 240), dir.resolve("source.png"));
        Path out = dir.resolve("clip.mp4");
        List<Double> progress = new CopyOnWriteArrayList<>();

        kenBurns.render(source, new VideoSettings(160, 120, 12, 18, Motion.ZOOM_IN, "mp4"), null, out, progress::add);

        MediaInfo info = TestHome.probe().probe(out);
        assertThat(info.video()).hasValueSatisfying(v -> {
            assertThat(v.codec()).isEqualTo("h264");
            assertThat(v.pixelFormat()).isEqualTo("yuv420p");
            assertThat(v.width()).isEqualTo(160);
            assertThat(v.height()).isEqualTo(120);
            assertThat(v.fps()).isEqualTo(12.0);
        });
        assertThat(info.durationSeconds()).isEqualTo(1.5);
        assertThat(TestHome.probe().countVideoFrames(out)).isEqualTo(18);
        assertThat(progress).isNotEmpty().isSorted();
        assertThat(progress.getLast()).isEqualTo(1.0);
    }

    @Test
    void should_zoom_in_so_the_last_frame_shows_less_of_the_source(@TempDir Path dir) throws Exception {
        // A dark frame with a white border: zooming in pushes the border out of view.
        BufferedImage framed = TestImages.solid(320, 180, 0xFFFFFF);
        for (int y = 20; y < 160; y++) {
            for (int x = 20; x < 300; x++) {
                framed.setRGB(x, y, 0xFF202020);
            }
        }
        Path source = TestImages.writePng(framed, dir.resolve("framed.png"));
        Path out = dir.resolve("zoom.mp4");
        kenBurns.render(source, new VideoSettings(160, 90, 10, 10, Motion.ZOOM_IN, "mp4"), null, out, f -> {});

        Path first = dir.resolve("first.png");
        Path last = dir.resolve("last.png");
        TestHome.ffmpeg().run("extracting frames", List.of("-loglevel", "error", "-i", out.toString(),
                "-vf", "select=eq(n\\,0)", "-frames:v", "1", first.toString()));
        TestHome.ffmpeg().run("extracting frames", List.of("-loglevel", "error", "-i", out.toString(),
                "-vf", "select=eq(n\\,9)", "-frames:v", "1", last.toString()));

        assertThat(TestImages.red(TestImages.read(first).getRGB(2, 45))).as("border visible at the start").isGreaterThan(180);
        assertThat(TestImages.red(TestImages.read(last).getRGB(2, 45))).as("border gone at the end").isLessThan(90);
    }

    @Test
    void should_burn_in_a_label_and_write_other_containers(@TempDir Path dir) throws Exception {
        Path source = TestImages.writePng(TestImages.solid(320, 180, 0x204060), dir.resolve("s.png"));
        Path font = new BundledFonts(dir.resolve("fonts")).regularFile();
        Path mkv = dir.resolve("clip.mkv");
        Path mov = dir.resolve("clip.mov");

        kenBurns.render(source, new VideoSettings(160, 90, 8, 8, Motion.PAN_LEFT, "mkv"),
                new KenBurns.Label("PREVIEW · test", dir.resolve("label.txt"), font), mkv, f -> {});
        kenBurns.render(source, new VideoSettings(160, 90, 8, 8, Motion.PAN_RIGHT, "mov"), null, mov, f -> {});

        assertThat(TestHome.probe().probe(mkv).hasFormat("matroska")).isTrue();
        assertThat(TestHome.probe().probe(mov).hasFormat("mov")).isTrue();
        Path frame = dir.resolve("frame.png");
        TestHome.ffmpeg().run("extracting a frame", List.of("-loglevel", "error", "-i", mkv.toString(), "-frames:v", "1", frame.toString()));
        BufferedImage image = TestImages.read(frame);
        assertThat(brightestGreen(image, 60, 0, 160, 30)).as("white label text in the top-right corner").isGreaterThan(180);
        assertThat(brightestGreen(image, 0, 50, 160, 90)).as("nothing drawn elsewhere").isLessThan(120);
    }

    @Test
    void should_ease_every_motion_and_pick_a_motion_per_hash() {
        for (Motion motion : Motion.values()) {
            String graph = KenBurns.filter(new VideoSettings(640, 360, 24, 48, motion, "mp4"), null);
            assertThat(graph).startsWith("zoompan=").contains("pow(", ":d=48:s=640x360:fps=24").endsWith(",setsar=1,format=yuv420p");
        }
        assertThat(Motion.parse("Zoom-In")).contains(Motion.ZOOM_IN);
        assertThat(Motion.parse("spin")).isEmpty();
        assertThat(java.util.stream.LongStream.range(0, 40).mapToObj(Motion::fromHash).distinct().count()).isEqualTo(4);
    }

    private static int brightestGreen(BufferedImage image, int x0, int y0, int x1, int y1) {
        int brightest = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                brightest = Math.max(brightest, TestImages.green(image.getRGB(x, y)));
            }
        }
        return brightest;
    }
}
