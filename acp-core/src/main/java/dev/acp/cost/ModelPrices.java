package dev.acp.cost;

import dev.acp.catalog.ProviderCatalog;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model list with each model's price, as {@code acp models} and the server's
 * {@code GET /api/models} show it: one row per model, sorted by provider, capability and name.
 */
public final class ModelPrices {
    private ModelPrices() {}

    /**
     * Rows with {@code model, provider, capability, provider_model_id, unit, price, price_known,
     * source, as_of} and, for retired models, {@code retired, replacement}.
     */
    public static List<Map<String, Object>> rows(ProviderCatalog catalog, PricingCatalog pricing) {
        List<Map<String, Object>> rows = new ArrayList<>();
        catalog.models().values().stream()
                .sorted(Comparator.comparing(ProviderCatalog.ModelEntry::provider)
                        .thenComparing(m -> m.capability().wireName()).thenComparing(ProviderCatalog.ModelEntry::name))
                .forEach(m -> {
                    PriceEntry e = pricing.lookup(m.provider(), m.name(), m.capability()).orElse(null);
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("model", m.name());
                    r.put("provider", m.provider());
                    r.put("capability", m.capability().wireName());
                    r.put("provider_model_id", m.providerModelId());
                    r.put("unit", e == null ? null : e.unit().wireName());
                    r.put("price", e == null ? "unknown" : e.describePrice());
                    r.put("price_known", e != null && e.known());
                    r.put("source", e == null ? null : e.source());
                    r.put("as_of", e == null ? null : e.asOf());
                    if (m.retired() != null) {
                        r.put("retired", m.retired());
                        r.put("replacement", m.replacement());
                    }
                    rows.add(r);
                });
        return rows;
    }
}
