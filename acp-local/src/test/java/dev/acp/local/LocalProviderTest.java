package dev.acp.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.local.testing.Steps;
import dev.acp.local.testing.TestHome;
import dev.acp.pipeline.Capability;
import dev.acp.provider.Provider;
import dev.acp.provider.Provider.Issue;
import dev.acp.provider.ProviderContext;
import dev.acp.provider.ProviderFactory;
import dev.acp.provider.ProviderRegistry;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalProviderTest {
    private final Provider provider = Steps.provider();

    @Test
    void should_be_discovered_by_the_service_loader_with_exactly_its_capabilities() {
        ProviderRegistry registry = ProviderRegistry.discover(
                ProviderContext.of(TestHome.isolatedEnvironment(), TestHome.acpHome(), Clock.systemUTC()));

        ProviderFactory factory = registry.factory("local").orElseThrow();
        Provider created = registry.provider("local");

        assertThat(factory).isInstanceOf(LocalProviderFactory.class);
        assertThat(factory.credentialVariables()).isEmpty();
        assertThat(factory.capabilities()).isEqualTo(EnumSet.of(
                Capability.TEXT_TO_IMAGE, Capability.IMAGE_TO_IMAGE, Capability.TEXT_TO_SPEECH, Capability.TEXT_TO_VIDEO,
                Capability.IMAGE_TO_VIDEO, Capability.PROMPT_GENERATION, Capability.IMAGE_UNDERSTANDING,
                Capability.STORY_TO_SCENES, Capability.ASSEMBLE_VIDEO, Capability.VIDEO_TO_VIDEO));
        assertThat(created.id()).isEqualTo("local");
        assertThat(created.capabilities()).isEqualTo(factory.capabilities());
        assertThat(created.preview()).isTrue();
    }

    @Test
    void should_list_the_parameters_each_capability_reads() {
        assertThat(provider.parameters(Capability.TEXT_TO_IMAGE))
                .contains("prompt", "seed", "width", "height", "image_size", "aspect_ratio", "num_images")
                .doesNotContain("guidance_scale", "num_inference_steps");
        assertThat(provider.parameters(Capability.IMAGE_TO_IMAGE))
                .contains("image", "filter", "brightness", "contrast", "saturation", "rotate", "flip", "fit", "prompt");
        assertThat(provider.parameters(Capability.TEXT_TO_SPEECH))
                .contains("text", "voice", "speed", "rate", "pitch").doesNotContain("stability");
        assertThat(provider.parameters(Capability.TEXT_TO_VIDEO)).contains("prompt", "duration", "fps", "motion", "resolution");
        assertThat(provider.parameters(Capability.IMAGE_TO_VIDEO)).contains("image", "duration", "aspect_ratio");
        assertThat(provider.parameters(Capability.PROMPT_GENERATION)).contains("prompt", "topic", "style", "count");
        assertThat(provider.parameters(Capability.IMAGE_UNDERSTANDING)).contains("image", "question");
        assertThat(provider.parameters(Capability.AVATAR_GENERATION)).isEmpty();
    }

    @Test
    void should_accept_the_seed_examples() {
        assertThat(check(Capability.TEXT_TO_IMAGE, Map.of("prompt", "A serene mountain landscape at sunset",
                "image_size", "landscape_16_9"), "png")).isEmpty();
        assertThat(check(Capability.TEXT_TO_VIDEO, Map.of("prompt", "Mountains", "duration", 6), "mp4")).isEmpty();
        assertThat(check(Capability.TEXT_TO_VIDEO, Map.of("prompt", "Mountains", "duration", "5", "aspect_ratio", "1280:720"), "mp4")).isEmpty();
        assertThat(check(Capability.TEXT_TO_SPEECH, Map.of("text", "Hello", "voice", "Rachel"), "mp3")).isEmpty();
    }

    @Test
    void should_reject_unsupported_output_extensions_with_a_fix() {
        List<Issue> issues = check(Capability.TEXT_TO_IMAGE, Map.of("prompt", "x"), "gif");

        assertThat(issues).singleElement().satisfies(i -> {
            assertThat(i.parameter()).isNull();
            assertThat(i.message()).contains(".gif");
            assertThat(i.fix()).contains(".png", ".webp");
        });
        assertThat(check(Capability.TEXT_TO_SPEECH, Map.of("text", "x"), "mid")).hasSize(1);
        assertThat(check(Capability.IMAGE_TO_VIDEO, Map.of("image", "/a.png"), "gif")).hasSize(1);
        assertThat(check(Capability.PROMPT_GENERATION, Map.of("prompt", "x"), "png")).hasSize(1);
    }

    @Test
    void should_reject_obviously_bad_values_one_line_each() {
        assertThat(parameters(check(Capability.TEXT_TO_IMAGE, Map.of("prompt", "x", "width", 0), "png"))).containsExactly("width");
        assertThat(parameters(check(Capability.TEXT_TO_IMAGE, Map.of("prompt", "x", "aspect_ratio", "7:5"), "png"))).containsExactly("aspect_ratio");
        assertThat(parameters(check(Capability.TEXT_TO_IMAGE, Map.of("prompt", "x", "image_size", "huge"), "png"))).containsExactly("image_size");
        assertThat(parameters(check(Capability.TEXT_TO_VIDEO, Map.of("prompt", "x", "duration", -2), "mp4"))).containsExactly("duration");
        assertThat(parameters(check(Capability.TEXT_TO_VIDEO, Map.of("prompt", "x", "motion", "spin", "fps", 0), "mp4")))
                .containsExactlyInAnyOrder("motion", "fps");
        assertThat(parameters(check(Capability.IMAGE_TO_IMAGE, Map.of("image", "/a.png", "filter", List.of("sepia", "glitter")), "png")))
                .containsExactly("filter");
        assertThat(parameters(check(Capability.IMAGE_TO_IMAGE, Map.of("image", "/a.png", "rotate", 45), "png"))).containsExactly("rotate");
        assertThat(parameters(check(Capability.TEXT_TO_SPEECH, Map.of("text", "x", "speed", 3), "wav"))).containsExactly("speed");
        assertThat(parameters(check(Capability.TEXT_TO_SPEECH, Map.of(), "wav"))).containsExactly("text");
        assertThat(parameters(check(Capability.IMAGE_TO_IMAGE, Map.of(), "png"))).containsExactly("image");
        assertThat(parameters(check(Capability.IMAGE_UNDERSTANDING, Map.of("image", "https://example.com/a.png"), "txt")))
                .containsExactly("image");

        List<Issue> issues = check(Capability.TEXT_TO_IMAGE, Map.of("prompt", "x", "width", 0), "png");
        assertThat(issues.getFirst().message()).isEqualTo("width must be between 16 and 8192, was 0");
        assertThat(issues.getFirst().fix()).contains("width");
    }

    @Test
    void should_not_judge_templated_values_before_they_are_filled_in() {
        Map<String, Object> params = new HashMap<>();
        params.put("image", "{{steps.hero.output}}");
        params.put("duration", "{{inputs.seconds}}");
        params.put("motion", "${MOTION}");

        assertThat(check(Capability.IMAGE_TO_VIDEO, params, "mp4")).isEmpty();
        assertThat(check(Capability.TEXT_TO_SPEECH, Map.of("text", "{{steps.story.text}}"), "mp3")).isEmpty();
    }

    private List<Issue> check(Capability capability, Map<String, Object> params, String extension) {
        return provider.check(capability, "some-model", params, extension);
    }

    private static List<String> parameters(List<Issue> issues) {
        return issues.stream().map(Issue::parameter).toList();
    }
}
