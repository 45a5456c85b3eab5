package dev.acp.cost;

import dev.acp.provider.Provider;
import java.util.Optional;

/**
 * A provider that publishes its price list through a free call (OpenRouter's model list, fal's
 * pricing API). Only {@code acp models --refresh-prices} asks for it; estimates read what it stored.
 * Kept beside the provider SPI rather than in it, so that providers know nothing of pricing.
 */
public interface PublishesPrices {

    /** The price list, or empty when this provider's configuration publishes none. */
    Optional<PublishedPrices> publishedPrices();

    /** The price list a provider publishes, if it publishes one. */
    static Optional<PublishedPrices> of(Provider provider) {
        return provider instanceof PublishesPrices p ? p.publishedPrices() : Optional.empty();
    }
}
