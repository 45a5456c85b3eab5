package dev.acp.local;

import static dev.acp.local.testing.Steps.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.local.testing.RecordingContext;
import dev.acp.local.testing.Steps;
import dev.acp.local.testing.TestImages;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderResult;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** text_to_image, image_to_image and image_understanding through the provider. */
class ImageStepsTest {
    @TempDir
    Path dir;

    @Test
    void should_render_a_preview_png_sized_by_preset_with_metadata_and_score() throws Exception {
        Path out = dir.resolve(".landscape.partial-1.png");

        ProviderResult result = textToImage(Map.of("prompt", "A serene mountain landscape at sunset", "image_size", "landscape_16_9"), out);

        BufferedImage image = TestImages.read(out);
        assertThat(image.getWidth()).isEqualTo(1024);
        assertThat(image.getHeight()).isEqualTo(576);
        assertThat(result.wroteFile()).isTrue();
        assertThat(result.qualityScore()).isBetween(0.0, 1.0);
        assertThat(result.metadata()).containsEntry("width", 1024).containsEntry("height", 576)
                .containsEntry("format", "png").containsEntry("seed", 0L).containsEntry("preview", true)
                .containsEntry("requested_model", "flux-dev").containsEntry("renderer", "acp-preview-renderer/1")
                .containsEntry("provider", "local");
    }

    @Test
    void should_size_by_width_aspect_ratio_image_size_map_or_default() throws Exception {
        assertThat(size(Map.of("prompt", "x", "width", 200))).containsExactly(200, 150);
        assertThat(size(Map.of("prompt", "x", "width", 160, "aspect_ratio", "16:9"))).containsExactly(160, 90);
        assertThat(size(Map.of("prompt", "x", "image_size", Map.of("width", 120, "height", 80)))).containsExactly(120, 80);
        assertThat(size(Map.of("text", "x", "aspect_ratio", "9:16"))).containsExactly(576, 1024);
        assertThat(size(Map.of("prompt", "x"))).containsExactly(1024, 768);
    }

    @Test
    void should_produce_identical_files_for_identical_steps_and_different_ones_otherwise() throws Exception {
        Map<String, Object> params = Map.of("prompt", "A red fox in the snow", "seed", 42, "width", 160, "height", 120);
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        Path c = dir.resolve("c.png");

        textToImage(params, a);
        textToImage(params, b);
        textToImage(Map.of("prompt", "A red fox in the snow", "seed", 43, "width", 160, "height", 120), c);

        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
        assertThat(Files.readAllBytes(c)).isNotEqualTo(Files.readAllBytes(a));
    }

