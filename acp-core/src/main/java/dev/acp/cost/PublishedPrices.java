package dev.acp.cost;

import dev.acp.error.ProviderException;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A provider that publishes its own prices through a free call (OpenRouter's {@code GET /models},
 * fal's {@code GET /v1/models/pricing}).
 * Only {@code acp models --refresh-prices} calls it, at the user's request: estimates never reach
 * the network, they read what the last refresh stored in {@code ACP_HOME/prices/}.
 */
public interface PublishedPrices {

    /**
     * Why the list cannot be fetched now, when that is known before asking (its key is not set),
     * so that a refresh of every provider's list skips this one with the reason instead of failing.
     */
    default java.util.Optional<String> unavailable() {
        return java.util.Optional.empty();
    }

    /** The provider id the prices are for ({@code openrouter}); also the name of the stored file. */
    String provider();

    /**
     * Fetches the current price list.
     *
     * @param asOf the date written into every entry (the day of the fetch, from the injected clock)
     * @param modelIds the provider's own ids of the models of interest (its catalog models and those
     *     of the pipelines named): a provider that prices only the models it is asked about (fal)
     *     asks for these; one whose whole list comes in one call (OpenRouter) ignores them
     * @throws ProviderException classified like any call of the provider (refused key, rate limit,
     *     unreachable, an answer that is not a price list)
     */
    PriceList fetch(LocalDate asOf, Set<String> modelIds) throws ProviderException, InterruptedException;

    /**
     * What one fetch found.
     *
     * @param entries the usable prices, one per model id, in the provider's order
     * @param skipped models left out, each with why (no price, a negative price, not a number, not
     *     listed by the provider)
     */
    record PriceList(String provider, LocalDate asOf, List<PriceEntry> entries, List<Skipped> skipped) {
        public PriceList {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(asOf, "asOf");
            entries = List.copyOf(entries);
            skipped = List.copyOf(skipped);
        }
    }

    /** A model the price list names without a usable price. */
    record Skipped(String model, String reason) {}
}
