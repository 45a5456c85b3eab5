package dev.acp.run;

import dev.acp.catalog.ProviderCatalog;
import dev.acp.cost.PipelineEstimate;
import dev.acp.cost.PricesFolder;
import dev.acp.cost.StepEstimate;
import dev.acp.provider.ProviderRegistry;
import java.util.List;
import java.util.Optional;

/**
 * The advice shown once when steps of a provider that publishes its prices have no price: the
 * refresh would give them one. Estimates never fetch prices themselves, so they say how to.
 */
public final class PublishedPricesHint {
    private PublishedPricesHint() {}

    /** "run 'acp models --refresh-prices' to fetch OpenRouter's published prices", or empty. */
    public static Optional<String> of(PipelineEstimate estimate, RunHost acp) {
        ProviderRegistry registry = acp.registry();
        List<String> names = estimate.steps().stream().filter(s -> !s.known()).map(StepEstimate::provider).distinct()
                .filter(p -> registry.has(p) && dev.acp.cost.PublishesPrices.of(registry.provider(p)).isPresent())
                .map(p -> acp.catalog().provider(p).map(ProviderCatalog.ProviderEntry::name).orElse(p)).toList();
        if (names.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("run '" + PricesFolder.REFRESH_COMMAND + "' to fetch " + String.join(" and ", names.stream()
                .map(n -> n + "'s").toList()) + " published prices");
    }
}
