package dev.acp.providers.google;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.pipeline.Capability;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The core catalog's google lines and the models the provider knows say the same thing. */
final class GoogleCatalogTest {
    private final ProviderCatalog catalog = ProviderCatalog.builtIn();
    private final List<ProviderCatalog.ModelEntry> google = catalog.models().values().stream()
            .filter(m -> m.provider().equals("google")).toList();

    @Test
    void every_catalog_model_of_google_is_a_gemini_text_model_or_a_known_veo_model() {
        assertThat(google).isNotEmpty().allSatisfy(m -> {
            if (GoogleProviderFactory.VIDEO.contains(m.capability())) {
                assertThat(Veo.KNOWN).as(m.name()).containsKey(m.providerModelId());
            } else {
                assertThat(GoogleProviderFactory.TEXT).as(m.name()).contains(m.capability());
                assertThat(m.providerModelId()).as(m.name()).startsWith("gemini-");
            }
        });
    }

    @Test
    void every_known_veo_model_is_in_the_catalog_for_both_video_capabilities() {
        for (String id : Veo.KNOWN.keySet()) {
            Set<Capability> caps = google.stream().filter(m -> m.providerModelId().equals(id))
                    .map(ProviderCatalog.ModelEntry::capability).collect(Collectors.toSet());
            assertThat(caps).as(id).containsExactlyInAnyOrder(Capability.TEXT_TO_VIDEO, Capability.IMAGE_TO_VIDEO);
        }
    }

    @Test
    void the_default_models_are_in_the_catalog_for_every_capability() {
        for (Capability c : GoogleProviderFactory.CAPABILITIES) {
            assertThat(google).as(c.wireName()).anySatisfy(m -> {
                assertThat(m.capability()).isEqualTo(c);
                assertThat(m.providerModelId()).isEqualTo(GoogleProvider.defaultModel(c));
            });
        }
    }

    @Test
    void the_catalog_entry_for_google_lists_the_factorys_capabilities_and_variables() {
        ProviderCatalog.ProviderEntry entry = catalog.provider("google").orElseThrow();
        assertThat(entry.capabilities()).isEqualTo(GoogleProviderFactory.CAPABILITIES);
        assertThat(entry.credentials()).isEqualTo(GoogleProviderFactory.CREDENTIALS);
    }
}
