package dev.acp.content.faces;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The model end to end on the public-domain and CC0 photos beside this test (see the README
 * there): one detector for the class, since loading it is most of the cost.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaceDetectorTest {
    /**
     * Eileen Collins's face in astronaut.jpg, marked by hand on a 3x enlargement with a 10-pixel
     * grid: cheek to cheek, forehead below the hairline to chin.
     */
    static final Box ASTRONAUT_FACE = new Box(180, 80, 92, 100);
    /** Her right eye (on the image's left) and left eye, marked the same way. */
    static final Point ASTRONAUT_RIGHT_EYE = new Point(203, 102);
    static final Point ASTRONAUT_LEFT_EYE = new Point(247, 104);

    private FaceDetector detector;

    @BeforeAll
    void load() {
        detector = FaceDetector.load(1);
    }

    @AfterAll
    void close() {
        detector.close();
    }

    static BufferedImage photo(String name) {
        try (InputStream in = FaceDetectorTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return ImageIO.read(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void the_astronaut_has_exactly_one_face_where_it_was_marked_by_hand() {
        List<Face> faces = detector.detect(photo("astronaut.jpg"));

        assertThat(faces).hasSize(1);
        Face face = faces.getFirst();
        assertThat(face.box().iou(ASTRONAUT_FACE)).isGreaterThanOrEqualTo(0.5);
        assertThat(face.confidence()).isGreaterThanOrEqualTo(0.8);
        assertThat(distance(face.landmarks().rightEye(), ASTRONAUT_RIGHT_EYE)).isLessThan(8);
        assertThat(distance(face.landmarks().leftEye(), ASTRONAUT_LEFT_EYE)).isLessThan(8);
        Box box = face.box();
        for (Point p : List.of(face.landmarks().noseTip(), face.landmarks().mouth())) {
            assertThat(p.x()).isBetween(box.x(), box.right());
            assertThat(p.y()).isBetween(box.y(), box.bottom());
        }
        assertThat(face.landmarks().mouth().y()).isGreaterThan(face.landmarks().noseTip().y());
        assertThat(face.landmarks().rightEarTragion().x()).isLessThan(face.landmarks().rightEye().x());
        assertThat(face.landmarks().leftEarTragion().x()).isGreaterThan(face.landmarks().leftEye().x());
    }

    @ParameterizedTest
    @ValueSource(strings = {"coffee.jpg", "chelsea.jpg"})
    void photos_without_a_person_have_no_face(String name) {
        assertThat(detector.detect(photo(name))).isEmpty();
    }

    @Test
    void a_face_in_profile_behind_a_camera_is_found() {
        List<Face> faces = detector.detect(photo("camera.jpg"));

        assertThat(faces).hasSize(1);
        // The photographer's face, marked by hand like the astronaut's: ear to nose tip, hairline to chin.
        assertThat(faces.getFirst().box().iou(new Box(182, 120, 76, 70))).isGreaterThanOrEqualTo(0.5);
    }

    @Test
    void the_minimum_score_decides_what_is_reported() {
        BufferedImage cat = photo("chelsea.jpg");

        // The cat's face is the model's best false detection, just above 0.5.
        assertThat(detector.detect(cat, 0.45)).isNotEmpty();
        assertThat(detector.detect(cat, FaceDetector.DEFAULT_MIN_SCORE)).isEmpty();
        assertThat(detector.detect(photo("astronaut.jpg"), 0.99)).isEmpty();
    }

    @Test
    void two_crops_side_by_side_are_two_faces_one_in_each_half() {
        BufferedImage astronaut = photo("astronaut.jpg");
        BufferedImage two = new BufferedImage(400, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = two.createGraphics();
        g.drawImage(astronaut.getSubimage(125, 30, 200, 200), 0, 0, null);
        g.drawImage(astronaut.getSubimage(125, 30, 200, 200), 200, 0, null);
        g.dispose();

        List<Face> faces = detector.detect(two);

        assertThat(faces).hasSize(2);
        Box left = shifted(ASTRONAUT_FACE, -125, -30);
        Box right = shifted(left, 200, 0);
        assertThat(faces).anySatisfy(f -> assertThat(f.box().iou(left)).isGreaterThanOrEqualTo(0.5));
        assertThat(faces).anySatisfy(f -> assertThat(f.box().iou(right)).isGreaterThanOrEqualTo(0.5));
    }

    @Test
    void a_mirrored_photo_has_the_mirrored_face_and_the_right_eye_is_still_on_the_images_left() {
        BufferedImage astronaut = photo("astronaut.jpg");
        BufferedImage mirrored = transformed(astronaut, new AffineTransform(-1, 0, 0, 1, astronaut.getWidth(), 0));

        List<Face> faces = detector.detect(mirrored);

        assertThat(faces).hasSize(1);
        Box expected = new Box(astronaut.getWidth() - ASTRONAUT_FACE.right(), ASTRONAUT_FACE.y(),
                ASTRONAUT_FACE.width(), ASTRONAUT_FACE.height());
        assertThat(faces.getFirst().box().iou(expected)).isGreaterThanOrEqualTo(0.5);
        // The model names the eyes by where they are in the picture, as it would for a real
        // person facing the camera, not by mirroring the original's.
        assertThat(faces.getFirst().landmarks().rightEye().x()).isLessThan(faces.getFirst().landmarks().leftEye().x());
    }

    @ParameterizedTest
    @ValueSource(ints = {-30, -15, 15, 30, 90, 270})
    void a_rotated_photo_has_one_face_where_the_rotation_moved_it(int degrees) {
        BufferedImage astronaut = photo("astronaut.jpg");
        AffineTransform rotation = AffineTransform.getRotateInstance(Math.toRadians(degrees),
                astronaut.getWidth() / 2.0, astronaut.getHeight() / 2.0);

        List<Face> faces = detector.detect(transformed(astronaut, rotation));

        assertThat(faces).hasSize(1);
        Point2D centre = rotation.transform(new Point2D.Double(ASTRONAUT_FACE.center().x(),
                ASTRONAUT_FACE.center().y()), null);
        assertThat(distance(faces.getFirst().box().center(), new Point(centre.getX(), centre.getY()))).isLessThan(20);
    }

    @Test
    void boxes_come_back_in_the_pixels_of_a_tall_or_wide_image() {
        BufferedImage astronaut = photo("astronaut.jpg");
        // Crops around the face with padding added to the model's input below and beside it.
        for (int[] crop : new int[][] {{100, 20, 260, 200}, {140, 0, 160, 260}}) {
            BufferedImage cropped = astronaut.getSubimage(crop[0], crop[1], crop[2], crop[3]);

            List<Face> faces = detector.detect(cropped);

            assertThat(faces).hasSize(1);
            assertThat(faces.getFirst().box().iou(shifted(ASTRONAUT_FACE, -crop[0], -crop[1])))
                    .isGreaterThanOrEqualTo(0.8);
        }
    }

    @Test
    void a_large_copy_of_the_photo_gives_the_same_face_scaled() {
        BufferedImage astronaut = photo("astronaut.jpg");
        Box original = detector.detect(astronaut).getFirst().box();

        List<Face> faces = detector.detect(transformed(astronaut, 3, AffineTransform.getScaleInstance(3, 3)));

        assertThat(faces).hasSize(1);
        Box scaled = new Box(original.x() * 3, original.y() * 3, original.width() * 3, original.height() * 3);
        assertThat(faces.getFirst().box().iou(scaled)).isGreaterThanOrEqualTo(0.85);
    }

    @Test
    void a_transparent_image_and_a_one_pixel_image_have_no_face() {
        assertThat(detector.detect(new BufferedImage(64, 48, BufferedImage.TYPE_INT_ARGB))).isEmpty();
        assertThat(detector.detect(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB))).isEmpty();
    }

    @Test
    void detection_from_several_threads_gives_the_same_faces() throws Exception {
        BufferedImage astronaut = photo("astronaut.jpg");
        List<Face> expected = detector.detect(astronaut);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<List<Face>>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> detector.detect(astronaut)));
            }
            for (var r : results) {
                assertThat(r.get()).isEqualTo(expected);
            }
        }
    }

    @Test
    void the_model_id_names_the_model() {
        assertThat(detector.modelId()).contains("blazeface").contains("short-range");
    }

    static double distance(Point a, Point b) {
        return Math.hypot(a.x() - b.x(), a.y() - b.y());
    }

    static Box shifted(Box b, double dx, double dy) {
        return new Box(b.x() + dx, b.y() + dy, b.width(), b.height());
    }

    static BufferedImage transformed(BufferedImage image, AffineTransform transform) {
        return transformed(image, 1, transform);
    }

    /** {@code image} moved by {@code transform} onto a grey canvas {@code scale} times its size. */
    static BufferedImage transformed(BufferedImage image, int scale, AffineTransform transform) {
        BufferedImage out = new BufferedImage(image.getWidth() * scale, image.getHeight() * scale,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(image, transform, null);
        g.dispose();
        return out;
    }
}
