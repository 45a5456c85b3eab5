package dev.acp.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.acp.pipeline.Capability;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProviderCatalogTest {

    private static ProviderCatalog parse(String yaml) throws IOException {
        return ProviderCatalog.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private static final String SMALL = """
            version: 1
            providers:
              fal: { name: fal.ai, credentials: [FAL_KEY], capabilities: [text_to_image, text_to_video] }
            retired: { stability: use fal }
            defaults: { text_to_image: fal }
            models:
              flux-dev: { provider: fal, capability: text_to_image, id: fal-ai/flux/dev }
              old: { provider: fal, capability: text_to_video, id: fal-ai/old, retired: "2026-05-12", replacement: flux-dev }
            """;

    @Test
    void reads_providers_models_defaults_and_retirements() throws IOException {
        ProviderCatalog c = parse(SMALL);
        assertThat(c.provider("fal")).hasValueSatisfying(p -> {
            assertThat(p.credentials()).containsExactly("FAL_KEY");
            assertThat(p.capabilities()).containsExactlyInAnyOrder(Capability.TEXT_TO_IMAGE, Capability.TEXT_TO_VIDEO);
        });
        assertThat(c.model("flux-dev")).hasValue(new ProviderCatalog.ModelEntry("flux-dev", "fal",
                Capability.TEXT_TO_IMAGE, "fal-ai/flux/dev"));
        assertThat(c.retiredModel("fal", "fal-ai/old")).hasValueSatisfying(m -> {
            assertThat(m.retired()).isEqualTo("2026-05-12");
            assertThat(m.replacement()).isEqualTo("flux-dev");
        });
        assertThat(c.defaultProvider(Capability.TEXT_TO_IMAGE)).isEqualTo("fal");
        assertThat(c.retired()).containsEntry("stability", "use fal");
    }

    @Test
    void a_misspelt_field_or_an_unknown_provider_breaks_the_build_instead_of_being_ignored() {
        assertThatThrownBy(() -> parse(SMALL.replace("capability: text_to_image, id", "capabilty: text_to_image, id")))
                .hasMessageContaining("model flux-dev has an unknown field capabilty");
        assertThatThrownBy(() -> parse(SMALL.replace("{ provider: fal, capability: text_to_image", "{ provider: fol,"
                + " capability: text_to_image"))).hasMessageContaining("names unknown provider fol");
        assertThatThrownBy(() -> parse(SMALL.replace("text_to_video] }", "text_to_vidoe] }")))
                .hasMessageContaining("unknown capability text_to_vidoe");
    }

    @Test
    void the_built_in_catalog_reads() {
        ProviderCatalog c = ProviderCatalog.builtIn();
        assertThat(c.providers()).containsKeys("fal", "elevenlabs", "openrouter", "openai", "google", "runware", "replicate");
        assertThat(c.models()).hasSizeGreaterThan(40);
    }
}
