package dev.acp.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.acp.error.UsageException;
import dev.acp.util.Suggestions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The user's settings in {@code ACP_HOME/config.yaml} (optional): per provider a base URL, an
 * API key (environment variables take precedence), and rate limits.
 *
 * <pre>
 * providers:
 *   fal: { base_url: https://queue.fal.run, max_concurrency: 8, max_jobs: 40, requests_per_second: 10 }
 *   openai: { base_url: http://localhost:11434/v1 }
 * </pre>
 */
public record AcpConfig(Map<String, ProviderConfig> providers) {
    public static final String FILE_NAME = "config.yaml";
    static final List<String> PROVIDER_KEYS =
            List.of("base_url", "api_key", "max_concurrency", "max_jobs", "requests_per_second", "daily_limit");

    /**
     * One provider's settings; null means "not set here".
     *
     * @param dailyLimit the most ACP may spend at this provider per day (UTC), over all runs and
     *     processes sharing this ACP_HOME, in US dollars
     */
    public record ProviderConfig(
            @Nullable String baseUrl,
            @Nullable String apiKey,
            @Nullable Integer maxConcurrency,
            @Nullable Integer maxJobs,
            @Nullable Double requestsPerSecond,
            java.math.@Nullable BigDecimal dailyLimit) {
        static final ProviderConfig EMPTY = new ProviderConfig(null, null, null, null, null, null);

        public ProviderConfig(@Nullable String baseUrl, @Nullable String apiKey, @Nullable Integer maxConcurrency,
                @Nullable Integer maxJobs, @Nullable Double requestsPerSecond) {
            this(baseUrl, apiKey, maxConcurrency, maxJobs, requestsPerSecond, null);
        }
    }

    /** The daily limits of the providers that have one. */
    public Map<String, java.math.BigDecimal> dailyLimits() {
        Map<String, java.math.BigDecimal> out = new LinkedHashMap<>();
        providers.forEach((id, p) -> {
            if (p.dailyLimit() != null) {
                out.put(id, p.dailyLimit());
            }
        });
        return out;
    }

    public AcpConfig {
        providers = Map.copyOf(providers);
    }

    public static AcpConfig empty() {
        return new AcpConfig(Map.of());
    }

    public ProviderConfig provider(String id) {
        return providers.getOrDefault(id, ProviderConfig.EMPTY);
    }

    /** Reads {@code acpHome/config.yaml}; a missing file is an empty configuration. */
    public static AcpConfig load(Path acpHome) {
        Path file = acpHome.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return empty();
        }
        Object root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Object.class);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new UsageException(file + (l == null ? "" : ":" + l.getLineNr() + ":" + l.getColumnNr())
                    + ": cannot parse the configuration: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read the configuration: " + e.getMessage());
        }
        if (root == null) {
            return empty();
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new UsageException(file + ": the configuration must be a map with a 'providers' key");
        }
        for (Object k : top.keySet()) {
            if (!"providers".equals(k)) {
                throw new UsageException(file + ": unknown key '" + k + "'" + Suggestions.nearest(String.valueOf(k),
                        List.of("providers")).map(s -> "; did you mean '" + s + "'?").orElse("; only 'providers' is read"));
            }
        }
        Map<String, ProviderConfig> out = new LinkedHashMap<>();
        if (top.get("providers") instanceof Map<?, ?> ps) {
            ps.forEach((id, v) -> out.put(String.valueOf(id), provider(file, String.valueOf(id), v)));
        } else if (top.get("providers") != null) {
            throw new UsageException(file + ": 'providers' must be a map of provider ids");
        }
        return new AcpConfig(out);
    }

    private static ProviderConfig provider(Path file, String id, @Nullable Object v) {
        if (v == null) {
            return ProviderConfig.EMPTY;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new UsageException(file + ": providers." + id + " must be a map");
        }
        for (Object k : m.keySet()) {
            if (!PROVIDER_KEYS.contains(String.valueOf(k))) {
                throw new UsageException(file + ": unknown key providers." + id + "." + k + Suggestions.nearest(
                        String.valueOf(k), PROVIDER_KEYS).map(s -> "; did you mean '" + s + "'?")
                        .orElse("; known keys: " + String.join(", ", PROVIDER_KEYS)));
            }
        }
        return new ProviderConfig(text(file, id, m, "base_url"), text(file, id, m, "api_key"),
                positiveInt(file, id, m, "max_concurrency"), positiveInt(file, id, m, "max_jobs"),
                positive(file, id, m, "requests_per_second"), dailyLimit(file, id, m));
    }

    private static @Nullable String text(Path file, String id, Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof String s && !s.isBlank()) {
            return s.strip();
        }
        throw new UsageException(file + ": providers." + id + "." + key + " must be text");
    }

    private static @Nullable Integer positiveInt(Path file, String id, Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Integer i && i > 0) {
            return i;
        }
        throw new UsageException(file + ": providers." + id + "." + key + " must be a whole number above 0");
    }

    private static java.math.@Nullable BigDecimal dailyLimit(Path file, String id, Map<?, ?> m) {
        Object v = m.get("daily_limit");
        if (v == null) {
            return null;
        }
        if (v instanceof Number n && n.doubleValue() >= 0) {
            return new java.math.BigDecimal(n.toString());
        }
        throw new UsageException(file + ": providers." + id + ".daily_limit must be an amount of US dollars of 0 or"
                + " more, found '" + v + "'");
    }

    private static @Nullable Double positive(Path file, String id, Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n && n.doubleValue() > 0) {
            return n.doubleValue();
        }
        throw new UsageException(file + ": providers." + id + "." + key + " must be a number above 0");
    }

}
