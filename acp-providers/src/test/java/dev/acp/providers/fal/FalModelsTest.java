package dev.acp.providers.fal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.catalog.ProviderCatalog;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider.Issue;
import dev.acp.providers.fal.FalModels.Target;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model catalog as data: resolution of names, input mapping, and checks before a run. */
final class FalModelsTest {
    private final FalModels models = FalModels.builtIn();

    @TempDir
    Path dir;

    @Test
    void the_fal_models_of_the_core_catalog_are_exactly_these_with_the_same_endpoint_ids() {
        Map<String, String> core = new TreeMap<>();
        ProviderCatalog.builtIn().models().values().stream().filter(m -> m.provider().equals("fal"))
                .forEach(m -> core.put(m.name(), m.capability().wireName() + " " + m.providerModelId()));
        Map<String, String> ours = new TreeMap<>();
        models.models().values().forEach(m -> ours.put(m.name(), m.capability().wireName() + " " + m.endpoint()));

        assertThat(ours).isEqualTo(core);
        assertThat(ours).containsEntry("flux-dev", "text_to_image fal-ai/flux/dev")
                .containsEntry("flux-schnell", "text_to_image fal-ai/flux/schnell");
    }

    @Test
    void every_fal_capability_has_a_default_model() {
        for (Capability c : FalProviderFactory.CAPABILITIES) {
            assertThat(models.defaults(c)).as(c.wireName()).isNotEmpty();
        }
    }

    @Test
    void names_resolve_to_catalog_models_endpoint_ids_or_defaults() throws Exception {
        assertThat(models.resolve(Capability.TEXT_TO_IMAGE, "flux-schnell", Map.of()).endpoint())
                .isEqualTo("fal-ai/flux/schnell");
        Target raw = models.resolve(Capability.TEXT_TO_VIDEO, "fal-ai/veo3.1/fast", Map.of());
        assertThat(raw.endpoint()).isEqualTo("fal-ai/veo3.1/fast");
        assertThat(raw.model()).isNull();
        assertThat(models.resolve(Capability.TEXT_TO_IMAGE, null, Map.of()).endpoint()).isEqualTo("fal-ai/flux/dev");
        // An avatar from text alone goes to the model that speaks text.
        assertThat(models.resolve(Capability.AVATAR_GENERATION, null, Map.of("image", "/a.png", "text", "hi"))
                .model().name()).isEqualTo("ai-avatar-text");
        assertThat(models.resolve(Capability.AVATAR_GENERATION, null, Map.of("image", "/a.png", "audio", "/a.mp3"))
                .model().name()).isEqualTo("kling-ai-avatar");
    }

    @Test
    void malformed_endpoint_ids_are_not_sent() {
        assertThat(FalModels.isEndpointId("fal-ai/flux/dev")).isTrue();
        assertThat(FalModels.isEndpointId("workflows/me/my-flow")).isTrue();
        assertThat(FalModels.isEndpointId("fal-ai/../admin")).isFalse();
        assertThat(FalModels.isEndpointId("fal-ai/flux?x=1")).isFalse();
        assertThat(FalModels.isEndpointId("https://evil.example/x")).isFalse();
        assertThat(FalModels.isEndpointId("flux")).isFalse();
    }

    @Test
    void an_unknown_model_name_is_refused_with_a_suggestion() {
        List<Issue> issues = provider().check(Capability.TEXT_TO_IMAGE, "flux-devv", Map.of("prompt", "x"), "png");

        assertThat(issues).singleElement().satisfies(i -> {
            assertThat(i.parameter()).isEqualTo("model");
            assertThat(i.message()).contains("unknown fal model 'flux-devv'");
            assertThat(i.fix()).contains("did you mean 'flux-dev'?").contains("fal-ai/");
        });
        assertThat(provider().check(Capability.TEXT_TO_VIDEO, "flux-dev", Map.of("prompt", "x"), "mp4"))
                .singleElement().satisfies(i -> assertThat(i.message()).contains("is a text_to_image model"));
    }

    @Test
    void outputs_that_cannot_hold_the_media_are_refused() {
        assertThat(provider().check(Capability.TEXT_TO_IMAGE, "flux-dev", Map.of("prompt", "x"), "mp3"))
                .singleElement().satisfies(i -> assertThat(i.fix()).contains(".png"));
        assertThat(provider().check(Capability.TEXT_TO_VIDEO, null, Map.of("prompt", "x"), "gif"))
                .singleElement().satisfies(i -> assertThat(i.fix()).contains(".mp4"));
        // flux makes JPEG or PNG only.
        assertThat(provider().check(Capability.TEXT_TO_IMAGE, "flux-dev", Map.of("prompt", "x"), "webp"))
                .singleElement().satisfies(i -> assertThat(i.message()).contains("cannot write a .webp file"));
        assertThat(provider().check(Capability.TEXT_TO_IMAGE, "flux-dev", Map.of("prompt", "x"), "jpg")).isEmpty();
    }

