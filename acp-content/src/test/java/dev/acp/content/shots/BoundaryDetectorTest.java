package dev.acp.content.shots;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The boundary rules on thumbnails made in memory: no ffmpeg, so each rule is pinned exactly. */
class BoundaryDetectorTest {
    private static final int W = ThumbnailReader.WIDTH;
    private static final int H = ThumbnailReader.HEIGHT;

    /** A flat picture of one colour. */
    private static byte[] flat(int r, int g, int b) {
        byte[] rgb = new byte[W * H * 3];
        for (int p = 0; p < rgb.length; p += 3) {
            rgb[p] = (byte) r;
            rgb[p + 1] = (byte) g;
            rgb[p + 2] = (byte) b;
        }
        return rgb;
    }

    /** A picture with a bright bar at column {@code x} on grey: moving the bar is motion, not a new shot. */
    private static byte[] bar(int x, int grey) {
        byte[] rgb = flat(grey, grey, grey);
        for (int y = 0; y < H; y++) {
            for (int dx = 0; dx < 6; dx++) {
                int p = (y * W + (x + dx) % W) * 3;
                rgb[p] = (byte) 250;
                rgb[p + 1] = (byte) 250;
                rgb[p + 2] = (byte) 250;
            }
        }
        return rgb;
    }

    private static byte[] blend(byte[] a, byte[] b, double t) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) Math.round((a[i] & 0xff) * (1 - t) + (b[i] & 0xff) * t);
        }
        return out;
    }

    private static List<Boundary> detect(List<byte[]> frames, ShotOptions options) {
        SignalRecorder recorder = new SignalRecorder(W, H, 25, 12);
        frames.forEach(recorder::add);
        return new BoundaryDetector(options).detect(recorder.signals());
    }

    @Test
    void a_cut_between_two_moving_pictures_is_found_on_its_frame() {
        List<byte[]> frames = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            frames.add(bar(i * 2, 60));
        }
        for (int i = 0; i < 50; i++) {
            frames.add(bar(i * 2, 180));
        }
        assertThat(detect(frames, ShotOptions.DEFAULTS)).extracting(Boundary::frame, Boundary::transition)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(50, Transition.CUT));
    }

    @Test
    void a_linear_blend_is_a_dissolve_in_its_middle_and_not_a_cut() {
        byte[] a = flat(200, 40, 40);
        byte[] b = flat(30, 60, 220);
        List<byte[]> frames = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            frames.add(a);
        }
        for (int i = 0; i < 25; i++) {
            frames.add(blend(a, b, (i + 1) / 26.0));
        }
        for (int i = 0; i < 50; i++) {
            frames.add(b);
        }
        List<Boundary> found = detect(frames, ShotOptions.DEFAULTS);
        assertThat(found).hasSize(1);
        assertThat(found.getFirst().transition()).isEqualTo(Transition.DISSOLVE);
        assertThat(found.getFirst().frame()).isBetween(60, 64);
        assertThat(found.getFirst().length()).isBetween(20, 30);
    }

    @Test
    void black_between_two_pictures_is_a_fade_but_black_at_the_start_is_not() {
        byte[] black = flat(0, 0, 0);
        List<byte[]> frames = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            frames.add(black);
        }
        // The video opens by fading in from black: that is its first shot's start, not a boundary.
        for (int i = 0; i < 10; i++) {
            frames.add(blend(black, bar(i, 120), (i + 1) / 10.0));
        }
        for (int i = 10; i < 40; i++) {
            frames.add(bar(i, 120));
        }
        for (int i = 0; i < 10; i++) {
            frames.add(blend(bar(40 + i, 120), black, (i + 1) / 10.0));
        }
        for (int i = 0; i < 4; i++) {
            frames.add(black);
        }
        for (int i = 0; i < 10; i++) {
            frames.add(blend(black, flat(90, 160, 90), (i + 1) / 10.0));
        }
        for (int i = 0; i < 40; i++) {
            frames.add(flat(90, 160, 90));
        }
        List<Boundary> found = detect(frames, ShotOptions.DEFAULTS);
        assertThat(found).extracting(Boundary::transition).containsExactly(Transition.FADE);
        // Black: the last frames of the fade-out (58, 59), frames 60..63, the first of the fade-in
        // (64, 65); the middle of that run starts the new shot.
        assertThat(found.getFirst().frame()).isBetween(61, 63);
        assertThat(found.getFirst().length()).as("10 frames out, 4 black, 10 in").isBetween(22, 26);
    }

    @Test
    void thinning_keeps_the_surer_of_two_close_boundaries_and_none_near_the_ends() {
        List<Boundary> all = List.of(new Boundary(3, Transition.CUT, 1, 0.9), new Boundary(40, Transition.CUT, 1, 0.6),
                new Boundary(45, Transition.CUT, 1, 0.8), new Boundary(80, Transition.DISSOLVE, 20, 0.7),
                new Boundary(97, Transition.CUT, 1, 1.0));
        assertThat(BoundaryDetector.thin(all, 12, 100)).extracting(Boundary::frame).containsExactly(45, 80);
        assertThat(BoundaryDetector.thin(all, 0, 100)).extracting(Boundary::frame).containsExactly(3, 40, 45, 80, 97);
    }

    @Test
    void the_keyframe_is_the_stillest_frame_of_the_middle_half() {
        SignalRecorder recorder = new SignalRecorder(W, H, 25, 2);
        // Frames 0..39: the bar moves every frame except between 22 and 23, and 5 and 6 (outside the middle half).
        int x = 0;
        for (int i = 0; i < 40; i++) {
            if (i != 6 && i != 23) {
                x += 3;
            }
            recorder.add(bar(x, 100));
        }
        FrameSignals signals = recorder.signals();
        assertThat(ShotDetector.keyframe(signals, 0, 40)).isIn(22, 23);
        float[] still = new float[40];
        Arrays.fill(still, 0f);
        assertThat(ShotDetector.keyframe(new FrameSignals(25, 2, still, still, still, still, still, still, still), 0, 40))
                .as("a still shot's keyframe is its middle frame").isIn(19, 20);
    }
}
