package dev.acp.content.faces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Anchors, decoding, suppression and the letterbox, on numbers made by hand. */
class DecodingTest {

    @Test
    void the_short_range_anchors_are_a_16_grid_of_2_then_an_8_grid_of_6() {
        Anchors anchors = Anchors.shortRange();

        assertThat(anchors.size()).isEqualTo(896);
        assertThat(anchors.gridSizes()).containsExactly(512, 384);
        // The first two anchors share the first cell of the 16 x 16 grid.
        assertThat(anchors.x(0)).isCloseTo(0.5f / 16, within(1e-6f));
        assertThat(anchors.x(1)).isEqualTo(anchors.x(0));
        assertThat(anchors.x(2)).isCloseTo(1.5f / 16, within(1e-6f));
        // Row 1 of the 16 x 16 grid starts at anchor 32.
        assertThat(anchors.y(32)).isCloseTo(1.5f / 16, within(1e-6f));
        assertThat(anchors.x(511)).isCloseTo(15.5f / 16, within(1e-6f));
        // The 8 x 8 grid: six anchors per cell.
        assertThat(anchors.x(512)).isCloseTo(0.5f / 8, within(1e-6f));
        assertThat(anchors.x(517)).isEqualTo(anchors.x(512));
        assertThat(anchors.x(518)).isCloseTo(1.5f / 8, within(1e-6f));
        assertThat(anchors.y(895)).isCloseTo(7.5f / 8, within(1e-6f));
    }

    @Test
    void an_anchors_values_are_pixel_offsets_from_its_centre_and_scores_are_sigmoids() {
        Anchors anchors = Anchors.shortRange();
        float[] logits = new float[896];
        java.util.Arrays.fill(logits, -10f);
        float[] values = new float[896 * 16];
        int i = 512 + 6 * (8 * 2 + 3); // the 8 x 8 grid, row 2, column 3: centre (3.5/8, 2.5/8)
        logits[i] = 2f;
        values[i * 16] = 8f;      // centre 8 px right of the anchor
        values[i * 16 + 1] = -4f; // and 4 px up
        values[i * 16 + 2] = 32f; // 32 px wide
        values[i * 16 + 3] = 16f; // 16 px high
        values[i * 16 + 4] = 1.28f; // right eye 1.28 px right of the anchor centre

        List<Face> faces = BlazeFaceModel.decode(anchors, logits, values, 0.5);

        assertThat(faces).hasSize(1);
        Face f = faces.getFirst();
        assertThat(f.confidence()).isCloseTo(1 / (1 + Math.exp(-2)), within(1e-9));
        assertThat(f.box().center().x()).isCloseTo(3.5 / 8 + 8.0 / 128, within(1e-6));
        assertThat(f.box().center().y()).isCloseTo(2.5 / 8 - 4.0 / 128, within(1e-6));
        assertThat(f.box().width()).isCloseTo(0.25, within(1e-6));
        assertThat(f.box().height()).isCloseTo(0.125, within(1e-6));
        assertThat(f.landmarks().rightEye().x()).isCloseTo(3.5 / 8 + 0.01, within(1e-6));
        assertThat(f.landmarks().mouth()).isEqualTo(new Point(3.5 / 8, 2.5 / 8));
    }

    @Test
    void logits_beyond_100_are_clipped_as_mediapipe_does() {
        Anchors anchors = Anchors.shortRange();
        float[] logits = new float[896];
        java.util.Arrays.fill(logits, Float.NEGATIVE_INFINITY);
        logits[0] = Float.POSITIVE_INFINITY;
        logits[1] = -1000f;

        List<Face> faces = BlazeFaceModel.decode(anchors, logits, new float[896 * 16], 0);

        assertThat(faces).hasSize(896);
        assertThat(faces.getFirst().confidence()).isCloseTo(1.0, within(1e-12));
        // Clipped to -100, the least score is sigmoid(-100), not 0.
        assertThat(faces.get(1).confidence()).isCloseTo(1 / (1 + Math.exp(100)), within(1e-50)).isPositive();
        assertThat(faces.get(2).confidence()).isEqualTo(faces.get(1).confidence());
    }

    @Test
    void overlapping_detections_merge_into_their_score_weighted_mean_with_the_best_score() {
        Face a = face(new Box(0, 0, 10, 10), 0.9, 0);
        Face b = face(new Box(2, 0, 10, 10), 0.6, 2);
        Face far = face(new Box(50, 50, 10, 10), 0.7, 50);

        List<Face> merged = WeightedNms.merge(List.of(b, far, a));

        assertThat(merged).hasSize(2);
        Face first = merged.getFirst();
        assertThat(first.confidence()).isEqualTo(0.9);
        // x: (0 * 0.9 + 2 * 0.6) / 1.5 = 0.8
        assertThat(first.box().x()).isCloseTo(0.8, within(1e-9));
        assertThat(first.box().width()).isCloseTo(10, within(1e-9));
        assertThat(first.landmarks().noseTip().x()).isCloseTo(0.8, within(1e-9));
        assertThat(merged.get(1)).isEqualTo(far);
    }

