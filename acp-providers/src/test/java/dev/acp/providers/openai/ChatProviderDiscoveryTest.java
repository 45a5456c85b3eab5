package dev.acp.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.pipeline.Capability;
import dev.acp.provider.ProviderFactory;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The chat providers are found on the class path and claim exactly what the catalog says they offer. */
final class ChatProviderDiscoveryTest {

    @Test
    void should_be_listed_for_the_service_loader() {
        Map<String, ProviderFactory> found = ServiceLoader.load(ProviderFactory.class).stream()
                .map(ServiceLoader.Provider::get).collect(Collectors.toMap(ProviderFactory::id, f -> f));
        assertThat(found.get("openrouter")).isInstanceOf(OpenRouterProviderFactory.class);
        assertThat(found.get("openai")).isInstanceOf(OpenAiProviderFactory.class);
    }

    @Test
    void should_claim_the_capabilities_and_credentials_of_the_catalog() {
        ProviderCatalog catalog = ProviderCatalog.builtIn();
        for (ProviderFactory f : List.of(new OpenRouterProviderFactory(), new OpenAiProviderFactory())) {
            ProviderCatalog.ProviderEntry entry = catalog.provider(f.id()).orElseThrow();
            assertThat(f.capabilities()).as(f.id()).isEqualTo(entry.capabilities());
            assertThat(f.credentialVariables()).as(f.id()).isEqualTo(entry.credentials());
        }
    }

    @Test
    void should_find_its_default_models_in_the_catalog() {
        ProviderCatalog catalog = ProviderCatalog.builtIn();
        OpenRouterProviderFactory.CATALOG_DEFAULTS.forEach((capability, name) -> {
            ProviderCatalog.ModelEntry m = catalog.model(name).orElseThrow(() -> new AssertionError(name));
            assertThat(m.provider()).isEqualTo("openrouter");
            assertThat(m.capability()).isEqualTo(capability);
        });
        assertThat(OpenRouterProviderFactory.CATALOG_DEFAULTS.keySet()).containsExactlyInAnyOrder(
                Capability.PROMPT_GENERATION, Capability.IMAGE_UNDERSTANDING, Capability.STORY_TO_SCENES);
    }
}
