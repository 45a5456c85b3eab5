package dev.acp.engine;

import dev.acp.error.ErrorKind;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A step giving up on one provider for the next alternative of its {@code fallback:} list: from
 * where, to where, why, when, and what the abandoned provider's failed calls cost.
 *
 * @param index the alternative switched to (its position in {@code fallback:}, from 1)
 * @param cost the abandoned provider's failed calls as settled, or null when they were not billed
 */
public record FallbackSwitch(int index, String fromProvider, @Nullable String fromModel, String provider,
        @Nullable String model, ErrorKind errorKind, String error, @Nullable BigDecimal cost, Instant at) {

    /** Metadata key of the switches in a step's result (and so in run.json). */
    public static final String METADATA_KEY = "fallbacks";
    /** Metadata key of what the abandoned providers' failed calls cost in total. */
    public static final String COST_KEY = "fallback_cost";

    public FallbackSwitch {
        Objects.requireNonNull(fromProvider, "fromProvider");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(errorKind, "errorKind");
        Objects.requireNonNull(error, "error");
    }

    /** The plain form kept in a step's metadata: {from_provider, from_model, provider, model, error_kind, error, at, cost}. */
    public Map<String, Object> toMetadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from_provider", fromProvider);
        if (fromModel != null) {
            m.put("from_model", fromModel);
        }
        m.put("provider", provider);
        if (model != null) {
            m.put("model", model);
        }
        m.put("error_kind", errorKind.wireName());
        m.put("error", error);
        m.put("at", at.toString());
        if (cost != null) {
            m.put("cost", cost.toPlainString());
        }
        return m;
    }
}