    @Test
    void boxes_overlapping_by_at_most_the_threshold_stay_apart() {
        // Intersection over union 0.25 (well under 0.3): two faces side by side.
        Face a = face(new Box(0, 0, 10, 10), 0.9, 0);
        Face b = face(new Box(6, 0, 10, 10), 0.8, 6);

        assertThat(WeightedNms.merge(List.of(a, b))).containsExactly(a, b);
    }

    @Test
    void a_letterbox_centres_the_image_and_maps_points_back_to_its_pixels() {
        Letterbox wide = Letterbox.of(800, 400, 128);

        assertThat(wide.contentWidth()).isEqualTo(128);
        assertThat(wide.contentHeight()).isEqualTo(64);
        assertThat(wide.top()).isEqualTo(32);
        assertThat(wide.left()).isZero();
        assertThat(wide.toImage(0.5, 0.5)).isEqualTo(new Point(400, 200));
        assertThat(wide.toImage(0, 0.25)).isEqualTo(new Point(0, 0));
        assertThat(wide.toImage(1, 0.75)).isEqualTo(new Point(800, 400));

        Letterbox tall = Letterbox.of(300, 600, 128);
        assertThat(tall.left()).isEqualTo(32);
        assertThat(tall.toImage(0.25, 1)).isEqualTo(new Point(0, 600));
    }

    @Test
    void the_letterboxed_input_is_the_image_in_minus_one_to_one_with_black_padding() {
        java.awt.image.BufferedImage white = new java.awt.image.BufferedImage(256, 128,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = white.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 256, 128);
        g.setColor(java.awt.Color.RED);
        g.fillRect(0, 0, 128, 128);
        g.dispose();

        float[] input = Letterbox.of(256, 128, 128).tensor(white);

        assertThat(input).hasSize(128 * 128 * 3);
        // Row 10 is padding (the image fills rows 32 to 95): black, -1 in every channel.
        assertThat(pixel(input, 10, 64)).containsExactly(-1f, -1f, -1f);
        // Row 64, column 10 is red; column 120 is white.
        assertThat(pixel(input, 64, 10)).containsExactly(1f, -1f, -1f);
        assertThat(pixel(input, 64, 120)).containsExactly(1f, 1f, 1f);
    }

    @Test
    void jpeg_and_png_pixel_types_give_the_same_input_as_argb_and_grey_keeps_its_stored_values() {
        java.util.Random random = new java.util.Random(7);
        int w = 37;
        int h = 23;
        java.awt.image.BufferedImage argb = new java.awt.image.BufferedImage(w, h,
                java.awt.image.BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                argb.setRGB(x, y, 0xff000000 | random.nextInt(0x1000000));
            }
        }
        Letterbox letterbox = Letterbox.of(w, h, 128);
        float[] expected = letterbox.tensor(argb);
        for (int type : new int[] {java.awt.image.BufferedImage.TYPE_3BYTE_BGR,
                java.awt.image.BufferedImage.TYPE_INT_RGB, java.awt.image.BufferedImage.TYPE_INT_BGR}) {
            java.awt.image.BufferedImage copy = new java.awt.image.BufferedImage(w, h, type);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    copy.setRGB(x, y, argb.getRGB(x, y));
                }
            }
            assertThat(letterbox.tensor(copy)).as("type %d", type).isEqualTo(expected);
        }

        // Any other type (here a palette, as GIFs and some PNGs have) as Java2D converts it.
        java.awt.image.BufferedImage palette = new java.awt.image.BufferedImage(w, h,
                java.awt.image.BufferedImage.TYPE_BYTE_INDEXED);
        palette.getGraphics().drawImage(argb, 0, 0, null);
        java.awt.image.BufferedImage converted = new java.awt.image.BufferedImage(w, h,
                java.awt.image.BufferedImage.TYPE_INT_ARGB);
        converted.getGraphics().drawImage(palette, 0, 0, null);
        assertThat(letterbox.tensor(palette)).isEqualTo(letterbox.tensor(converted));

        java.awt.image.BufferedImage grey = new java.awt.image.BufferedImage(1, 1,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 51);
        // 51 stored is 51 in every channel (-1 + 51 / 127.5 = -0.6), not getRGB's brightened 124.
        assertThat(pixel(Letterbox.of(1, 1, 128).tensor(grey), 64, 64)).containsExactly(new float[] {-0.6f, -0.6f,
                -0.6f}, within(1e-6f));
    }

    private static float[] pixel(float[] input, int row, int column) {
        int at = (row * 128 + column) * 3;
        return new float[] {input[at], input[at + 1], input[at + 2]};
    }

    private static Face face(Box box, double score, double x) {
        Point p = new Point(x, 0);
        return new Face(box, score, new Landmarks(p, p, p, p, p, p));
    }
}
