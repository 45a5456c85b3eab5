package dev.acp.local;

import dev.acp.local.image.ImageStatistics;
import dev.acp.provider.ProviderRequest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Builds result metadata: JSON-friendly values, no nulls, and the facts every local result carries. */
final class Metadata {
    private final Map<String, Object> values = new LinkedHashMap<>();

    /** Starts with {@code provider}, {@code preview} and, when the step named one, {@code requested_model}. */
    static Metadata forRequest(ProviderRequest request) {
        Metadata m = new Metadata();
        m.put("provider", LocalProvider.ID);
        m.put("preview", true);
        request.modelName().ifPresent(model -> m.put("requested_model", model));
        return m;
    }

    Metadata put(String key, @Nullable Object value) {
        if (value != null) {
            values.put(key, value);
        }
        return this;
    }

    /** Rounds to 4 decimals so reports show measurements, not floating-point noise. */
    Metadata putRounded(String key, double value) {
        values.put(key, Math.round(value * 10_000) / 10_000.0);
        return this;
    }

    Metadata putImageStatistics(ImageStatistics s) {
        putRounded("mean_brightness", s.meanLuma());
        putRounded("contrast", s.contrast());
        putRounded("colourfulness", s.colourfulness());
        putRounded("sharpness", s.sharpness());
        return this;
    }

    Map<String, Object> build() {
        return Map.copyOf(values);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