    @Test
    void should_write_jpeg_and_webp_and_note_extra_images() throws Exception {
        Path jpg = dir.resolve("x.jpg");
        Path webp = dir.resolve("x.webp");

        ProviderResult result = textToImage(Map.of("prompt", "x", "width", 64, "height", 64, "num_images", 3), jpg);
        textToImage(Map.of("prompt", "x", "width", 64, "height", 64), webp);

        assertThat(TestImages.read(jpg).getWidth()).isEqualTo(64);
        assertThat(result.metadata()).containsEntry("format", "jpeg").containsEntry("num_images_requested", 3)
                .containsEntry("num_images_rendered", 1);
        assertThat(new String(Files.readAllBytes(webp), 8, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("WEBP");
    }

    @Test
    void should_fail_without_a_prompt_as_a_validation_error() {
        assertThatThrownBy(() -> textToImage(Map.of("width", 64), dir.resolve("x.png")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION))
                .hasMessageContaining("needs a prompt");
    }

    @Test
    void should_transform_an_image_resizing_and_filtering_it() throws Exception {
        Path input = TestImages.writePng(TestImages.halves(200, 100, 0xFF0000, 0x0000FF), dir.resolve("in.png"));
        Path out = dir.resolve("out.png");

        ProviderResult result = Steps.provider().execute(request(Capability.IMAGE_TO_IMAGE, null, Map.of(
                "image", input.toString(), "width", 100, "filter", "grayscale", "rotate", 180,
                "prompt", "make it moody", "strength", 0.7), out, new RecordingContext(dir)));

        BufferedImage image = TestImages.read(out);
        assertThat(image.getWidth()).isEqualTo(100);
        assertThat(image.getHeight()).isEqualTo(50);
        int left = image.getRGB(5, 25); // blue after the rotation, then grey
        assertThat(TestImages.red(left)).isEqualTo(TestImages.green(left)).isEqualTo(TestImages.blue(left));
        assertThat(TestImages.red(left)).isBetween(10, 30); // luma of pure blue
        assertThat(TestImages.red(image.getRGB(95, 25))).isBetween(45, 65); // luma of pure red
        assertThat(result.metadata()).containsEntry("operations", List.of("rotate 180", "resize 100xauto", "grayscale"))
                .containsKey("prompt_note").containsEntry("input_width", 200);
        assertThat(result.qualityScore()).isBetween(0.0, 1.0);
    }

    @Test
    void should_accept_file_urls_and_reframe_with_padding() throws Exception {
        Path input = TestImages.writePng(TestImages.solid(100, 100, 0xFF0000), dir.resolve("square.png"));
        Path out = dir.resolve("wide.jpg");

        Steps.provider().execute(request(Capability.IMAGE_TO_IMAGE, null, Map.of(
                "image_url", input.toUri().toString(), "aspect_ratio", "16:9", "fit", "pad", "background", "black"),
                out, new RecordingContext(dir)));

        BufferedImage image = TestImages.read(out);
        assertThat(image.getWidth()).isEqualTo(178);
        assertThat(TestImages.red(image.getRGB(3, 50))).isLessThan(20);
        assertThat(TestImages.red(image.getRGB(89, 50))).isGreaterThan(230);
    }

    @Test
    void should_name_a_missing_input_file() {
        Path missing = dir.resolve("nowhere.png");

        assertThatThrownBy(() -> Steps.provider().execute(request(Capability.IMAGE_TO_IMAGE, null,
                        Map.of("image", missing.toString(), "filter", "blur"), dir.resolve("o.png"), new RecordingContext(dir))))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION))
                .hasMessageContaining(missing.toString());
    }

    @Test
    void should_analyse_an_image_and_label_the_text_as_not_ai() throws Exception {
        Path input = TestImages.writePng(TestImages.halves(160, 90, 0xFF0000, 0x0000FF), dir.resolve("flag.png"));

        ProviderResult result = Steps.provider().execute(request(Capability.IMAGE_UNDERSTANDING, "gpt-4o",
                Map.of("image", input.toString(), "prompt", "What is in this picture?"), dir.resolve("a.txt"), new RecordingContext(dir)));

        assertThat(result.wroteFile()).isFalse();
        assertThat(result.text()).startsWith("Local analysis (not AI) of flag.png").contains("red #FF0000", "blue #0000FF",
                "cannot answer free-form questions");
        assertThat(result.metadata()).containsEntry("analysis", "local analysis (not AI)").containsEntry("width", 160)
                .containsEntry("orientation", "landscape").containsEntry("question_answered", false)
                .containsEntry("format", "png");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> colours = (List<Map<String, Object>>) result.metadata().get("dominant_colours");
        assertThat(colours).extracting(c -> c.get("name")).containsExactlyInAnyOrder("red", "blue");
        assertThat(result.qualityScore()).isBetween(0.0, 1.0);
    }

    private ProviderResult textToImage(Map<String, Object> params, Path out) throws Exception {
        return Steps.provider().execute(request(Capability.TEXT_TO_IMAGE, "flux-dev", params, out, new RecordingContext(dir)));
    }

    private List<Integer> size(Map<String, Object> params) throws Exception {
        Path out = Files.createTempFile(dir, "size-", ".bmp");
        textToImage(params, out);
        BufferedImage image = TestImages.read(out);
        return List.of(image.getWidth(), image.getHeight());
    }
}