    @Test
    void values_a_model_cannot_take_are_refused_before_anything_is_paid() {
        assertThat(provider().check(Capability.TEXT_TO_VIDEO, "kling-video", Map.of("prompt", "x", "duration", 7), "mp4"))
                .singleElement().satisfies(i -> {
                    assertThat(i.parameter()).isEqualTo("duration");
                    assertThat(i.message()).isEqualTo("kling-video takes duration 5 or 10, not 7");
                });
        assertThat(provider().check(Capability.TEXT_TO_VIDEO, "minimax-hailuo-pro", Map.of("prompt", "x", "duration", 10),
                "mp4")).singleElement().satisfies(i -> assertThat(i.message()).contains("always makes duration 6"));
        assertThat(provider().check(Capability.TEXT_TO_VIDEO, "google-veo-3",
                Map.of("prompt", "x", "aspect_ratio", "4:3"), "mp4"))
                .singleElement().satisfies(i -> assertThat(i.message()).contains("16:9, 9:16 or 1:1"));
        assertThat(provider().check(Capability.TEXT_TO_IMAGE, "flux-dev", Map.of("prompt", "x", "image_size", "huge"),
                "png")).singleElement().satisfies(i -> assertThat(i.fix()).contains("landscape_16_9"));
        assertThat(provider().check(Capability.IMAGE_TO_VIDEO, "kling-video-image-to-video",
                Map.of("image", "/in.png"), "mp4"))
                .singleElement().satisfies(i -> assertThat(i.message()).contains("needs prompt"));
    }

    @Test
    void the_seed_examples_and_values_known_only_at_run_time_pass() {
        assertThat(provider().check(Capability.TEXT_TO_IMAGE, "flux-dev",
                Map.of("prompt", "A serene mountain landscape", "model", "flux-dev", "image_size", "landscape_16_9"),
                "png")).isEmpty();
        assertThat(provider().check(Capability.TEXT_TO_VIDEO, "minimax-hailuo-pro",
                Map.of("prompt", "Mountains", "model", "minimax-hailuo-pro", "duration", 6), "mp4")).isEmpty();
        assertThat(provider().check(Capability.TEXT_TO_VIDEO, "kling-video",
                Map.of("prompt", "{{steps.idea.output}}", "duration", "{{inputs.seconds}}"), "mp4")).isEmpty();
        assertThat(provider().check(Capability.TEXT_TO_VIDEO, "fal-ai/new/model", Map.of("whatever", 1), "mp4")).isEmpty();
    }

    @Test
    void portable_parameters_become_each_models_input() throws Exception {
        JsonNode flux = build("flux-dev", Capability.TEXT_TO_IMAGE, Map.of("text", "cat", "width", 1280, "height", 720),
                "jpg");
        assertThat(flux.get("prompt").asText()).isEqualTo("cat");
        assertThat(flux.get("image_size").get("width").asInt()).isEqualTo(1280);
        assertThat(flux.get("output_format").asText()).isEqualTo("jpeg");
        assertThat(flux.get("num_images").asInt()).isEqualTo(1);

        JsonNode ratio = build("flux-dev", Capability.TEXT_TO_IMAGE, Map.of("prompt", "cat", "aspect_ratio", "9:16"), "png");
        assertThat(ratio.get("image_size").asText()).isEqualTo("portrait_16_9");

        JsonNode imagen = build("imagen-4", Capability.TEXT_TO_IMAGE,
                Map.of("prompt", "cat", "image_size", "landscape_4_3", "num_images", 2), "png");
        assertThat(imagen.get("aspect_ratio").asText()).isEqualTo("4:3");
        assertThat(imagen.get("num_images").asInt()).isEqualTo(2);
        assertThat(imagen.has("image_size")).isFalse();

        JsonNode veo = build("google-veo-3", Capability.TEXT_TO_VIDEO, Map.of("prompt", "sea", "duration", 8), "mp4");
        assertThat(veo.get("duration").asText()).isEqualTo("8s");

        JsonNode hailuo = build("minimax-hailuo-pro", Capability.TEXT_TO_VIDEO, Map.of("prompt", "sea", "duration", 6), "mp4");
        assertThat(hailuo.get("prompt_optimizer").asBoolean()).isTrue();
        assertThat(hailuo.has("duration")).isFalse();
    }

    @Test
    void a_missing_local_input_file_is_a_validation_failure() {
        assertThatThrownBy(() -> FalInput.build(models.resolve(Capability.IMAGE_TO_VIDEO, null, Map.of()),
                Capability.IMAGE_TO_VIDEO, Map.of("image", dir.resolve("nope.png").toString(), "prompt", "p"), "mp4",
                f -> "unused")).isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.VALIDATION);
                    assertThat(e.getMessage()).contains("does not exist");
                });
    }

    @Test
    void parameters_are_what_the_catalog_models_read() {
        assertThat(provider().parameters(Capability.TEXT_TO_IMAGE))
                .contains("prompt", "text", "image_size", "width", "height", "aspect_ratio", "seed", "num_images",
                        "negative_prompt", "model")
                .doesNotContain("style");
        assertThat(provider().parameters(Capability.IMAGE_TO_VIDEO)).contains("image", "image_url", "image_path", "duration");
        assertThat(provider().deterministic(Capability.TEXT_TO_IMAGE, Map.of("seed", 1))).isTrue();
        assertThat(provider().deterministic(Capability.TEXT_TO_IMAGE, Map.of())).isFalse();
    }

    private JsonNode build(String model, Capability capability, Map<String, Object> parameters, String ext)
            throws Exception {
        return FalInput.build(models.resolve(capability, model, parameters), capability, parameters, ext,
                f -> "https://files.example/" + f.getFileName()).body();
    }

    private FalProvider provider() {
        return new FalTestSupport("http://localhost:1", dir).provider();
    }
}
